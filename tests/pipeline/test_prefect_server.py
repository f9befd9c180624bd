"""The Prefect API server collects garbage off its event loop (`sandmle.prefect_server`).

One-slot builds sharing a Prefect home stalled ~60 s in 9 of 107 runs: a garbage collection set off by an allocation on
the server's event-loop thread freed an aiosqlite cursor, and resetting it waited for a connection's mutex held by a
thread that waited for a transaction of that same loop. These tests build the same shape with a plain lock (a
finaliser of cyclic garbage that waits for what the main thread holds) and check that both servers the project starts
(a build's, through `runtime.prefect_api`, and `sandmle ui`'s) run the collector thread and answer.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from sandmle.prefect_server import COLLECTOR_THREAD

pytestmark = [pytest.mark.prefect]

_FINALISER = """
import gc, sys, threading, time
from sandmle.prefect_server import collect_off_the_loop

if sys.argv[1] == "off-the-loop":
    collect_off_the_loop()
held = threading.Lock()
held.acquire()  # the connection's mutex, held by the thread that waits on the loop
ran = []


class Cursor:
    def __del__(self):  # as sqlite3_reset waits for the connection's mutex (given up after argv[2] s, -1: never)
        got = held.acquire(timeout=float(sys.argv[2]))
        ran.append(threading.current_thread().name + ("" if got else " gave up"))


cursor = Cursor()
cursor.me = cursor  # cyclic garbage: only a collection frees it
del cursor
junk = [[i] for i in range(300_000)]  # allocations on this thread: enough to set off an automatic collection
del junk
for _ in range(20):  # the loop goes on while the collector waits in the finaliser
    time.sleep(0.05)
held.release()  # the transaction commits: the mutex is let go
while not ran:
    time.sleep(0.05)
print(ran, gc.isenabled())
"""


def _finalise(mode: str, patience: str) -> str:
    done = subprocess.run([sys.executable, "-c", _FINALISER, mode, patience], capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip()


def test_a_finaliser_that_waits_on_the_loop_runs_on_the_collector_thread_and_the_loop_goes_on():
    assert _finalise("off-the-loop", "-1") == f"['{COLLECTOR_THREAD}'] False"


def test_without_the_collector_the_same_finaliser_blocks_the_thread_that_allocates():
    """The shape is the stall's: with Python's automatic collection the finaliser runs on the allocating thread and
    waits for a lock that thread holds — for ever, were it not told to give up (after 3 s here)."""
    assert _finalise("automatic", "3") == "['MainThread gave up'] True"


def _threads(pid: int) -> set[str]:
    return {(task / "comm").read_text().strip() for task in Path(f"/proc/{pid}/task").iterdir()}


def _pids(pattern: str) -> list[int]:
    """The processes whose command line (arguments joined by spaces) matches `pattern`."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            line = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, ValueError):
            continue
        if entry.name.isdigit() and re.search(pattern, line):
            found.append(int(entry.name))
    return found


def test_a_builds_api_server_runs_the_collector(prefect_api):
    port = httpx.URL(prefect_api).port
    pids = _pids(rf"--factory sandmle\.prefect_server:create_app .*--port {port}\b")
    assert len(pids) == 1, pids
    assert COLLECTOR_THREAD in _threads(pids[0])
    assert httpx.get(f"{prefect_api}/health", timeout=60).json() is True


@pytest.mark.slow
def test_sandmle_ui_serves_the_ui_and_the_api_with_the_collector(tmp_path):
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(PREFECT_HOME=str(tmp_path / "prefect"), PREFECT_SERVER_ANALYTICS_ENABLED="false")
    ui = subprocess.Popen([sys.executable, "-m", "sandmle.cli.__main__", "ui", "--port", str(port)], cwd=tmp_path,
                          env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          start_new_session=True)
    try:
        health = None
        while ui.poll() is None and health != 200:  # booting (migrations, the UI's files): as long as it takes
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=30).status_code
            except httpx.TransportError:
                time.sleep(0.5)
        assert health == 200, ui.stdout.read()
        page = httpx.get(f"http://127.0.0.1:{port}/", timeout=60)
        assert page.status_code == 200 and "<html" in page.text.lower()
        pids = _pids(rf"-m sandmle\.prefect_server server start --host 127\.0\.0\.1 --port {port}\b")
        assert len(pids) == 1, pids
        assert COLLECTOR_THREAD in _threads(pids[0])
    finally:
        os.killpg(ui.pid, signal.SIGINT)
        try:
            ui.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(ui.pid, signal.SIGKILL)
            ui.wait()


def test_a_server_prefect_started_first_is_used_and_announced(caplog):
    """Prefect keeps one ephemeral server per process; when Prefect made it before the run (nothing started yet here),
    the run uses that one, as before, and says that its garbage collection stays on the event loop."""
    from prefect.server.api.server import SubprocessASGIServer

    from sandmle.runtime import _server

    saved = SubprocessASGIServer._instances.pop(None, None)  # this worker's run server (the fixture's), if any
    try:
        prefects = SubprocessASGIServer()
        with caplog.at_level("WARNING", logger="sandmle.runtime"):
            assert _server() is prefects
        assert "garbage collection stays on its event loop" in caplog.text
    finally:
        SubprocessASGIServer._instances.pop(None, None)
        if saved is not None:
            SubprocessASGIServer._instances[None] = saved
