"""A graph generator program accepted end to end: node classification the offline graph family cannot express.

The scripted conversation goes through the real anthropic SDK against the local Messages API (`fake_anthropic.py`):
the strategist states the rule of `graph_program.GRAPH_RULE` in words for a slot of the bundled `karate` seed (a
graph modality), the developer returns that real program (labels from planted circles that are not the label, an
interaction of two attributes and the neighbours' mean of a third), and the real strict sandbox, the great-
expectations graph contract, the sandboxed node-classification ladder and the verifier take it from there. The slot
is built twice into two corpora: the same inputs must give the same environment, byte for byte.
"""

from __future__ import annotations

import filecmp
import json
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from sandmle_core.agents import get_backend
from sandmle_core.agents.claude.errors import GeneratorRejected
from sandmle_core.agents.claude.generator import PROGRAM_FILE, TRANSCRIPT_FILE, regenerate
from sandmle_core.agents.claude.script_prompts import table_layout
from sandmle_core.agents.offline.strategist import OfflineStrategist
from sandmle_core.envfolder import EnvFolder
from sandmle_core.layout import Corpus, read_environment
from sandmle_core.modalities.graph import is_graph, is_link_prediction
from sandmle_core.pipeline import SlotJob, analyze_seed, read_profile, run_slot
from sandmle_core.profile import profile_seed
from sandmle_core.script_rule import ScriptRule
from sandmle_core.seeds import get_bundled_seed
from sandmle_core.slots import SlotKey
from sandmle_core.spec import Modality
from sandmle_core.taskspec import TaskSpec
from tests.claude.conftest import point_at
from tests.claude.fake_anthropic import FakeAnthropic, tool_reply
from tests.claude.generators import generator_reply, ladder_reply
from tests.claude.graph_program import GRAPH_RULE, LABEL_IN_NODES
from tests.claude.replies import description_reply, metric_reply, review_reply

pytestmark = pytest.mark.slow

SEED, RNG_SEED = "karate", 11
# slot 2: its first attempt passes every check, medals_stable included (slots 0, 1, 3 and 4 fail it since the verifier
# simulates fresh ladder re-runs, 2026-12-04); the replies script one attempt without a data repair round
SLOT = 2
GRAPH_FILES = ("nodes.csv", "edges.csv", "train.csv", "test.csv", "sample_submission.csv")


def _build(root: Path):
    from sandmle.data_contracts import contract_checker

    corpus = root / "corpus"
    with FakeAnthropic() as fake, pytest.MonkeyPatch.context() as mp:
        point_at(mp, fake, root / "slots", SANDMLE_CLAUDE_RULE="script")
        seed_id, path = analyze_seed(SEED, corpus)
        fake.push(tool_reply("propose_script_rule", GRAPH_RULE), generator_reply("graph"), ladder_reply(),
                  metric_reply(), description_reply(), review_reply())
        row = run_slot(SlotJob(SlotKey(seed_id, RNG_SEED, SLOT), SEED, read_profile(path), str(corpus),
                               backend="claude", max_attempts=1), contract_checker)
        return SimpleNamespace(corpus=Corpus(corpus), row=row, requests=list(fake.requests),
                               unscripted=fake.unscripted)


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    return [_build(tmp_path_factory.mktemp(f"claude-graph-{i}")) for i in range(2)]


def test_a_graph_generator_is_accepted_end_to_end(builds):
    build = builds[0]
    assert build.row.status == "accepted", build.row.reason
    assert build.unscripted == 0
    env_dir = build.corpus.env_dir(build.row.env_id)
    env = read_environment(env_dir, verify_hashes=True)  # published: in the corpus, every hash as config.yaml says
    spec = TaskSpec.model_validate(env.config.sandmle.spec)
    assert spec.modality == Modality.GRAPH and isinstance(spec.rule, ScriptRule) and is_graph(spec)
    assert spec.rule.words == GRAPH_RULE["rule_words"] and spec.backend == "claude"
    validation = json.loads(env.validation_path.read_text())
    names = {c["name"] for c in validation["checks"]}
    assert validation["accepted"] and all(c["passed"] for c in validation["checks"])
    # the graph contract ran (nodes.csv and edges.csv are artifacts of their own), and the nodes' columns were
    # joined to the labelled nodes for the single-column leak check
    assert any(n.startswith("contract:prepared/public/nodes.csv:") for n in names)
    assert any(n.startswith("contract:prepared/public/edges.csv:") for n in names)
    assert {"no_single_feature_oracle", "public_files_hold_no_answers", "ladder_order_kept",
            "thresholds_strictly_monotone", "reference_beats_sample"} <= names
    assert validation["kendall_tau"] >= 0.5
    roles = [r.body["messages"][0]["content"][0]["text"].split(".")[0] for r in build.requests]
    assert roles == ["Role: strategist", "Role: developer (data generator)", "Role: developer",
                     "Role: MLOps engineer", "Role: technical writer", "Role: verifier"]


def test_the_graph_program_writes_the_graph_layout(builds):
    env_dir = builds[0].corpus.env_dir(builds[0].row.env_id)
    spec = TaskSpec.model_validate(read_environment(env_dir).config.sandmle.spec)
    public = env_dir / "prepared" / "public"
    id_col, target = spec.grading.id_column, spec.target.columns[0]
    nodes, edges = pd.read_csv(public / "nodes.csv"), pd.read_csv(public / "edges.csv")
    train, test = pd.read_csv(public / "train.csv"), pd.read_csv(public / "test.csv")
    assert list(train.columns) == [id_col, target] and list(test.columns) == [id_col]
    assert list(nodes.columns) == table_layout(spec)["public/nodes.csv"] and target not in nodes.columns
    assert (len(train), len(test)) == (spec.n_train, spec.n_test)
    # unlabelled nodes are part of the graph, and every labelled or test node is a node of it
    assert len(nodes) > len(train) + len(test)
    assert set(train[id_col]) | set(test[id_col]) <= set(nodes[id_col])
    assert (edges["source"] < edges["target"]).all() and not edges.duplicated().any()
    # the prompt asked for this layout: the developer saw nodes.csv and edges.csv, not node columns in train.csv
    prompt = builds[0].requests[1].body["messages"][0]["content"][0]["text"]
    assert '"public/nodes.csv"' in prompt and '"public/edges.csv"' in prompt


