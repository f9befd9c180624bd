"""The verifier's failures on script-generated data go back to the developer's generate.py, then to the strategist.

Through the real anthropic SDK against the local Messages API (`fake_anthropic.py`), with real generator programs
(`generators.py`) in the real sandbox and the great-expectations contracts: a program whose training table has a row
without an id passes the generator's own checks but fails a data contract; the contract's figure goes back into the
generator conversation (a data repair round), the repaired program's data is built and verified again within the
same attempt. A program that keeps failing spends its repair rounds; the strategist then redesigns the rule.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sandmle_core.agents.claude.generator import TRANSCRIPT_FILE
from sandmle_core.layout import Corpus
from sandmle_core.pipeline import SlotJob, analyze_seed, read_profile, run_slot
from sandmle_core.records import ManifestRow
from sandmle_core.slots import SlotKey
from tests.claude.conftest import point_at
from tests.claude.fake_anthropic import FakeAnthropic
from tests.claude.generators import generator_reply, ladder_reply, script_rule_reply
from tests.claude.replies import description_reply, metric_reply, review_reply

# its seconds in `make test` (2026-12-06): scheduled with the heavy modules, so it never runs last, alone
pytestmark = [pytest.mark.slow, pytest.mark.heavy(41)]

RNG_SEED = 11


def _build(corpus: Path, replies: list, max_attempts: int, data_rounds: str, index: int = 0
           ) -> tuple[ManifestRow, list]:
    from sandmle.data_contracts import contract_checker

    with FakeAnthropic() as fake, pytest.MonkeyPatch.context() as mp:
        point_at(mp, fake, corpus.parent / "slots", SANDMLE_CLAUDE_RULE="script", SANDMLE_CLAUDE_CODE_ROUNDS="0",
                 SANDMLE_CLAUDE_DATA_ROUNDS=data_rounds)
        seed_id, path = analyze_seed("breast-cancer", corpus)
        fake.push(*replies)
        row = run_slot(SlotJob(SlotKey(seed_id, RNG_SEED, index), "breast-cancer", read_profile(path), str(corpus),
                               backend="claude", max_attempts=max_attempts), contract_checker)
        assert fake.unscripted == 0
        return row, list(fake.requests)


def _first_text(request) -> str:
    return request.body["messages"][0]["content"][0]["text"]


def _sent_back(request) -> str:
    """The text of the last user turn of a request (a tool_result's content)."""
    block = request.body["messages"][-1]["content"][0]
    return block.get("content") if isinstance(block.get("content"), str) else json.dumps(block)


def _build_replies(variant: str) -> list:
    return [generator_reply(variant), ladder_reply(), metric_reply(), description_reply()]


def test_a_contract_failure_is_repaired_by_the_program_within_the_attempt(tmp_path):
    corpus = tmp_path / "corpus"
    row, requests = _build(corpus, [script_rule_reply(), *_build_replies("null_id"), *_build_replies("good")[:1],
                                    ladder_reply(), metric_reply(), description_reply(), review_reply()],
                           max_attempts=1, data_rounds="1")
    assert row.status == "accepted" and row.attempts == 1, row.reason
    repair = requests[5]  # strategist, generator, ladder, MLOps, writer, then the generator again
    assert _first_text(repair).startswith("Role: developer (data generator)")
    feedback = _sent_back(repair)
    assert "rejected by the verifier" in feedback and "expect_column_values_to_not_be_null" in feedback
    assert "Ladder mean score per level" in feedback
    env_dir = Corpus(corpus).env_dir(row.env_id)
    transcript = json.loads((env_dir / "prepared" / "private" / TRANSCRIPT_FILE).read_text())
    assert [r["round"] for r in transcript["data_rounds"]] == [1]
    assert any("expect_column_values_to_not_be_null" in f for f in transcript["data_rounds"][0]["failed"])
    validation = json.loads((env_dir / "validation.json").read_text())
    assert validation["accepted"] and all(c["passed"] for c in validation["checks"])
    by_round = json.loads(row.usage_json)["by_round"]
    # round 0: the first program and both ladders; round 1: the repaired program alone (no code rounds here)
    assert by_round["developer/0"]["calls"] == 3 and by_round["developer/1"]["calls"] == 1
    assert row.cost_usd == pytest.approx(sum(p["cost_usd"] for p in by_round.values()), abs=1e-5)


def test_a_program_that_keeps_failing_makes_the_strategist_redesign_the_rule(tmp_path):
    corpus = tmp_path / "corpus"
    row, requests = _build(corpus, [script_rule_reply(), *_build_replies("null_id"), *_build_replies("null_id"),
                                    script_rule_reply(), *_build_replies("sharp"), review_reply()],
                           max_attempts=2, data_rounds="1", index=2)  # slot 2's second attempt passes at once
    # (the redesigned rule's program has a stronger interaction: the good one's medals fail `medals_stable` at this
    # slot's second attempt since the verifier simulates fresh ladder re-runs, 2026-12-04)
    assert row.status == "accepted" and row.attempts == 2, row.reason
    redesign = requests[9]  # attempt 1: strategist + 2 x (generator, ladder, MLOps, writer)
    text = _first_text(redesign)
    assert text.startswith("Role: strategist")
    assert "still rejected after the developer's repair rounds" in text
    assert "expect_column_values_to_not_be_null" in text
    fresh = _first_text(requests[10])  # attempt 2's generator hears what sank attempt 1
    assert "previous attempt of this slot generated data that the verifier rejected" in fresh
    env_dir = Corpus(corpus).env_dir(row.env_id)
    transcript = json.loads((env_dir / "prepared" / "private" / TRANSCRIPT_FILE).read_text())
    assert transcript["data_rounds"] == []  # the accepted attempt's program passed at once
    assert set(json.loads(row.usage_json)["by_attempt"]) == {"1", "2"}


def test_a_ladder_order_failure_is_repaired_by_the_program_within_the_attempt(tmp_path):
    corpus = tmp_path / "corpus"
    # the first program's rule has no signal: it passes the generator's own checks and the data contracts, and the
    # ladder trained on its data cannot order its levels; the repaired program carries the rule's weights
    row, requests = _build(corpus, [script_rule_reply(), *_build_replies("no_signal"), *_build_replies("good"),
                                    review_reply()], max_attempts=1, data_rounds="1", index=1)
    assert row.status == "accepted" and row.attempts == 1, row.reason
    repair = requests[5]  # strategist, generator, ladder, MLOps, writer, then the generator again
    assert _first_text(repair).startswith("Role: developer (data generator)")
    feedback = _sent_back(repair)
    assert "rejected by the verifier" in feedback and "ladder_order_kept (solutions): figure" in feedback
    env_dir = Corpus(corpus).env_dir(row.env_id)
    transcript = json.loads((env_dir / "prepared" / "private" / TRANSCRIPT_FILE).read_text())
    [data_round] = transcript["data_rounds"]
    assert any(f.startswith("ladder_order_kept: ") for f in data_round["failed"])
    assert '"w_main": 0.0' not in (env_dir / "prepared" / "private" / "generate.py").read_text()
    validation = json.loads((env_dir / "validation.json").read_text())
    assert validation["accepted"] and validation["kendall_tau"] >= 0.5
    assert json.loads(row.usage_json)["by_round"]["developer/1"]["calls"] == 1
