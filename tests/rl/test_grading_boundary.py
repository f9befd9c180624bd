"""The RL environment's side of the grading boundary: a tampered environment is refused at load and at every reset;
unsafe files an agent (or a weaker backend) leaves as ./submission.csv — FIFO, /dev/zero link, sparse 2 GB file,
directory — are invalid submissions with their reason, and the episode never hangs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sandmle_core.consume.gym import MLEEnvironment
from sandmle_core.errors import TamperedEnvironment
from tests.fixtures.hostile_files import plant

pytestmark = pytest.mark.slow


def _copy(env_dir: Path, tmp_path: Path) -> Path:
    copy = tmp_path / env_dir.name
    shutil.copytree(env_dir, copy)
    return copy


def test_a_tampered_environment_is_refused_at_load(env_dir, tmp_path) -> None:
    copy = _copy(env_dir, tmp_path)
    (copy / "grade.py").write_text("def grade(submission, answers):\n    return 1.0\n")
    with pytest.raises(TamperedEnvironment, match=r"grade\.py"):
        MLEEnvironment(copy)


def test_tampering_between_episodes_is_caught_at_reset(env_dir, tmp_path) -> None:
    copy = _copy(env_dir, tmp_path)
    with MLEEnvironment(copy) as env:
        env.reset()
        board = copy / "leaderboard.csv"
        lines = board.read_text().splitlines()
        board.write_text("\n".join([lines[0]] + ["0.0"] * (len(lines) - 1)) + "\n")  # every medal made easy
        with pytest.raises(TamperedEnvironment, match=r"leaderboard\.csv"):
            env.reset()


@pytest.mark.parametrize(("kind", "reason"), [("fifo", "FIFO"), ("symlink to /dev/zero", "symbolic link"),
                                              ("sparse 2 GB", "larger than"), ("directory", "directory")])
def test_unsafe_submission_files_are_invalid_and_never_block(env_dir, kind: str, reason: str) -> None:
    with MLEEnvironment(env_dir) as env:
        env.reset()
        # what an agent on a weaker backend, or a harness bug, could leave
        plant(kind, env.workspace_root, env_dir / "prepared" / "private" / "gold_submission.csv")
        scored = env.step({"tool": "score"}).observation
        assert scored["result"] is None and reason in scored["error"]
        end = env.step({"tool": "submit"})
    assert not end.info["valid"] and reason in end.info["reason"] and end.reward == pytest.approx(0.1)


def test_the_cap_follows_the_answers_unless_given(env_dir, monkeypatch) -> None:
    monkeypatch.delenv("SANDMLE_SUBMISSION_FLOOR_MB", raising=False)
    monkeypatch.delenv("SANDMLE_SUBMISSION_FACTOR", raising=False)
    answers = (env_dir / "prepared" / "private" / "answers.csv").stat().st_size
    assert MLEEnvironment(env_dir).max_submission_bytes == max(8 << 20, 20 * answers)
    assert MLEEnvironment(env_dir, max_submission_mb=1).max_submission_bytes == 1 << 20


def test_ladder_runs_that_leave_a_link_are_not_graded(env_dir) -> None:
    """The ladder runner (offline and Claude developers) grades files written in the sandbox with the safe reader."""
    import pandas as pd

    from sandmle_core.agents.offline.developer import run_ladder_scripts
    from sandmle_core.grading import grade_submission
    from sandmle_core.ladder import LadderScript
    from sandmle_core.layout import read_environment

    env = read_environment(env_dir)
    copy_sample = "import os, shutil\nshutil.copy('public/sample_submission.csv', 'real.csv')\n"
    scripts = [LadderScript(level=0, name="sample", summary="the sample", source=copy_sample + "os.rename("
                            "'real.csv', 'submission.csv')\n"),
               LadderScript(level=1, name="link", summary="a symbolic link",
                            source=copy_sample + "os.symlink('real.csv', 'submission.csv')\n"),
               LadderScript(level=2, name="hardlink", summary="a hard link",
                            source=copy_sample + "os.link('real.csv', 'submission.csv')\n")]
    runs, _, _, _ = run_ladder_scripts(scripts, env.public_dir, pd.read_csv(env.answers_path),
                                    lambda sub, ans: grade_submission(sub, ans, env.grading), seeds=(0,))
    sample, link, hardlink = runs
    assert sample.score == 0.5 and sample.error is None
    assert link.score is None and "symbolic link" in link.error
    assert hardlink.score is None and "hard link" in hardlink.error
