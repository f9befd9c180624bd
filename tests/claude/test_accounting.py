"""Cost and token accounting per role, per repair round and per attempt, through the real SDK: every figure is the
sum of the usage the local Messages API server answered with, priced with `pricing.py`."""

from __future__ import annotations

from sandmle_core.agents import get_backend
from sandmle_core.agents.base import Check, UsagePart, Verdict
from sandmle_core.agents.claude.pricing import call_cost
from tests.claude.fake_anthropic import tool_reply
from tests.claude.replies import PROPOSAL, proposal

SEED = "breast-cancer"
MODEL = "claude-sonnet-5-5"


def billed(*requests) -> UsagePart:
    """What the server billed for these requests, priced like the backend prices it."""
    total = UsagePart()
    for r in requests:
        part = UsagePart(calls=1, input_tokens=r.usage["input_tokens"], output_tokens=r.usage["output_tokens"],
                         cache_read_tokens=r.usage["cache_read_input_tokens"],
                         cache_write_tokens=r.usage["cache_creation_input_tokens"])
        total = total.plus(part.model_copy(update={"cost_usd": call_cost(MODEL, part)}))
    return total


def test_a_schema_repair_is_its_own_round_and_every_part_is_the_servers_count(claude_env, breast_cancer):
    bad = proposal(title="short")
    claude_env.push(tool_reply("propose_spec", bad), tool_reply("propose_spec", PROPOSAL))
    backend = get_backend("claude")
    backend.strategist.draft_spec(SEED, breast_cancer, 0, 3)
    usage = backend.developer.last_usage
    first, second = claude_env.requests
    assert first.usage["output_tokens"] > 0 and second.usage["cache_read_input_tokens"] > 0
    assert usage.by_round == {"strategist/0": billed(first), "strategist/1": billed(second)}
    assert usage.by_role == {"strategist": billed(first, second)}
    assert usage.by_attempt == {"1": billed(first, second)}
    assert usage.part == billed(first, second) and usage.cost_usd > 0


def test_a_spec_repair_is_filed_under_the_next_attempt(claude_env, breast_cancer):
    claude_env.push(tool_reply("propose_spec", PROPOSAL), tool_reply("propose_spec", proposal(
        domain={**PROPOSAL["domain"], "key": "farm_soil_survey"})))
    backend = get_backend("claude")
    spec = backend.strategist.draft_spec(SEED, breast_cancer, 0, 3)
    review = Check(name="review_task_meaningful", group="review", passed=False, repair="new_seed", detail="dull")
    verdict = Verdict(env_id=spec.env_id, accepted=False, repair="new_seed", checks=[review])
    backend.strategist.repair_spec(spec, verdict, 2, breast_cancer, 3)
    usage = backend.developer.last_usage
    first, second = claude_env.requests
    assert usage.by_attempt == {"1": billed(first), "2": billed(second)}
    assert usage.by_round == {"strategist/0": billed(first, second)}  # a new conversation: round 0 again