def test_the_graph_program_ships_privately_and_rebuilds_the_graph(builds, tmp_path):
    env_dir = builds[0].corpus.env_dir(builds[0].row.env_id)
    private, public = env_dir / "prepared" / "private", env_dir / "prepared" / "public"
    assert (private / PROGRAM_FILE).is_file() and not (public / PROGRAM_FILE).exists()
    transcript = json.loads((private / TRANSCRIPT_FILE).read_text())
    assert transcript["messages"][-1]["content"][-1]["input"]["source"] == (private / PROGRAM_FILE).read_text()
    assert transcript["full_scale"]["outcome"] == "ok"
    spec = TaskSpec.model_validate(read_environment(env_dir).config.sandmle.spec)
    again = regenerate(env_dir, tmp_path / "micro", spec.n_train, spec.n_test, scale="micro")
    assert again.ok and again.isolation.policy == "strict"
    for name in GRAPH_FILES:
        assert (tmp_path / "micro" / "public" / name).read_bytes() == (public / name).read_bytes(), name
    assert (tmp_path / "micro" / "private" / "answers.csv").read_bytes() == (private / "answers.csv").read_bytes()
    full = regenerate(env_dir, tmp_path / "full", 4000, 1000, scale="full")
    assert full.ok
    nodes = pd.read_csv(tmp_path / "full" / "public" / "nodes.csv")
    assert len(pd.read_csv(tmp_path / "full" / "public" / "train.csv")) == 4000 and len(nodes) > 5000


def test_the_same_inputs_build_the_same_graph_environment(builds):
    first, second = (b.corpus.env_dir(b.row.env_id) for b in builds)
    assert builds[1].row.status == "accepted" and builds[1].row.env_id == builds[0].row.env_id
    files = sorted(p.relative_to(first).as_posix() for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second).as_posix() for p in second.rglob("*") if p.is_file())
    match, mismatch, errors = filecmp.cmpfiles(first, second, files, shallow=False)
    assert not mismatch and not errors and len(match) == len(files)



def test_a_label_hidden_in_the_node_table_is_caught(tmp_path):
    """The attack the graph layout opens: no file holds a target column, but nodes.csv carries every node's label as
    an attribute. Train.csv alone shows nothing; joined to nodes.csv (`is_graph` holds for a script rule too) the
    column reproduces the labels, and the program is rejected with that figure after its repair round."""
    with FakeAnthropic() as fake, pytest.MonkeyPatch.context() as mp:
        point_at(mp, fake, tmp_path / "slots", SANDMLE_CLAUDE_RULE="script", SANDMLE_CLAUDE_CODE_ROUNDS="1")
        backend = get_backend("claude")
        fake.push(tool_reply("propose_script_rule", GRAPH_RULE))
        spec = backend.strategist.draft_spec(SEED, profile_seed(get_bundled_seed(SEED)), 0, RNG_SEED)
        staging = tmp_path / "corpus" / ".staging" / spec.env_id
        staging.mkdir(parents=True)
        fake.push(generator_reply("graph", LABEL_IN_NODES), generator_reply("graph", LABEL_IN_NODES))
        with pytest.raises(GeneratorRejected) as caught:
            backend.developer.build_data(spec, staging)
        assert fake.unscripted == 0 and len(fake.requests) == 3
    assert is_graph(spec) and caught.value.kind == "checks"
    assert "no_single_feature_oracle (leakage): figure 1.0" in caught.value.reason
    column = next(c.name for c in spec.columns if c.kind.value != "categorical")
    assert f"strongest single column: {column}" in caught.value.reason
    assert not (EnvFolder.of(staging).private / PROGRAM_FILE).exists()


def test_a_link_prediction_slot_is_framed_not_scripted(tmp_path):
    """A script rule states one node table; karate-links' rows are node pairs. The strategist frames its offline draft
    (the rule stays the link rule, the model is asked for `frame_spec`) and the transcript says why."""
    profile = profile_seed(get_bundled_seed("karate-links"))
    with FakeAnthropic() as fake, pytest.MonkeyPatch.context() as mp:
        point_at(mp, fake, tmp_path / "slots", SANDMLE_CLAUDE_RULE="script")
        backend = get_backend("claude")
        scaffold = OfflineStrategist().draft_spec("karate-links", profile, 0, RNG_SEED)
        story = "A club keeps a record of which members are friends and wants to know which pairs of members are. " * 2
        fake.push(tool_reply("frame_spec", {"title": "Friendships in a Club", "story": story}))
        spec = backend.strategist.draft_spec("karate-links", profile, 0, RNG_SEED)
        assert fake.unscripted == 0 and len(fake.requests) == 1
        path = backend.strategist.session.transcript.bind(tmp_path / "corpus" / ".staging" / spec.env_id, spec.env_id)
    assert is_link_prediction(spec) and not is_graph(spec) and spec.rule == scaffold.rule
    assert spec.title == "Friendships in a Club"
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert any("not offered: a link-prediction slot" in line.get("script_rule", "") for line in lines)
