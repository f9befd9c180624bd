"""The CLI through typer's runner (and once as a real process): generate, list, show, grade, run-solution, doctor,
seeds, profile, and the one-line typed error for bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from sandmle.cli import _register
from sandmle.cli._app import app

pytestmark = pytest.mark.slow
runner = CliRunner()
_register()


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    out = tmp_path_factory.mktemp("cli-corpus")
    result = runner.invoke(app, ["generate", "breast-cancer", "--count", "1", "--rng-seed", "2", "--out", str(out),
                                 "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    return out, rows


def test_generate_runs_contracts_and_publishes(generated):
    out, rows = generated
    assert [r["status"] for r in rows] == ["accepted"]
    env_dir = out / "envs" / rows[0]["env_id"]
    validation = json.loads((env_dir / "validation.json").read_text())
    assert any(c["group"] == "contract" for c in validation["checks"])


def test_show_and_grade(generated):
    out, rows = generated
    env_dir = out / "envs" / rows[0]["env_id"]
    shown = runner.invoke(app, ["show", str(env_dir), "--json"])
    assert shown.exit_code == 0 and json.loads(shown.stdout)["metric"] == "auc"
    gold = runner.invoke(app, ["grade", str(env_dir), str(env_dir / "prepared/private/gold_submission.csv")])
    report = json.loads(gold.stdout)
    assert gold.exit_code == 0 and report["score"] == 1.0 and report["medals"]["gold"]
    sample = runner.invoke(app, ["grade", str(env_dir), str(env_dir / "prepared/public/sample_submission.csv")])
    report = json.loads(sample.stdout)
    assert sample.exit_code == 0 and not report["any_medal"]
    broken = env_dir.parent.parent / "broken.csv"
    broken.write_text("nonsense\n1\n")
    bad = runner.invoke(app, ["grade", str(env_dir), str(broken)])
    assert bad.exit_code == 1 and json.loads(bad.stdout)["valid"] is False


def test_run_solution_in_the_sandbox(generated):
    out, rows = generated
    env_dir = out / "envs" / rows[0]["env_id"]
    top = sorted((env_dir / "solutions").glob("*.py"))[-1]
    result = runner.invoke(app, ["run-solution", str(env_dir), str(top)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["valid"] and report["timings"]["stopped_by"] == "none"
    assert report["sandbox"]["backend"] == "bwrap" and report["sandbox"]["policy"] == "strict"


def test_run_solution_refuses_a_weak_sandbox_unless_accepted(generated, tmp_path):
    """No bubblewrap on PATH (only unshare): one error line saying how to get it, exit 2 — or, with
    --allow-weak-sandbox, a run whose result names the backend and what it does not isolate."""
    out, rows = generated
    env_dir = out / "envs" / rows[0]["env_id"]
    top = sorted((env_dir / "solutions").glob("*.py"))[0]
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "unshare").symlink_to("/usr/bin/unshare")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SANDMLE_ALLOW")} | {"PATH": str(bin_dir)}
    cmd = [sys.executable, "-m", "sandmle.cli", "run-solution", str(env_dir), str(top)]
    refused = subprocess.run(cmd, capture_output=True, text=True, env=env)
    assert refused.returncode == 2 and refused.stdout == "", refused.stderr
    line = " ".join(refused.stderr.split())
    assert line.startswith("error: strict sandbox policy") and "apt-get install bubblewrap" in line
    assert "--allow-weak-sandbox" in line and "Traceback" not in line
    accepted = subprocess.run([*cmd, "--allow-weak-sandbox"], capture_output=True, text=True, env=env)
    report = json.loads(accepted.stdout)
    assert accepted.returncode in (0, 1) and report["sandbox"]["backend"] == "unshare"
    assert report["sandbox"]["weak_allowed"] and "filesystem" in report["sandbox"]["missing"]
    assert any("does not isolate" in w for w in report["sandbox"]["warnings"])


def test_seeds_profile_doctor():
    seeds = runner.invoke(app, ["seeds", "--json"])
    assert {r["id"] for r in json.loads(seeds.stdout)} >= {"breast-cancer", "digits", "co2", "docstrings"}
    profile = runner.invoke(app, ["profile", "anes96"])
    assert json.loads(profile.stdout)["task_type"] == "ordinal"
    doctor = runner.invoke(app, ["doctor", "--json", "--no-services"])
    data = json.loads(doctor.stdout)
    assert data["strict"] == "bwrap" and any(b["name"] == "bwrap" and b["works"] for b in data["backends"])


def test_bad_input_gets_one_clear_line_and_exit_2(tmp_path):
    result = subprocess.run([sys.executable, "-m", "sandmle.cli", "show", str(tmp_path / "missing")],
                            capture_output=True, text=True)
    assert result.returncode == 2
    assert "error:" in result.stderr and "missing" in result.stderr and "Traceback" not in result.stderr
    result = subprocess.run([sys.executable, "-m", "sandmle.cli", "profile", "no-such-seed"],
                            capture_output=True, text=True)
    assert result.returncode == 2 and "no-such-seed" in result.stderr
