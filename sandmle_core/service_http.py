"""The grading service over loopback HTTP: a small JSON API for rollout workers in other processes.

Endpoints (all JSON):
- `POST /grade` with `{"env_id": str, "submission_csv": str, "format_rate": float (optional, default 1)}` →
  200 and the grade (`GradingService.grade`); an invalid submission is a normal 200 answer with `valid: false` and
  the reason. 400 for a malformed request, 404 for an unknown environment, 413 for a body over the limit,
  500 when an environment folder is broken.
- `GET /health` → counters; `GET /envs` → the environment ids; `GET /envs/<id>` → its public facts.

The server binds loopback addresses only: answers never leave the machine, and there is no authentication.
It is the standard library's `ThreadingHTTPServer` speaking HTTP/1.1 with keep-alive, so a client that reuses its
connection (`GraderClient`) pays no connection set-up per grade.
"""

from __future__ import annotations

import http.client
import ipaddress
import json
import logging
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote, urlsplit

from sandmle_core import __version__
from sandmle_core.errors import EnvironmentFormatError, SandmleError
from sandmle_core.service import GradingService, UnknownEnvironment

__all__ = ["DEFAULT_PORT", "GraderClient", "GraderHTTPError", "GradingHTTPServer", "serving"]

log = logging.getLogger(__name__)

DEFAULT_PORT = 8765
MAX_BODY_BYTES = 64 * 1024 * 1024


class GraderHTTPError(SandmleError):
    """The grading server answered a request with an error status."""

    def __init__(self, status: int, error: str, message: str) -> None:
        self.status = status
        self.error = error
        self.message = message
        super().__init__(f"grading server: {status} {error}: {message}")

    def __reduce__(self):
        return (type(self), (self.status, self.error, self.message))


