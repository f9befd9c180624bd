"""Unsupported seeds in a build: every slot of a refused seed recorded in failed/ with the reason, as a typed outcome.

A seed whose Task DNA no registered generator family keeps (`UnsupportedSeed`) is not built as another modality and
does not stop the build: each of its K slots gets a failure record (stage `profile`, error type `UnsupportedSeed`,
the profile's reason) and a `failed` manifest row, and the build's result lists the seed under `unsupported_seeds`
so its exit status can say some seeds were refused (`sandmle build` exits 3 then; see README).
"""

from __future__ import annotations

from pathlib import Path

from sandmle_core.layout import Corpus
from sandmle_core.records import FailureRecord, ManifestRow, slot_key, write_failure

__all__ = ["UNSUPPORTED_EXIT", "unsupported_rows"]

UNSUPPORTED_EXIT = 3
"""`sandmle build`'s exit status when the build finished but some seeds were refused as unsupported."""


def unsupported_rows(seed_id: str, seed_ref: str, reason: str, per_seed: int, rng_seed: int,
                     corpus_root: str | Path, backend: str) -> list[ManifestRow]:
    """Record the `per_seed` slots of a refused seed in failed/ and return their manifest rows.

    Args:
        seed_id: the seed's (normalised) id.
        seed_ref: the reference the build was given (kept so `regenerate` knows the seed).
        reason: the profile's reason (`unsupported modality: audio — ...`).
        per_seed, rng_seed, corpus_root, backend: the build's parameters.

    Returns:
        One `failed` row per slot, stage `profile`.
    """
    corpus = Corpus(Path(corpus_root))
    rows = []
    for index in range(per_seed):
        env_id = f"{seed_id}-slot{index:03d}"
        write_failure(corpus, FailureRecord(env_id=env_id, seed_id=seed_id, seed_ref=seed_ref, index=index,
                                            rng_seed=rng_seed, backend=backend, stage="profile",
                                            error_type="UnsupportedSeed", message=reason[:2000]))
        rows.append(ManifestRow(slot=slot_key(seed_id, rng_seed, index), env_id=env_id, seed_id=seed_id,
                                index=index, rng_seed=rng_seed, attempt_rng_seed=rng_seed, status="failed",
                                stage="profile", reason=f"UnsupportedSeed: {reason}"[:500], backend=backend))
    return rows
