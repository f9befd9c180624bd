"""deployments/prefect.yaml through Prefect's own CLI against the real API: a process work pool, `prefect deploy
--all`, and the registered deployments carry absolute paths resolved at deploy time (not relative to a worker)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.prefect, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]


def _prefect(*args: str, url: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PREFECT_API_URL": url}
    return subprocess.run([sys.executable, "-m", "prefect", *args], capture_output=True, text=True, cwd=ROOT, env=env)


def test_prefect_yaml_deploys_to_a_process_pool_with_absolute_paths(prefect_api):
    created = _prefect("work-pool", "create", "sandmle-process", "--type", "process", "--overwrite", url=prefect_api)
    assert created.returncode == 0, created.stdout + created.stderr
    deployed = _prefect("--no-prompt", "deploy", "--all", "--prefect-file", "deployments/prefect.yaml", url=prefect_api)
    assert deployed.returncode == 0, deployed.stdout + deployed.stderr
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        nightly = client.read_deployment_by_name("build-corpus/nightly-corpus")
        regenerate = client.read_deployment_by_name("regenerate-failed/regenerate-failed")
        client.read_deployment_by_name("validate-corpus/validate-corpus")
    corpus = str(ROOT / "corpus-nightly")
    assert nightly.work_pool_name == regenerate.work_pool_name == "sandmle-process"
    assert nightly.parameters["out"] == corpus and Path(nightly.parameters["out"]).is_absolute()
    assert regenerate.parameters["corpus"] == corpus and nightly.parameters["rng_seed"] is None
    assert nightly.pull_steps == [{"prefect.deployments.steps.set_working_directory": {"directory": str(ROOT)}}]
    assert [s.schedule.cron for s in nightly.schedules] == ["0 2 * * *"]
    assert nightly.entrypoint == "flows/build_corpus.py:build_corpus"
