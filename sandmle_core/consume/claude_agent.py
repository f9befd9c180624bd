"""The `claude` evaluation agent: a ReAct loop over `MLEEnvironment` through the anthropic SDK's Messages API.

Each tool of the gym is a Messages-API tool; every reply's first tool call is one step, its observation goes back as
the tool result, and a reply without a tool call costs a turn (a malformed action). The episode is reported as an
`EpisodeRecord` with the token counts.

Imports: the consume wing's gym and episodes; `anthropic` lazily (only when no client is given).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Literal

from sandmle_core.consume.episodes import AgentSpec, EpisodeRecord, EvaluationError, record_from_info
from sandmle_core.consume.gym import TOOLS, MLEEnvironment, render_observation
from sandmle_core.sandbox import Limits

__all__ = ["DEFAULT_CLAUDE_MODEL", "ClaudeAgent"]


DEFAULT_CLAUDE_MODEL = "claude-sonnet-4-5"
_SYSTEM = (
    "You are a machine-learning engineer solving a Kaggle-style competition inside a sandbox without network access. "
    "Read the task, explore ./public with the tools, train a model with pandas, numpy and scikit-learn, write "
    "./submission.csv in the required format, check it with the score tool, and call submit when you are done. "
    "One tool call per turn; every turn counts against the turn limit."
)
_ARGUMENTS = {"python": "code", "bash": "command"}


def _tool_schemas() -> list[dict[str, Any]]:
    tools = []
    for name, text in TOOLS.items():
        arg = _ARGUMENTS.get(name)
        props = {arg: {"type": "string", "description": f"the {arg} to run"}} if arg else {}
        tools.append({"name": name, "description": text,
                      "input_schema": {"type": "object", "properties": props, "required": [arg] if arg else []}})
    return tools


class ClaudeAgent:
    """A ReAct loop over `MLEEnvironment` through the anthropic SDK's Messages API (tool use).

    Args:
        model: the model id (default `DEFAULT_CLAUDE_MODEL`).
        client: an `anthropic.Anthropic` client; None = one built from ANTHROPIC_API_KEY / ANTHROPIC_BASE_URL.
        max_turns: the episode's turn limit (each model reply is one environment step).
        max_tokens: per reply.
    """

    def __init__(self, model: str | None = None, client: Any = None, max_turns: int = 20,
                 max_tokens: int = 4096) -> None:
        if client is None:
            import os

            import anthropic

            if not os.environ.get("ANTHROPIC_API_KEY"):
                raise EvaluationError("the claude agent needs ANTHROPIC_API_KEY (or an explicit client)")
            client = anthropic.Anthropic(max_retries=4)
        self.client = client
        self.model = model or DEFAULT_CLAUDE_MODEL
        self.max_turns = max_turns
        self.max_tokens = max_tokens

    def _reply(self, messages: list[dict[str, Any]]) -> Any:
        import anthropic

        try:
            return self.client.messages.create(
                model=self.model, max_tokens=self.max_tokens, tools=_tool_schemas(), messages=messages,
                system=[{"type": "text", "text": _SYSTEM, "cache_control": {"type": "ephemeral"}}],
            )
        except anthropic.APIError as exc:
            raise EvaluationError(f"Messages API call failed: {type(exc).__name__}: {exc}") from exc

    def run_episode(self, task_dir: str | Path, *, seed: int = 0, sandbox: Any = None, limits: Limits | None = None,
                    reward: Literal["dense", "sparse"] = "dense", data_dir: str | Path | None = None) -> EpisodeRecord:
        """Play one episode; the model sees the task observation first, then each tool's output."""
        start = time.perf_counter()
        tokens = [0, 0]
        with MLEEnvironment(task_dir, sandbox, limits, max_turns=self.max_turns, reward=reward,
                            data_dir=data_dir) as env:
            messages: list[dict[str, Any]] = [{"role": "user", "content": render_observation(env.reset(seed=seed))}]
            while True:
                response = self._reply(messages)
                usage = getattr(response, "usage", None)
                tokens[0] += int(getattr(usage, "input_tokens", 0) or 0)
                tokens[1] += int(getattr(usage, "output_tokens", 0) or 0)
                messages.append({"role": "assistant", "content": response.content})
                calls = [b for b in response.content if b.type == "tool_use"]
                if not calls:
                    text = "".join(getattr(b, "text", "") for b in response.content)
                    result = env.step(text)
                    if result.done:
                        break
                    messages.append({"role": "user", "content": render_observation(result.observation)
                                     + "\nCall one of the tools."})
                    continue
                first = calls[0]
                action = {"tool": first.name, **(first.input if isinstance(first.input, dict) else {})}
                result = env.step(action)
                if result.done:
                    break
                replies = [{"type": "tool_result", "tool_use_id": first.id,
                            "content": render_observation(result.observation)}]
                replies += [{"type": "tool_result", "tool_use_id": b.id, "is_error": True,
                             "content": "not run: one tool call per turn"} for b in calls[1:]]
                messages.append({"role": "user", "content": replies})
            return record_from_info(env.env_id, env.task.kind, AgentSpec("claude", model=self.model).label,
                                     result.info, wall_seconds=round(time.perf_counter() - start, 3),
                                     input_tokens=tokens[0], output_tokens=tokens[1])
