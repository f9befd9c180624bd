"""Gymnasium adapter: `MLEEnvironment` as a `gymnasium.Env` with text observations and text actions.

Observations are the rendered text of `sandmle_core.consume.gym.render_observation`; actions are text in the format
of `sandmle_core.consume.gym.ACTION_FORMAT` (a JSON action, or tags such as `<python>...</python>` and `<submit/>`).
Both spaces are `gymnasium.spaces.Text` over a printable charset (ASCII, Latin, Greek, Cyrillic, punctuation, arrows,
maths, box drawing); characters outside it are shown as "?" and observations longer than `max_observation_chars`
keep their end. `terminated` is true after `submit`; `truncated` after the turn limit or the compute budget. The
reward is 0 until the episode ends; `info` then holds the score, medals, above-median, HumanRank and both rewards.

Register the id `sandmle/MLE-v0` with `register()`, then `gymnasium.make("sandmle/MLE-v0", env_dir=...)`.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any, ClassVar

import gymnasium
from gymnasium import spaces

from sandmle_core.consume.gym import MLEEnvironment, render_observation

__all__ = ["ENV_ID", "SandmleGymEnv", "register", "text_charset"]

ENV_ID = "sandmle/MLE-v0"


@functools.cache
def text_charset() -> frozenset[str]:
    """The characters of the text spaces: tab, newline and every printable character below U+3000."""
    return frozenset("\t\n" + "".join(chr(c) for c in range(0x20, 0x3000) if chr(c).isprintable()))


def _clean(text: str, limit: int) -> str:
    chars = text_charset()
    text = "".join(c if c in chars else "?" for c in text)
    return text if len(text) <= limit else text[len(text) - limit:]


class SandmleGymEnv(gymnasium.Env[str, str]):
    """One sandmle environment (or mle-bench competition) as a Gymnasium text environment.

    Args:
        env_dir: the environment folder.
        max_observation_chars / max_action_chars: the bounds of the two Text spaces.
        render_mode: None or "ansi" (render() returns the last observation).
        **env_kwargs: passed to `MLEEnvironment` (sandbox, limits, max_turns, time_limit, reward, ...).
    """

    metadata: ClassVar[dict[str, Any]] = {"render_modes": ["ansi"], "render_fps": 1}  # fps: quiets gymnasium's checker

    def __init__(
        self,
        env_dir: str | Path,
        *,
        max_observation_chars: int = 100_000,
        max_action_chars: int = 100_000,
        render_mode: str | None = None,
        **env_kwargs: Any,
    ) -> None:
        if render_mode not in (None, "ansi"):
            raise ValueError(f"render_mode must be None or 'ansi', got {render_mode!r}")
        self.render_mode = render_mode
        self.env = MLEEnvironment(env_dir, **env_kwargs)
        charset = text_charset()
        self.observation_space = spaces.Text(max_observation_chars, min_length=0, charset=charset)
        self.action_space = spaces.Text(max_action_chars, min_length=0, charset=charset)
        self._max_obs = max_observation_chars
        self._last = ""

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None) -> tuple[str, dict[str, Any]]:
        """Start an episode; `seed` seeds the spaces' sampling and is exported to the sandbox as SANDMLE_SEED."""
        super().reset(seed=seed)
        obs = self.env.reset(seed=seed)
        self._last = _clean(render_observation(obs), self._max_obs)
        return self._last, {"env_id": self.env.env_id, "files": [dict(f) for f in obs["files"]]}

    def step(self, action: str) -> tuple[str, float, bool, bool, dict[str, Any]]:
        """Run one text action; returns (observation, reward, terminated, truncated, info)."""
        result = self.env.step(action)
        self._last = _clean(render_observation(result.observation), self._max_obs)
        info = {k: (dict(v) if isinstance(v, dict) else v) for k, v in result.info.items()}
        return self._last, float(result.reward), result.terminated, result.truncated, info

    def render(self) -> str | None:
        return self._last if self.render_mode == "ansi" else None

    def close(self) -> None:
        self.env.close()


def register() -> None:
    """Register `sandmle/MLE-v0` with Gymnasium (idempotent)."""
    if ENV_ID not in gymnasium.registry:
        gymnasium.register(id=ENV_ID, entry_point="sandmle.rl.gymnasium_env:SandmleGymEnv",
                           nondeterministic=True)
