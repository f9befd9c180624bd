"""`sandmle eval`: ladder agents on a corpus and on a real mle-bench seed folder, and the claude ReAct agent against a
local HTTP server that speaks the Messages API (through the real anthropic SDK)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from typer.testing import CliRunner

import sandmle.cli.evaluate  # noqa: F401  (registers `eval` until the lead adds it to the CLI's module list)
from sandmle.cli import _register
from sandmle.cli._app import app
from sandmle_core.consume.evaluate import EvaluationError, evaluate, parse_agent
from sandmle_core.errors import EnvironmentFormatError

pytestmark = pytest.mark.slow
runner = CliRunner()
_register()


def _eval(*args: str) -> dict:
    result = runner.invoke(app, ["eval", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_ladder_top_beats_ladder_zero_on_a_corpus(rl_corpus, tmp_path):
    low = _eval(str(rl_corpus), "--agent", "ladder:0", "--limit", "1")
    high = _eval(str(rl_corpus), "--agent", "ladder:top", "--report-dir", str(tmp_path))
    (lo,), (hi,) = low["episodes"], high["episodes"]
    assert lo["script"] == "00_prior.py" and hi["script"].startswith("05_")
    assert lo["valid"] and hi["valid"] and lo["kind"] == "sandmle"
    assert hi["score"] > lo["score"] and hi["human_rank"] > lo["human_rank"] and hi["reward"] >= lo["reward"]
    assert not lo["any_medal"] and not lo["above_median"] and lo["reward"] == pytest.approx(0.3)
    assert low["summary"]["valid_rate"] == 1.0 and low["summary"]["any_medal_rate"] == 0.0
    assert high["summary"]["mean_human_rank"] > low["summary"]["mean_human_rank"]
    assert json.loads((tmp_path / "report.json").read_text())["summary"] == high["summary"]
    markdown = (tmp_path / "report.md").read_text()
    assert "| valid submissions | 100.0% of 1 |" in markdown and hi["env_id"] in markdown


def test_on_a_real_mlebench_competition_folder():
    from sandmle_core.seeds import get_bundled_seed

    seed = get_bundled_seed("breast-cancer").root
    low = _eval(str(seed), "--agent", "ladder:0")
    high = _eval(str(seed), "--agent", "ladder:top")
    (lo,), (hi,) = low["episodes"], high["episodes"]
    assert lo["kind"] == hi["kind"] == "mlebench" and lo["valid"] and hi["valid"]
    assert hi["score"] > lo["score"] + 0.2  # AUC: the prior is 0.5, a fitted model far better on the real data
    assert hi["gold"] is None and not hi["medals_available"] and high["summary"]["gold_rate"] is None
    result = runner.invoke(app, ["eval", str(seed), "--agent", "ladder:0"])
    assert "n/a" in result.output and "breast-cancer" in result.output


def test_bad_agents_missing_levels_and_empty_folders(rl_corpus, tmp_path):
    with pytest.raises(EvaluationError, match="ladder level"):
        parse_agent("ladder:best")
    with pytest.raises(EvaluationError, match="choose"):
        parse_agent("gpt")
    with pytest.raises(EvaluationError, match=r"no such ladder level in .* \(levels 0\.\.5\)"):
        evaluate(rl_corpus, "ladder:42")  # refused before any episode runs
    with pytest.raises(EnvironmentFormatError, match="holds no environment"):
        evaluate(tmp_path, "ladder:0")


def test_eval_with_a_missing_ladder_level_is_refused_before_running(rl_corpus, tmp_path):
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "sandmle.cli", "eval", str(rl_corpus), "--agent", "ladder:9",
                             "--report-dir", str(tmp_path / "report")], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: --agent ladder:9: no such ladder level in "), result.stderr
    assert "(levels 0..5)" in lines[0]
    assert result.stdout == "" and not (tmp_path / "report").exists()  # no episode ran, no report was written


def _message(idx: int, content: list[dict]) -> dict:
    stop = "tool_use" if any(b["type"] == "tool_use" for b in content) else "end_turn"
    return {"id": f"msg_{idx}", "type": "message", "role": "assistant", "model": "claude-test", "content": content,
            "stop_reason": stop, "stop_sequence": None, "usage": {"input_tokens": 100, "output_tokens": 10}}


SCRIPT = [
    [{"type": "text", "text": "I start from the sample submission."},
     {"type": "tool_use", "id": "toolu_1", "name": "python",
      "input": {"code": "import shutil\nshutil.copy('public/sample_submission.csv', 'submission.csv')"}}],
    [{"type": "text", "text": "Let me think about features first."}],
    [{"type": "tool_use", "id": "toolu_2", "name": "score", "input": {}}],
    [{"type": "tool_use", "id": "toolu_3", "name": "submit", "input": {}}],
]


@pytest.fixture()
def messages_api():
    """A loopback HTTP server answering POST /v1/messages with the scripted replies, recording each request."""
    requests: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers["content-length"])))
            requests.append({"path": self.path, "body": body})
            reply = json.dumps(_message(len(requests), SCRIPT[min(len(requests), len(SCRIPT)) - 1])).encode()
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", requests
    server.shutdown()
    server.server_close()


def test_claude_react_agent_against_a_local_messages_api(rl_corpus, messages_api, monkeypatch):
    url, requests = messages_api
    monkeypatch.setenv("ANTHROPIC_API_KEY", "test-key")
    monkeypatch.setenv("ANTHROPIC_BASE_URL", url)
    report = _eval(str(rl_corpus), "--agent", "claude:claude-test", "--max-turns", "6")
    (ep,) = report["episodes"]
    assert ep["agent"] == "claude:claude-test" and ep["error"] is None
    assert ep["valid"] and ep["turns"] == 4 and ep["end_reason"] == "submit" and ep["format_rate"] == 0.75
    assert ep["reward"] == pytest.approx(0.2 + 0.075) and ep["input_tokens"] == 400 and ep["output_tokens"] == 40
    assert [r["path"] for r in requests] == ["/v1/messages"] * 4
    first = requests[0]["body"]
    assert first["model"] == "claude-test" and {t["name"] for t in first["tools"]} == {"python", "bash", "score",
                                                                                       "submit"}
    assert "Submission format" in first["messages"][0]["content"]
    tool_result = requests[1]["body"]["messages"][-1]["content"][0]
    assert tool_result["tool_use_id"] == "toolu_1" and "files written: submission.csv" in tool_result["content"]
    assert "Call one of the tools" in requests[2]["body"]["messages"][-1]["content"]
    score_result = requests[3]["body"]["messages"][-1]["content"][0]["content"]
    assert '"score": 0.5' in score_result and "gold_threshold" in score_result
