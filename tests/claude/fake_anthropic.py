"""A local HTTP server that speaks the Anthropic Messages API well enough for the real `anthropic` client.

Tests start it on 127.0.0.1 (port 0 = any free port), point `anthropic.Anthropic(base_url=server.url)` or
ANTHROPIC_BASE_URL at it, and script its replies: one reply per HTTP request, first in first out, including the
requests the SDK's own retry loop makes. A reply is a `Reply` (status, JSON body, headers, delay) or a callable that
builds one from the request body (a "model" that reacts to the prompt). Every request is recorded with its arrival
time, headers, body and the usage it was answered with, so tests can assert what the client sent and when, and
what it was billed.

Usage is computed like the real API: tokens ≈ characters / 4 of the JSON; the prompt (tools → system → messages)
is cut at each `cache_control` breakpoint; the longest prefix already in a simulated prompt cache is read from it,
the rest up to the last breakpoint is written to it (prefixes under 1,024 tokens are not cached), and
`input_tokens` counts only the tokens after the last breakpoint.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = [
    "FakeAnthropic",
    "RecordedRequest",
    "Reply",
    "error_reply",
    "overloaded",
    "rate_limited",
    "text_reply",
    "tool_reply",
    "truncated_reply",
]

MIN_CACHEABLE_TOKENS = 1024
# Like the real API, models of this family answer a forced tool_choice with 400 (and the script is not consumed).
FORCED_TOOL_REJECTED = ("claude-sonnet-5-5",)


@dataclass
class Reply:
    """One scripted HTTP answer. `usage` (for 200 replies) overrides the computed usage fields."""

    status: int = 200
    content: list[dict[str, Any]] | None = None
    stop_reason: str | None = "end_turn"
    error_type: str = ""
    message: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    usage: dict[str, int] | None = None


Responder = Reply | Callable[[dict[str, Any]], Reply]


@dataclass
class RecordedRequest:
    """What the client sent: arrival time (monotonic seconds), path, headers (lower-case names) and JSON body."""

    at: float
    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    status: int = 0
    usage: dict[str, int] = field(default_factory=dict)  # the usage the server answered with (200 replies)

    @property
    def tool_choice(self) -> str | None:
        choice = self.body.get("tool_choice") or {}
        return choice.get("name")


def tool_reply(name: str, tool_input: dict[str, Any], *, text: str | None = None,
               usage: dict[str, int] | None = None) -> Reply:
    """An assistant turn that calls tool `name` with `tool_input` (stop_reason tool_use)."""
    blocks: list[dict[str, Any]] = [{"type": "text", "text": text}] if text else []
    digest = hashlib.sha256(json.dumps([name, tool_input], sort_keys=True).encode()).hexdigest()[:20]
    blocks.append({"type": "tool_use", "id": f"toolu_{digest}", "name": name, "input": tool_input})
    return Reply(content=blocks, stop_reason="tool_use", usage=usage)


def text_reply(text: str, stop_reason: str = "end_turn") -> Reply:
    """A plain-text assistant turn (no tool call)."""
    return Reply(content=[{"type": "text", "text": text}], stop_reason=stop_reason)


def truncated_reply(text: str = "I will now write the scripts:\n```python\nimport pandas as pd\n") -> Reply:
    """A reply cut off by max_tokens before any tool call was complete."""
    return Reply(content=[{"type": "text", "text": text}], stop_reason="max_tokens")


def error_reply(status: int, error_type: str, message: str, *, retry_after: float | None = None,
                retry_after_ms: float | None = None, should_retry: bool | None = None) -> Reply:
    """An API error in the Messages API's error shape, with optional retry headers."""
    headers: dict[str, str] = {}
    if retry_after is not None:
        headers["retry-after"] = f"{retry_after:g}"
    if retry_after_ms is not None:
        headers["retry-after-ms"] = f"{retry_after_ms:g}"
    if should_retry is not None:
        headers["x-should-retry"] = "true" if should_retry else "false"
    return Reply(status=status, error_type=error_type, message=message, headers=headers)


def rate_limited(retry_after: float = 1.0) -> Reply:
    """HTTP 429 rate_limit_error with a retry-after header in seconds."""
    return error_reply(429, "rate_limit_error", "Number of requests has exceeded your rate limit",
                       retry_after=retry_after)


def overloaded(retry_after_ms: float = 20.0) -> Reply:
    """HTTP 529 overloaded_error with a retry-after-ms header."""
    return error_reply(529, "overloaded_error", "Overloaded", retry_after_ms=retry_after_ms)


