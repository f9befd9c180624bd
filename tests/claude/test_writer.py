"""The Claude writer through the real SDK against the local Messages API: the model writes the whole description.md,
code verifies its facts (every public file and column, the exact submission header, the metric, nothing that does
not exist) and the leak checks; failures go back with their figures; the fallback to the rendered sections is
recorded in the transcript and announced in validation.json and the manifest."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from sandmle_core.agents import get_backend
from sandmle_core.agents.checks import description_checks
from sandmle_core.agents.claude.description import (
    DescriptionFacts,
    DescriptionProposal,
    fact_problems,
    rendered_submission_format,
)
from sandmle_core.agents.claude.prompts import public_spec
from sandmle_core.agents.claude.schemas import SpecProposal
from sandmle_core.agents.claude.strategist import build_tabular_spec, proposal_context
from sandmle_core.agents.claude.writer import compose_description
from sandmle_core.agents.offline.strategist import OfflineStrategist
from sandmle_core.agents.offline.writer import render_description
from sandmle_core.agents.realism import public_text_check
from sandmle_core.envfolder import EnvFolder
from sandmle_core.layout import Corpus
from tests.claude.replies import OVERVIEW, PROPOSAL, description_input, description_reply, overview_reply, writer_facts

SEED = "breast-cancer"
HEADER = "sample_id,yield_deficit"


@pytest.fixture
def staged(claude_env, breast_cancer, tmp_path):
    """The Claude backend and a staging folder holding the data of a PROPOSAL spec (no ladder, no API call)."""
    backend = get_backend("claude")
    scaffold = OfflineStrategist().draft_spec(SEED, breast_cancer, 0, 3)
    prop = SpecProposal.model_validate(PROPOSAL, context=proposal_context(breast_cancer, scaffold.challenges))
    spec = build_tabular_spec(scaffold, prop, breast_cancer, scaffold.challenges)
    staging = Corpus(tmp_path / "corpus").fresh_staging(spec.env_id)
    backend.developer.build_data(spec, staging)
    return backend, spec, EnvFolder.of(staging)


def _fresh_backend(spec, staging):
    """A backend built after a setting changed, its transcript bound to the staged environment (what the
    developer's build_data does)."""
    backend = get_backend("claude")
    backend.writer.session.transcript.bind(staging, spec.env_id)
    return backend


def _write(backend, spec, staging):
    return backend.writer.write_description(spec, staging, thresholds=None)  # type: ignore[arg-type]


def _feedback(request) -> dict:
    return request.body["messages"][-1]["content"][0]


def _transcript(staging: EnvFolder, env_id: str) -> list[dict]:
    path = Corpus(staging.root.parents[1]).root / "transcripts" / f"{env_id}.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()]


def _leaky_overview(spec) -> tuple[str, list[str]]:
    loadings = [v for f in spec.rule.features for v in f.loadings if len(f"{abs(v):.4f}".strip("0.")) >= 3]
    numbers = [f"{v:.4f}" for v in loadings[:8]]
    assert len(numbers) >= 3
    return OVERVIEW + " Internally the data follows loadings " + ", ".join(numbers) + " of the hidden model.", numbers


def test_a_whole_description_is_accepted(staged, claude_env):
    backend, spec, staging = staged
    claude_env.push(description_reply())
    path = _write(backend, spec, staging)
    assert len(claude_env.requests) == 1 and claude_env.unscripted == 0
    prompt = claude_env.requests[0].body["messages"][0]["content"][0]["text"]
    facts = writer_facts(prompt)
    assert facts["header"] == HEADER and set(facts["listing"]) == {"train.csv", "test.csv", "sample_submission.csv"}
    assert "hidden" not in json.dumps(facts["spec"]) and "loadings" not in prompt  # the public spec only
    text = path.read_text()
    headings = [line for line in text.splitlines() if line.startswith(("# ", "## "))]
    assert headings == [f"# {PROPOSAL['title']}", "## Overview", "## Data", "## Evaluation", "## Submission format"]
    assert OVERVIEW in text and "area under the ROC curve (AUC); higher is better" in text
    sample = pd.read_csv(staging.sample_submission)
    assert text.rstrip().endswith(rendered_submission_format(spec, sample))  # the exact block, verbatim
    assert all(c.passed for c in description_checks(spec, staging))
    assert public_text_check(spec, staging).passed  # the verifier's realism check will not reject it either


def test_a_missing_column_and_an_unknown_file_go_back_with_the_figure_then_pass(staged, claude_env):
    backend, spec, staging = staged
    claude_env.push(description_reply(skip=("ph",), extra="\n- `weather.csv`: daily weather at each farm."),
                    description_reply())
    text = _write(backend, spec, staging).read_text()
    assert len(claude_env.requests) == 2
    feedback = _feedback(claude_env.requests[1])
    assert feedback["type"] == "tool_result" and feedback["is_error"] is True
    assert "data: names 10 of 11 columns of the public tables; missing ['ph']" in feedback["content"]
    assert "the environment does not have: ['weather.csv']" in feedback["content"]
    assert "- `ph`: soil pH in water." in text and "weather.csv" not in text


def test_the_header_and_the_metric_are_required(staged):
    _, spec, staging = staged
    facts = DescriptionFacts.of(spec, staging.public, pd.read_csv(staging.sample_submission))
    good = description_input({"listing": facts.listing(), "header": facts.header,
                              "spec": json.loads(json.dumps(public_spec(spec)))})
    assert fact_problems(DescriptionProposal.model_validate(good), facts) == []
    bad = DescriptionProposal.model_validate({**good, "submission": "Write `yield_deficit,sample_id` per row.",
                                              "evaluation": "Rows are ranked; lower is better, of course.",
                                              "overview": OVERVIEW + "\n\n## Background\n\nSee `soil_report.pdf`."})
    problems = fact_problems(bad, facts)
    assert "overview: no '#' or '##' headings (sandmle adds the section headings; use '###')" in problems
    assert any(p.startswith("overview: names 1 file(s) or column(s) the environment does not have: "
                            "['soil_report.pdf']") for p in problems)
    assert f"submission: must state the sample submission's header exactly: {HEADER!r}" in problems
    assert any(p.startswith("evaluation: must name the metric") and "'AUC'" in p for p in problems)
    assert "evaluation: says 'lower is better', but for this metric higher is better" in problems


def test_a_description_quoting_the_hidden_rules_numbers_is_refused(staged, claude_env):
    backend, spec, staging = staged
    leaky, numbers = _leaky_overview(spec)
    claude_env.push(description_reply(overview=leaky), description_reply())
    text = _write(backend, spec, staging).read_text()
    feedback = _feedback(claude_env.requests[1])["content"]
    assert "description_hides_rule failed (figure " in feedback and numbers[0] in feedback
    assert OVERVIEW in text and not any(n in text for n in numbers)


def test_the_fallback_to_the_rendered_sections_is_recorded(staged, claude_env, monkeypatch):
    monkeypatch.setenv("SANDMLE_CLAUDE_REPAIRS", "1")
    _, spec, staging = staged
    backend = _fresh_backend(spec, staging)
    claude_env.push(description_reply(skip=("ph",)), description_reply(skip=("ph",)))
    text = _write(backend, spec, staging).read_text()
    assert len(claude_env.requests) == 2 and claude_env.pending == 0  # the last proposal's Overview is reused
    assert text == compose_description(spec, pd.read_csv(staging.sample_submission), OVERVIEW, None)
    lines = [line for line in _transcript(staging, spec.env_id) if "fallback" in line]
    assert len(lines) == 1 and lines[0]["overview_from"] == "the last write_description proposal"
    assert "after 1 repair" in lines[0]["reason"] and "missing ['ph']" in lines[0]["reason"]


def test_a_fallback_whose_overview_leaks_asks_for_the_overview_alone(staged, claude_env, monkeypatch):
    monkeypatch.setenv("SANDMLE_CLAUDE_REPAIRS", "0")
    _, spec, staging = staged
    backend = _fresh_backend(spec, staging)
    leaky, numbers = _leaky_overview(spec)
    claude_env.push(description_reply(overview=leaky), overview_reply())
    text = _write(backend, spec, staging).read_text()
    second = claude_env.requests[1].body["messages"][0]["content"][0]["text"]
    assert len(claude_env.requests) == 2 and second.startswith("Role: technical writer. Write the Overview")
    assert OVERVIEW in text and not any(n in text for n in numbers) and "## Submission format" in text
    lines = [line for line in _transcript(staging, spec.env_id) if "fallback" in line]
    assert len(lines) == 1 and lines[0]["overview_from"] == "write_overview"
    assert "description_hides_rule failed" in lines[0]["reason"]


def test_the_rendered_description_passes_the_same_fact_checks(staged):
    """The checks ask nothing sandmle's own rendering (the fallback) does not already state."""
    _, spec, staging = staged
    sample = pd.read_csv(staging.sample_submission)
    parts = re.split(r"^## (Overview|Data|Evaluation|Submission format)\n", render_description(spec, sample),
                     flags=re.MULTILINE)
    sections = dict(zip(parts[1::2], parts[2::2], strict=True))
    rendered = DescriptionProposal(title=parts[0].strip().removeprefix("# "), overview=sections["Overview"],
                                   data=sections["Data"].replace("### ", "#### "),
                                   evaluation=sections["Evaluation"], submission=sections["Submission format"])
    facts = DescriptionFacts.of(spec, staging.public, sample)
    assert fact_problems(rendered, facts) == []
    broken = rendered.model_copy(update={"data": rendered.data.replace("`test.csv`", "the test table")})
    assert fact_problems(broken, facts) == ["data: names 2 of 3 public files and folders; missing ['test.csv']"]


@pytest.mark.slow
def test_the_fallback_is_announced_in_validation_json_and_the_manifest(tmp_path):
    """Not only in the transcript: an environment whose description is the rendered fallback says so in its record."""
    from sandmle.data_contracts import contract_checker

    from sandmle_core.pipeline import SlotJob, analyze_seed, read_profile, run_slot
    from sandmle_core.slots import SlotKey
    from tests.claude.conftest import point_at
    from tests.claude.fake_anthropic import FakeAnthropic, tool_reply
    from tests.claude.replies import ladder_input, metric_reply, review_reply

    corpus = tmp_path / "corpus"
    with FakeAnthropic() as fake, pytest.MonkeyPatch.context() as mp:
        point_at(mp, fake, tmp_path / "slots", SANDMLE_CLAUDE_REPAIRS="1")
        seed_id, path = analyze_seed(SEED, corpus)
        fake.push(tool_reply("propose_spec", PROPOSAL), tool_reply("submit_ladder", ladder_input()), metric_reply(),
                  description_reply(skip=("ph",)), description_reply(skip=("ph",)), review_reply())
        # rng seed 1: a slot that passes `medals_stable` (seed 5 failed even the check of 2026-12-02, mean 0.859)
        row = run_slot(SlotJob(SlotKey(seed_id, 1, 0), SEED, read_profile(path), str(corpus), backend="claude",
                               max_attempts=1), contract_checker)
        assert fake.unscripted == 0
    assert row.status == "accepted", row.reason
    validation = json.loads((Corpus(corpus).env_dir(row.env_id) / "validation.json").read_text())
    assert len(validation["notes"]) == 1 and validation["notes"][0].startswith("writer fallback: description.md is")
    assert "missing ['ph']" in validation["notes"][0]
    assert row.notes == validation["notes"][0]
