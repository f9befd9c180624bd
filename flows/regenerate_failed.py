"""Regenerate only the failed environments of a corpus, with a fresh rng seed per attempt."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from prefect import flow
from sandmle.flows._common import dask_runner, export_api_url
from sandmle.flows.build_corpus import build_environments
from sandmle.tasks import stages

from sandmle_core.generate import DEFAULT_ATTEMPTS
from sandmle_core.pipeline import regeneration_jobs

__all__ = ["regenerate_failed"]


@flow(name="regenerate-failed", log_prints=True)
def regenerate_failed(corpus: str = "corpus", backend: str = "offline", dask_address: str | None = None,
                      workers: int | None = None, max_attempts: int = DEFAULT_ATTEMPTS,
                      contracts: bool = True) -> dict[str, Any]:
    """Re-run every slot with a failure record; attempts continue from the recorded count, so each retry drafts with
    a new rng seed. A slot that lands has its failure record removed."""
    start = time.perf_counter()
    root = Path(corpus).resolve()
    jobs = regeneration_jobs(root, backend, max_attempts=max_attempts)
    rows: list[dict[str, Any]] = []
    if jobs:
        export_api_url()
        rows = build_environments.with_options(task_runner=dask_runner(workers, dask_address, root / ".work" / "dask"))(
            jobs, contracts)
    rows, diversity = stages.filter_corpus(str(root), rows)
    stages.write_manifest(str(root), rows)
    summary = stages.publish_summary(rows, diversity, time.perf_counter() - start)
    fixed = sum(r["status"] == "accepted" for r in rows)
    return {"corpus": str(root), "retried": len(jobs), "fixed": fixed, "still_failed": len(jobs) - fixed,
            "summary": summary}
