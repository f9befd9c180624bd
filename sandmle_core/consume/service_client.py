"""A minimal client of the grading server (`sandmle serve-grader`) over one persistent HTTP/1.1 connection.

One client per thread: the connection is reused for every call (no connection set-up per grade) and reopened once
when the server has closed it (an idle keep-alive connection is closed by the server after its idle timeout).
"""

from __future__ import annotations

import http.client
import json
from typing import Any
from urllib.parse import unquote, urlsplit

from sandmle_core.consume.service import UnknownEnvironment
from sandmle_core.errors import SandmleError

__all__ = ["GraderClient", "GraderHTTPError"]


class GraderHTTPError(SandmleError):
    """The grading server answered a request with an error status."""

    def __init__(self, status: int, error: str, message: str) -> None:
        self.status = status
        self.error = error
        self.message = message
        super().__init__(f"grading server: {status} {error}: {message}")

    def __reduce__(self):
        return (type(self), (self.status, self.error, self.message))


class GraderClient:
    """Talk to a grading server (not thread-safe: one per thread).

    Args:
        url: `http://host:port` of the server.
        timeout: seconds to wait for the server on each socket operation.
        token: the server's bearer token, when it requires one.

    Raises (from every call):
        UnknownEnvironment: the server holds no such environment.
        GraderHTTPError: any other error status (401 without the right token, 409 for a tampered environment, ...).
    """

    def __init__(self, url: str, timeout: float = 60.0, token: str | None = None) -> None:
        parts = urlsplit(url)
        if parts.scheme != "http" or not parts.hostname:
            raise ValueError(f"expected an http://host:port URL, got {url!r}")
        self._conn = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=timeout)
        self._auth = {"Authorization": f"Bearer {token}"} if token else {}

    def _request(self, method: str, path: str, payload: dict[str, Any] | None = None) -> dict[str, Any]:
        body = None if payload is None else json.dumps(payload).encode()
        headers = {**self._auth, **({"Content-Type": "application/json"} if body is not None else {})}
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