def _loopback(host: str) -> str:
    if host == "localhost":
        return "127.0.0.1"
    try:
        if ipaddress.ip_address(host).is_loopback:
            return host
    except ValueError:
        pass
    raise ValueError(f"the grading server binds loopback addresses only (127.0.0.1, ::1), not {host!r}")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out as two writes: without this, delayed ACKs add 40 ms
    server_version = f"sandmle-grader/{__version__}"
    server: GradingHTTPServer

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s " + format, self.address_string(), *args)

    def _send(self, status: int, payload: dict[str, Any]) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _error(self, status: int, error: str, message: str) -> None:
        self._send(status, {"error": error, "message": message})

    def do_GET(self) -> None:
        path = urlsplit(self.path).path.rstrip("/") or "/"
        service = self.server.service
        try:
            if path == "/health":
                self._send(200, service.health())
            elif path == "/envs":
                self._send(200, {"envs": service.env_ids})
            elif path.startswith("/envs/"):
                self._send(200, service.info(unquote(path[len("/envs/"):])))
            else:
                self._error(404, "not_found", f"no endpoint {path} (GET /health, /envs, /envs/<id>; POST /grade)")
        except UnknownEnvironment as exc:
            self._error(404, "unknown_env", str(exc))
        except EnvironmentFormatError as exc:
            self._error(500, "broken_env", str(exc))

    def do_POST(self) -> None:
        path = urlsplit(self.path).path.rstrip("/")
        if path != "/grade":
            self._discard_body()
            self._error(404, "not_found", f"no endpoint POST {path} (POST /grade)")
            return
        request = self._read_json()
        if request is None:
            return
        env_id, csv_text = request.get("env_id"), request.get("submission_csv")
        format_rate = request.get("format_rate", 1.0)
        if not isinstance(env_id, str) or not isinstance(csv_text, str):
            self._error(400, "bad_request", 'the body must be {"env_id": str, "submission_csv": str}')
            return
        if isinstance(format_rate, bool) or not isinstance(format_rate, int | float) or not 0 <= format_rate <= 1:
            self._error(400, "bad_request", "format_rate must be a number in [0, 1]")
            return
        try:
            self._send(200, self.server.service.grade(env_id, csv_text, format_rate=float(format_rate)))
        except UnknownEnvironment as exc:
            self._error(404, "unknown_env", str(exc))
        except EnvironmentFormatError as exc:
            self._error(500, "broken_env", str(exc))

    def _discard_body(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if 0 < length <= MAX_BODY_BYTES:
            self.rfile.read(length)
        elif length:
            self.close_connection = True

    def _read_json(self) -> dict[str, Any] | None:
        try:
            length = int(self.headers.get("Content-Length") or -1)
        except ValueError:
            length = -1
        if length < 0:
            self.close_connection = True
            self._error(411, "length_required", "send the JSON body with a Content-Length header")
            return None
        if length > self.server.max_body_bytes:
            self.close_connection = True  # the unread body would be parsed as the next request
            self._error(413, "too_large", f"body of {length} bytes exceeds {self.server.max_body_bytes}")
            return None
        raw = self.rfile.read(length)
        try:
            request = json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            self._error(400, "bad_request", f"the body is not JSON: {exc}")
            return None
        if not isinstance(request, dict):
            self._error(400, "bad_request", "the body must be a JSON object")
            return None
        return request


class GradingHTTPServer(ThreadingHTTPServer):
    """A `GradingService` behind a loopback HTTP JSON API; one thread per connection.

    Args:
        service: the warm grader to serve.
        port: the TCP port (0 picks a free one; see `url`).
        host: a loopback address.
        max_body_bytes: the largest request body accepted.

    Raises:
        ValueError: `host` is not a loopback address.
    """

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, service: GradingService, port: int = DEFAULT_PORT, host: str = "127.0.0.1",
                 max_body_bytes: int = MAX_BODY_BYTES) -> None:
        host = _loopback(host)
        if ":" in host:
            self.address_family = socket.AF_INET6
        self.service = service
        self.max_body_bytes = max_body_bytes
        super().__init__((host, port), _Handler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://[{host}]:{port}" if ":" in str(host) else f"http://{host}:{port}"


@contextmanager
def serving(service: GradingService, port: int = 0, host: str = "127.0.0.1") -> Iterator[GradingHTTPServer]:
    """Serve `service` from a background thread for the duration of the block (port 0 = any free port)."""
    server = GradingHTTPServer(service, port=port, host=host)
    thread = threading.Thread(target=server.serve_forever, name="sandmle-grader", daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


class GraderClient:
    """A minimal client of the grading server over one persistent connection (not thread-safe: one per thread).

    Raises (from every call):
        UnknownEnvironment: the server holds no such environment.
        GraderHTTPError: any other error status.
    """

    def __init__(self, url: str, timeout: float = 60.0) -> None:
        parts = urlsplit(url)
        if parts.scheme != "http" or not parts.hostname:
            raise ValueError(f"expected an http://host:port URL, got {url!r}")
        self._conn = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=timeout)

    def _request(self, method: str, path: str, payload: dict[str, Any] | None = None) -> dict[str, Any]:
        body = None if payload is None else json.dumps(payload).encode()
        headers = {"Content-Type": "application/json"} if body is not None else {}
        for attempt in (1, 2):  # a keep-alive connection the server closed is reopened once
            try:
                self._conn.request(method, path, body=body, headers=headers)
                response = self._conn.getresponse()
                data = json.loads(response.read() or b"{}")
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self._conn.close()
                if attempt == 2:
                    raise
        if response.status == 404 and data.get("error") == "unknown_env":
            raise UnknownEnvironment(str((payload or {}).get("env_id", unquote(path.rsplit("/", 1)[-1]))))
        if response.status >= 400:
            raise GraderHTTPError(response.status, str(data.get("error")), str(data.get("message")))
        return data

    def grade(self, env_id: str, submission_csv: str, format_rate: float = 1.0) -> dict[str, Any]:
        """POST /grade: the grade JSON of one submission (CSV text)."""
        return self._request("POST", "/grade", {"env_id": env_id, "submission_csv": submission_csv,
                                                "format_rate": format_rate})

    def health(self) -> dict[str, Any]:
        return self._request("GET", "/health")

    def envs(self) -> list[str]:
        return list(self._request("GET", "/envs")["envs"])

    def info(self, env_id: str) -> dict[str, Any]:
        return self._request("GET", f"/envs/{env_id}")

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> GraderClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
