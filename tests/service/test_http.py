"""The loopback HTTP JSON API on an ephemeral port, spoken to with urllib and with the keep-alive client; and
`sandmle serve-grader` as a real process."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from sandmle_core.consume.service import GradingService, UnknownEnvironment
from sandmle_core.consume.service_http import GraderClient, GraderHTTPError, GradingHTTPServer, serving


@pytest.fixture(scope="module")
def server(tiny_corpus: Path):
    with serving(GradingService(tiny_corpus)) as srv:
        yield srv


def _call(url: str, method: str = "GET", body: bytes | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=body, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def _grade(server: GradingHTTPServer, payload: dict) -> tuple[int, dict]:
    return _call(f"{server.url}/grade", "POST", json.dumps(payload).encode())


def test_binds_loopback_on_an_ephemeral_port(server: GradingHTTPServer) -> None:
    host, port = server.server_address[:2]
    assert host == "127.0.0.1" and port > 0 and server.url == f"http://127.0.0.1:{port}"
    for host in ("0.0.0.0", "192.168.1.10", "example.org"):
        with pytest.raises(ValueError, match="loopback"):
            GradingHTTPServer(server.service, port=0, host=host)


def test_post_grade_returns_the_same_grade_as_in_process(server: GradingHTTPServer) -> None:
    service = server.service
    for env_id in service.env_ids:
        env = service.environment(env_id)
        for path in (env.private_dir / "gold_submission.csv", env.sample_submission_path):
            status, data = _grade(server, {"env_id": env_id, "submission_csv": path.read_text()})
            local = service.grade(env_id, path)
            assert status == 200 and data["valid"] is True
            assert {k: v for k, v in data.items() if k != "grade_ms"} == {
                k: v for k, v in local.items() if k != "grade_ms"}
    status, data = _grade(server, {"env_id": env_id, "submission_csv": path.read_text(), "format_rate": 0.5})
    assert status == 200 and data["reward"] == pytest.approx(local["reward"] - 0.05)


def test_invalid_submission_is_a_normal_answer_with_the_reason(server: GradingHTTPServer) -> None:
    env_id = server.service.env_ids[0]
    for csv in ("", "garbage\n\x00\x01\n", "shift_id,failure_next_24h\nS1,0.5\n"):
        status, data = _grade(server, {"env_id": env_id, "submission_csv": csv})
        assert status == 200 and data["valid"] is False and data["score"] is None and data["reason"]
        assert data["reward"] == pytest.approx(0.1) and data["any_medal"] is False


@pytest.mark.parametrize(("body", "status", "error"), [
    (b'{"env_id": "nope", "submission_csv": "a\\n1\\n"}', 404, "unknown_env"),
    (b"not json", 400, "bad_request"),
    (b'["a list"]', 400, "bad_request"),
    (b'{"env_id": "x"}', 400, "bad_request"),
    (b'{"env_id": 3, "submission_csv": "a"}', 400, "bad_request"),
    (b'{"env_id": "x", "submission_csv": "a", "format_rate": 2}', 400, "bad_request"),
    (b'{"env_id": "x", "submission_csv": "a", "format_rate": true}', 400, "bad_request"),
])
def test_bad_requests_get_typed_error_statuses(server: GradingHTTPServer, body: bytes, status: int,
                                               error: str) -> None:
    got, data = _call(f"{server.url}/grade", "POST", body)
    assert (got, data["error"]) == (status, error) and data["message"]


def test_get_endpoints_and_unknown_paths(server: GradingHTTPServer) -> None:
    ids = server.service.env_ids
    status, health = _call(f"{server.url}/health")
    assert status == 200 and health["status"] == "ok" and health["environments"] == 2
    assert _call(f"{server.url}/envs") == (200, {"envs": ids})
    status, info = _call(f"{server.url}/envs/{ids[1]}")
    assert status == 200 and info["metric"] == "multiclass_log_loss" and info["submission_columns"]
    assert _call(f"{server.url}/envs/nope")[0] == 404
    assert _call(f"{server.url}/nowhere")[1]["error"] == "not_found"
    assert _call(f"{server.url}/health", "POST", b"{}")[1]["error"] == "not_found"


def test_oversized_body_is_refused(tiny_corpus: Path) -> None:
    small = GradingHTTPServer(GradingService(tiny_corpus), port=0)
    small.max_body_bytes = 100
    thread = threading.Thread(target=small.serve_forever, daemon=True)
    thread.start()
    try:
        status, data = _grade(small, {"env_id": "x", "submission_csv": "a" * 500})
        assert (status, data["error"]) == (413, "too_large")
    finally:
        small.shutdown()
        small.server_close()


def test_keep_alive_client_and_concurrent_clients(server: GradingHTTPServer) -> None:
    env_id = server.service.env_ids[1]
    text = server.service.environment(env_id).sample_submission_path.read_text()
    with GraderClient(server.url) as client:
        scores = {client.grade(env_id, text)["score"] for _ in range(5)}
        assert len(scores) == 1
        assert client.envs() == server.service.env_ids and client.health()["status"] == "ok"
        assert client.info(env_id)["env_id"] == env_id
        with pytest.raises(UnknownEnvironment, match="nope"):
            client.grade("nope", text)
        with pytest.raises(UnknownEnvironment, match="nope"):
            client.info("nope")
        with pytest.raises(GraderHTTPError, match="400"):
            client.grade(env_id, text, format_rate=3.0)
    results: list[float] = []

    def work() -> None:
        with GraderClient(server.url) as own:
            results.extend(own.grade(env_id, text)["score"] for _ in range(5))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 20 and set(results) == scores


def test_serve_grader_command_serves_until_stopped(tiny_corpus: Path) -> None:
    code = "import sandmle.cli.export; from sandmle.cli._app import app; app()"
    proc = subprocess.Popen([sys.executable, "-c", code, "serve-grader", str(tiny_corpus), "--port", "0",
                             "--preload"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = []
        while True:  # the first stdout value is the JSON announcement, printed over several lines
            line = proc.stdout.readline()
            assert line, proc.stderr.read()
            lines.append(line)
            if line.startswith("}"):
                break
        announced = json.loads("".join(lines))
        assert announced["environments"] == 2 and announced["preloaded"] is True
        status, health = _call(f"{announced['url']}/health")
        assert status == 200 and health["loaded"] == 2
        env_id = sorted(p.name for p in (tiny_corpus / "envs").iterdir())[0]
        gold = (tiny_corpus / "envs" / env_id / "prepared" / "private" / "gold_submission.csv").read_text()
        status, data = _call(f"{announced['url']}/grade", "POST",
                             json.dumps({"env_id": env_id, "submission_csv": gold}).encode())
        assert status == 200 and data["score"] == 1.0 and data["medals"]["gold"] is True
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        proc.stdout.close()
        proc.stderr.close()
