"""`sandmle doctor --services` checks the services for real, as a real process: a local Prefect API started and
healthy, a Dask LocalCluster round trip, a great-expectations validation — and exits 1, naming the service, when one
is broken (here an API URL where nothing listens), while the other checks still run and report. Plain `doctor`
reports the sandbox without touching the services."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

pytestmark = [pytest.mark.prefect, pytest.mark.slow]


def _doctor(tmp_path, *flags: str, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    base.update(PREFECT_HOME=str(tmp_path / "prefect"), PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="300", **env)
    return subprocess.run([sys.executable, "-m", "sandmle.cli", "doctor", "--json", *flags], capture_output=True,
                          text=True, cwd=tmp_path, env=base)


def test_doctor_checks_prefect_dask_and_great_expectations(tmp_path):
    result = _doctor(tmp_path, "--services")
    assert result.returncode == 0, result.stdout + result.stderr
    checks = {c["name"]: c for c in json.loads(result.stdout)["services"]}
    assert list(checks) == ["prefect", "dask", "great-expectations"]
    assert all(c["ok"] for c in checks.values()), checks
    assert "healthy" in checks["prefect"]["detail"] and "round trip ok" in checks["dask"]["detail"]
    assert "planted duplicate failed" in checks["great-expectations"]["detail"]
    assert "Error logging to API" not in result.stderr


def test_doctor_exits_1_and_names_a_broken_prefect_api(tmp_path):
    # the discard port: nothing answers
    result = _doctor(tmp_path, "--services", PREFECT_API_URL="http://127.0.0.1:9/api")
    assert result.returncode == 1, result.stdout + result.stderr
    checks = {c["name"]: c for c in json.loads(result.stdout)["services"]}
    assert not checks["prefect"]["ok"] and checks["prefect"]["detail"]
    assert checks["dask"]["ok"] and checks["great-expectations"]["ok"]


def test_plain_doctor_reports_the_sandbox_without_touching_the_services(tmp_path):
    """The sandbox verdict must not depend on the services: with an API URL where nothing answers, plain `doctor`
    still reports bwrap, exits 0 and says the services were not checked."""
    result = _doctor(tmp_path, PREFECT_API_URL="http://127.0.0.1:9/api")
    assert result.returncode == 0, result.stdout + result.stderr
    data = json.loads(result.stdout)
    assert data["services"] == [] and data["services_checked"] is False
    assert any(b["name"] == "bwrap" and b["works"] for b in data["backends"]) and data["strict"] == "bwrap"

