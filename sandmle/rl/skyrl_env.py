"""SkyRL-Gym adapter: `MLEEnvironment` as a `skyrl_gym` `BaseTextEnv` (init / step / close).

SkyRL builds one environment per dataset row: `SandmleSkyRLEnv(env_config, extras)`, where `extras` is the row's
extra fields. The task folder is read from `extras["env_dir"]` (or `extras["extra_info"]["env_dir"]`, or
`extras["reward_spec"]["env_dir"]`); `max_turns`, `time_limit` and `reward` come from the same places or from
`env_config`, and `env_config.sandbox` picks the sandbox backend. `init(prompt)` appends the task observation to the
prompt as a user message; each `step(llm_text)` parses the action (JSON or tags, see `ACTION_FORMAT`), runs it and
returns the tool output as the next user message, with the reward (0 until the episode ends) and `done`.

Register the id `sandmle` with `register()`, then `skyrl_gym.make("sandmle", env_config=..., extras=...)`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from skyrl_gym.envs.base_text_env import BaseTextEnv, BaseTextEnvStepOutput, ConversationType

from sandmle_core.consume.gym import MLEEnvironment, render_observation
from sandmle_core.errors import EnvironmentFormatError

__all__ = ["ENV_ID", "SandmleSkyRLEnv", "register"]

ENV_ID = "sandmle"
_NUMERIC_METRICS = ("reward", "dense_reward", "sparse_reward", "score", "human_rank", "format_rate", "turns",
                    "compute_seconds")


def _lookup(extras: Mapping[str, Any], config: Any, key: str, default: Any = None) -> Any:
    for source in (extras, extras.get("extra_info") or {}, extras.get("reward_spec") or {}):
        if isinstance(source, Mapping) and source.get(key) is not None:
            return source[key]
    value = config.get(key) if hasattr(config, "get") else getattr(config, key, None)
    return default if value is None else value


class SandmleSkyRLEnv(BaseTextEnv):
    """One sandmle environment as a multi-turn SkyRL text environment."""

    def __init__(self, env_config: Any = None, extras: Mapping[str, Any] | None = None) -> None:
        super().__init__()
        extras = dict(extras or {})
        config = env_config if env_config is not None else {}
        env_dir = _lookup(extras, config, "env_dir")
        if not env_dir:
            raise EnvironmentFormatError("<extras>", "SkyRL extras need `env_dir` (top level or in extra_info)")
        self.max_turns = int(_lookup(extras, config, "max_turns", 30))
        self.seed = _lookup(extras, config, "seed")
        self.env = MLEEnvironment(
            env_dir,
            sandbox=_lookup(extras, config, "sandbox"),
            max_turns=self.max_turns,
            time_limit=float(_lookup(extras, config, "time_limit", 1800.0)),
            reward=_lookup(extras, config, "reward", "dense"),
        )
        self.final: dict[str, Any] | None = None

    def init(self, prompt: ConversationType) -> tuple[ConversationType, dict[str, Any]]:
        """Start the episode: the prompt (e.g. a system message) followed by the task as a user message."""
        obs = self.env.reset(seed=self.seed)
        self.turns = 0
        self.final = None
        messages = [dict(m) for m in (prompt or [])]
        messages.append({"role": "user", "content": render_observation(obs)})
        return messages, {"env_id": self.env.env_id}

    def step(self, action: str) -> BaseTextEnvStepOutput:
        """Run the action written in the LLM's text; the tool output comes back as the next user message."""
        self.turns += 1
        result = self.env.step(action)
        if result.done:
            self.final = dict(result.info)
        observations = [] if result.done else [{"role": "user", "content": render_observation(result.observation)}]
        return BaseTextEnvStepOutput(observations=observations, reward=float(result.reward), done=result.done,
                                     metadata=dict(result.info), postprocessed_action=None)

    def get_metrics(self) -> dict[str, Any]:
        """The episode's numeric outcome (score, rewards, HumanRank, format rate, turns, medals as 0/1)."""
        if self.final is None:
            return {"turns": self.turns}
        out = {k: float(self.final[k]) for k in _NUMERIC_METRICS if self.final.get(k) is not None}
        for flag in ("valid", "gold", "silver", "bronze", "any_medal", "above_median"):
            if self.final.get(flag) is not None:
                out[flag] = float(bool(self.final[flag]))
        return out

    def close(self) -> None:
        self.env.close()


def register() -> None:
    """Register the id `sandmle` with skyrl_gym (idempotent)."""
    from skyrl_gym.envs.registration import register as skyrl_register
    from skyrl_gym.envs.registration import registry

    if ENV_ID not in registry:
        skyrl_register(id=ENV_ID, entry_point="sandmle.rl.skyrl_env:SandmleSkyRLEnv")
