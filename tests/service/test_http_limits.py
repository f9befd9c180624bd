"""The grading server under abuse, on real loopback sockets: 200 concurrent clients (no reset, every score right),
connections past the bound queued not refused, stalled and slow clients that neither hold a worker nor stay forever,
100k nested brackets, oversized and malformed requests — every answer a JSON status, never a dropped connection —
the bearer token, a tampered environment (409) and a bug in the service (500, and the server keeps serving)."""

from __future__ import annotations

import http.client
import json
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from sandmle.bench.grading import bench_concurrency

from sandmle_core.consume.service import GradingService
from sandmle_core.consume.service_http import GraderClient, GraderHTTPError, GradingHTTPServer, ServerLimits, serving

pytestmark = pytest.mark.slow
WAIT = 120.0  # a socket timeout, never a timing assertion: it turns a hang into a failure


@pytest.fixture(scope="module")
def service(tiny_corpus: Path) -> GradingService:
    service = GradingService(tiny_corpus)
    service.preload()
    return service


@pytest.fixture(scope="module")
def gold(service: GradingService) -> tuple[str, str]:
    env_id = service.env_ids[0]
    return env_id, (service.environment(env_id).private_dir / "gold_submission.csv").read_text()


def _raw(url: str, data: bytes) -> tuple[int, dict, socket.socket]:
    """Send raw bytes; parse one response. The socket is returned open (the caller checks keep-alive)."""
    host, port = url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=WAIT)
    sock.sendall(data)
    response = http.client.HTTPResponse(sock)
    response.begin()
    return response.status, json.loads(response.read()), sock


def _closed(sock: socket.socket) -> bool:
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return False


def test_200_concurrent_clients_get_no_reset_and_every_score_right(service: GradingService) -> None:
    result = bench_concurrency(service, clients=200, grades_per_client=2)
    assert result["connection_errors"] == {} and result["wrong_scores"] == 0 and result["ok"] == 400
    assert result["server"]["connections"] == 200 and result["server"]["requests"] == 400


def test_connections_past_the_bound_wait_in_the_backlog(service: GradingService) -> None:
    limits = ServerLimits(max_connections=4, workers=1)
    result = bench_concurrency(service, clients=40, grades_per_client=1, limits=limits)
    assert result["connection_errors"] == {} and result["ok"] == 40


def _stall(url: str, kind: str) -> socket.socket:
    host, port = url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=WAIT)
    if kind == "partial head":
        sock.sendall(b"POST /grade HTTP/1.1\r\nHost: x\r\nContent-")
    elif kind == "slow body":
        sock.sendall(b"POST /grade HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n{\"env_id\": ")
    return sock  # "silent": connected, says nothing


KINDS = ["partial head", "slow body", "silent"]


def test_stalled_clients_do_not_block_others(service: GradingService, gold) -> None:
    """One worker and an hour of patience: if stalled clients held workers, the real client would time out."""
    limits = ServerLimits(workers=1, request_timeout=3600, idle_timeout=3600)
    with serving(service, limits=limits) as server:
        stalled = [_stall(server.url, kind) for kind in KINDS for _ in range(4)]
        try:
            with GraderClient(server.url, timeout=WAIT) as client:
                assert [client.grade(*gold)["score"] for _ in range(3)] == [1.0] * 3
        finally:
            for sock in stalled:
                sock.close()


def test_stalled_clients_are_answered_408_and_dropped(service: GradingService) -> None:
    limits = ServerLimits(workers=1, request_timeout=0.5, idle_timeout=0.5, min_body_bytes_per_second=1e9)
    with serving(service, limits=limits) as server:
        stalled = {kind: _stall(server.url, kind) for kind in KINDS}
        for kind, sock in stalled.items():
            data = b""
            while chunk := sock.recv(65536):  # returns b"" once the server closed the connection
                data += chunk
            sock.close()
            if kind == "silent":
                assert data == b""  # nothing was asked: closed quietly
            else:
                assert data.startswith(b"HTTP/1.1 408") and b'"error": "timeout"' in data, (kind, data[:200])
        assert server.counts["timeouts"] >= 3


@pytest.mark.parametrize("body", [b"[" * 100_000, b'{"a":' * 100_000, b'[{"a":' * 50_000])
def test_deep_nesting_is_a_400_and_the_connection_stays_usable(service, gold, body: bytes) -> None:
    with serving(service) as server:
        conn = http.client.HTTPConnection(*server.server_address[:2], timeout=WAIT)
        conn.request("POST", "/grade", body=body)
        response = conn.getresponse()
        data = json.loads(response.read())
        assert response.status == 400 and data["error"] == "bad_request" and "nested too deeply" in data["message"]
        conn.request("POST", "/grade", body=json.dumps({"env_id": gold[0], "submission_csv": gold[1]}))
        response = conn.getresponse()
        assert response.status == 200 and json.loads(response.read())["score"] == 1.0
        conn.close()


