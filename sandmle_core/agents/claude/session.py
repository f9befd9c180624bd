"""One backend's connection to the model: API calls, repair loops, usage accounting and transcripts.

`AgentSession` is shared by the five roles of one backend. Every call goes through `call`: it waits for a slot of
the machine-wide semaphore, sends the request through the real `anthropic` SDK (whose own retry loop handles 429,
529, 5xx, 408/409 and timeouts with exponential backoff, honouring `retry-after-ms` / `retry-after`), prices the
usage, adds it to the ledger and appends the turn to the transcript. An error that survives the SDK's retries
becomes a typed `LLMUnavailable` / `LLMRequestRejected`.

`ask` is the structured-output loop of a role: request the role's tool (forced through `tool_choice`, or named in
the prompt with `tool_choice: auto` for models that reject forced tool use), validate the tool input with the role's
pydantic model, and on failure — or on a reply without the tool call — send the problem back as an `is_error`
tool_result, at most `schema_repairs` times. A reply cut off by `max_tokens` is asked again with twice the budget (up to
`max_tokens_cap`); the truncated turn is dropped from the conversation. `Conversation.feedback` is how code-writing
roles send execution failures back for the next round.

Prompt caching: the long system prompt (after the identical tool list) carries a `cache_control` breakpoint, so
every call of every role after the first reads it from the cache; repair rounds add breakpoints on their latest
user turns so a growing conversation is cached incrementally.

Usage: the ledger collects every call's tokens and cost, filed under the role, the conversation's round (0 = the
first request, k = the k-th repair round) and the slot attempt the strategist set in the transcript context;
`take_usage` hands out what accumulated since the last take (the developer's `last_usage`, read once per build by
`generate.build_environment`, and once more when a slot ends, so a failed slot's calls are counted too).

Transcripts: one JSON line per turn in `<corpus>/transcripts/<env_id>.jsonl` (beside `envs/`, not inside the
environment, whose files must stay deterministic). Turns made before the environment's id is known (the
strategist's) are buffered and written when the developer binds the staging folder. The system prompt and tool
list are written once per content hash to `system-<hash>.json`. The API key is never part of a request body, and
every line is scrubbed of it anyway before it is written.
"""

from __future__ import annotations

import copy
import hashlib
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import anthropic
from pydantic import ValidationError

from sandmle_core.agents.base import Usage, UsagePart
from sandmle_core.agents.claude.config import ClaudeConfig
from sandmle_core.agents.claude.errors import LLM_STAGE, AgentGaveUp, LLMRequestRejected, LLMUnavailable
from sandmle_core.agents.claude.limiter import FileSemaphore
from sandmle_core.agents.claude.pricing import call_cost
from sandmle_core.agents.claude.prompts import SYSTEM_PROMPT
from sandmle_core.agents.claude.schemas import tool_definitions, validation_feedback
from sandmle_core.envfolder import EnvFolder

__all__ = ["AgentSession", "Conversation", "Transcript", "transcript_folder"]

T = TypeVar("T")
_REDACTED = "[redacted]"


def transcript_folder(staging: EnvFolder | Path) -> Path:
    """`<corpus>/transcripts` for a staging folder `<corpus>/.staging/<env_id>`, else `<parent>/transcripts`."""
    staging = Path(staging).resolve()
    if staging.parent.name == ".staging":
        return staging.parent.parent / "transcripts"
    return staging.parent / "transcripts"


class Transcript:
    """JSON lines of every agent turn, routed to `<folder>/<env_id>.jsonl` once the environment is known."""

    def __init__(self, fixed_folder: Path | None, secret: str | None, header: dict[str, Any]) -> None:
        self._fixed = fixed_folder
        self._secret = secret
        self._header = header
        self._buffer: list[dict[str, Any]] = []
        self._path: Path | None = None
        self._lock = threading.Lock()
        self.context: dict[str, Any] = {}

    def _scrub(self, line: str) -> str:
        return line.replace(self._secret, _REDACTED) if self._secret else line

    def set_context(self, **context: Any) -> None:
        """Fields added to every following line (slot, attempt, env id); a new slot attempt unbinds the file."""
        with self._lock:
            self.context = {k: v for k, v in context.items() if v is not None}
            self._path = None

    def bind(self, staging: EnvFolder | Path, env_id: str) -> Path:
        """Send buffered and future lines to the transcript of `env_id` beside the corpus of `staging`."""
        folder = self._fixed or transcript_folder(staging)
        folder.mkdir(parents=True, exist_ok=True)
        header = self._scrub(json.dumps(self._header, sort_keys=True, indent=1))
        sidecar = folder / f"system-{hashlib.sha256(header.encode()).hexdigest()[:12]}.json"
        if not sidecar.exists():
            tmp = sidecar.with_suffix(f".{threading.get_ident()}.tmp")
            tmp.write_text(header + "\n")
            tmp.replace(sidecar)
        with self._lock:
            self.context["env_id"] = env_id
            self._path = folder / f"{env_id}.jsonl"
            records, self._buffer = self._buffer, []
        for record in records:
            self._append(self._line({**record, "env_id": env_id}))
        return self._path

    @property
    def path(self) -> Path | None:
        return self._path

    def _append(self, line: str) -> None:
        assert self._path is not None
        with self._lock, self._path.open("a") as fh:
            fh.write(line + "\n")

    def _line(self, record: dict[str, Any]) -> str:
        return self._scrub(json.dumps(record, default=str))

    def write(self, record: dict[str, Any]) -> None:
        full = {"at": datetime.now(UTC).isoformat(timespec="milliseconds"), "env_id": None, **self.context, **record}
        if self._path is None:
            with self._lock:
                self._buffer.append(full)
        else:
            self._append(self._line(full))


