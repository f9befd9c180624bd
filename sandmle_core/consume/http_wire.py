"""HTTP/1.1 on the wire for the grading server: strict request heads, JSON responses, bearer tokens.

The grading server reads requests itself (see `service_http`), so this module holds the small, pure parts: a request
head parsed with the standard library's header parser and every malformed case turned into an `HTTPProblem` (a status
and a JSON error body, never an HTML page or a dropped connection), a JSON body parser that turns any parse error —
including nesting deep enough to exhaust the parser's recursion — into a 400, the constant-time bearer-token check,
and the bytes of a JSON response.
"""

from __future__ import annotations

import hmac
import http
import http.client
import io
import json
from dataclasses import dataclass, field
from email.utils import formatdate
from typing import Any
from urllib.parse import urlsplit

from sandmle_core import __version__

__all__ = ["MAX_HEAD_BYTES", "HTTPProblem", "RequestHead", "is_authorized", "parse_head", "parse_json_object",
           "render_response"]

MAX_HEAD_BYTES = 64 * 1024
"""Request line plus headers; a longer head is answered 431."""


class HTTPProblem(Exception):
    """A request that gets an error status: `status`, a machine-readable `error` and a `message` for people."""

    def __init__(self, status: int, error: str, message: str, headers: tuple[tuple[str, str], ...] = ()) -> None:
        self.status = status
        self.error = error
        self.message = message
        self.headers = headers
        super().__init__(f"{status} {error}: {message}")

    @property
    def payload(self) -> dict[str, Any]:
        return {"error": self.error, "message": self.message}


@dataclass(frozen=True)
class RequestHead:
    """A parsed request line and headers."""

    method: str
    path: str
    version: str
    content_length: int | None
    keep_alive: bool
    expect_continue: bool
    headers: http.client.HTTPMessage = field(repr=False)


def parse_head(raw: bytes) -> RequestHead:
    """Parse a request head (everything up to and including the blank line).

    Raises:
        HTTPProblem: 400 for a malformed request line, header or Content-Length; 505 for an HTTP version other than
            1.0/1.1; 411 for a chunked body (send Content-Length instead).
    """
    line, _, rest = raw.lstrip(b"\r\n").partition(b"\r\n")
    try:
        method, target, version = line.decode("ascii").split(" ")
    except (UnicodeDecodeError, ValueError):
        raise HTTPProblem(400, "bad_request", "malformed request line (expected METHOD /path HTTP/1.1)") from None
    if version not in ("HTTP/1.0", "HTTP/1.1"):
        raise HTTPProblem(505, "version_not_supported", f"{version[:20]!r}: speak HTTP/1.1 or HTTP/1.0")
    if not method.isascii() or not method.isalpha() or not method.isupper() or not target.startswith("/"):
        raise HTTPProblem(400, "bad_request", "malformed request line (expected METHOD /path HTTP/1.1)")
    try:
        headers = http.client.parse_headers(io.BytesIO(rest))
    except http.client.HTTPException as exc:  # more than 100 headers, or a line over 64 KiB
        raise HTTPProblem(400, "bad_request", f"malformed headers: {exc}") from None
    if headers.get("Transfer-Encoding"):
        raise HTTPProblem(411, "length_required", "chunked bodies are not accepted: send a Content-Length header")
    lengths = {v.strip() for v in headers.get_all("Content-Length") or []}
    if len(lengths) > 1 or any(not (v.isascii() and v.isdigit()) or len(v) > 18 for v in lengths):
        raise HTTPProblem(400, "bad_request", "Content-Length must be one non-negative integer")
    connection = (headers.get("Connection") or "").lower()
    keep = "close" not in connection if version == "HTTP/1.1" else "keep-alive" in connection
    return RequestHead(method=method, path=urlsplit(target).path, version=version,
                       content_length=int(lengths.pop()) if lengths else None, keep_alive=keep,
                       expect_continue=(headers.get("Expect") or "").strip().lower() == "100-continue",
                       headers=headers)


def is_authorized(head: RequestHead, token: str | None) -> bool:
    """True when no token is required, or the request carries `Authorization: Bearer <token>` (constant time)."""
    if token is None:
        return True
    scheme, _, given = (head.headers.get("Authorization") or "").strip().partition(" ")
    # headers are decoded as latin-1, so encoding back gives the bytes the client sent
    sent = given.strip().encode("latin-1", errors="replace")
    return scheme.lower() == "bearer" and hmac.compare_digest(sent, token.encode())


def parse_json_object(body: bytes) -> dict[str, Any]:
    """A request body as a JSON object.

    Raises:
        HTTPProblem: 400 for anything that is not one JSON object: invalid UTF-8 or JSON, nesting deeper than the
            parser's recursion limit, or another JSON value.
    """
    try:
        value = json.loads(body)
    except RecursionError:
        raise HTTPProblem(400, "bad_request", "the JSON body is nested too deeply") from None
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError
        raise HTTPProblem(400, "bad_request", f"the body is not JSON: {exc}") from None
    if not isinstance(value, dict):
        raise HTTPProblem(400, "bad_request", "the body must be a JSON object")
    return value


def render_response(status: int, payload: dict[str, Any], keep_alive: bool,
                    headers: tuple[tuple[str, str], ...] = ()) -> bytes:
    """The bytes of a JSON response (status line, headers, body)."""
    body = json.dumps(payload).encode()
    try:
        phrase = http.HTTPStatus(status).phrase
    except ValueError:
        phrase = "Status"
    lines = [f"HTTP/1.1 {status} {phrase}", f"Server: sandmle-grader/{__version__}",
             f"Date: {formatdate(usegmt=True)}", "Content-Type: application/json",
             f"Content-Length: {len(body)}", f"Connection: {'keep-alive' if keep_alive else 'close'}",
             *(f"{name}: {value}" for name, value in headers)]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
