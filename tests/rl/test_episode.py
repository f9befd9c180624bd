"""Episodes of MLEEnvironment on a real environment: gold and sample submissions, rewards, limits, mle-bench folders."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from sandmle_core.consume.gym import EpisodeError, MLEEnvironment, render_observation
from sandmle_core.sandbox import Limits

pytestmark = pytest.mark.slow


def test_reset_shows_the_task_but_no_private_file(env_dir):
    with MLEEnvironment(env_dir) as env:
        obs = env.reset()
        assert obs["description"] == (env_dir / "description.md").read_text()
        assert [f["path"] for f in obs["files"]] == ["public/sample_submission.csv", "public/test.csv",
                                                    "public/train.csv"]
        assert set(obs["tools"]) == {"python", "bash", "score", "submit"}
        assert obs["limits"]["max_turns"] == 30
        text = render_observation(obs)
        assert str(env_dir) not in text and "answers.csv" not in text and "prepared/private" not in text
        with pytest.raises(EpisodeError):
            MLEEnvironment(env_dir).step({"tool": "score"})


def test_gold_submission_gets_gold_reward(env_dir):
    """Scripted actions, one of them malformed; the host writes the gold submission (a test hook, not the agent)."""
    with MLEEnvironment(env_dir) as env:
        env.reset(seed=3)
        first = env.step({"tool": "bash", "command": "echo seed=$SANDMLE_SEED; head -c 200 public/train.csv"})
        assert first.observation["exit_code"] == 0 and "seed=3" in first.observation["stdout"]
        assert not first.done and first.reward == 0.0
        bad = env.step("let me think about it")
        assert bad.observation["error"].startswith("no action found") and not bad.info["well_formed"]
        shutil.copy(env_dir / "prepared" / "private" / "gold_submission.csv", env.workspace_root / "submission.csv")
        scored = env.step("<score/>")
        thresholds = env.task.thresholds
        assert scored.observation["result"] == {
            "score": 1.0, "is_lower_better": False, "gold_threshold": thresholds.gold,
            "silver_threshold": thresholds.silver, "bronze_threshold": thresholds.bronze,
            "median_threshold": thresholds.median}
        end = env.step({"tool": "submit"})
    assert end.terminated and not end.truncated and end.done
    info = end.info
    assert info["gold"] and not info["silver"] and info["above_median"] and info["human_rank"] == 1.0
    assert info["format_rate"] == 0.75 and info["turns"] == 4
    assert end.reward == info["reward"] == pytest.approx(0.9 + 0.1 * 3 / 4)
    assert info["sparse_reward"] == pytest.approx(0.9 + 0.1 * 3 / 4)
    with pytest.raises(EpisodeError):
        env.step({"tool": "submit"})


def test_sample_submission_gets_no_medal(env_dir):
    with MLEEnvironment(env_dir, reward="sparse") as env:
        env.reset()
        ran = env.step({"tool": "python", "code": "import shutil\n"
                        "shutil.copy('public/sample_submission.csv', 'submission.csv')\nprint('copied')"})
        assert ran.observation["stdout"].strip() == "copied" and ran.observation["files_written"] == ["submission.csv"]
        end = env.step({"tool": "submit"})
    info = end.info
    assert info["valid"] and not info["any_medal"] and not info["above_median"]
    assert info["dense_reward"] == pytest.approx(0.2 + 0.1) and end.reward == info["sparse_reward"] == 0.1


def test_invalid_submission_is_rewarded_by_the_rules(env_dir):
    with MLEEnvironment(env_dir) as env:
        env.reset()
        env.step({"tool": "bash", "command": "head -n 20 public/sample_submission.csv > submission.csv"})
        end = env.step({"tool": "submit"})
    assert not end.info["valid"] and "ids of the test set are missing" in end.info["reason"]
    assert end.reward == pytest.approx(0.1) and end.info["human_rank"] == 0.0


def test_turn_limit_grades_the_current_submission(env_dir):
    with MLEEnvironment(env_dir, max_turns=2) as env:
        env.reset()
        env.step({"tool": "bash", "command": "cp public/sample_submission.csv submission.csv"})
        end = env.step({"tool": "score"})
    assert end.truncated and not end.terminated and end.info["end_reason"] == "max_turns"
    assert end.info["valid"] and end.reward == pytest.approx(0.3)


def test_compute_budget_stops_the_step_and_the_episode(env_dir):
    with MLEEnvironment(env_dir, time_limit=1.0, limits=Limits(wall_seconds=30, cpu_seconds=30)) as env:
        env.reset()
        end = env.step({"tool": "bash", "command": "sleep 20"})
    assert end.observation["stopped_by"] == "timeout" and end.observation["wall_seconds"] < 5
    assert end.truncated and end.info["end_reason"] == "time_limit"
    assert not end.info["valid"] and "submission.csv: no such file" in end.info["reason"]
    assert end.reward == pytest.approx(0.1)


def test_output_is_truncated_and_work_persists(env_dir):
    with MLEEnvironment(env_dir, max_output_chars=100) as env:
        env.reset()
        loud = env.step({"tool": "python", "code": "print('x' * 5000)\nopen('notes.txt', 'w').write('kept')"})
        assert len(loud.observation["stdout"]) < 160 and "earlier characters cut" in loud.observation["stdout"]
        again = env.step({"tool": "python", "code": "print(open('notes.txt').read())"})
        assert again.observation["stdout"].strip() == "kept"
        failing = env.step({"tool": "python", "code": "raise SystemExit('boom')"})
        assert failing.observation["exit_code"] == 1 and "boom" in failing.observation["stderr"]


def test_mlebench_layout_with_a_separate_data_dir(tmp_path):
    """A registry-style competition folder (config, description, grade.py, leaderboard) + <data_dir>/<id>/prepared."""
    from sandmle_core.seeds import get_bundled_seed

    seed = get_bundled_seed("breast-cancer").root
    comp = tmp_path / "registry" / "breast-cancer"
    comp.mkdir(parents=True)
    for name in ("config.yaml", "description.md", "grade.py"):
        shutil.copy(seed / name, comp / name)
    pd.DataFrame({"score": [0.999, 0.99, 0.98, 0.97, 0.95, 0.9, 0.8, 0.7, 0.6, 0.5]}).to_csv(
        comp / "leaderboard.csv", index=False)
    shutil.copytree(seed / "prepared", tmp_path / "data" / "breast-cancer" / "prepared")
    with MLEEnvironment(comp, data_dir=tmp_path / "data") as env:
        assert env.task.kind == "mlebench" and env.task.thresholds is not None
        env.reset()
        env.step({"tool": "bash", "command": "cp public/sample_submission.csv submission.csv"})
        end = env.step({"tool": "submit"})
    assert end.info["valid"] and end.info["medals_available"] and not end.info["any_medal"]
    assert end.info["human_rank"] == 0.1  # the prior's AUC of 0.5 ties only the last entry


def test_the_rl_environment_asks_for_the_strict_sandbox(env_dir, monkeypatch):
    """An RL policy is untrusted code: a weaker backend is refused, or accepted knowingly and announced."""
    from sandmle_core.errors import SandboxError

    monkeypatch.delenv("SANDMLE_ALLOW_WEAK_SANDBOX", raising=False)
    with pytest.raises(SandboxError, match="strict sandbox policy"):
        _ = MLEEnvironment(env_dir, "unshare").sandbox
    monkeypatch.setenv("SANDMLE_ALLOW_WEAK_SANDBOX", "1")
    env = MLEEnvironment(env_dir, "unshare")
    assert env.sandbox.isolation.weak_allowed and "filesystem" in env.sandbox.isolation.missing
    assert MLEEnvironment(env_dir).sandbox.isolation.policy == "strict"


def test_a_run_whose_usage_was_not_measured_says_so_instead_of_zero():
    """Without a cgroup, a run stopped from outside (output, disk, a stopped launcher) has no CPU or peak memory of
    its own: the agent reads that, not "peak 0 MB"."""
    obs = {"tool": "python", "turn": 1, "max_turns": 30, "exit_code": 137, "stopped_by": "output",
           "wall_seconds": 1.5, "cpu_seconds": 0.0, "peak_memory_mb": 0.0, "usage_measured": False,
           "stdout": "x", "stderr": ""}
    text = render_observation(obs)
    assert "cpu and peak memory not measured" in text and "peak 0 MB" not in text
    assert "cpu 0.00 s, peak 0 MB" in render_observation({**obs, "usage_measured": True})
