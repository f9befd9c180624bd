"""What `--agent` asks for: `parse_agent` reads `ladder:<level>`, `ladder:top` or `claude[:<model>]` (an `AgentSpec`).

A module of its own with no heavy import, so `sandmle eval` refuses a malformed `--agent` before it imports the
episode machinery (grading, scikit-learn: ~1 s). `episodes` re-exports all three names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sandmle_core.errors import SandmleError

__all__ = ["AgentSpec", "EvaluationError", "parse_agent"]


class EvaluationError(SandmleError):
    """The harness cannot run as asked (unknown agent, missing ladder level, nothing to evaluate)."""


@dataclass(frozen=True)
class AgentSpec:
    """A parsed `--agent` value: `ladder` with a level (None = the top level), or `claude` with a model."""

    kind: Literal["ladder", "claude"]
    level: int | None = None
    model: str | None = None

    @property
    def label(self) -> str:
        if self.kind == "ladder":
            return f"ladder:{'top' if self.level is None else self.level}"
        return f"claude:{self.model}" if self.model else "claude"


def parse_agent(text: str) -> AgentSpec:
    """`ladder:<level>`, `ladder:top`, `claude` or `claude:<model>`.

    Raises:
        EvaluationError: for anything else.
    """
    kind, _, arg = text.strip().partition(":")
    if kind == "ladder":
        if arg in ("top", "max", "-1"):
            return AgentSpec("ladder", None)
        if arg.isdigit():
            return AgentSpec("ladder", int(arg))
        raise EvaluationError(f"--agent {text!r}: the ladder level must be a number or `top`, e.g. ladder:0")
    if kind == "claude":
        return AgentSpec("claude", model=arg or None)
    raise EvaluationError(f"--agent {text!r}: choose ladder:<level>, ladder:top or claude[:<model>]")
