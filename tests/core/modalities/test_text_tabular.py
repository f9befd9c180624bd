"""Text + metadata environments (random-acts-of-pizza's shape, issue 15): requests with a title, a free-text body
and the requester's record, in JSON records as the seed ships them (and the same rows as CSV tables), a binary outcome
scored by ROC AUC on `request_id,<outcome>`, and fields known only after the outcome in the training records only.
One slot is built end to end from the lite fixture (K=1): accepted with the ladder's order kept, the seed's DNA kept,
the GX contracts met, planted train-only leaks rejected, a byte-identical rebuild, valid exports, and a multimodal
check — a text-only and a metadata-only model each fall short of gold while the ladder's top run reaches it."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest
from sandmle.data_contracts import check_environment

from sandmle_core.agents.checks import leakage_checks
from sandmle_core.catalog import load_catalog
from sandmle_core.envfolder import EnvFolder
from sandmle_core.grading import grade_file
from sandmle_core.ladder import SEED_ENV
from sandmle_core.ladder.configs import config_from_spec
from sandmle_core.layout import Corpus, hash_files, read_environment
from sandmle_core.modalities.text import records_ladder
from sandmle_core.modalities.text.records import _headline
from sandmle_core.modalities.text.records_rule import TRAIN_ONLY
from sandmle_core.modalities.text.records_synth import synthesize
from sandmle_core.pipeline import analyze_seed, plan_slots, read_profile, run_slot
from sandmle_core.profiling.verdict import support_verdict
from sandmle_core.seeds import seed_refs
from sandmle_core.taskspec import TaskSpec
from tests.fixtures.mlebench import write_competition
from tests.fixtures.rebuild import clean_copy, rebuild_slot
from tests.fixtures.shape_checks import assert_exports_hold, assert_grader_ignoring_ids_is_rejected

PIZZA = "random-acts-of-pizza"
RNG = 5


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("pizza")
    paths = write_competition(PIZZA, root / "mlebench", "split")
    ref = seed_refs([str(root / "mlebench" / "competitions" / PIZZA)], data_dir=paths["data"])[0]
    out = root / "corpus"
    seed_id, profile = analyze_seed(ref, out)
    result = run_slot(plan_slots(seed_id, read_profile(profile), 1, RNG, out)[0])
    return ref, out, result


def _spec(env_dir) -> TaskSpec:
    return TaskSpec.model_validate(read_environment(env_dir).config.sandmle.spec)


def test_only_binary_text_plus_table_seeds_are_kept():
    assert support_verdict("text+tabular", "binary") == (True, None)
    kept, why = support_verdict("text+tabular", "multiclass")
    assert not kept and why.startswith("unsupported modality: text+tabular")


def test_titles_ask_in_words_not_in_the_outcome_column_name():
    """Every requests domain's title reads as a question ("Small-Business Lending: Which Requests Got a Loan"), not
    the outcome's column name in title case ("Requester Received Loan from the Request and the Record")."""
    titles = {d.key: f"{d.title}: {_headline(d.requests.outcome)}" for d in load_catalog().domains if d.requests}
    assert len(titles) >= 8
    assert all("Which Requests Got" in t and "Requester" not in t and "_" not in t for t in titles.values()), titles
    assert titles["sme_lending"] == "Small-Business Lending: Which Requests Got a Loan"
    assert titles["hotel_bookings"].endswith("Got an Upgrade") and titles["city_311"].endswith("Got Help")
    assert _headline("got_funded") == "Got Funded from the Request and the Record"  # another outcome: its name


@pytest.mark.slow
def test_the_pizza_slot_is_accepted_and_keeps_its_dna(built):
    _, out, result = built
    assert result.status == "accepted", result
    assert (result.modality, result.task_type, result.metric) == ("text", "binary", "auc")
    # at most two of the fifteen level pairs out of order: the word level 2 and the two-stage level 3 trade places in
    # 3 of the 10 K=10 acceptance slots (this one since the text grammar change, 0.733); the family's mean tau >= 0.8
    # is the benchmark's acceptance goal, not one slot's
    assert result.kendall_tau >= 0.7, result
    env_dir = Corpus(out).env_dir(result.env_id)
    spec = _spec(env_dir)
    target = spec.target.columns[0]
    assert spec.grading.id_column == "request_id" and spec.grading.submission_columns == (target,)
    assert target.startswith("requester_received_")
    assert spec.title.split(": ")[1].startswith("Which Requests Got") and "Requester" not in spec.title, spec.title
    public = env_dir / "prepared" / "public"
    train_records, test_records = (json.loads((public / f"{p}.json").read_text()) for p in ("train", "test"))
    fields = ["request_id", *[c.name for c in spec.columns]]
    assert list(test_records[0]) == fields
    assert list(train_records[0]) == [*fields, target, *TRAIN_ONLY]
    assert isinstance(train_records[0]["requester_communities_at_request"], list)
    assert {type(r[target]) for r in train_records} == {bool}  # true/false, as the seed's label
    train, test = pd.read_csv(public / "train.csv"), pd.read_csv(public / "test.csv")
    assert list(train["request_id"]) == [r["request_id"] for r in train_records]
    assert list(test["request_id"]) == [r["request_id"] for r in test_records]
    assert not set(TRAIN_ONLY) & set(test.columns) and target not in test.columns
    assert 0.1 < train[target].mean() < 0.5
    assert list(pd.read_csv(public / "sample_submission.csv").columns) == ["request_id", target]
    description = (env_dir / "description.md").read_text()
    assert "train.json" in description and all(f"`{c}`" in description for c in TRAIN_ONLY)
    assert "training files only" in description
    checks = {c["name"]: c for c in json.loads((env_dir / "validation.json").read_text())["checks"]}
    assert checks["train_only_fields_absent_from_test"]["passed"]
    assert not [r for r in check_environment(env_dir) if not r["success"]]


