"""The framework adapters for real: Gymnasium's env checker and a text episode; a SkyRL-Gym episode via make()."""

from __future__ import annotations

import warnings

import pytest

pytestmark = pytest.mark.slow

gymnasium = pytest.importorskip("gymnasium")
skyrl_gym = pytest.importorskip("skyrl_gym")

COPY_SAMPLE = "<python>\nimport shutil\nshutil.copy('public/sample_submission.csv', 'submission.csv')\n</python>"


def test_gymnasium_env_checker_passes(env_dir):
    from gymnasium.utils.env_checker import check_env

    from sandmle.rl.gymnasium_env import SandmleGymEnv

    env = SandmleGymEnv(env_dir)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the checker reports soft problems as warnings: none are allowed
        check_env(env, skip_render_check=True)
    env.close()


def test_gymnasium_episode_through_make(env_dir):
    from sandmle.rl.gymnasium_env import ENV_ID, register

    register()
    env = gymnasium.make(ENV_ID, env_dir=env_dir, max_turns=5, render_mode="ansi")
    obs, info = env.reset(seed=1)
    assert obs in env.observation_space and info["env_id"] == env_dir.name and "## Your environment" in obs
    obs, reward, terminated, truncated, info = env.step(COPY_SAMPLE)
    assert obs in env.observation_space and "files written: submission.csv" in obs
    assert (reward, terminated, truncated) == (0.0, False, False)
    obs, reward, terminated, truncated, info = env.step('{"tool": "submit"}')
    assert terminated and not truncated and info["valid"] and reward == pytest.approx(0.3)
    assert env.render() == obs
    env.close()


def test_skyrl_episode(env_dir):
    from sandmle.rl.skyrl_env import ENV_ID, SandmleSkyRLEnv, register

    register()
    env = skyrl_gym.make(ENV_ID, env_config={"time_limit": 600}, extras={"extra_info": {"env_dir": str(env_dir)},
                                                                         "max_turns": 4})
    assert isinstance(env, SandmleSkyRLEnv) and env.max_turns == 4
    messages, meta = env.init([{"role": "system", "content": "You are an MLE agent."}])
    assert [m["role"] for m in messages] == ["system", "user"] and meta["env_id"] == env_dir.name
    assert "Submission format" in messages[1]["content"]
    out = env.step("First I copy the sample.\n" + COPY_SAMPLE)
    assert not out["done"] and out["reward"] == 0.0 and out["observations"][0]["role"] == "user"
    out = env.step("Not an action at all")
    assert "no action found" in out["observations"][0]["content"]
    out = env.step("<submit/>")
    assert out["done"] and out["observations"] == []
    assert out["reward"] == pytest.approx(0.2 + 0.1 * 2 / 3, abs=1e-6) and out["metadata"]["end_reason"] == "submit"
    metrics = env.get_metrics()
    assert metrics["valid"] == 1.0 and metrics["any_medal"] == 0.0 and metrics["turns"] == 3.0
    env.close()
