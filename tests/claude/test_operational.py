"""Operational behaviour of the Claude backend through the real SDK: retries honouring retry-after, timeouts,
refused requests, the missing-key error, the machine-wide call limit, tool choice per model, prices and settings."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import pytest

from sandmle_core.agents import get_backend
from sandmle_core.agents.base import Usage
from sandmle_core.agents.claude import ClaudeConfig, LLMRequestRejected, MissingAPIKey
from sandmle_core.agents.claude.limiter import FileSemaphore
from sandmle_core.agents.claude.pricing import call_cost, parse_prices, price_for
from sandmle_core.agents.claude.schemas import MetricNote
from sandmle_core.agents.claude.session import Conversation
from sandmle_core.layout import Corpus
from sandmle_core.pipeline import SlotJob, analyze_seed, read_profile, run_slot
from sandmle_core.slots import SlotKey
from tests.claude.fake_anthropic import Reply, error_reply, rate_limited, tool_reply
from tests.claude.replies import PROPOSAL, metric_reply

SEED = "breast-cancer"


def test_429_is_retried_after_the_stated_delay(claude_env, breast_cancer):
    claude_env.push(rate_limited(retry_after=1.0), tool_reply("propose_spec", PROPOSAL))
    backend = get_backend("claude")
    spec = backend.strategist.draft_spec(SEED, breast_cancer, 0, 3)
    first, second = claude_env.requests
    assert (first.status, second.status) == (429, 200)
    assert 1.0 <= second.at - first.at < 3.0  # retry-after: 1 honoured, not the SDK's 0.5 s default backoff
    assert second.headers["x-stainless-retry-count"] == "1"
    assert spec.backend == "claude"
    usage = backend.developer.last_usage
    assert usage.calls == 1 and usage.cost_usd > 0  # a refused attempt is not billed


def test_a_timed_out_attempt_is_retried(claude_env, breast_cancer, monkeypatch):
    monkeypatch.setenv("SANDMLE_CLAUDE_TIMEOUT", "0.5")
    slow = tool_reply("propose_spec", PROPOSAL)
    slow.delay = 1.5
    claude_env.push(slow, tool_reply("propose_spec", PROPOSAL))
    get_backend("claude").strategist.draft_spec(SEED, breast_cancer, 0, 3)
    assert len(claude_env.requests) == 2
    assert claude_env.requests[1].headers["x-stainless-retry-count"] == "1"


def test_a_refused_request_fails_at_once_with_a_typed_error(claude_env, breast_cancer):
    claude_env.push(error_reply(401, "authentication_error", "invalid x-api-key"))
    with pytest.raises(LLMRequestRejected, match="401 authentication_error") as info:
        get_backend("claude").strategist.draft_spec(SEED, breast_cancer, 0, 3)
    assert info.value.stage == "llm" and len(claude_env.requests) == 1  # not retried


def test_no_key_is_a_clear_error_before_any_work(claude_env, tmp_path, monkeypatch):
    monkeypatch.delenv("ANTHROPIC_API_KEY")
    with pytest.raises(MissingAPIKey, match="ANTHROPIC_API_KEY"):
        get_backend("claude")
    corpus = tmp_path / "corpus"
    seed_id, path = analyze_seed(SEED, corpus)
    with pytest.raises(MissingAPIKey, match="ANTHROPIC_API_KEY"):
        run_slot(SlotJob(SlotKey(seed_id, 3, 0), SEED, read_profile(path), str(corpus), backend="claude"))
    assert claude_env.requests == []
    assert not Corpus(corpus).staging_dir.exists() and not Corpus(corpus).failed_dir.exists()


def test_api_calls_are_capped_across_threads(claude_env, tmp_path):
    backend = get_backend("claude", max_concurrency=2)
    session = backend.mlops.session  # type: ignore[attr-defined]
    for _ in range(6):
        reply = metric_reply()
        reply.delay = 0.3
        claude_env.push(reply)
    errors: list[BaseException] = []

    def one() -> None:
        try:
            conv = Conversation.start("mlops", "grader", "explain_metric", "Role: MLOps engineer. Explain AUC.")
            session.ask(conv, MetricNote.model_validate)
        except BaseException as exc:  # pragma: no cover - surfaced by the assert below
            errors.append(exc)

    threads = [threading.Thread(target=one) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(claude_env.requests) == 6
    assert claude_env.max_in_flight == 2  # parallel, but never more than the two slots
    assert session.total_usage.calls == 6


def test_file_semaphore_slots_are_exclusive(tmp_path):
    sem = FileSemaphore(tmp_path, slots=1, timeout=0.3)
    with sem.slot(), pytest.raises(Exception, match="no API call slot free"), sem.slot():
        pass
    with sem.slot():  # released again
        pass


def test_tool_choice_follows_the_model(claude_env, breast_cancer, monkeypatch):
    monkeypatch.setenv("SANDMLE_CLAUDE_MODEL", "claude-sonnet-4-6")
    claude_env.push(tool_reply("propose_spec", PROPOSAL))
    get_backend("claude").strategist.draft_spec(SEED, breast_cancer, 0, 3)
    assert claude_env.requests[0].body["tool_choice"] == {"type": "tool", "name": "propose_spec",
                                                          "disable_parallel_tool_use": True}
    # claude-sonnet-5-5 refuses forced tool use: forcing it anyway fails clearly instead of being retried.
    monkeypatch.setenv("SANDMLE_CLAUDE_MODEL", "claude-sonnet-5-5")
    monkeypatch.setenv("SANDMLE_CLAUDE_TOOL_CHOICE", "tool")
    with pytest.raises(LLMRequestRejected, match="forced tool use is not supported"):
        get_backend("claude").strategist.draft_spec(SEED, breast_cancer, 0, 3)


def test_a_reply_without_the_tool_call_is_asked_again(claude_env, breast_cancer):
    claude_env.push(Reply(content=[{"type": "text", "text": "Here is my proposal: ..."}]),
                    tool_reply("explain_metric", {"explanation": "wrong tool, a long enough explanation text."}),
                    tool_reply("propose_spec", PROPOSAL))
    get_backend("claude").strategist.draft_spec(SEED, breast_cancer, 0, 3)
    second, third = claude_env.requests[1:]
    assert "answer by calling the tool `propose_spec`" in second.body["messages"][-1]["content"][0]["text"]
    assert "Wrong tool `explain_metric`" in third.body["messages"][-1]["content"][0]["content"]


def test_prices(caplog):
    usage = Usage(input_tokens=1_000_000, output_tokens=100_000, cache_read_tokens=2_000_000,
                  cache_write_tokens=400_000)
    assert call_cost("claude-sonnet-4-5-20250929", usage) == pytest.approx(3.0 + 1.5 + 0.6 + 1.5)
    assert call_cost("claude-sonnet-5-5", usage) == pytest.approx(2.0 + 1.0 + 0.4 + 1.0)
    assert price_for("claude-opus-4-20250514") == price_for("claude-opus-4")
    assert price_for("claude-opus-4-9") is None  # no silent fallback to a family price
    with caplog.at_level(logging.WARNING):
        assert call_cost("my-local-model", usage) == 0.0
    assert "no price known" in caplog.text
    assert call_cost("my-local-model", usage, parse_prices("1,2,0,0")) == pytest.approx(1.2)
    with pytest.raises(ValueError, match="input,output,cache_write,cache_read"):
        parse_prices("1,2")


def test_settings_from_environment_and_options(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("SANDMLE_CLAUDE_MODEL", "claude-haiku-4-5")
    monkeypatch.setenv("SANDMLE_CLAUDE_CONCURRENCY", "7")
    monkeypatch.setenv("SANDMLE_CLAUDE_REVIEW", "0")
    config = ClaudeConfig.resolve(max_tokens=2048, limit_dir=str(tmp_path))
    assert (config.model, config.max_concurrency, config.review, config.max_tokens) == (
        "claude-haiku-4-5", 7, False, 2048)
    assert config.slots_dir == tmp_path and config.effective_tool_choice == "tool"
    assert ClaudeConfig.resolve(model="claude-opus-4-8").model == "claude-opus-4-8"
    with pytest.raises(TypeError, match="unknown claude backend option"):
        ClaudeConfig.resolve(temperature=0.2)
    monkeypatch.setenv("SANDMLE_CLAUDE_MAX_TOKENS", "many")
    with pytest.raises(ValueError, match="SANDMLE_CLAUDE_MAX_TOKENS"):
        ClaudeConfig.resolve()
