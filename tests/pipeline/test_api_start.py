"""The CLI's local Prefect API survives a slow first answer: on a loaded machine the booting server can take longer
than httpx's default 5 s to answer /health, which made Prefect's own wait raise `httpx.ReadTimeout` and the whole run
(or test session) die although the server was coming up.

A real server in a real process; only the client Prefect's wait uses is made impatient (a timeout of a microsecond),
so its first /health request times out for real, as on a loaded machine. Then `prefect_api` must keep waiting and
hand out a working API; and a server that never answers within the deadline is stopped with one clear error."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

pytestmark = [pytest.mark.prefect, pytest.mark.slow]

_SCRIPT = """
import functools, sys, types

import httpx
import prefect.server.api.server as srv

# the client prefect's start() waits with: every request times out, as a slow first answer would
srv.httpx = types.SimpleNamespace(Client=functools.partial(httpx.Client, timeout=1e-6),
                                  ConnectError=httpx.ConnectError)
from sandmle.runtime import prefect_api

try:
    with prefect_api() as url:
        print("health", httpx.get(url + "/health", timeout=30).status_code)
except RuntimeError as exc:
    print("error:", exc)
    sys.exit(3)
"""


def _run(tmp_path, timeout: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(PREFECT_HOME=str(tmp_path / "prefect"), PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS=timeout)
    return subprocess.run([sys.executable, "-c", _SCRIPT], capture_output=True, text=True, cwd=tmp_path, env=env,
                          timeout=600)


def test_a_slow_first_health_answer_does_not_kill_the_run(tmp_path):
    done = _run(tmp_path, "300")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "health 200" in done.stdout


def test_a_server_that_does_not_answer_in_time_is_stopped_with_one_error(tmp_path):
    done = _run(tmp_path, "1")  # no server boots in a second: the deadline passes
    assert done.returncode == 3, (done.stdout, done.stderr[-2000:])
    assert "did not answer /health within 1 s" in done.stdout