@pytest.mark.slow
@pytest.mark.parametrize(("where", "leak"), [("test.json", "requester_user_flair"), ("test.json", "target"),
                                             ("test.csv", "post_was_edited")])
def test_a_train_only_field_in_the_test_files_is_rejected(built, tmp_path, where, leak):
    _, out, result = built
    copy = clean_copy(out, result.env_id, tmp_path)
    folder = EnvFolder(copy)
    spec = _spec(copy)
    field = spec.target.columns[0] if leak == "target" else leak
    train = pd.read_csv(folder.train)
    if where == "test.json":  # the planted fault: one test record carries a field known only after the outcome
        records = json.loads((folder.public / where).read_text())
        records[0][field] = bool(train[field].iloc[0]) if leak != "requester_user_flair" else "Helped"
        (folder.public / where).write_text(json.dumps(records, indent=4))
    else:
        test = pd.read_csv(folder.test)
        test[field] = train[field].iloc[0]
        test.to_csv(folder.test, index=False)
    failed = {(r["artifact"], r["expectation"].lower().replace("_", "")) for r in check_environment(copy)
              if not r["success"]}
    assert any(a.endswith(where) and e == "expecttablecolumnstomatchorderedlist" for a, e in failed), failed
    check = next(c for c in leakage_checks(spec, folder) if c.name == "train_only_fields_absent_from_test")
    assert not check.passed and field in check.detail, check


@pytest.mark.slow
def test_the_slot_rebuilds_byte_identical(built, tmp_path):
    ref, out, result = built
    again = rebuild_slot(ref, 1, RNG, 0, result.env_id, tmp_path / "again")
    assert hash_files(Corpus(out).env_dir(result.env_id), exclude=()) == hash_files(again, exclude=())


@pytest.mark.slow
def test_synthesis_is_deterministic_at_scale(built, tmp_path):
    """The same spec at 3,000 + 1,000 rows writes the same bytes twice; the JSON records are the CSV rows."""
    _, out, result = built
    spec = _spec(Corpus(out).env_dir(result.env_id))
    hashes = []
    for run in ("a", "b"):
        synthesize(spec, tmp_path / run, n_train=3000, n_test=1000)
        hashes.append(hash_files(tmp_path / run, exclude=()))
    assert hashes[0] == hashes[1]
    public = EnvFolder(tmp_path / "a").public
    records = pd.read_json(public / "train.json", orient="records", dtype=False)
    table = pd.read_csv(public / "train.csv")
    assert len(records) == len(table) == 3000 and list(records.columns) == list(table.columns)
    assert records["request_id"].is_unique and (records["request_id"] == table["request_id"]).all()


# the record alone: the top level's learners (a logistic regression and boosted trees) on every metadata field
_METADATA_ONLY = '''
train, test = load()
fields = {c: k for c, k in kinds(train, test).items() if k != "text"}
y = train[TARGET].to_numpy()
a, b = record(train, test, fields)
write(test, (3 * rank(logistic(a, y, b)) + rank(trees(a, y, b))) / 4)
'''
# the words alone: TF-IDF of title and body, logistic regression
_TEXT_ONLY = '''
train, test = load()
fields = kinds(train, test)
write(test, text_model(words(train, fields), train[TARGET], words(test, fields)))
'''


def _score(env_dir, source: str, where) -> float:
    where.mkdir()
    script = where / "model.py"
    script.write_text(source)
    subprocess.run([sys.executable, str(script)], cwd=env_dir / "prepared", check=True, timeout=300,
                   env={"PATH": "/usr/bin:/bin", SEED_ENV: "0"})
    submission = env_dir / "prepared" / "submission.csv"
    score = grade_file(submission, EnvFolder(env_dir).answers, _spec(env_dir).grading)
    submission.unlink()
    return score


@pytest.mark.slow
def test_single_modality_models_fall_short_of_gold(built, tmp_path):
    """Text alone (TF-IDF and a logistic regression) and the record alone (the top level's learners on every
    metadata field) each score below gold; the ladder's best run, which reads both, beats each of them. (Gold sits
    two spreads above the best level's mean since the between-clusters medal rule, so a ladder run need not reach
    it: the claim is that neither modality alone gets there and both together do better than either.)"""
    _, out, result = built
    env_dir = Corpus(out).env_dir(result.env_id)
    first = records_ladder.scripts(config_from_spec(_spec(env_dir)))[0].source
    prelude = first.split("\ntrain, test = load()", 1)[0] + "\n"  # the ladder's header and shared functions
    text_only, metadata_only = prelude + _TEXT_ONLY, prelude + _METADATA_ONLY
    ladder = json.loads((env_dir / "validation.json").read_text())["ladder"]
    best = max(r["score"] for r in ladder if r["score"] is not None)
    text_score = _score(env_dir, text_only, tmp_path / "text")
    record_score = _score(env_dir, metadata_only, tmp_path / "record")
    assert text_score < result.gold and record_score < result.gold, (text_score, record_score, result.gold)
    assert best > max(text_score, record_score), (best, text_score, record_score)
    assert min(text_score, record_score) > 0.55  # each modality alone still carries signal (the prior scores 0.5)


@pytest.mark.slow
def test_exports_hold_and_a_grader_ignoring_ids_is_rejected(built, tmp_path):
    _, out, result = built
    env_dir = Corpus(out).env_dir(result.env_id)
    assert_grader_ignoring_ids_is_rejected(env_dir, tmp_path / "planted")
    assert_exports_hold(out, [env_dir], tmp_path / "exports")
