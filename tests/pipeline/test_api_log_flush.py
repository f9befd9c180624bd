"""The logs a run sends to the API are delivered before the API server the CLI started stops: no "--- Error logging
to API --- All connection attempts failed" on stderr at exit, and the run's closing lines are in the API's database.

A real process (the noise is printed by Prefect's at-exit drain) with its own PREFECT_HOME and the CLI's local
server (`sandmle.runtime.prefect_api`), running a flow that logs a few hundred INFO lines."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys

import pytest

pytestmark = [pytest.mark.prefect, pytest.mark.slow]

_SCRIPT = """
from sandmle.runtime import prefect_api

with prefect_api():
    from prefect import flow, get_run_logger

    @flow(name="chatty")
    def chatty():
        logger = get_run_logger()
        for i in range(300):
            logger.info("line %d", i)

    chatty()
"""


def test_a_run_leaves_no_error_logging_to_api_noise_and_its_logs_reach_the_api(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(PREFECT_HOME=str(tmp_path / "prefect"), PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="300")
    result = subprocess.run([sys.executable, "-c", _SCRIPT], capture_output=True, text=True, cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    assert "Error logging to API" not in result.stderr and "connection attempts failed" not in result.stderr
    with sqlite3.connect(tmp_path / "prefect" / "prefect.db") as db:
        messages = [m for (m,) in db.execute("SELECT message FROM log")]
    assert sum(m.startswith("line ") for m in messages) == 300
    assert any("Finished in state Completed" in m for m in messages)  # the run's last line, sent at its very end
