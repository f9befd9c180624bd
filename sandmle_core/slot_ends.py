"""How a slot that ends without building is recorded: out of attempts (`give_up`: failed/<env_id>.json with every
attempt's history), an attempt withheld at publish as alike in pixel statistics (`withheld_as_alike`, `ALIKE_ERROR`),
or a slot already published (`cached_outcome`). `generate` calls them; nothing here builds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sandmle_core.outcomes import EnvHashes, SlotOutcome
from sandmle_core.publish import Publication, published_environments
from sandmle_core.records import FailureRecord, write_failure

if TYPE_CHECKING:
    from sandmle_core.agents.base import Backend, Usage
    from sandmle_core.layout import Corpus
    from sandmle_core.slots import SlotKey

__all__ = ["ALIKE_ERROR", "cached_outcome", "give_up", "told_rejected", "withheld_as_alike"]

ALIKE_ERROR = "AlikeImages"
"""The error type of an attempt withheld at publish as alike in pixel statistics to a published environment (the
failure record's history, and the slot's own when every attempt was)."""


def withheld_as_alike(attempt: int, env_id: str, publication: Publication) -> str:
    """How an attempt withheld for its images is told in the slot's notes, history and (last) failure reason."""
    return f"attempt {attempt} ({env_id}) withheld as alike to {publication.twin_of} ({publication.reason})"


def told_rejected(attempt: int, env_id: str, stage: str, reason: str) -> str:
    """How a rejected attempt of a slot that landed later is told in its notes: the attempt, the stage that stopped
    it and the first 200 characters of its reason (a slot that runs out of attempts keeps every attempt's first 300
    in its failure record's history instead)."""
    return f"attempt {attempt} ({env_id}) rejected at {stage}: {reason[:200]}"


def give_up(key: SlotKey, seed_ref: str, corpus: Corpus, backend: Backend, history: list[dict[str, str | int]],
            outcome: SlotOutcome) -> SlotOutcome:
    """Record a slot that ran out of attempts (or could not be drafted) in failed/<env_id>.json, with the history
    of every attempt (`write_failure` keeps the attempts of earlier builds and regenerations in front)."""
    last = {"attempt": outcome.attempts, "env_id": outcome.env_id, "stage": outcome.stage or "validate",
            "error_type": outcome.error_type or "Error", "message": (outcome.message or "")[:300]}
    if not history or history[-1]["attempt"] != outcome.attempts:
        history = [*history, last]
    write_failure(corpus, FailureRecord(env_id=outcome.env_id, seed_id=key.seed_id, seed_ref=seed_ref,
                                        index=key.index, rng_seed=key.rng_seed, backend=backend.name,
                                        stage=outcome.stage or "validate", error_type=outcome.error_type or "Error",
                                        message=outcome.message or "", attempts=outcome.attempts, history=history))
    return outcome


def cached_outcome(key: SlotKey, env_id: str, attempt: int, corpus: Corpus, timings: dict[str, float], usage: Usage
                   ) -> SlotOutcome:
    """A slot already published by an earlier run: not rebuilt, its hashes read from the corpus."""
    fp = published_environments(corpus).get(env_id)
    hashes = None if fp is None else EnvHashes(spec_hash=fp.spec_hash, schema_hash=fp.schema_hash,
                                               data_hash=fp.data_hash, files={})
    return SlotOutcome(key, env_id, "cached", attempt, None, None, timings, usage, hashes)
