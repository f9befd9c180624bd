"""The jigsaw fixture (text multi-label) through the build flow: its environments are accepted and keep the seed's
DNA (text, multi-label, mean column-wise ROC AUC, one 0/1 column per label, `id` + the document in test.csv, `id`
+ one probability per label in the sample submission), meet their great-expectations contract, rebuild
byte-identical, and planted faults are rejected: a label column that is not 0/1 in the answers, the answers copied
into the public sample submission, and a grader that ignores the ids. Both exports hold (the shared shape checks).
K=1 here (the suite's time budget); the K=10 figure is in the README."""

from __future__ import annotations

import json

import pandas as pd
import pytest
import yaml

from sandmle_core.agents.checks import grader_checks
from sandmle_core.envfolder import EnvFolder
from sandmle_core.layout import hash_files, read_environment
from sandmle_core.taskspec import TaskSpec
from tests.fixtures.mlebench import EXPECTED
from tests.fixtures.rebuild import accepted_dirs, build_lite, clean_copy, first_accepted, rebuild_slot
from tests.fixtures.shape_checks import (
    assert_exports_hold,
    assert_grader_ignoring_ids_is_rejected,
    staged_for_grader_checks,
)

# heavy: 79 s at K=2, scaled by the CPU measured alone before and after the cut to K=1 (host + sandboxed scripts, each
# from its own cgroups: 136.7 → 84.1 s, 2026-12-03)
pytestmark = [pytest.mark.slow, pytest.mark.heavy(49)]
# K=1: every test here reads the first accepted environment (the DNA loop, the contract, the rebuild, the planted
# faults, the exports), so a second slot only proved yield, which the README's K=10 run measures; with one slot the
# yield assertion is exact (every slot accepted) instead of all but one, so a rejected slot still fails the module.
COMP, K, RNG = "jigsaw-toxic-comment-classification-challenge", 1, 5


@pytest.fixture(scope="module")
def built(prefect_api, tmp_path_factory):
    return build_lite(COMP, tmp_path_factory.mktemp("jigsaw-flow"), K, RNG)


def test_environments_are_accepted_and_keep_the_dna(built):
    _, out = built
    accepted, rows = accepted_dirs(out)
    assert len(accepted) == K, rows
    want = EXPECTED[COMP]
    for env_dir in accepted:
        block = yaml.safe_load((env_dir / "config.yaml").read_text())["sandmle"]
        spec = TaskSpec.model_validate(block["spec"])
        assert (spec.modality.value, spec.task_type.value, spec.grading.metric) == (
            want.modality, want.task_type, want.metric)
        labels = list(spec.target.columns)
        assert 4 <= len(labels) <= 8 and list(spec.grading.submission_columns) == labels
        public = env_dir / "prepared" / "public"
        train, test = pd.read_csv(public / "train.csv"), pd.read_csv(public / "test.csv")
        sample = pd.read_csv(public / "sample_submission.csv")
        text_col = spec.columns[0].name
        assert list(train.columns) == ["id", text_col, *labels] and list(test.columns) == ["id", text_col]
        assert list(sample.columns) == ["id", *labels] and sample[labels].stack().between(0, 1).all()
        assert set(train[labels].stack()) == {0, 1}
        answers = pd.read_csv(env_dir / "prepared" / "private" / "answers.csv")
        assert (answers[labels].sum() >= 2).all() and (train[labels].sum() >= 3).all()  # every AUC defined
        checks = {c["name"]: c for c in json.loads((env_dir / "validation.json").read_text())["checks"]}
        for name in ("thresholds_strictly_monotone", "thresholds_beat_sample", "ladder_order_kept",
                     "reference_beats_sample"):
            assert checks[name]["passed"], (env_dir.name, name, checks[name])
        text = (env_dir / "description.md").read_text()
        assert all(f"`{c}`" in text for c in labels) and "mean column-wise ROC AUC" in text


def test_the_contract_holds_and_catches_a_label_that_is_not_0_or_1(built, tmp_path):
    from sandmle.data_contracts.check import check_environment
    from sandmle.data_contracts.suites import ANSWERS

    _, out = built
    row, _ = first_accepted(out)
    staging = clean_copy(out, row["env_id"], tmp_path)  # every expectation met by the built files
    spec = TaskSpec.model_validate(read_environment(staging).config.sandmle.spec)
    folder = EnvFolder(staging)
    answers = pd.read_csv(folder.answers)
    label = spec.target.columns[-1]
    answers.loc[0, label] = 2  # a flag is 0 or 1
    answers.to_csv(folder.answers, index=False)
    failed = {(r["artifact"], r.get("column")) for r in check_environment(staging) if not r["success"]}
    assert (ANSWERS, label) in failed, failed


def test_rebuild_is_byte_identical(built, tmp_path):
    from sandmle.data_contracts import contract_checker

    ref, out = built
    row, first = first_accepted(out)  # built by the flow with the contracts on: rebuilt with them too
    again = rebuild_slot(ref, K, RNG, row["index"], row["env_id"], tmp_path / "again", contract_checker)
    assert hash_files(first, exclude=()) == hash_files(again, exclude=())


def test_planted_answers_in_public_and_grader_ignoring_ids_are_rejected(built, tmp_path):
    _, out = built
    env_dir = accepted_dirs(out)[0][0]
    staging, spec, folder, answers, ladder = staged_for_grader_checks(env_dir, tmp_path, sample_score=0.5)
    assert not {c.name for c in grader_checks(spec, staging, ladder) if not c.passed}
    answers.to_csv(folder.public / "sample_submission.csv", index=False)  # the answers leak into public/
    failed = {c.name for c in grader_checks(spec, staging, ladder) if not c.passed}
    assert "sample_uninformed" in failed, failed
    assert_grader_ignoring_ids_is_rejected(env_dir, tmp_path / "planted")


def test_both_exports_hold(built, tmp_path):
    _, out = built
    assert_exports_hold(out, accepted_dirs(out)[0], tmp_path / "exports")
