"""The grading service over HTTP: a small JSON API for rollout workers in other processes, built to survive abuse.

Endpoints (all JSON):
- `POST /grade` with `{"env_id": str, "submission_csv": str, "format_rate": float (optional, default 1)}` →
  200 and the grade (`GradingService.grade`); an invalid submission is a normal 200 answer with `valid: false` and
  the reason. 400 for a malformed request (any parse error), 401 without the bearer token when one is set, 404 for
  an unknown environment, 408 for a request that does not arrive in time, 409 for an environment whose grading files
  changed since it was built (never graded), 411/413/431 for a missing length, a body or head over the limit, 500
  when an environment folder is broken.
- `GET /health` → counters (the service's and the server's); `GET /envs` → the ids; `GET /envs/<id>` → public facts.

How it holds up: one event-loop thread reads requests (an idle or stalled connection costs a coroutine, not a
thread), with a deadline on every step — the next request on a keep-alive connection (`idle_timeout`), a request
head once its first byte arrived (`request_timeout`, so a slowloris client is answered 408 and dropped), a body
(`request_timeout` plus a minimum rate) and a response write. Parsing JSON and grading run in a fixed pool of
`workers` threads. Connections are accepted up to `max_connections`; beyond that the listen backlog (1024) holds
them until one closes, so a burst is queued, not reset. Bodies being read share a byte budget. With a token (the
`--token` option or SANDMLE_GRADER_TOKEN) every request needs `Authorization: Bearer <token>` (compared in constant
time); binding beyond loopback requires one.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import os
import socket
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager, contextmanager, suppress
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from sandmle_core.consume.http_wire import (
    MAX_HEAD_BYTES,
    HTTPProblem,
    RequestHead,
    is_authorized,
    parse_head,
    parse_json_object,
    render_response,
)
from sandmle_core.consume.service import GradingService, UnknownEnvironment
from sandmle_core.consume.service_client import GraderClient, GraderHTTPError
from sandmle_core.errors import EnvironmentFormatError, TamperedEnvironment

__all__ = ["DEFAULT_PORT", "GraderClient", "GraderHTTPError", "GradingHTTPServer", "ServerLimits", "serving"]

log = logging.getLogger(__name__)

DEFAULT_PORT = 8765
MAX_BODY_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class ServerLimits:
    """How much the server accepts and how long it waits (seconds)."""

    backlog: int = 1024
    max_connections: int = 1024
    workers: int = max(4, 4 * (os.cpu_count() or 1))
    idle_timeout: float = 30.0
    request_timeout: float = 10.0
    min_body_bytes_per_second: float = 1024 * 1024
    write_timeout: float = 30.0
    buffered_body_bytes: int = 1024 * 1024 * 1024


def _bind_host(host: str, token: str | None) -> str:
    if host == "localhost":
        return "127.0.0.1"
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback and not token:
        raise ValueError(f"the grading server binds loopback addresses only (127.0.0.1, ::1) unless a bearer token is "
                         f"set (--token or SANDMLE_GRADER_TOKEN); {host!r} is not loopback")
    return host


class _Budget:
    """Bytes of request bodies held in memory at once; a body waits (up to a deadline) for room."""

    def __init__(self, total: int) -> None:
        self.total, self.used = total, 0
        self.room = asyncio.Condition()

    @asynccontextmanager
    async def hold(self, n: int, timeout: float):
        n = min(n, self.total)
        async with self.room:
            try:
                await asyncio.wait_for(self.room.wait_for(lambda: self.used + n <= self.total), timeout)
            except TimeoutError:
                raise HTTPProblem(503, "busy", "too many large request bodies at once; retry") from None
            self.used += n
        try:
            yield
        finally:
            async with self.room:
                self.used -= n
                self.room.notify_all()


class GradingHTTPServer:
    """A `GradingService` behind the HTTP JSON API (see the module text for the limits).

    Args:
        service: the warm grader to serve.
        port: the TCP port (0 picks a free one; see `url`).
        host: the address to bind: loopback, or any address when `token` is set.
        max_body_bytes: the largest request body accepted (413 beyond; may be changed before serving).
        token: the bearer token every request must carry (None = no token, loopback only).
        limits: backlog, connection and worker bounds, timeouts.

    Raises:
        ValueError: `host` is not loopback and there is no token.
        OSError: the address cannot be bound.
    """

    def __init__(self, service: GradingService, port: int = DEFAULT_PORT, host: str = "127.0.0.1",
                 max_body_bytes: int = MAX_BODY_BYTES, *, token: str | None = None,
                 limits: ServerLimits | None = None) -> None:
        host = _bind_host(host, token)
        self.service, self.max_body_bytes, self.token = service, max_body_bytes, token
        self.limits = limits or ServerLimits()
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.socket = socket.create_server((host, port), family=family, backlog=self.limits.backlog)
        self.server_address = self.socket.getsockname()
        self._pool = ThreadPoolExecutor(self.limits.workers, thread_name_prefix="sandmle-grade")
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._stop_requested = False
        self._done = threading.Event()
        self._done.set()
        self._tasks: set[asyncio.Task] = set()
        self.counts = {"connections": 0, "open": 0, "requests": 0, "timeouts": 0, "unauthorized": 0,
                       "too_large": 0, "bad_requests": 0}

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://[{host}]:{port}" if ":" in str(host) else f"http://{host}:{port}"

    def serve_forever(self) -> None:
        """Serve until `shutdown()` is called (from another thread)."""
        self._done.clear()
        try:
            asyncio.run(self._serve())
        finally:
            self._done.set()

    def shutdown(self) -> None:
        """Stop `serve_forever` and wait until it has returned."""
        with self._lock:
            self._stop_requested = True
            loop, stop = self._loop, self._stop
        if loop is not None and stop is not None:
            with suppress(RuntimeError):  # the loop already closed
                loop.call_soon_threadsafe(stop.set)
        self._done.wait()

    def server_close(self) -> None:
        """Close the listening socket and the worker pool."""
        self.socket.close()
        self._pool.shutdown(wait=False, cancel_futures=True)

    async def _serve(self) -> None:
        loop = asyncio.get_running_loop()
        with self._lock:
            if self._stop_requested:
                return
            self._loop, self._stop = loop, asyncio.Event()
        self.socket.setblocking(False)
        budget = _Budget(self.limits.buffered_body_bytes)
        accept = asyncio.create_task(self._accept(budget))
        await self._stop.wait()
        accept.cancel()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(accept, *self._tasks, return_exceptions=True)
        with self._lock:
            self._loop = self._stop = None

    async def _accept(self, budget: _Budget) -> None:
        loop = asyncio.get_running_loop()
        slots = asyncio.Semaphore(self.limits.max_connections)
        while self.socket.fileno() != -1:
            await slots.acquire()  # at the bound, new connections wait in the kernel's listen backlog
            try:
                conn, _ = await loop.sock_accept(self.socket)
            except OSError as exc:  # EMFILE, ECONNABORTED, ...: the listening socket itself is fine
                slots.release()
                log.warning("accept failed: %s", exc)
                await asyncio.sleep(0.05)
                continue
            task = loop.create_task(self._connection(conn, budget))
            self._tasks.add(task)
            task.add_done_callback(lambda t: (self._tasks.discard(t), slots.release()))

    async def _connection(self, conn: socket.socket, budget: _Budget) -> None:
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # head and body are two writes: no delayed ACK
        conn.setblocking(False)
        self.counts["connections"] += 1
        self.counts["open"] += 1
        writer = None
        try:
            reader, writer = await asyncio.open_connection(sock=conn, limit=MAX_HEAD_BYTES)
            wait = self.limits.request_timeout  # a new connection must start speaking soon; later, keep-alive idles
            while await self._one_request(reader, writer, budget, wait):
                wait = self.limits.idle_timeout
        except (OSError, asyncio.IncompleteReadError, TimeoutError):
            pass  # the client went away or stopped reading
        finally:
            self.counts["open"] -= 1
            if writer is not None:
                writer.close()
            else:
                conn.close()

    async def _one_request(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, budget: _Budget,
                           wait: float) -> bool:
        lim = self.limits
        try:
            first = await asyncio.wait_for(reader.readexactly(1), wait)
        except TimeoutError:
            self.counts["timeouts"] += 1
            return False  # a silent connection ends quietly
        except asyncio.IncompleteReadError:
            return False
        try:
            raw = first + await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), lim.request_timeout)
            head = parse_head(raw)
            length = self._admit(head)
            if head.expect_continue and length:
                writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
            async with budget.hold(length, lim.request_timeout):
                body = await asyncio.wait_for(reader.readexactly(length),
                                              lim.request_timeout + length / lim.min_body_bytes_per_second)
                loop = asyncio.get_running_loop()
                status, payload = await loop.run_in_executor(self._pool, self._dispatch, head, body)
        except TimeoutError:
            self.counts["timeouts"] += 1
            await self._respond(writer, 408, {"error": "timeout", "message": "the request did not arrive in time"})
            return False
        except asyncio.LimitOverrunError:
            await self._respond(writer, 431, {"error": "head_too_large",
                                              "message": f"request line and headers exceed {MAX_HEAD_BYTES} bytes"})
            return False
        except HTTPProblem as problem:
            self.counts["bad_requests"] += problem.status == 400
            await self._respond(writer, problem.status, problem.payload, headers=problem.headers)
            return False
        self.counts["bad_requests"] += status == 400
        keep = head.keep_alive and not self._stop_requested
        await self._respond(writer, status, payload, keep)
        return keep

    def _admit(self, head: RequestHead) -> int:
        """The body length to read, once the request may be read at all (token, length, size)."""
        self.counts["requests"] += 1
        if not is_authorized(head, self.token):
            self.counts["unauthorized"] += 1
            raise HTTPProblem(401, "unauthorized", "this server requires Authorization: Bearer <token>",
                              headers=(("WWW-Authenticate", 'Bearer realm="sandmle-grader"'),))
        length = head.content_length
        if length is None:
            if head.method == "POST":
                raise HTTPProblem(411, "length_required", "send the JSON body with a Content-Length header")
            return 0
        if length > self.max_body_bytes:
            self.counts["too_large"] += 1
            raise HTTPProblem(413, "too_large", f"body of {length} bytes exceeds {self.max_body_bytes}")
        return length

    async def _respond(self, writer: asyncio.StreamWriter, status: int, payload: dict[str, Any], keep: bool = False,
                       headers: tuple[tuple[str, str], ...] = ()) -> None:
        writer.write(render_response(status, payload, keep, headers))
        try:
            await asyncio.wait_for(writer.drain(), self.limits.write_timeout)
        except TimeoutError:
            writer.transport.abort()  # the client stopped reading: drop it rather than hold its buffer
            raise ConnectionAbortedError("response not read in time") from None

    def _dispatch(self, head: RequestHead, body: bytes) -> tuple[int, dict[str, Any]]:
        """Route one request (in a worker thread); every failure becomes a status and a JSON error."""
        try:
            return self._route(head, body)
        except HTTPProblem as problem:
            return problem.status, problem.payload
        except UnknownEnvironment as exc:
            return 404, {"error": "unknown_env", "message": str(exc)}
        except TamperedEnvironment as exc:
            return 409, {"error": "tampered_env", "message": str(exc)}
        except EnvironmentFormatError as exc:
            return 500, {"error": "broken_env", "message": str(exc)}
        except Exception as exc:  # a bug: logged with its traceback, answered, and the server keeps serving
            log.exception("unexpected error serving %s %s", head.method, head.path)
            return 500, {"error": "internal_error", "message": f"{type(exc).__name__}: {exc}"}

    def _route(self, head: RequestHead, body: bytes) -> tuple[int, dict[str, Any]]:
        path, service = head.path.rstrip("/") or "/", self.service
        if head.method == "GET":
            if path == "/health":
                return 200, {**service.health(), "http": dict(self.counts)}
            if path == "/envs":
                return 200, {"envs": service.env_ids}
            if path.startswith("/envs/"):
                return 200, service.info(unquote(path[len("/envs/"):]))
            raise HTTPProblem(404, "not_found", f"no endpoint {path} (GET /health, /envs, /envs/<id>; POST /grade)")
        if head.method != "POST":
            raise HTTPProblem(405, "method_not_allowed", f"{head.method} is not served (GET or POST)")
        if path != "/grade":
            raise HTTPProblem(404, "not_found", f"no endpoint POST {path} (POST /grade)")
        request = parse_json_object(body)
        env_id, csv_text = request.get("env_id"), request.get("submission_csv")
        format_rate = request.get("format_rate", 1.0)
        if not isinstance(env_id, str) or not isinstance(csv_text, str):
            raise HTTPProblem(400, "bad_request", 'the body must be {"env_id": str, "submission_csv": str}')
        if isinstance(format_rate, bool) or not isinstance(format_rate, int | float) or not 0 <= format_rate <= 1:
            raise HTTPProblem(400, "bad_request", "format_rate must be a number in [0, 1]")
        return 200, service.grade(env_id, csv_text, format_rate=float(format_rate))


@contextmanager
def serving(service: GradingService, port: int = 0, host: str = "127.0.0.1", **options: Any
            ) -> Iterator[GradingHTTPServer]:
    """Serve `service` from a background thread for the duration of the block (port 0 = any free port).

    `options` go to `GradingHTTPServer` (token, limits, max_body_bytes).
    """
    server = GradingHTTPServer(service, port=port, host=host, **options)
    thread = threading.Thread(target=server.serve_forever, name="sandmle-grader", daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
