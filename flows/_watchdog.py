"""The Dask cluster watchdog of a build: a build whose workers are gone never hangs.

Dask re-runs the tasks of a lost worker on the workers left, and the nanny of a LocalCluster restarts a worker process
that died. Neither helps when the scheduler itself dropped the workers: each worker then hears "Scheduler was unaware
of this worker", shuts down with its nanny, and nothing starts them again — the slot tasks wait for a worker forever
(seen 2026-12-03 on a loaded 2-core machine: the flow stayed Running with no workers, no error and no exit).

`ClusterWatchdog.check()` runs between waits for the slots: when the cluster has had fewer workers than it was
started with for `grace` seconds, it starts the missing workers again (a LocalCluster this build started; Dask then
runs the waiting tasks on them), at most `max_restarts` times; when it has had no worker for `grace` seconds and may
not (or cannot: a cluster at `--dask-address`) start any, it raises `ClusterLost`.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Iterator
from typing import Any

__all__ = ["POLL_SECONDS", "ClusterLost", "ClusterWatchdog", "finished_futures", "mark_lost", "removal_causes",
           "watchdog_settings"]

POLL_SECONDS = 5.0
"""How often the build looks at the cluster while it waits for slots."""


class ClusterLost(RuntimeError):
    """The build's Dask cluster has had no worker for the grace period and none can be started: the slots still
    running cannot finish. The finished slots are recorded; a re-run builds the rest. `pending` holds the futures
    of the slots that were still running."""

    def __init__(self, message: str, pending: list[Any] | None = None):
        super().__init__(message)
        self.pending = pending or []


def watchdog_settings() -> tuple[float, int]:
    """(grace seconds, restarts): `SANDMLE_DASK_LOST_GRACE` (default 60) and `SANDMLE_DASK_RESTARTS` (default 2)."""
    return (float(os.environ.get("SANDMLE_DASK_LOST_GRACE", "60")),
            int(os.environ.get("SANDMLE_DASK_RESTARTS", "2")))


class ClusterWatchdog:
    """Watches the worker count of a DaskTaskRunner's cluster; see the module docstring."""

    def __init__(self, runner: Any, logger: Any, grace: float | None = None, max_restarts: int | None = None):
        default_grace, default_restarts = watchdog_settings()
        self.runner = runner
        self.logger = logger
        self.grace = default_grace if grace is None else grace
        self.max_restarts = default_restarts if max_restarts is None else max_restarts
        self.restarts = 0
        self.expected: int | None = None  # the worker count the cluster started with
        self._short_since: float | None = None

    def _cluster(self) -> Any:
        """The LocalCluster this build started (None for a cluster at --dask-address: not ours to restart)."""
        from distributed.deploy.spec import SpecCluster

        cluster = getattr(self.runner, "_cluster", None)
        return cluster if isinstance(cluster, SpecCluster) and getattr(self.runner, "address", None) is None else None

    def workers(self) -> int:
        """The workers the scheduler knows now."""
        return len(self.runner.client.ncores())

    def check(self) -> None:
        """Look once; restart the missing workers or raise `ClusterLost` when they have been missing for `grace`.

        Raises:
            ClusterLost: no worker for `grace` seconds, and no restart left (or the cluster is not this build's).
        """
        now = time.monotonic()
        count = self.workers()
        if self.expected is None:
            self.expected = max(count, len(getattr(self._cluster(), "worker_spec", {}) or {}))
        if count >= (self.expected or 1):
            self._short_since = None
            return
        if self._short_since is None:
            self._short_since = now
            self.logger.warning("the Dask cluster has %d of its %d worker(s) (%s); waiting up to %.0f s for them",
                                count, self.expected, removal_causes(self.runner.client), self.grace)
            return
        if now - self._short_since < self.grace:
            return
        cluster = self._cluster()
        if cluster is not None and self.restarts < self.max_restarts:
            self.restarts += 1
            self.logger.warning("the Dask cluster had %d of its %d worker(s) for %.0f s: starting the missing "
                                "worker(s) again (restart %d of %d); their slots run again on them", count,
                                self.expected, now - self._short_since, self.restarts, self.max_restarts)
            _start_missing(cluster, self.runner.client)
            self._short_since = now
            return
        if count > 0:  # Dask runs the lost worker's slots on the workers left: slower, not stuck
            return
        if cluster is not None:  # a dropped worker may still run its slot and report to Prefect: stop it first
            for nanny in cluster.workers.values():
                _kill_worker_process(nanny)
        why = (f"{self.restarts} restart(s) of its workers did not hold" if cluster is not None
               else "the cluster at --dask-address is not this build's to restart")
        raise ClusterLost(f"the Dask cluster lost all its workers and had none for {now - self._short_since:.0f} s "
                          f"({why}); the slots still running cannot finish")