@dataclass
class Conversation:
    """One role's exchange with the model: the first prompt, the model's turns and the feedback sent back."""

    role: str
    stage: str
    tool: str
    messages: list[dict[str, Any]] = field(default_factory=list)
    logged: int = 0
    pending_tool_ids: list[str] = field(default_factory=list)
    rounds: int = 0

    @classmethod
    def start(cls, role: str, stage: str, tool: str, prompt: str) -> Conversation:
        """A conversation whose first user turn is the role's context."""
        return cls(role=role, stage=stage, tool=tool, messages=[{"role": "user", "content": [
            {"type": "text", "text": prompt}]}])

    def outgoing(self) -> list[dict[str, Any]]:
        """The messages to send. In a repair round the last block of each of the last two user turns is a cache
        breakpoint, so the growing conversation is cached incrementally (the first call caches only the system
        prompt: one-shot role prompts are never re-read, and a cache write costs 1.25x)."""
        users = [i for i, m in enumerate(self.messages) if m["role"] == "user"]
        if len(users) < 2:
            return self.messages
        out = copy.deepcopy(self.messages)
        for i in users[-2:]:
            out[i]["content"][-1]["cache_control"] = {"type": "ephemeral"}
        return out

    def feedback(self, text: str, is_error: bool = True) -> None:
        """Answer the model's pending tool call(s) with `text` (an error, a failed run, a failed check)."""
        ids = self.pending_tool_ids
        if ids:
            content: list[dict[str, Any]] = [{"type": "tool_result", "tool_use_id": ids[0], "is_error": is_error,
                                              "content": text}]
            content += [{"type": "tool_result", "tool_use_id": i, "is_error": True,
                         "content": "Ignored: call the tool exactly once per turn."} for i in ids[1:]]
        else:
            content = [{"type": "text", "text": text}]
        self.messages.append({"role": "user", "content": content})
        self.pending_tool_ids = []


def _usage_of(message: Any, conv: Conversation, attempt: int | None, config: ClaudeConfig) -> Usage:
    """The priced usage of one reply, filed under the conversation's role and round and the slot's attempt."""
    u = message.usage
    part = UsagePart(calls=1, input_tokens=int(u.input_tokens or 0), output_tokens=int(u.output_tokens or 0),
                     cache_read_tokens=int(getattr(u, "cache_read_input_tokens", 0) or 0),
                     cache_write_tokens=int(getattr(u, "cache_creation_input_tokens", 0) or 0))
    part = part.model_copy(update={"cost_usd": call_cost(config.model, part, config.prices)})
    return Usage.of_call(part, config.model, conv.role, conv.rounds, attempt)


def _error_detail(exc: anthropic.APIStatusError) -> str:
    body = exc.body if isinstance(exc.body, dict) else {}
    err = body.get("error", body) if isinstance(body, dict) else {}
    kind = err.get("type", "error") if isinstance(err, dict) else "error"
    message = err.get("message", "") if isinstance(err, dict) else ""
    return f"HTTP {exc.status_code} {kind}: {message or str(exc)[:200]}"


