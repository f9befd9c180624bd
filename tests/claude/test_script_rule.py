"""The `script` rule kind end to end: the strategist's rule in words, the developer's generate.py in the strict sandbox.

Everything goes through the real anthropic SDK against the local Messages API (`fake_anthropic.py`); the generator
programs are real programs (`generators.py`) run by the real sandbox. One module-level build takes a breast-cancer
slot through `pipeline.run_slot` with the great-expectations contracts and must be accepted; the other tests drive
the developer alone on a drafted spec with a crashing, an unseeded, a leaking and a hostile program.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from sandmle_core.agents import get_backend
from sandmle_core.agents.claude.generator import PROGRAM_FILE, TRANSCRIPT_FILE, regenerate
from sandmle_core.layout import Corpus, read_environment
from sandmle_core.pipeline import SlotJob, analyze_seed, read_profile, run_slot
from sandmle_core.script_rule import ScriptRule
from sandmle_core.slots import SlotKey
from sandmle_core.taskspec import TaskSpec
from tests.claude.conftest import point_at
from tests.claude.fake_anthropic import FakeAnthropic
from tests.claude.generators import RULE, generator_reply, ladder_reply, script_rule_reply
from tests.claude.replies import metric_reply, overview_reply, review_reply

pytestmark = pytest.mark.slow

RNG_SEED = 11


@pytest.fixture(scope="module")
def build(tmp_path_factory):
    from sandmle.data_contracts import contract_checker

    root = tmp_path_factory.mktemp("claude-script")
    corpus = root / "corpus"
    with FakeAnthropic() as fake, pytest.MonkeyPatch.context() as mp:
        point_at(mp, fake, root / "slots", SANDMLE_CLAUDE_RULE="script")
        seed_id, path = analyze_seed("breast-cancer", corpus)
        fake.push(script_rule_reply(), generator_reply(), ladder_reply(), metric_reply(), overview_reply(),
                  review_reply())
        row = run_slot(SlotJob(SlotKey(seed_id, RNG_SEED, 0), "breast-cancer", read_profile(path), str(corpus),
                               backend="claude", max_attempts=1), contract_checker)
        yield SimpleNamespace(corpus=Corpus(corpus), root=root, row=row, requests=list(fake.requests),
                              unscripted=fake.unscripted)


def test_a_tabular_generator_is_accepted_end_to_end(build):
    row = build.row
    assert row.status == "accepted", row.reason
    assert build.unscripted == 0
    env = read_environment(build.corpus.env_dir(row.env_id), verify_hashes=True)
    spec = TaskSpec.model_validate(env.config.sandmle.spec)
    assert isinstance(spec.rule, ScriptRule) and spec.rule.words == RULE["rule_words"]
    assert spec.backend == "claude" and spec.title == RULE["title"]
    validation = json.loads(env.validation_path.read_text())
    names = {c["name"] for c in validation["checks"]}
    assert validation["accepted"] and all(c["passed"] for c in validation["checks"])
    assert any(n.startswith("contract:") for n in names) and "no_single_feature_oracle" in names
    assert {"ladder_order_kept", "thresholds_strictly_monotone", "description_hides_rule"} <= names
    train = pd.read_csv(env.public_dir / "train.csv")
    assert len(train) == spec.n_train and 50 <= len(train) <= 200
    roles = [r.body["messages"][0]["content"][0]["text"].split(".")[0] for r in build.requests]
    assert roles == ["Role: strategist", "Role: developer (data generator)", "Role: developer",
                     "Role: MLOps engineer", "Role: technical writer", "Role: verifier"]


def test_the_program_and_its_transcript_ship_privately_and_rebuild_the_data(build, tmp_path):
    env_dir = build.corpus.env_dir(build.row.env_id)
    private, public = env_dir / "prepared" / "private", env_dir / "prepared" / "public"
    assert (private / PROGRAM_FILE).is_file() and not (public / PROGRAM_FILE).exists()
    transcript = json.loads((private / TRANSCRIPT_FILE).read_text())
    assert transcript["messages"][0]["content"][0]["text"].startswith("Role: developer (data generator)")
    assert transcript["messages"][-1]["content"][-1]["input"]["source"] == (private / PROGRAM_FILE).read_text()
    spec = TaskSpec.model_validate(read_environment(env_dir).config.sandmle.spec)
    again = regenerate(env_dir, tmp_path / "micro", spec.n_train, spec.n_test, scale="micro")
    assert again.ok and again.isolation.policy == "strict"
    for name in ("train.csv", "test.csv", "sample_submission.csv"):
        assert (tmp_path / "micro" / "public" / name).read_bytes() == (public / name).read_bytes()
    assert (tmp_path / "micro" / "private" / "answers.csv").read_bytes() == (private / "answers.csv").read_bytes()
    full = regenerate(env_dir, tmp_path / "full", 5000, 2000, scale="full")
    assert full.ok and len(pd.read_csv(tmp_path / "full" / "public" / "train.csv")) == 5000


# -- the developer alone, on one drafted spec ---------------------------------------------------------------------


@pytest.fixture
def drafted(fake: FakeAnthropic, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, breast_cancer):
    """A claude backend in script mode (1 repair round) and a spec its strategist drafted, with its staging folder."""
    point_at(monkeypatch, fake, tmp_path / "slots", SANDMLE_CLAUDE_RULE="script", SANDMLE_CLAUDE_CODE_ROUNDS="1")
    backend = get_backend("claude")
    fake.push(script_rule_reply())
    spec = backend.strategist.draft_spec("breast-cancer", breast_cancer, 0, RNG_SEED)
    staging = tmp_path / "corpus" / ".staging" / spec.env_id
    staging.mkdir(parents=True)
    return SimpleNamespace(backend=backend, spec=spec, staging=staging, fake=fake)
