"""The Claude backend end to end, through the real anthropic SDK against the local fake Messages API.

One module-level build runs two slots of the breast-cancer seed through `sandmle_core.pipeline.run_slot` (what a
Dask worker runs) with the great-expectations data contracts: slot 0 meets an API that answers 529 "overloaded" to
every developer call, slot 1 gets a well-behaved model. The tests then check what each slot left behind.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
import yaml

from sandmle_core.agents.base import Usage
from sandmle_core.agents.claude.pricing import call_cost
from sandmle_core.layout import Corpus, read_environment
from sandmle_core.pipeline import SlotJob, analyze_seed, read_profile, run_slot
from sandmle_core.records import read_failures
from sandmle_core.slots import SlotKey
from sandmle_core.taskspec import TaskSpec
from tests.claude.conftest import API_KEY, point_at
from tests.claude.fake_anthropic import FakeAnthropic, overloaded, tool_reply
from tests.claude.replies import OVERVIEW, PROPOSAL, happy_build, proposal

pytestmark = pytest.mark.slow

RNG_SEED = 5


@pytest.fixture(scope="module")
def build(tmp_path_factory):
    from sandmle.data_contracts import contract_checker

    root = tmp_path_factory.mktemp("claude-build")
    corpus = root / "corpus"
    with FakeAnthropic() as fake, pytest.MonkeyPatch.context() as mp:
        point_at(mp, fake, root / "slots")
        seed_id, path = analyze_seed("breast-cancer", corpus)
        profile = read_profile(path)
        job = SlotJob(SlotKey(seed_id, RNG_SEED, 0), "breast-cancer", profile, str(corpus), backend="claude",
                      max_attempts=2)
        # Slot 0: the proposal is fine, then the API is overloaded for good: 3 HTTP attempts (max_retries 2) per
        # developer call, in each of the 2 attempts of the slot.
        fake.push(tool_reply("propose_spec", PROPOSAL), *[overloaded(retry_after_ms=20)] * 6)
        failed_row = run_slot(job, contract_checker)
        failed_requests = list(fake.requests)
        other = proposal(domain={**PROPOSAL["domain"], "key": "farm_soil_survey"})
        fake.push(*happy_build(other))
        # slot 3 (not 1): its first attempt passes every check, medals_stable included (slots 1 and 2 fail it since
        # the verifier simulates fresh ladder re-runs, 2026-12-04), and happy_build scripts one attempt
        ok_row = run_slot(SlotJob(SlotKey(seed_id, RNG_SEED, 3), "breast-cancer", profile, str(corpus),
                                  backend="claude", max_attempts=2), contract_checker)
        yield SimpleNamespace(corpus=Corpus(corpus), root=root, failed_row=failed_row, ok_row=ok_row,
                              failed_requests=failed_requests, requests=list(fake.requests)[len(failed_requests):],
                              unscripted=fake.unscripted)


def test_an_environment_is_generated_end_to_end_and_accepted(build):
    row = build.ok_row
    assert row.status == "accepted", row.reason
    env = read_environment(build.corpus.env_dir(row.env_id), verify_hashes=True)
    spec = TaskSpec.model_validate(env.config.sandmle.spec)
    assert (spec.backend, spec.domain.key, spec.grading.metric) == ("claude", "farm_soil_survey", "auc")
    assert [c.name for c in spec.columns] == [f["name"] for f in PROPOSAL["features"]]
    assert env.config.sandmle.provenance.backend == "claude"
    assert env.config.sandmle.provenance.model == "claude-sonnet-5-5"
    validation = json.loads(env.validation_path.read_text())
    assert validation["accepted"]
    names = {c["name"]: c for c in validation["checks"]}
    assert any(n.startswith("contract:") for n in names), "the data contracts ran"
    assert all(c["passed"] for c in validation["checks"])
    assert names["review_no_rule_leak"]["passed"] and names["review_task_meaningful"]["passed"]
    assert validation["kendall_tau"] >= 0.33
    assert len(list(env.solutions_dir.glob("*.py"))) == 6
    description = env.description_path.read_text()
    # the model wrote every section; sandmle added the metric note and the exact submission block
    assert description.startswith(f"# {PROPOSAL['title']}\n") and OVERVIEW in description
    assert all(f"- `{f['name']}`: {f['description']}." in description for f in PROPOSAL["features"])
    assert "header `sample_id,yield_deficit`" in description and "What the metric rewards here" in description
    assert "### Exact format" in description and "```\nsample_id,yield_deficit\n" in description
    train = pd.read_csv(env.public_dir / "train.csv")
    assert 50 <= len(train) <= 200 and "yield_deficit" in train
    assert build.unscripted == 0
    roles = [r.body["messages"][0]["content"][0]["text"].split(".")[0] for r in build.requests]
    assert roles == ["Role: strategist", "Role: developer", "Role: MLOps engineer", "Role: technical writer",
                     "Role: verifier"]


def test_repeated_529_records_a_clear_failure_and_the_build_continues(build):
    row = build.failed_row
    assert row.status == "failed" and row.stage == "llm"
    records = read_failures(build.corpus)
    assert [r.env_id for r in records] == [row.env_id]
    record = records[0]
    assert record.error_type == "LLMUnavailable" and record.attempts == 2 and record.backend == "claude"
    assert "529" in record.message and "overloaded" in record.message and "developer" in record.message
    statuses = [r.status for r in build.failed_requests]
    assert statuses == [200] + [529] * 6  # the spec is retried as is: no new strategist call after an outage
    assert not build.corpus.is_published(row.env_id)
    assert build.ok_row.status == "accepted"  # the next slot went on normally


def test_usage_and_cost_land_in_config_and_manifest_row(build):
    row = build.ok_row
    config = yaml.safe_load((build.corpus.env_dir(row.env_id) / "config.yaml").read_text())
    usage = Usage.model_validate(config["sandmle"]["usage"])
    assert usage.calls == 5 and usage.model == "claude-sonnet-5-5"
    # The system prompt was written to the cache by the first slot's call; this slot only reads it.
    assert usage.output_tokens > 0 and usage.cache_read_tokens > usage.input_tokens
    assert usage.cost_usd == pytest.approx(call_cost("claude-sonnet-5-5", usage), abs=1e-5) and usage.cost_usd > 0
    assert row.cost_usd > 0 and row.output_tokens > 0 and row.model == "claude-sonnet-5-5"
    # per role: each role's tokens are what the server answered that role's request with
    roles = ["strategist", "developer", "mlops", "writer", "verifier"]
    assert sorted(usage.by_role) == sorted(roles) and usage.by_attempt.keys() == {"1"}
    for role, request in zip(roles, build.requests, strict=True):
        part = usage.by_role[role]
        assert (part.calls, part.input_tokens, part.output_tokens, part.cache_read_tokens) == (
            1, request.usage["input_tokens"], request.usage["output_tokens"],
            request.usage["cache_read_input_tokens"])
        assert usage.by_round[f"{role}/0"] == part
    assert sum(p.output_tokens for p in usage.by_role.values()) == usage.output_tokens
    assert sum(p.cost_usd for p in usage.by_role.values()) == pytest.approx(usage.cost_usd, abs=1e-6)
    assert json.loads(row.usage_json) == usage.breakdown()


def test_a_failed_slot_reports_what_it_spent(build):
    row = build.failed_row  # the strategist's call was answered (200) before the developer met 529s
    answered = build.failed_requests[0]
    assert row.output_tokens == answered.usage["output_tokens"] and row.cost_usd > 0
    assert json.loads(row.usage_json)["by_role"].keys() == {"strategist"}


def test_the_shared_system_prompt_is_cached(build):
    bodies = [r.body for r in build.requests]
    assert all(b["system"][0]["cache_control"] == {"type": "ephemeral"} for b in bodies)
    assert all(b["tools"] == bodies[0]["tools"] and b["system"] == bodies[0]["system"] for b in bodies)
    # claude-sonnet-5-5 rejects forced tool use: the default model gets tool_choice auto, the prompt names the tool.
    assert all(b["tool_choice"]["type"] == "auto" and b["model"] == "claude-sonnet-5-5" for b in bodies)


def test_transcripts_are_saved_and_the_key_is_written_nowhere(build):
    row = build.ok_row
    path = build.corpus.root / "transcripts" / f"{row.env_id}.jsonl"
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    calls = [line for line in lines if "response" in line]
    assert [c["role"] for c in calls] == ["strategist", "developer", "mlops", "writer", "verifier"]
    assert all(c["env_id"] == row.env_id and c["slot"] == f"breast-cancer:{RNG_SEED}:3" for c in calls)
    assert calls[0]["sent"][0]["content"][0]["text"].startswith("Role: strategist")
    assert any("executed" in line for line in lines)  # the ladder's run figures
    failed = build.corpus.root / "transcripts" / f"{build.failed_row.env_id}.jsonl"
    assert "overloaded" in failed.read_text()
    assert list((build.corpus.root / "transcripts").glob("system-*.json"))
    assert all(r.headers.get("authorization") == f"Bearer {API_KEY}" or r.headers.get("x-api-key") == API_KEY
               for r in build.requests)  # the key was really used ...
    leaks = [p for p in Path(build.root).rglob("*") if p.is_file() and API_KEY.encode() in p.read_bytes()]
    assert leaks == []  # ... and written nowhere
