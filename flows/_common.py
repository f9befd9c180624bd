"""What the flows share: the Dask task runner for a build, the API URL its workers need, and the untagged context its
slots are submitted in.

Progress reaches a caller through Prefect itself — the task runs' names and final states (see `tasks/stages.py`) —
never through callbacks registered here.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["dask_runner", "export_api_url", "untagged"]


def untagged():
    """A context in which submitted task runs carry no tags, not even the caller's (`with tags(...)` of the CLI).

    Prefect's task engine asks the API for tag-based concurrency slots for every tag a task run carries, one round
    trip per task run (its 5-second "no limit" cache aside). Measured on a 1-worker build (2026-12-05, 24 slots): the
    tagged slots waited ~2 s for that answer every 4-5 slots, 6 stalls in 74.3 s; untagged, none in 68.4 s. The flow
    runs keep their tags; the slots are found through them (`sandmle.cli.progress`)."""
    from prefect.context import TagsContext

    return TagsContext(current_tags=set())


def export_api_url() -> str | None:
    """Export the flow's API URL so that Dask worker processes report to the same API instead of each starting an
    ephemeral server of its own (10–14 s each, and they time out on 2 cores)."""
    if os.environ.get("PREFECT_API_URL"):
        return os.environ["PREFECT_API_URL"]
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        url = str(client.api_url)
    if url.startswith("http"):
        os.environ["PREFECT_API_URL"] = url
        return url
    return None


def dask_runner(workers: int | None, dask_address: str | None, work_dir: Path):
    """A DaskTaskRunner: the scheduler at `dask_address`, or a LocalCluster of process workers sized to the machine."""
    from prefect_dask import DaskTaskRunner

    if dask_address:
        return DaskTaskRunner(address=dask_address)
    n = workers or max(1, os.cpu_count() or 1)
    work_dir.mkdir(parents=True, exist_ok=True)
    return DaskTaskRunner(
        cluster_class="distributed.LocalCluster",
        cluster_kwargs={
            "n_workers": n,
            "threads_per_worker": 1,
            "processes": True,
            "dashboard_address": os.environ.get("SANDMLE_DASK_DASHBOARD", ":0"),
            "local_directory": str(work_dir),
            "memory_limit": "auto",
        },
    )