def _tokens(value: Any) -> int:
    return max(1, len(json.dumps(value, sort_keys=True)) // 4)


class FakeAnthropic:
    """The server. Use as a context manager; `url` is the base URL for the SDK."""

    def __init__(self) -> None:
        self._script: deque[Responder] = deque()
        self._lock = threading.Lock()
        self._cache: set[str] = set()
        self.requests: list[RecordedRequest] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.unscripted = 0
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def push(self, *replies: Responder) -> None:
        """Queue replies, answered in order, one per HTTP request."""
        with self._lock:
            self._script.extend(replies)

    @property
    def pending(self) -> int:
        return len(self._script)

    def __enter__(self) -> FakeAnthropic:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    # -- request handling --------------------------------------------------------------------------------------

    def _usage(self, body: dict[str, Any]) -> dict[str, int]:
        """Token counts with the simulated prompt cache (see module docstring)."""
        parts: list[tuple[Any, bool]] = [(t, "cache_control" in t) for t in body.get("tools", [])]
        system = body.get("system") or []
        if isinstance(system, str):
            system = [{"type": "text", "text": system}]
        parts += [(b, "cache_control" in b) for b in system]
        for message in body.get("messages", []):
            content = message["content"]
            blocks = [{"type": "text", "text": content}] if isinstance(content, str) else content
            parts += [(b, isinstance(b, dict) and "cache_control" in b) for b in blocks]
        total = sum(_tokens(p) for p, _ in parts) + 3
        marks = [i for i, (_, marked) in enumerate(parts) if marked]
        created = read = 0
        prefixes = []  # (size, key) of the prefix ending at each breakpoint, shortest first
        for mark in marks:
            prefix = [p for p, _ in parts[: mark + 1]]
            size = sum(_tokens(p) for p in prefix)
            if size >= MIN_CACHEABLE_TOKENS:
                key = hashlib.sha256(json.dumps([body.get("model"), prefix], sort_keys=True).encode()).hexdigest()
                prefixes.append((size, key))
        if prefixes:
            with self._lock:
                read = max((size for size, key in prefixes if key in self._cache), default=0)
                created = prefixes[-1][0] - read
                self._cache.update(key for _, key in prefixes)
        return {"input_tokens": total - created - read, "cache_creation_input_tokens": created,
                "cache_read_input_tokens": read}

    def _answer(self, body: dict[str, Any]) -> Reply:
        with self._lock:
            responder = self._script.popleft() if self._script else None
        if responder is None:
            self.unscripted += 1
            return error_reply(500, "api_error", "fake server: no scripted reply left", should_retry=False)
        return responder(body) if callable(responder) else responder

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # keep test output clean
                pass

            def _send(self, status: int, payload: dict[str, Any], headers: dict[str, str]) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.send_header("request-id", f"req_fake_{len(fake.requests):04d}")
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length) if length else b"{}"
                body = json.loads(raw or b"{}")
                record = RecordedRequest(at=time.monotonic(), path=self.path,
                                         headers={k.lower(): v for k, v in self.headers.items()}, body=body)
                with fake._lock:
                    fake.requests.append(record)
                    fake.in_flight += 1
                    fake.max_in_flight = max(fake.max_in_flight, fake.in_flight)
                try:
                    forced = (body.get("tool_choice") or {}).get("type") in ("tool", "any")
                    if not self.path.startswith("/v1/messages"):
                        reply = error_reply(404, "not_found_error", f"fake server: no route {self.path}")
                    elif forced and str(body.get("model", "")).startswith(FORCED_TOOL_REJECTED):
                        reply = error_reply(400, "invalid_request_error",
                                            "tool_choice: forced tool use is not supported with this model")
                    else:
                        reply = fake._answer(body)
                    if reply.delay:
                        time.sleep(reply.delay)
                    record.status = reply.status
                    if reply.status != 200:
                        payload = {"type": "error", "error": {"type": reply.error_type, "message": reply.message}}
                        self._send(reply.status, payload, reply.headers)
                        return
                    usage = {**fake._usage(body), "output_tokens": _tokens(reply.content)}
                    usage.update(reply.usage or {})
                    record.usage = usage
                    payload = {
                        "id": f"msg_fake_{len(fake.requests):04d}", "type": "message", "role": "assistant",
                        "model": body.get("model", "unknown"), "content": reply.content or [],
                        "stop_reason": reply.stop_reason, "stop_sequence": None, "usage": usage,
                    }
                    self._send(200, payload, reply.headers)
                finally:
                    with fake._lock:
                        fake.in_flight -= 1

        return Handler
