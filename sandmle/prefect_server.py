"""The Prefect API server this project starts, with Python's garbage collection moved off its event loop.

Why: one-slot builds sharing a Prefect home stalled ~60 s in 9 of 107 runs (2026-12-07). gdb on the server, both
samples: its event-loop thread, inside a garbage collection that an allocation on that thread had set off, was freeing
an aiosqlite cursor kept alive by an exception's traceback, and `sqlite3_reset` waited for the connection's mutex. The
connection's own worker thread held that mutex, busy-waiting in the task-run recorder's INSERT for SQLite's write lock,
and the write lock belonged to a transaction of a request on the blocked loop (`set_flow_run_state`). Nothing moved
until the INSERT gave up at SQLite's 60 s busy timeout (hard-coded in prefect 3.8).

Here automatic collection is off in the server process and a daemon thread collects instead (`GENERATIONS`): a
finaliser that waits for a connection's mutex waits on that thread (`sqlite3_reset` releases the GIL), the loop goes
on, commits its transaction, the INSERT gets the write lock and the mutex is let go. Measured with this policy:
0 of 100 one-slot builds stalled, against 9 of 107 without it (landed: 0 of 120, 2026-12-08). The objects of
the server's start-up are frozen out of later collections (`_freeze`): a full collection every 10 s of a whole
Prefect server took ~0.5 s each (measured with `gc.callbacks`), ~0.3 s with them left out.

Used by `runtime.prefect_api()` (the server a build starts: uvicorn with `create_app` as its factory) and by `sandmle
ui` (`python -m sandmle.prefect_server server start ...`: Prefect's own command line, in a process that collects so).
"""

from __future__ import annotations

import gc
import sys
import threading
import time
from typing import Any

__all__ = ["COLLECTOR_THREAD", "GENERATIONS", "collect_off_the_loop", "create_app"]

COLLECTOR_THREAD = "sandmle-gc"

GENERATIONS = ((2, 10.0), (1, 1.0), (0, 0.1))
"""(generation, seconds between its collections), oldest first: the young generation every 0.1 s, as the 100 builds
above were measured; a collection of a generation collects the younger ones too."""


def collect_off_the_loop() -> threading.Thread:
    """Turn automatic garbage collection off in this process and collect on a daemon thread of its own instead (the
    running one, when there is one already)."""
    for thread in threading.enumerate():
        if thread.name == COLLECTOR_THREAD:
            return thread
    gc.disable()
    thread = threading.Thread(target=_collect, name=COLLECTOR_THREAD, daemon=True)
    thread.start()
    return thread


def _collect() -> None:
    """Collect each generation of `GENERATIONS` at its period, for as long as the process lives. The thread carries
    its name in the kernel too (`top -H`, `/proc/PID/task/*/comm`: how the tests find it in a server process)."""
    try:
        import ctypes

        ctypes.CDLL(None).prctl(15, COLLECTOR_THREAD.encode(), 0, 0, 0)  # PR_SET_NAME
    except (AttributeError, OSError):  # not Linux: the thread collects all the same
        pass
    tick = GENERATIONS[-1][1]
    due = {generation: time.monotonic() + seconds for generation, seconds in GENERATIONS}
    while True:
        time.sleep(tick)
        gc.disable()  # a library that turned automatic collection back on would bring the stall back
        now = time.monotonic()
        generation = next((g for g, _ in GENERATIONS if due[g] <= now), None)
        if generation is None:
            continue
        gc.collect(generation)
        for g, seconds in GENERATIONS:
            if g <= generation:
                due[g] = now + seconds


def _freeze() -> None:
    """Collect once, then leave every object alive now (the modules, classes and functions of the server's imports) out
    of all later collections (`gc.freeze`): a full collection walks only what the server made since. Called before
    the server serves or opens its database (uvicorn makes the app before the lifespan starts): no cursor to free."""
    gc.collect()
    gc.freeze()


def create_app() -> Any:
    """Prefect's API app (`prefect.server.api.server:create_app`), in a process that collects off its loop."""
    collect_off_the_loop()
    from prefect.server.api.server import create_app as prefect_app

    app = prefect_app()
    _freeze()
    return app


def main() -> int:
    """Prefect's command line (`prefect ARGS...`) in a process that collects off its loop: `sandmle ui` runs
    `prefect server start` so, as Prefect runs its server in the process that starts it."""
    collect_off_the_loop()
    import prefect.server.api.server  # noqa: F401  (the server's imports, made before `_freeze`)
    from prefect.cli import app

    _freeze()
    sys.argv[0] = "prefect"
    result = app()
    return result if isinstance(result, int) else 0


if __name__ == "__main__":
    sys.exit(main())
