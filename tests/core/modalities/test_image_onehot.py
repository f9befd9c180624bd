"""One-hot image environments (plant-pathology-2020-fgvc7's shape): a multi-class task written as one 0/1 column per
class, submitted as one probability column per class and scored by mean column-wise AUC. One slot is built end to
end from the lite fixture (K=1): accepted with the ladder's order kept (Kendall tau >= 0.8), every training row with
exactly one 1, its GX contracts met and planted faults rejected, and a byte-identical rebuild."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from sandmle.data_contracts import check_environment

from sandmle_core.agents.base import LadderRun
from sandmle_core.agents.checks import grader_checks
from sandmle_core.envfolder import EnvFolder
from sandmle_core.grading import grade_submission
from sandmle_core.layout import Corpus, hash_files, read_environment
from sandmle_core.pipeline import analyze_seed, plan_slots, read_profile, run_slot
from sandmle_core.seeds import seed_refs
from sandmle_core.taskspec import TaskSpec
from tests.fixtures.mlebench import write_competition
from tests.fixtures.rebuild import clean_copy

pytestmark = pytest.mark.slow
PLANT = "plant-pathology-2020-fgvc7"
RNG = 5


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("plant")
    paths = write_competition(PLANT, root / "mlebench", "split")
    ref = seed_refs([str(root / "mlebench" / "competitions" / PLANT)], data_dir=paths["data"])[0]
    out = root / "corpus"
    seed_id, profile = analyze_seed(ref, out)
    result = run_slot(plan_slots(seed_id, read_profile(profile), 1, RNG, out)[0])
    return ref, out, result


def test_the_plant_slot_is_accepted_with_one_hot_tables(built):
    _, out, result = built
    assert result.status == "accepted", result
    assert (result.modality, result.task_type, result.metric) == ("image", "multiclass", "mean_column_auc")
    assert result.kendall_tau >= 0.8, result
    env_dir = Corpus(out).env_dir(result.env_id)
    env = read_environment(env_dir)
    spec = TaskSpec.model_validate(env.config.sandmle.spec)
    classes = list(spec.target.columns)
    assert 3 <= len(classes) <= 5 and spec.target.classes is None
    assert list(spec.grading.submission_columns) == classes
    t = env.config.sandmle.thresholds
    assert 1.0 > t.gold > t.silver > t.bronze > result.sample_score
    public = env_dir / "prepared" / "public"
    train = pd.read_csv(public / "train.csv")
    assert (train[classes].sum(axis=1) == 1).all() and (train[classes].sum() > 0).all()
    assert not set(classes) & set(pd.read_csv(public / "test.csv").columns)
    answers = pd.read_csv(env_dir / "prepared" / "private" / "answers.csv")
    assert list(answers.columns) == [spec.grading.id_column, *classes] and (answers[classes].sum(axis=1) == 1).all()
    sample = pd.read_csv(public / "sample_submission.csv")
    assert list(sample.columns) == [spec.grading.id_column, *classes]
    description = (env_dir / "description.md").read_text()
    assert "column-wise ROC AUC" in description and "each image is" in description.lower()
    checks = {c["name"]: c for c in json.loads((env_dir / "validation.json").read_text())["checks"]}
    assert checks["ladder_order_kept"]["passed"] and checks["label_cardinality_in_range"]["passed"]


def test_contracts_hold_and_planted_faults_are_rejected(built, tmp_path):
    _, out, result = built
    copy = clean_copy(out, result.env_id, tmp_path)
    spec = TaskSpec.model_validate(read_environment(copy).config.sandmle.spec)
    folder = EnvFolder(copy)
    answers = pd.read_csv(folder.answers)
    planted = answers.copy()
    planted.loc[0, spec.target.columns[0]] = 2  # not a 0/1 class indicator
    planted.to_csv(folder.answers, index=False)
    failed = {(r["artifact"], r["expectation"].lower().replace("_", "")) for r in check_environment(copy)
              if not r["success"]}
    assert any(a.endswith("answers.csv") and e == "expectcolumnvaluestobeinset" for a, e in failed), failed
    # the answers as the sample submission: the grader checks see a sample that is not uninformed
    answers.to_csv(folder.answers, index=False)
    oracle = grade_submission(pd.read_csv(folder.oracle_submission), answers, spec.grading)
    ladder = LadderRun(runs=[], sample_score=0.5, oracle_score=oracle, perfect_score=1.0, compute_seconds=0.0,
                       wall_seconds=0.0)
    answers.to_csv(folder.sample_submission, index=False)
    failed = {c.name for c in grader_checks(spec, copy, ladder) if not c.passed}
    assert "sample_uninformed" in failed, failed


def test_the_slot_rebuilds_byte_identical(built, tmp_path):
    ref, out, result = built
    again = tmp_path / "again"
    seed_id, profile = analyze_seed(ref, again)
    assert run_slot(plan_slots(seed_id, read_profile(profile), 1, RNG, again)[0]).status == "accepted"
    assert hash_files(Corpus(out).env_dir(result.env_id), exclude=()) == \
        hash_files(Corpus(again).env_dir(result.env_id), exclude=())
