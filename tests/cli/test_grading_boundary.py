"""The grading boundary through the CLI: `sandmle grade` refuses every unsafe submission file with one `error:` line
and exit 2 (never hanging, never reading 2 GB); grade, run-solution and eval refuse an environment whose answers,
grader or leaderboard changed since it was built; run-solution grades a solution's linked or FIFO submission as
invalid."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sandmle.cli import main
from tests.fixtures.hostile_files import plant

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def env_dir(tiny_corpus: Path) -> Path:
    return next(p for p in sorted((tiny_corpus / "envs").iterdir()) if p.name.startswith("breast-cancer"))


def _cli(args: list[str], capsys, monkeypatch) -> tuple[int, str, str]:
    """`sandmle ARGS` in process, through the console script's entry point (its `error:` line and exit code)."""
    monkeypatch.setattr(sys, "argv", ["sandmle", *map(str, args)])
    with pytest.raises(SystemExit) as info:
        main()
    out, err = capsys.readouterr()
    return info.value.code, out, err


def _one_error_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    return lines[0]


def _plant(kind: str, env_dir: Path, where: Path) -> Path:
    return plant(kind, where, env_dir / "prepared" / "private" / "gold_submission.csv")


KINDS = ["symlink to gold", "symlink to /dev/zero", "hard link to gold", "fifo", "directory", "device", "sparse 2 GB",
         "linked parent folder"]
REASONS = {"symlink to gold": "symbolic link", "symlink to /dev/zero": "symbolic link",
           "hard link to gold": "hard link", "fifo": "FIFO", "directory": "directory", "device": "character device",
           "sparse 2 GB": "larger than 8 MB",
           "linked parent folder": "symbolic link"}


@pytest.mark.parametrize("kind", KINDS)
def test_grade_refuses_unsafe_submission_files(env_dir: Path, tmp_path: Path, kind: str, capsys, monkeypatch) -> None:
    monkeypatch.delenv("SANDMLE_SUBMISSION_FLOOR_MB", raising=False)
    path = _plant(kind, env_dir, tmp_path)
    try:
        code, out, err = _cli(["grade", env_dir, path], capsys, monkeypatch)
    finally:
        if kind == "hard link to gold":  # the shared corpus' gold file must get its single link back
            path.unlink()
    line = _one_error_line(err)
    assert code == 2 and out == "" and REASONS[kind] in line and str(path) in line, line


def test_an_oversized_submission_is_refused_at_the_configured_cap(env_dir, tmp_path, capsys, monkeypatch) -> None:
    gold = (env_dir / "prepared" / "private" / "gold_submission.csv").read_text()
    big = tmp_path / "big.csv"
    big.write_text(gold + "\n" * (3 * 2**20))  # a valid table padded past 2 MB
    monkeypatch.setenv("SANDMLE_SUBMISSION_FLOOR_MB", "2")
    monkeypatch.setenv("SANDMLE_SUBMISSION_FACTOR", "0")
    code, _, err = _cli(["grade", env_dir, big], capsys, monkeypatch)
    assert code == 2 and "larger than 2 MB" in _one_error_line(err)
    monkeypatch.setenv("SANDMLE_SUBMISSION_FLOOR_MB", "8")
    code, out, _ = _cli(["grade", env_dir, big], capsys, monkeypatch)
    assert code == 0 and json.loads(out)["score"] == 1.0


# Runs a command and writes the peak resident size of that command alone (KiB) to a file. The pytest worker cannot
# measure it itself: Linux starts a child's ru_maxrss at its parent's peak (exec keeps the max of the old memory), so
# a worker grown past 1 GB reported 1 GB for a process that read nothing. This launcher is a fresh, small process.
_PEAK = ("import os, subprocess, sys; proc = subprocess.Popen(sys.argv[2:]); _, status, usage = os.wait4(proc.pid, 0); "
         "open(sys.argv[1], 'w').write(str(usage.ru_maxrss)); sys.exit(os.waitstatus_to_exitcode(status))")


