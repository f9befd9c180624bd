"""The gym's actions: the four tools, the text format an LLM writes them in, and the one parser.

An action is an `Action` model, a dict, or text — a JSON object, or the first tag of `ACTION_FORMAT`
(`<python>code</python>`, `<bash>command</bash>`, `<score/>`, `<submit/>`). Anything else is an `ActionError` whose
reason is shown to the agent (it costs a turn, never raises out of a step).

Imports: pydantic and `sandmle_core.errors`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from sandmle_core.errors import SandmleError

__all__ = ["ACTION_FORMAT", "TOOLS", "Action", "ActionError", "ToolName", "parse_action"]

ToolName = Literal["python", "bash", "score", "submit"]
TOOLS: dict[str, str] = {
    "python": "Run Python code in the working directory (a fresh interpreter each step: files persist, variables "
              "do not). Argument: code.",
    "bash": "Run a shell command in the working directory. Argument: command.",
    "score": "Grade the current ./submission.csv: its score and the medal thresholds (never the answers). Does not "
             "end the episode.",
    "submit": "Grade ./submission.csv and end the episode.",
}
ACTION_FORMAT = (
    "One action per turn, either a JSON object — {\"tool\": \"python\", \"code\": \"...\"}, "
    "{\"tool\": \"bash\", \"command\": \"...\"}, {\"tool\": \"score\"}, {\"tool\": \"submit\"} — or tags: "
    "<python>code</python>, <bash>command</bash>, <score/>, <submit/> (the first tag in the text is used)."
)
_TAG = re.compile(r"<(python|bash|score|submit)\s*(?:/>|>(.*?)</\1\s*>)", re.DOTALL)
_MAX_CODE_BYTES = 120_000  # below Linux's 128 KiB single-argument limit, so bash -c always works


class ActionError(SandmleError):
    """An action cannot be parsed or is not allowed; `reason` says why (shown to the agent)."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class Action(BaseModel):
    """One tool call. `code` goes with python, `command` with bash; score and submit take no argument."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    tool: ToolName
    code: str | None = None
    command: str | None = None

    @model_validator(mode="after")
    def _argument(self) -> Action:
        needed = {"python": "code", "bash": "command"}.get(self.tool)
        if needed and not (getattr(self, needed) or "").strip():
            raise ValueError(f"the {self.tool} tool needs a non-empty `{needed}`")
        text = self.code if self.tool == "python" else self.command if self.tool == "bash" else None
        if text is not None and len(text.encode()) > _MAX_CODE_BYTES:
            raise ValueError(f"the {self.tool} argument is longer than {_MAX_CODE_BYTES} bytes; write files instead")
        return self


def parse_action(raw: Action | Mapping[str, Any] | str) -> Action:
    """An `Action` from a model, a dict, or text (a JSON object, or the first tag of `ACTION_FORMAT`).

    Raises:
        ActionError: when nothing valid can be read; the reason is meant for the agent.
    """
    if isinstance(raw, Action):
        return raw
    data: Any = raw
    if isinstance(raw, str):
        text = raw.strip()
        if text.startswith("{"):
            try:
                data = json.loads(text)
            except json.JSONDecodeError as exc:
                raise ActionError(f"the action looks like JSON but does not parse: {exc}") from None
        else:
            match = _TAG.search(raw)
            if match is None:
                shown = text[:80].encode("ascii", "backslashreplace").decode()
                raise ActionError(f"no action found (expected JSON or a tag such as <python>...</python>): {shown!r}")
            tool, body = match.group(1), match.group(2)
            body = (body or "").strip("\n")
            data = {"tool": tool, **({"code": body} if tool == "python" else {"command": body} if tool == "bash"
                                     else {})}
    if not isinstance(data, Mapping):
        raise ActionError(f"an action must be an object with a `tool` field, got {type(data).__name__}")
    try:
        return Action.model_validate(dict(data))
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'action'}: {e['msg']}" for e in exc.errors()[:3])
        raise ActionError(f"invalid action ({problems})") from None
