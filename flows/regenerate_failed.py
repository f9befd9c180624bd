"""Regenerate only the failed environments of a corpus, with a fresh rng seed per attempt.

Imports: prefect, `sandmle.tasks`, `sandmle.flows` (the shared fan-out) and `sandmle_core`.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from prefect import flow
from sandmle.flows._common import dask_runner, export_api_url
from sandmle.flows.build_corpus import budget_report, build_environments, finish
from sandmle.tasks import stages

from sandmle_core.budget import InvalidBudget, parse_budget
from sandmle_core.errors import UnsupportedSeed
from sandmle_core.generate import DEFAULT_ATTEMPTS
from sandmle_core.pipeline import count_diversity, failed_seed_refs, read_profile, regeneration_jobs
from sandmle_core.records import ManifestRow

__all__ = ["regenerate_failed"]


@flow(name="regenerate-failed", log_prints=True)
def regenerate_failed(corpus: str = "corpus", backend: str = "offline", dask_address: str | None = None,
                      workers: int | None = None, max_attempts: int = DEFAULT_ATTEMPTS,
                      contracts: bool = True, budget_usd: float | None = None) -> dict[str, Any]:
    """Re-run every slot with a failure record; attempts continue from the recorded count, so each retry drafts with
    a new rng seed. A slot that lands has its failure record removed. Seeds are profiled by the `analyze-seed` task
    (cached across runs). The run ends Failed when a retried slot failed again, or when `budget_usd` (claude only,
    as in `build_corpus`) stopped it before every slot started: those slots get `unbuilt` rows and keep their
    failure records, so the next regeneration retries them (see `build_corpus.finish`)."""
    if budget_usd is not None:
        budget_usd = parse_budget(budget_usd)
        if backend == "offline":
            raise InvalidBudget("a budget is for the claude backend: the offline backend makes no API calls")
    start = time.perf_counter()
    root = Path(corpus).resolve()
    profiles = {}
    unsupported: dict[str, str] = {}
    for ref in failed_seed_refs(root):
        try:
            _, path = stages.analyze_seed(ref, str(root))
        except UnsupportedSeed as exc:  # still unsupported: its failure records stay, the others are retried
            unsupported[ref] = exc.problem
            continue
        profiles[ref] = read_profile(path)
    jobs = regeneration_jobs(root, profiles, backend, max_attempts=max_attempts)
    rows: list[ManifestRow] = []
    if jobs:
        export_api_url()
        window = workers or max(1, os.cpu_count() or 1)  # one slot per worker in flight when a budget is set
        runner = dask_runner(workers, dask_address, root / ".work" / "dask", contracts)
        rows = build_environments.with_options(task_runner=runner)(
            jobs, str(root), contracts, None, None, budget_usd, window)
        rows = [r for r in rows if r.slot in {str(job.key) for job in jobs}]  # the regenerated slots only
    wall = time.perf_counter() - start
    summary = stages.publish_summary(rows, count_diversity(rows), wall, str(root),
                                     {"flow": "regenerate-failed", "backend": backend, "wall_seconds": round(wall, 3)})
    fixed = sum(r.status == "accepted" for r in rows)
    still = sum(r.status in stages.FAILED_STATUSES for r in rows)
    result = {"corpus": str(root), "retried": len(jobs), "fixed": fixed, "still_failed": len(jobs) - fixed,
              "summary": summary, "unsupported_seeds": unsupported}
    if budget_usd is not None:
        result["budget"] = budget_report(rows, jobs, budget_usd)
    return finish(result, still, sorted(unsupported))