@pytest.mark.parametrize("kind", ["fifo", "symlink to /dev/zero", "sparse 2 GB"])
def test_a_real_grade_process_neither_hangs_nor_reads_the_file(env_dir: Path, tmp_path: Path, kind: str) -> None:
    path = _plant(kind, env_dir, tmp_path)
    peak = tmp_path / "peak_kib"
    proc = subprocess.run([sys.executable, "-c", _PEAK, str(peak), sys.executable, "-m", "sandmle.cli", "grade",
                           str(env_dir), str(path)], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 2 and REASONS[kind] in _one_error_line(proc.stderr)
    assert int(peak.read_text()) < 512 * 1024  # KiB: far below the 2 GB the file claims; nothing was read


def _tamper(env_dir: Path, tmp_path: Path, rel: str) -> Path:
    copy = tmp_path / "envs" / env_dir.name
    shutil.copytree(env_dir, copy)
    path = copy / rel
    if rel.endswith("answers.csv"):  # flip the first label: the gold submission would no longer be perfect
        lines = path.read_text().splitlines()
        head, rest = lines[1].rsplit(",", 1)
        lines[1] = f"{head},{1 - int(rest)}"
        path.write_text("\n".join(lines) + "\n")
    elif rel == "grade.py":
        path.write_text(path.read_text() + "\ndef grade(submission, answers):\n    return 1.0\n")
    else:  # leaderboard: make every threshold trivially reachable
        lines = path.read_text().splitlines()
        path.write_text("\n".join([lines[0]] + ["0.0"] * (len(lines) - 1)) + "\n")
    return copy


TAMPERED = ["prepared/private/answers.csv", "grade.py", "leaderboard.csv"]


@pytest.mark.parametrize("rel", TAMPERED)
def test_grade_refuses_a_tampered_environment(env_dir, tmp_path, rel: str, capsys, monkeypatch) -> None:
    copy = _tamper(env_dir, tmp_path, rel)
    code, out, err = _cli(["grade", copy, copy / "prepared/public/sample_submission.csv"], capsys, monkeypatch)
    line = _one_error_line(err)
    assert code == 2 and out == "" and str(copy / rel) in line and "changed since the environment was built" in line


def test_run_solution_refuses_a_tampered_environment_before_running(env_dir, tmp_path, capsys, monkeypatch) -> None:
    copy = _tamper(env_dir, tmp_path, "leaderboard.csv")
    marker = tmp_path / "ran"
    script = tmp_path / "solution.py"
    script.write_text(f"open({str(marker)!r}, 'w').write('ran')\n")
    code, _, err = _cli(["run-solution", copy, script], capsys, monkeypatch)
    assert code == 2 and "leaderboard.csv" in _one_error_line(err) and not marker.exists()


@pytest.mark.parametrize(("code_line", "reason"), [
    ("os.symlink({gold!r}, 'submission.csv')", "symbolic link"),
    ("os.mkfifo('submission.csv')", "FIFO"),
    ("os.makedirs('out'); open('out/x', 'w').close(); os.symlink('out', 'submission.csv')", "symbolic link"),
])
def test_run_solution_grades_an_unsafe_submission_as_invalid(env_dir, tmp_path, code_line: str, reason: str,
                                                             capsys, monkeypatch) -> None:
    gold = str(env_dir / "prepared" / "private" / "gold_submission.csv")
    script = tmp_path / "solution.py"
    script.write_text("import os\n" + code_line.format(gold=gold) + "\n")
    code, out, _ = _cli(["run-solution", env_dir, script], capsys, monkeypatch)
    report = json.loads(out)
    assert code == 1 and report["valid"] is False and report["score"] is None and reason in report["reason"]
    assert report["reward"] < 0.2 and report["timings"]["exit_code"] == 0


def test_eval_reports_the_good_environments_and_refuses_the_tampered_one(env_dir, tmp_path, capsys,
                                                                        monkeypatch) -> None:
    copy = _tamper(env_dir, tmp_path, "prepared/private/answers.csv")
    other = next(p for p in env_dir.parent.iterdir() if p.name.startswith("penguins"))
    shutil.copytree(other, tmp_path / "envs" / other.name)
    code, out, err = _cli(["eval", tmp_path / "envs", "--agent", "ladder:0", "--json"], capsys, monkeypatch)
    line = _one_error_line(err)
    assert code == 2 and str(copy / "prepared/private/answers.csv") in line
    episodes = {e["env_id"]: e for e in json.loads(out)["episodes"]}
    assert episodes[copy.name]["error_type"] == "TamperedEnvironment" and episodes[copy.name]["score"] is None
    assert episodes[other.name]["error"] is None and episodes[other.name]["valid"] is True


def test_validate_checks_the_data_hash(env_dir, tmp_path) -> None:
    """config.yaml edited so its data_hash no longer agrees with its per-file hashes: validate reports it."""
    import yaml

    from sandmle_core.recheck import validate_environment

    copy = tmp_path / env_dir.name
    shutil.copytree(env_dir, copy)
    assert validate_environment(copy)["ok"] is True
    config = yaml.safe_load((copy / "config.yaml").read_text())
    config["sandmle"]["data_hash"] = "0" * 64
    (copy / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    result = validate_environment(copy)
    assert result["ok"] is False and "data_hash" in result["problems"][0] and "config.yaml" in result["problems"][0]
