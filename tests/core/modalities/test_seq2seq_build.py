"""Text-normalization environments built end to end from the mle-bench English fixture: accepted with monotone
thresholds that beat the sample, the seed's DNA kept (sequence-to-sequence, token transduction, accuracy over
tokens, `id` + `after` submissions), the train-only `class` column proven absent from test.csv by the verifier's
contract, a byte-identical rebuild, and planted faults (answers in public, a grader that ignores ids) rejected.
K=1 here (the suite's time budget); the K=10 figure is in the README."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest
from sandmle.bench.plain import build_plain
from sandmle.data_contracts.suites import TEST, TRAIN

from sandmle_core.agents.base import LadderRun
from sandmle_core.agents.checks import grader_checks
from sandmle_core.envfolder import EnvFolder
from sandmle_core.grading import grade_submission
from sandmle_core.layout import Corpus, hash_files, read_environment
from sandmle_core.records import read_manifest
from sandmle_core.seeds import seed_refs
from sandmle_core.taskspec import TaskSpec
from tests.fixtures.mlebench import write_competition
from tests.fixtures.rebuild import first_accepted, rebuild_slot

pytestmark = pytest.mark.slow
# K=1: every test here reads the first accepted environment (the DNA loop, the contract, the rebuild, the planted
# faults, the exports), so a second slot only proved yield, which the README's K=10 run measures; with one slot the
# yield assertion is exact (every slot accepted) instead of all but one, so a rejected slot still fails the module.
COMP, K, RNG = "text-normalization-challenge-english-language", 1, 5


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("seq2seq")
    paths = write_competition(COMP, root / "mlebench", "split")
    ref = seed_refs([str(root / "mlebench" / "competitions" / COMP)], data_dir=paths["data"])[0]
    out = root / "corpus"
    build_plain([ref], out, per_seed=K, rng_seed=RNG)
    return ref, out


def _accepted(out):
    rows = read_manifest(Corpus(out)).to_pylist()
    return [Corpus(out).env_dir(r["env_id"]) for r in rows if r["status"] == "accepted"], rows


def test_environments_are_accepted_and_keep_the_dna(corpus):
    _, out = corpus
    accepted, rows = _accepted(out)
    assert len(accepted) == K, rows
    for env_dir in accepted:
        env = read_environment(env_dir)
        spec = TaskSpec.model_validate(env.config.sandmle.spec)
        assert (spec.modality, spec.task_type, spec.grading.metric) == (
            "sequence-to-sequence", "token transduction", "accuracy")
        assert spec.grading.submission_columns == ("after",) and spec.grading.id_column == "id"
        checks = {c["name"]: c for c in json.loads((env_dir / "validation.json").read_text())["checks"]}
        for name in ("thresholds_strictly_monotone", "thresholds_beat_sample", "ladder_order_kept"):
            assert checks[name]["passed"], (env_dir.name, name, checks[name])
        public = env_dir / "prepared" / "public"
        assert "class" in pd.read_csv(public / "train.csv").columns
        assert "class" not in pd.read_csv(public / "test.csv").columns
        sample = pd.read_csv(public / "sample_submission.csv")
        assert list(sample.columns) == ["id", "after"] and sample["id"].str.fullmatch(r"\d+_\d+").all()
        assert "token accuracy" in (env_dir / "description.md").read_text()


def test_the_contract_proves_class_absent_from_test(corpus, tmp_path):
    """great-expectations on the real files: the built environment passes its contract (train.csv carries the
    train-only `class` after the target); a test.csv that leaks `class` fails it."""
    from sandmle.data_contracts.check import check_environment

    _, out = corpus
    env_dir = _accepted(out)[0][0]
    failures = [r for r in check_environment(env_dir) if not r["success"]]
    assert not failures, failures[:3]
    staging = tmp_path / env_dir.name
    shutil.copytree(env_dir, staging)
    public = staging / "prepared" / "public"
    train = pd.read_csv(public / "train.csv", dtype=str, keep_default_na=False)
    test = pd.read_csv(public / "test.csv", dtype=str, keep_default_na=False)
    test.assign(**{"class": "PLAIN"}).to_csv(public / "test.csv", index=False)
    failed = {(r["artifact"], r["expectation"]) for r in check_environment(staging) if not r["success"]}
    assert (TEST, "expect_table_columns_to_match_ordered_list") in failed, failed
    assert list(train.columns)[-1] == "class" and not any(a == TRAIN for a, _ in failed), failed


def test_rebuild_is_byte_identical(corpus, tmp_path):
    ref, out = corpus
    row, first = first_accepted(out)
    again = rebuild_slot(ref, K, RNG, row["index"], row["env_id"], tmp_path / "again")
    assert hash_files(first, exclude=()) == hash_files(again, exclude=())


def test_planted_answers_in_public_and_grader_ignoring_ids_are_rejected(corpus, tmp_path):
    _, out = corpus
    env_dir = _accepted(out)[0][0]
    staging = tmp_path / env_dir.name
    shutil.copytree(env_dir, staging)
    spec = TaskSpec.model_validate(read_environment(staging).config.sandmle.spec)
    folder = EnvFolder(staging)
    answers = pd.read_csv(folder.answers, dtype=str, keep_default_na=False)
    oracle = grade_submission(pd.read_csv(folder.oracle_submission, dtype=str, keep_default_na=False), answers,
                              spec.grading)
    ladder = LadderRun(runs=[], sample_score=0.3, oracle_score=oracle, perfect_score=1.0, compute_seconds=0.0,
                       wall_seconds=0.0)
    failed = {c.name for c in grader_checks(spec, staging, ladder) if not c.passed}
    assert not failed, failed
    answers.to_csv(staging / "prepared" / "public" / "sample_submission.csv", index=False)
    (staging / "grade.py").write_text(  # scores the rows in file order, never matching ids
        "def grade(submission, answers):\n"
        "    return float((submission['after'].astype(str).values == answers['after'].astype(str).values).mean())\n")
    failed = {c.name for c in grader_checks(spec, staging, ladder) if not c.passed}
    assert {"sample_uninformed", "shuffled_rows_same_score"} <= failed, failed
