"""The MLOps role's metric proposal, through the real SDK: a registered metric the seed's DNA allows replaces the
seed's metric before anything is built; any other proposal is refused and the seed's metric kept."""

from __future__ import annotations

import json

import pytest

from sandmle_core.agents import get_backend
from sandmle_core.agents.offline.strategist import OfflineStrategist
from sandmle_core.agents.verifier import dna_checks
from sandmle_core.metrics import METRICS, TASK_METRICS, metric_refusal
from sandmle_core.profile import profile_seed
from sandmle_core.seeds import get_bundled_seed
from tests.claude.fake_anthropic import tool_reply
from tests.claude.replies import PROPOSAL


@pytest.fixture(scope="module")
def diamonds_spec():
    """An offline draft of the diamonds seed (regression graded by RMSE): no API call needed to get it."""
    profile = profile_seed(get_bundled_seed("diamonds"))
    return OfflineStrategist().draft_spec("diamonds", profile, 0, 3)


def _propose(metric: str | None):
    return tool_reply("propose_metric", {"metric": metric, "reason": "absolute errors match how prices are judged"})


def test_a_compatible_registered_metric_replaces_the_seeds(claude_env, diamonds_spec, tmp_path):
    assert diamonds_spec.grading.metric == "rmse"
    claude_env.push(_propose("mae"))
    backend = get_backend("claude", metric_proposals=True)
    spec = backend.mlops.choose_metric(diamonds_spec)
    assert spec.grading.metric == "mae" and spec.dna.metric == "rmse"
    assert spec.env_id != diamonds_spec.env_id  # a different environment, named by its own spec hash
    prompt = claude_env.requests[0].body["messages"][0]["content"][0]["text"]
    offered = {line[2:].split(":")[0] for line in prompt.splitlines() if line.startswith("- ")}
    assert offered == {"mae", "log_mae"}  # lower-is-better values on the linear scale: not rmsle, pearson, accuracy
    [kept] = dna_checks(spec, tmp_path)
    assert kept.name == "dna_kind_preserved" and kept.passed, kept
    assert backend.mlops.choose_metric(diamonds_spec).grading.metric == "mae"  # a repair reuses the answer
    assert len(claude_env.requests) == 1


@pytest.mark.parametrize(("proposed", "why"), [
    ("pearson", "pearson is higher-is-better, the seed's rmse is not"),
    ("rmsle", "grade targets on different scales"),
    ("r2", "'r2' is not in sandmle's metric registry"),
    ("mean_column_rmsle", "mean_column_rmsle does not grade regression tasks"),
    ("error_rate", "error_rate scores label submissions, the seed's rmse value submissions"),
])
def test_an_incompatible_or_unknown_metric_is_refused_and_the_seeds_kept(claude_env, diamonds_spec, tmp_path,
                                                                        proposed, why):
    assert why in metric_refusal(proposed, "rmse", "regression")
    claude_env.push(_propose(proposed))
    backend = get_backend("claude", metric_proposals=True)
    spec = backend.mlops.choose_metric(diamonds_spec)
    assert spec == diamonds_spec and len(claude_env.requests) == 1
    path = backend.mlops.session.transcript.bind(tmp_path / ".staging" / spec.env_id, spec.env_id)
    [line] = [json.loads(t) for t in path.read_text().splitlines() if '"metric": {' in t]
    assert line["metric"] == {"seed": "rmse", "proposed": proposed, "refused": metric_refusal(
        proposed, "rmse", "regression"), "kept": True}
    tampered = diamonds_spec.model_copy(update={"grading": diamonds_spec.grading.model_copy(
        update={"metric": proposed if proposed in METRICS else "pearson"})})
    assert not dna_checks(tampered, tmp_path)[0].passed  # and the verifier would refuse it anyway


def test_no_proposal_keeps_the_seeds_metric(claude_env, diamonds_spec):
    claude_env.push(_propose(None))
    assert get_backend("claude", metric_proposals=True).mlops.choose_metric(diamonds_spec) == diamonds_spec


def test_a_seed_without_alternatives_costs_no_call_and_proposals_are_off_by_default(claude_env, breast_cancer):
    assert [m for m in TASK_METRICS["binary"] if m != "auc" and metric_refusal(m, "auc", "binary") is None] == []
    claude_env.push(tool_reply("propose_spec", PROPOSAL), tool_reply("propose_spec", PROPOSAL))
    on = get_backend("claude", metric_proposals=True).strategist.draft_spec("breast-cancer", breast_cancer, 0, 3)
    off = get_backend("claude").strategist.draft_spec("breast-cancer", breast_cancer, 0, 3)
    assert on.grading.metric == off.grading.metric == "auc"
    assert [r.body["tool_choice"].get("name", r.body["messages"][0]["content"][0]["text"][:16])
            for r in claude_env.requests] == ["Role: strategist"] * 2  # no MLOps call for a seed without choice


def test_every_listed_metric_is_registered():
    assert all(m in METRICS for names in TASK_METRICS.values() for m in names)
