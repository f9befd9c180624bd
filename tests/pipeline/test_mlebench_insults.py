"""The detecting-insults fixture (the comment is the key) through the build flow: its environments are accepted and
keep the seed's DNA — text, binary, ROC AUC on `Insult`; `train.csv` `Insult,Date,Comment`, `test.csv` `Date,Comment`,
`sample_submission_null.csv` and the answers `Insult,Date,Comment`; no id column; mle-bench's Date format with
blanks; unique comments across train and test — meet their great-expectations contract (which catches a comment
written twice), rebuild byte-identical, reject a grader that ignores the key, and both exports hold. K=1 here (the
suite's time budget); the K=10 figure is in the README."""

from __future__ import annotations

import json

import pandas as pd
import pytest
import yaml

from sandmle_core.envfolder import EnvFolder
from sandmle_core.grading import grade_submission
from sandmle_core.layout import hash_files, read_environment
from sandmle_core.taskspec import TaskSpec
from tests.fixtures.mlebench import EXPECTED
from tests.fixtures.rebuild import accepted_dirs, build_lite, clean_copy, first_accepted, rebuild_slot
from tests.fixtures.shape_checks import assert_exports_hold, assert_grader_ignoring_ids_is_rejected

pytestmark = pytest.mark.slow
# K=1: every test here reads the first accepted environment (the DNA loop, the contract, the rebuild, the planted
# faults, the exports), so a second slot only proved yield, which the README's K=10 run measures; with one slot the
# yield assertion is exact (every slot accepted) instead of all but one, so a rejected slot still fails the module.
COMP, K, RNG = "detecting-insults-in-social-commentary", 1, 5


@pytest.fixture(scope="module")
def built(prefect_api, tmp_path_factory):
    return build_lite(COMP, tmp_path_factory.mktemp("insults-flow"), K, RNG)


def test_environments_are_accepted_and_keep_the_dna(built):
    _, out = built
    accepted, rows = accepted_dirs(out)
    assert len(accepted) == K, rows
    want = EXPECTED[COMP]
    for env_dir in accepted:
        spec = TaskSpec.model_validate(yaml.safe_load((env_dir / "config.yaml").read_text())["sandmle"]["spec"])
        assert (spec.modality.value, spec.task_type.value, spec.grading.metric) == (
            want.modality, want.task_type, want.metric)
        assert spec.grading.id_column == "Comment" and spec.grading.passthrough_columns == ("Date",)
        public = env_dir / "prepared" / "public"
        assert sorted(p.name for p in public.iterdir()) == ["sample_submission_null.csv", "test.csv", "train.csv"]
        train, test = pd.read_csv(public / "train.csv", dtype=str), pd.read_csv(public / "test.csv", dtype=str)
        sample = pd.read_csv(public / "sample_submission_null.csv", dtype=str)
        answers = pd.read_csv(env_dir / "prepared" / "private" / "answers.csv", dtype=str)
        assert list(train.columns) == ["Insult", "Date", "Comment"] and list(test.columns) == ["Date", "Comment"]
        assert list(sample.columns) == ["Insult", "Date", "Comment"] == list(answers.columns)
        keys = [*train["Comment"], *test["Comment"]]
        assert len(set(keys)) == len(keys) and set(sample["Comment"]) == set(test["Comment"])
        assert set(train["Insult"]) == {"0", "1"} and train["Date"].isna().any()
        assert train["Date"].dropna().str.fullmatch(r"\d{14}Z").all()
        text = (env_dir / "description.md").read_text()
        assert "`sample_submission_null.csv`" in text and "the comment is the key" in text
        assert "sample_submission.csv" not in text and "| identifier |" not in text
        checks = {c["name"]: c for c in json.loads((env_dir / "validation.json").read_text())["checks"]}
        for name in ("thresholds_strictly_monotone", "thresholds_beat_sample", "malformed_rejected",
                     "shuffled_rows_same_score", "no_single_feature_oracle"):
            assert checks[name]["passed"], (env_dir.name, name, checks[name])


def test_a_reordered_submission_grades_the_same_and_dates_are_optional(built):
    _, out = built
    _, env_dir = first_accepted(out)
    env = read_environment(env_dir)
    folder = EnvFolder(env_dir)
    answers, oracle = pd.read_csv(folder.answers), pd.read_csv(folder.oracle_submission)
    score = grade_submission(oracle, answers, env.grading)
    assert grade_submission(oracle.iloc[::-1], answers, env.grading) == score
    assert grade_submission(oracle[["Comment", "Insult"]], answers, env.grading) == score


def test_the_contract_holds_and_catches_a_comment_written_twice(built, tmp_path):
    from sandmle.data_contracts.check import check_environment
    from sandmle.data_contracts.suites import TEST

    _, out = built
    row, _ = first_accepted(out)
    staging = clean_copy(out, row["env_id"], tmp_path)  # every expectation met by the built files
    folder = EnvFolder(staging)
    test = pd.read_csv(folder.test)
    test.loc[1, "Comment"] = test.loc[0, "Comment"]
    test.to_csv(folder.test, index=False)
    sample = pd.read_csv(folder.sample_submission)
    sample[["Date", "Insult", "Comment"]].to_csv(folder.sample_submission, index=False)  # not the seed's order
    failed = {(r["artifact"], r["expectation"], r.get("column")) for r in check_environment(staging)
              if not r["success"]}
    assert (TEST, "expect_column_values_to_be_unique", "Comment") in failed, failed
    sample_file = "prepared/public/sample_submission_null.csv"  # reported under the seed's own name
    assert (sample_file, "expect_table_columns_to_match_ordered_list", None) in failed, failed


def test_rebuild_is_byte_identical(built, tmp_path):
    from sandmle.data_contracts import contract_checker

    ref, out = built
    row, first = first_accepted(out)
    again = rebuild_slot(ref, K, RNG, row["index"], row["env_id"], tmp_path / "again", contract_checker)
    assert hash_files(first, exclude=()) == hash_files(again, exclude=())


def test_grader_ignoring_the_key_is_rejected_and_both_exports_hold(built, tmp_path):
    _, out = built
    accepted = accepted_dirs(out)[0]
    assert_grader_ignoring_ids_is_rejected(accepted[0], tmp_path / "planted")
    assert_exports_hold(out, accepted, tmp_path / "exports")
