"""The corpus build without an orchestrator: the benchmark's baseline, and a quick fixture builder for tests.

`build_plain` chains the pipeline's own functions (analyze a seed, plan its slots, run each slot, count diversity,
summarize) in a plain loop, so the benchmark can compare the Prefect flow against the very same core calls.

Imports: the build wing's `sandmle_core.pipeline` and the format wing's layout and records.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sandmle_core.generate import ContractChecker
from sandmle_core.layout import Corpus
from sandmle_core.pipeline import analyze_seed, count_diversity, plan_slots, read_profile, run_slot, summarize
from sandmle_core.records import ManifestWriter
from sandmle_core.recovery import unrecorded_rows

__all__ = ["build_plain"]


def build_plain(seed_refs: Iterable[str], out: str | Path, per_seed: int, rng_seed: int = 0,
                backend: str = "offline", check_contracts: ContractChecker | None = None) -> dict[str, Any]:
    """The whole build in one process without an orchestrator (the benchmark's baseline).

    Returns:
        {"rows": [ManifestRow, ...], "diversity", "wall_seconds", "summary"}.
    """
    start = time.perf_counter()
    corpus = Corpus(Path(out))
    corpus.root.mkdir(parents=True, exist_ok=True)
    writer = ManifestWriter(corpus)
    writer.add(*unrecorded_rows(corpus))  # environments a killed build published but never recorded
    for ref in seed_refs:
        _, path = analyze_seed(ref, corpus.root)
        for job in plan_slots(ref, read_profile(path), per_seed, rng_seed, corpus.root, backend):
            writer.add(run_slot(job, check_contracts))  # per slot: a killed build keeps its rows
    writer.close()
    diversity = count_diversity(writer.rows)
    wall = time.perf_counter() - start
    return {"rows": writer.rows, "diversity": diversity, "wall_seconds": wall,
            "summary": summarize(writer.rows, diversity, wall)}
