"""`sandmle build --backend claude --budget-usd X`: a real build (the CLI, the build-corpus flow, a Dask worker, the
real anthropic SDK) against the local Messages API server stops starting slots once the finished slots' measured
cost reaches the cap, records the rest as unbuilt, prints one budget line and exits 1."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from sandmle_core.layout import Corpus
from sandmle_core.records import read_failures, read_manifest
from tests.claude.conftest import point_at
from tests.claude.fake_anthropic import FakeAnthropic
from tests.claude.replies import PROPOSAL, happy_build, proposal

pytestmark = [pytest.mark.prefect, pytest.mark.slow, pytest.mark.heavy(77)]

SANDMLE = [sys.executable, "-m", "sandmle.cli.__main__"]
# Every reply bills 1,000 input and 1,000 output tokens, nothing cached: at claude-sonnet-5-5's $2 / $10 per million
# a call costs $0.012 and a slot's five calls $0.06, so a $0.10 budget is reached by the second slot and not the first.
BILLED = {"input_tokens": 1000, "output_tokens": 1000, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0}


def _billed(reply):
    """The reply with the fixed usage; a responder (the writer's reads its prompt) bills it on the reply it makes."""
    if callable(reply):
        return lambda body: _billed(reply(body))
    reply.usage = dict(BILLED)
    return reply


def _replies(index: int) -> list:
    return [_billed(r) for r in happy_build(proposal(domain={**PROPOSAL["domain"], "key": f"soil_lab_{index}"}))]


def test_a_build_stops_at_its_budget_and_records_the_rest_as_unbuilt(prefect_api, tmp_path):
    out = tmp_path / "corpus"
    with FakeAnthropic() as fake, pytest.MonkeyPatch.context() as mp:
        point_at(mp, fake, tmp_path / "slots")
        for index in range(4):  # enough replies for every slot: only the budget may stop the build
            fake.push(*_replies(index))
        env = {**os.environ, "PREFECT_API_URL": prefect_api}
        # rng seed 8: slots 0 and 1 are accepted at their first attempt, so each costs exactly five calls (at 7 slot 1
        # needs a second one since the medals_stable check of 2026-12-03; at 9 and 11 one of them does too)
        result = subprocess.run([*SANDMLE, "build", "--backend", "claude", "--seed", "breast-cancer", "--per-seed",
                                 "4", "--out", str(out), "--workers", "1", "--no-contracts", "--rng-seed", "8",
                                 "--budget-usd", "0.10"], env=env, capture_output=True, text=True, timeout=1500)
        billed = [r.usage for r in fake.requests]
    assert result.returncode == 1, result.stderr[-3000:]
    lines = result.stdout.strip().splitlines()
    budget_lines = [line for line in lines if line.startswith("budget:")]
    assert budget_lines == ["budget: spent $0.1200 of $0.1; stopped after 2 of 4 slots (2 not built, recorded as "
                            "unbuilt in the manifest)"], result.stdout[-2000:] + result.stderr[-3000:]
    assert result.stderr.strip().splitlines()[-1] == ("error: the flow run ended Failed: budget of $0.1 reached "
                                                      "($0.1200 spent): 2 slot(s) not built")
    assert len(billed) == 10 and all(u == {**BILLED} for u in billed)  # two slots, five calls each, no more
    rows = {r["index"]: r for r in read_manifest(Corpus(out)).to_pylist()}
    assert [rows[i]["status"] for i in range(4)] == ["accepted", "accepted", "unbuilt", "unbuilt"]
    assert [rows[i]["cost_usd"] for i in range(4)] == [pytest.approx(0.06), pytest.approx(0.06), 0.0, 0.0]
    assert all(rows[i]["stage"] == "budget" and "budget of $0.1 was spent" in rows[i]["reason"] for i in (2, 3))
    by_role = json.loads(rows[0]["usage_json"])["by_role"]
    assert {role: part["cost_usd"] for role, part in by_role.items()} == {
        role: pytest.approx(0.012) for role in ("developer", "mlops", "strategist", "verifier", "writer")}
    assert read_failures(Corpus(out)) == []  # not failures of the generator: nothing for `regenerate`


def test_a_regeneration_stops_at_its_budget_and_keeps_the_rest_failed(prefect_api, tmp_path):
    from sandmle_core.records import FailureRecord, write_failure

    out = tmp_path / "corpus"
    corpus = Corpus(out)
    out.mkdir()
    for index in range(2):  # two failed claude slots, as a build that met an outage leaves them
        write_failure(corpus, FailureRecord(env_id=f"breast-cancer-slot{index:03d}", seed_id="breast-cancer",
                                            seed_ref="breast-cancer", index=index, rng_seed=7, backend="claude",
                                            stage="llm", error_type="LLMUnavailable", message="overloaded"))
    with FakeAnthropic() as fake, pytest.MonkeyPatch.context() as mp:
        point_at(mp, fake, tmp_path / "slots")
        for index in range(2):
            fake.push(*_replies(index))
        env = {**os.environ, "PREFECT_API_URL": prefect_api}
        result = subprocess.run([*SANDMLE, "regenerate", str(out), "--backend", "claude", "--workers", "1",
                                 "--budget-usd", "0.05"], env=env, capture_output=True, text=True, timeout=1500)
        calls = len(fake.requests)
    assert result.returncode == 1, result.stderr[-3000:]
    assert "budget: spent $0.0600 of $0.05; stopped after 1 of 2 slots (1 not built, recorded as unbuilt in the " \
           "manifest)" in result.stdout.strip().splitlines()
    assert calls == 5  # one slot's five calls, no more
    statuses = sorted(r["status"] for r in read_manifest(corpus).to_pylist())
    assert statuses == ["accepted", "unbuilt"]
    [reason] = [r["reason"] for r in read_manifest(corpus).to_pylist() if r["status"] == "unbuilt"]
    assert "run `sandmle regenerate` on the corpus again" in reason and "sandmle build" not in reason
    assert [r.index for r in read_failures(corpus)] == [  # the unbuilt slot keeps its record for the next run
        r["index"] for r in read_manifest(corpus).to_pylist() if r["status"] == "unbuilt"]