class AgentSession:
    """The model connection shared by the roles of one backend (see the module docstring)."""

    def __init__(self, config: ClaudeConfig, client: anthropic.Anthropic, secret: str | None = None) -> None:
        self.config = config
        self.client = client
        self.limiter = FileSemaphore(config.slots_dir, config.max_concurrency)
        self.tools = tool_definitions()
        self.system = [{"type": "text", "text": SYSTEM_PROMPT, "cache_control": {"type": "ephemeral"}}]
        self.transcript = Transcript(config.transcript_dir, secret,
                                     {"model": config.model, "system": SYSTEM_PROMPT, "tools": self.tools})
        self._pending = Usage(model=config.model)
        self._total = Usage(model=config.model)
        self._lock = threading.Lock()
        self.notes: dict[str, dict[str, Any]] = {}

    # -- usage ---------------------------------------------------------------------------------------------

    def _record(self, usage: Usage) -> None:
        with self._lock:
            self._pending = self._pending.add(usage)
            self._total = self._total.add(usage)

    def take_usage(self) -> Usage:
        """Usage since the last take (then reset): the cost of the current build."""
        with self._lock:
            taken, self._pending = self._pending, Usage(model=self.config.model)
        return taken

    @property
    def total_usage(self) -> Usage:
        """Everything this session spent."""
        return self._total

    # -- one call ------------------------------------------------------------------------------------------

    def _tool_choice(self, tool: str) -> dict[str, Any]:
        if self.config.effective_tool_choice == "auto":
            return {"type": "auto", "disable_parallel_tool_use": True}
        return {"type": "tool", "name": tool, "disable_parallel_tool_use": True}

    def call(self, conv: Conversation, max_tokens: int) -> Any:
        """Send the conversation once (the SDK retries transient failures); record usage and the transcript.

        Raises:
            LLMUnavailable: 429 / 529 / 5xx / timeouts / connection failures outlived the SDK's retries.
            LLMRequestRejected: any other API error (authentication, unknown model, invalid request).
        """
        cfg = self.config
        new = conv.messages[conv.logged:]
        start = time.perf_counter()
        base = {"role": conv.role, "stage": conv.stage, "round": conv.rounds, "model": cfg.model,
                "max_tokens": max_tokens, "sent": new}
        try:
            with self.limiter.slot():
                raw = self.client.messages.with_raw_response.create(
                    model=cfg.model, max_tokens=max_tokens, system=self.system, tools=self.tools,
                    tool_choice=self._tool_choice(conv.tool), messages=conv.outgoing())
                message = raw.parse()
        except anthropic.APIStatusError as exc:
            detail = _error_detail(exc)
            self.transcript.write({**base, "error": detail, "seconds": round(time.perf_counter() - start, 3)})
            conv.logged = len(conv.messages)
            transient = exc.status_code in (408, 409, 429) or exc.status_code >= 500
            if transient:
                raise LLMUnavailable(LLM_STAGE, f"{conv.role}: the Anthropic API stayed unavailable through "
                                                f"{cfg.max_retries} retries ({detail})") from None
            raise LLMRequestRejected(LLM_STAGE, f"{conv.role}: the Anthropic API rejected the request "
                                                f"({detail})") from None
        except anthropic.APIConnectionError as exc:
            kind = "timed out" if isinstance(exc, anthropic.APITimeoutError) else "could not be reached"
            self.transcript.write({**base, "error": f"{type(exc).__name__}: {kind}",
                                   "seconds": round(time.perf_counter() - start, 3)})
            conv.logged = len(conv.messages)
            raise LLMUnavailable(LLM_STAGE, f"{conv.role}: the Anthropic API {kind} through {cfg.max_retries} "
                                            f"retries (timeout {cfg.timeout:g} s per attempt)") from None
        usage = _usage_of(message, conv, self.transcript.context.get("attempt"), cfg)
        self._record(usage)
        self.transcript.write({
            **base, "response": {"id": message.id, "stop_reason": message.stop_reason,
                                 "content": [b.to_dict(mode="json") for b in message.content]},
            "usage": usage.part.model_dump(), "retries": raw.retries_taken,
            "seconds": round(time.perf_counter() - start, 3),
        })
        conv.logged = len(conv.messages)
        return message

    # -- the structured-output loop ------------------------------------------------------------------------

    def ask(self, conv: Conversation, validate: Callable[[dict[str, Any]], T]) -> T:
        """Call until the role's tool input validates; return the validated value.

        The conversation ends with the model's valid tool call (its id in `conv.pending_tool_ids`), so a caller can
        run the result and send `conv.feedback(...)` before asking again.

        Raises:
            AgentGaveUp: still invalid after `schema_repairs` repairs, or truncated even at `max_tokens_cap`.
            LLMUnavailable, LLMRequestRejected: see `call`.
        """
        cfg = self.config
        max_tokens, repairs = cfg.max_tokens, 0
        while True:
            message = self.call(conv, max_tokens)
            uses = [b for b in message.content if b.type == "tool_use"]
            if message.stop_reason == "max_tokens" and not (uses and uses[0].name == conv.tool):
                if max_tokens >= cfg.max_tokens_cap:
                    raise AgentGaveUp(conv.stage, f"{conv.role}: the reply was cut off at max_tokens "
                                                  f"{max_tokens} (the cap) before the tool call was complete")
                max_tokens = min(cfg.max_tokens_cap, 2 * max_tokens)
                self.transcript.write({"role": conv.role, "stage": conv.stage, "round": conv.rounds,
                                       "note": f"reply truncated by max_tokens; asking again with {max_tokens}"})
                continue
            conv.messages.append({"role": "assistant", "content": [b.to_dict(mode="json") for b in message.content]})
            conv.logged = len(conv.messages)
            conv.pending_tool_ids = [b.id for b in uses]
            if not uses:
                problem = f"No tool call in your reply: answer by calling the tool `{conv.tool}`."
            elif uses[0].name != conv.tool:
                problem = f"Wrong tool `{uses[0].name}`: this role answers with the tool `{conv.tool}`."
            else:
                try:
                    return validate(dict(uses[0].input))
                except (ValidationError, ValueError) as exc:
                    problem = validation_feedback(exc)
            repairs += 1
            conv.rounds += 1
            if repairs > cfg.schema_repairs:
                raise AgentGaveUp(conv.stage, f"{conv.role}: the reply still did not validate after "
                                              f"{cfg.schema_repairs} repair(s): {problem[:1200]}")
            conv.feedback(problem)