def removal_causes(client: Any) -> str:
    """Why the scheduler removed workers, from its own event log: each removal's stimulus id says what did it —
    `handle-worker-cleanup` (the worker's connection closed), `check-worker-ttl` (no heartbeat for
    distributed.scheduler.worker-ttl), `retire-workers`... Dask logs these at INFO only, which the CLI hides."""
    try:
        events = client.get_events("all")
    except Exception as exc:  # the diagnosis is a courtesy: the watchdog goes on without it
        return f"the scheduler's events could not be read: {type(exc).__name__}"
    removed = [f"{msg.get('worker')} by {str(msg.get('stimulus_id', '?')).rsplit('-', 1)[0]}, "
               f"{len(msg.get('processing-tasks') or ())} task(s) running"
               for _, msg in events if isinstance(msg, dict) and msg.get("action") == "remove-worker"]
    return "removed: " + "; ".join(removed[-4:]) if removed else "no removal in the scheduler's events"


def _start_missing(cluster: Any, client: Any) -> None:
    """Start the workers of the cluster's spec that the scheduler no longer knows. Their nannies are forgotten first,
    and a worker process still running under one is killed: a nanny whose worker the scheduler dropped can sit in
    `closing_gracefully` while the old slot runs on, and that slot must not publish beside its re-run."""
    known = {info.get("name") for info in client.scheduler_info(n_workers=-1)["workers"].values()}
    for name in [n for n in cluster.workers if n not in known]:
        nanny = cluster.workers.pop(name)
        _kill_worker_process(nanny)
        cluster.sync(nanny.close, timeout=10)
    cluster.sync(cluster._correct_state)


def _kill_worker_process(nanny: Any) -> None:
    """SIGKILL the worker process under a nanny, if it has one still running."""
    pid = getattr(getattr(getattr(nanny, "process", None), "process", None), "pid", None)
    if pid:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def finished_futures(futures: list[Any], watchdog: ClusterWatchdog | None) -> Iterator[Any]:
    """The Prefect futures as they finish, with `watchdog.check()` every `POLL_SECONDS` while any is running (Dask
    futures are waited on directly; futures of another task runner are simply waited for).

    Raises:
        ClusterLost: from the watchdog; its `pending` holds the futures not yielded.
    """
    import distributed

    wrapped = {f: getattr(f, "wrapped_future", None) for f in futures}
    if watchdog is None or not all(isinstance(w, distributed.Future) for w in wrapped.values()):
        from prefect.futures import as_completed

        yield from as_completed(futures)
        return
    pending = list(futures)
    finished = threading.Event()
    for future in pending:
        wrapped[future].add_done_callback(lambda _: finished.set())
    last_check = time.monotonic()
    while pending:
        finished.wait(POLL_SECONDS)
        finished.clear()  # before looking, so that a slot finishing meanwhile sets it again
        if time.monotonic() - last_check >= POLL_SECONDS:
            last_check = time.monotonic()
            try:
                watchdog.check()
            except ClusterLost as exc:
                exc.pending = pending
                raise
        for future in [f for f in pending if wrapped[f].done()]:
            pending.remove(future)
            yield future


def mark_lost(futures: list[Any], message: str) -> None:
    """Cancel the slots' Dask futures and end their task runs Crashed with `message` (the UI would show them
    Running forever otherwise); a state that cannot be set is left as it is."""
    from prefect.client.orchestration import get_client
    from prefect.states import Crashed

    with get_client(sync_client=True) as client:
        for future in futures:
            future.wrapped_future.cancel()
            try:
                client.set_task_run_state(future.task_run_id, Crashed(message=message), force=True)
            except Exception:  # the build is failing already; its error line says why
                pass
