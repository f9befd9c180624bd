"""What the flows share: the Dask task runner for a build, the API URL its workers need, and the untagged context its
slots are submitted in.

The LocalCluster's worker processes are forked from a multiprocessing forkserver that imported the heavy libraries
once (`FORKSERVER_PRELOAD`), not spawned: a spawned worker spent ~5 CPU seconds importing them before its first slot,
once per worker and per build (16 workers: 16 times). A forked worker keeps the forkserver's environment, which is
the flow process's when the server started (an earlier build of the same process, with its own PREFECT_API_URL or
fault plan), so each worker gets the flow process's environment as it is now, exactly (`_worker_env.py`); its working
directory and `sys.path` come with the process object, as for a spawned one. Prefect is not preloaded: it reads its
settings from the environment when it is imported.

Progress reaches a caller through Prefect itself — the task runs' names and final states (see `tasks/stages.py`) —
never through callbacks registered here.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from sandmle.flows._worker_env import ENV_KEYS

__all__ = ["CONTRACTS_PRELOAD", "FORKSERVER_PRELOAD", "cluster_kwargs", "dask_runner", "export_api_url", "untagged"]

FORKSERVER_PRELOAD = ("distributed", "numpy", "pandas", "pyarrow.parquet", "scipy.stats", "sklearn.ensemble",
                      "sklearn.linear_model", "PIL.Image", "pydantic", "yaml")
"""Modules the forkserver imports before it forks Dask workers (measured 2026-12-07, CPU seconds in a fresh process:
great-expectations (`CONTRACTS_PRELOAD`) 1.76, scipy.stats 0.61, distributed 0.43, pandas 0.22, sklearn.ensemble
0.22): ~3.5 of the ~5.4 s a spawned worker spent importing. Prefect (0.80) and sandmle (0.43) are left to each worker:
they read settings."""
CONTRACTS_PRELOAD = ("great_expectations",)
"""Preloaded as well when the build checks its data contracts. A build without them (`--no-contracts`) never imports
great-expectations, and preloading it cost that build ~2 CPU seconds (a one-slot CLI build: a median 25.7 -> 23.6 s
of machine CPU, 2026-12-07). The forkserver reads its list once, when a process's first cluster starts: a later
cluster of the same process with the other setting keeps the first list (its workers import great-expectations on
first use)."""


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


def _use_forkserver(contracts: bool) -> None:
    """Make this process's LocalClusters fork their workers from a forkserver that preloads `FORKSERVER_PRELOAD` (and
    `CONTRACTS_PRELOAD` for a build that checks its contracts).

    Dask sets the forkserver's preload list itself, once, the first time it asks for the context: asked first here,
    its list is then extended (the server reads the list when it starts, at the first worker)."""
    import multiprocessing

    import dask
    from distributed.utils import get_mp_context
    from distributed.versions import optional_packages, required_packages

    dask.config.set({"distributed.worker.multiprocessing-method": "forkserver"})
    get_mp_context()
    names = ["distributed", *required_packages, *optional_packages, *FORKSERVER_PRELOAD,  # an absent one is skipped
             *(CONTRACTS_PRELOAD if contracts else ())]
    multiprocessing.get_context("forkserver").set_forkserver_preload(list(dict.fromkeys(names)))


def cluster_kwargs(n: int, work_dir: Path, contracts: bool = True) -> dict:
    """The LocalCluster of a build: `n` one-thread process workers, forked from the preloaded forkserver, each given
    this process's environment as it is now (and nothing else: `_worker_env.py`)."""
    _use_forkserver(contracts)
    env = dict(os.environ)
    env[ENV_KEYS] = json.dumps(sorted(env))
    return {"n_workers": n, "threads_per_worker": 1, "processes": True,
            "dashboard_address": os.environ.get("SANDMLE_DASK_DASHBOARD", ":0"), "local_directory": str(work_dir),
            "memory_limit": "auto", "env": env, "preload": ["sandmle.flows._worker_env"]}


def dask_runner(workers: int | None, dask_address: str | None, work_dir: Path, contracts: bool = True):
    """A DaskTaskRunner: the scheduler at `dask_address`, or a LocalCluster (`cluster_kwargs`) sized to the machine
    (`contracts`: the build checks its data contracts)."""
    from prefect_dask import DaskTaskRunner

    if dask_address:
        return DaskTaskRunner(address=dask_address)
    work_dir.mkdir(parents=True, exist_ok=True)
    return DaskTaskRunner(cluster_class="distributed.LocalCluster",
                          cluster_kwargs=cluster_kwargs(workers or max(1, os.cpu_count() or 1), work_dir, contracts))