MALFORMED = [
    (b"GARBAGE\r\n\r\n", 400, "bad_request"),
    (b"GET /health HTTP/2.0\r\n\r\n", 505, "version_not_supported"),
    (b"POST /grade HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", 411, "length_required"),
    (b"POST /grade HTTP/1.1\r\n\r\n", 411, "length_required"),
    (b"POST /grade HTTP/1.1\r\nContent-Length: abc\r\n\r\n", 400, "bad_request"),
    (b"POST /grade HTTP/1.1\r\nContent-Length: -5\r\n\r\n", 400, "bad_request"),
    (b"POST /grade HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", 400, "bad_request"),
    (b"POST /grade HTTP/1.1\r\nContent-Length: 67108865\r\n\r\n", 413, "too_large"),
    (b"POST /grade HTTP/1.1\r\nContent-Length: 999999999999999999999999\r\n\r\n", 400, "bad_request"),
    (b"GET /health HTTP/1.1\r\nX-Big: " + b"a" * 70_000 + b"\r\n\r\n", 431, "head_too_large"),
    (b"GET /health HTTP/1.1\r\n" + b"X-H: 1\r\n" * 101 + b"\r\n", 400, "bad_request"),
    (b"DELETE /grade HTTP/1.1\r\nContent-Length: 0\r\n\r\n", 405, "method_not_allowed"),
    (b"POST /grade HTTP/1.1\r\nContent-Length: 4\r\n\r\n\xff\xfe\xfd\xfc", 400, "bad_request"),
    (b"POST /grade HTTP/1.1\r\nContent-Length: 2\r\n\r\n[]", 400, "bad_request"),
]


@pytest.mark.parametrize(("raw", "status", "error"), MALFORMED, ids=[str(i) for i in range(len(MALFORMED))])
def test_malformed_requests_get_a_json_status(service: GradingService, raw: bytes, status: int, error: str) -> None:
    with serving(service) as server:
        got, data, sock = _raw(server.url, raw)
        sock.close()
        assert (got, data["error"]) == (status, error) and data["message"]
        with GraderClient(server.url, timeout=WAIT) as client:  # and the server is still fine
            assert client.health()["status"] == "ok"


def test_the_bearer_token(service: GradingService, gold) -> None:
    with pytest.raises(ValueError, match="loopback"):
        GradingHTTPServer(service, port=0, host="0.0.0.0")
    with serving(service, host="0.0.0.0", token="s3cret") as server:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        for header in (b"", b"Authorization: Bearer wrong\r\n", b"Authorization: Basic s3cret\r\n",
                       b"Authorization: Bearer s3cret-and-more\r\n"):
            status, data, sock = _raw(url, b"GET /health HTTP/1.1\r\n" + header + b"\r\n")
            assert (status, data["error"]) == (401, "unauthorized") and _closed(sock)
            sock.close()
        body = json.dumps({"env_id": gold[0], "submission_csv": gold[1]}).encode()
        status, _, sock = _raw(url, b"POST /grade HTTP/1.1\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
        sock.close()
        assert status == 401
        with GraderClient(url, timeout=WAIT, token="s3cret") as client:
            assert client.grade(*gold)["score"] == 1.0 and client.health()["http"]["unauthorized"] == 5
        with GraderClient(url, timeout=WAIT, token="nope") as client, pytest.raises(GraderHTTPError, match="401"):
            client.envs()


def test_a_tampered_environment_is_a_409_never_a_score(tiny_corpus: Path, tmp_path: Path, gold) -> None:
    copy = tmp_path / gold[0]
    shutil.copytree(tiny_corpus / "envs" / gold[0], copy)
    answers = copy / "prepared" / "private" / "answers.csv"
    answers.write_text(answers.read_text().replace(",0\n", ",1\n", 1))
    with serving(GradingService(copy)) as server, GraderClient(server.url, timeout=WAIT) as client:
        with pytest.raises(GraderHTTPError) as info:
            client.grade(*gold)
        assert info.value.status == 409 and info.value.error == "tampered_env" and "answers.csv" in info.value.message
        assert client.health()["grades"] == 0


def test_a_bug_in_the_service_is_a_500_and_serving_goes_on(service: GradingService, gold, monkeypatch) -> None:
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    with serving(service) as server, GraderClient(server.url, timeout=WAIT) as client:
        monkeypatch.setattr(service, "grade", broken)
        with pytest.raises(GraderHTTPError) as info:
            client.grade(*gold)
        assert info.value.status == 500 and info.value.error == "internal_error" and "boom" in info.value.message
        monkeypatch.undo()
        assert client.grade(*gold)["score"] == 1.0


def test_serve_grader_beyond_loopback_needs_a_token(tiny_corpus: Path, gold) -> None:
    code = "import sandmle.cli.export; from sandmle.cli._app import app; app()"
    refused = subprocess.run([sys.executable, "-c", code, "serve-grader", str(tiny_corpus), "--host", "0.0.0.0",
                              "--port", "0"], capture_output=True, text=True, timeout=WAIT, env=_env(None))
    assert refused.returncode == 2 and "token" in refused.stderr
    proc = subprocess.Popen([sys.executable, "-c", code, "serve-grader", str(tiny_corpus), "--host", "0.0.0.0",
                             "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=_env("from-the-env"))
    try:
        lines = []
        while not lines or not lines[-1].startswith("}"):
            line = proc.stdout.readline()
            assert line, proc.stderr.read()
            lines.append(line)
        announced = json.loads("".join(lines))
        assert announced["token"] is True
        url = f"http://127.0.0.1:{announced['url'].rsplit(':', 1)[1]}"
        with GraderClient(url, timeout=WAIT) as anonymous, pytest.raises(GraderHTTPError, match="401"):
            anonymous.grade(*gold)
        with GraderClient(url, timeout=WAIT, token="from-the-env") as client:
            assert client.grade(*gold)["score"] == 1.0
    finally:
        proc.terminate()
        proc.wait(timeout=WAIT)
        proc.stdout.close()
        proc.stderr.close()


def _env(token: str | None) -> dict[str, str]:
    import os

    env = {k: v for k, v in os.environ.items() if k != "SANDMLE_GRADER_TOKEN"}
    return env | ({"SANDMLE_GRADER_TOKEN": token} if token else {})
