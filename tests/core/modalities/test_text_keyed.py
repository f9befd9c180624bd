"""Comment-keyed binary text tasks (detecting insults: the comment is the key, `Insult,Date,Comment`): the fixture is
profiled for generation, its drafts keep the seed's names and files, comments are unique keys even at larger scale,
comments with commas, quotes and newlines round-trip through CSV, and a submission is matched on the comment — a
reordered one grades the same, a missing, duplicated or unknown comment is a clear grader error."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from sandmle_core.agents.offline.strategist import OfflineStrategist
from sandmle_core.envfolder import EnvFolder, sample_submission_name
from sandmle_core.errors import GenerationError, InvalidSubmission
from sandmle_core.grading import constant_submission, grade_submission, render_grade_py, seed_layout
from sandmle_core.modalities.text import KIT as text
from sandmle_core.modalities.text.keyed import is_keyed_seed, unique_texts
from sandmle_core.profile import profile_seed
from sandmle_core.seeds import load_seed
from sandmle_core.submission_io import read_submission_file
from tests.fixtures.mlebench import write_competition

COMP = "detecting-insults-in-social-commentary"


@pytest.fixture(scope="module")
def profile(tmp_path_factory):
    paths = write_competition(COMP, tmp_path_factory.mktemp("insults"), "split")
    return profile_seed(load_seed(paths["competition"], data_dir=paths["data"]))


def _built(profile, where, index=0, **sizes):
    spec = OfflineStrategist().draft_spec(COMP, profile, index, 5)
    text.synthesize(spec, where, **sizes)
    return spec, EnvFolder(where)


def _sample(spec, folder):
    answers = pd.read_csv(folder.answers)
    train = pd.read_csv(folder.train)
    sample = constant_submission(answers[[spec.grading.id_column]], spec.grading, train[list(spec.target.columns)])
    return seed_layout(sample, answers, spec.grading), answers


def test_the_fixture_is_profiled_as_text_keyed_by_its_comment(profile):
    assert is_keyed_seed(profile) and profile.details["text_column"] == "Comment" == profile.grading.id_column
    assert profile.grading.passthrough_columns == ("Date",) and profile.grading.target_columns == ("Insult",)


def test_the_draft_keeps_the_seeds_names_files_and_grading(profile):
    spec = OfflineStrategist().draft_spec(COMP, profile, 0, 5)
    assert spec.grading.id_column == "Comment" and spec.grading.passthrough_columns == ("Date",)
    assert [c.name for c in spec.columns] == ["Date", "Comment"] and spec.target.columns == ("Insult",)
    assert spec.grading.metric == "auc" and spec.rule.text_is_id
    assert sample_submission_name(spec.rule) == "sample_submission_null.csv"
    assert spec.domain.key in {"news_publisher", "football_analytics", "online_learning", "streaming_service",
                               "endurance_running", "hotel_bookings", "city_311", "mobile_churn", "diabetes_care",
                               "school_district", "food_delivery", "ride_hailing"}
    assert OfflineStrategist().draft_spec(COMP, profile, 0, 5) == spec  # same slot, same draft


def test_files_keep_the_seeds_columns_dates_and_unique_comments(profile, tmp_path):
    spec, folder = _built(profile, tmp_path / "env")
    train, test = pd.read_csv(folder.train, dtype=str), pd.read_csv(folder.test, dtype=str)
    answers, oracle = pd.read_csv(folder.answers, dtype=str), pd.read_csv(folder.oracle_submission, dtype=str)
    assert list(train.columns) == ["Insult", "Date", "Comment"] and list(test.columns) == ["Date", "Comment"]
    assert list(answers.columns) == ["Insult", "Date", "Comment"] == list(oracle.columns)
    keys = [*train["Comment"], *test["Comment"]]
    assert len(set(keys)) == len(keys) and list(answers["Comment"]) == list(test["Comment"])
    assert all(k.startswith('"') and k.endswith('"') for k in keys)  # quoted, as the seed's comments are
    dates = pd.concat([train["Date"], test["Date"]])
    assert 0.05 < dates.isna().mean() < 0.4  # often blank, as in the seed
    assert dates.dropna().map(lambda d: re.fullmatch(r"\d{14}Z", d) is not None).all()
    assert test["Date"].dropna().min() >= train["Date"].dropna().max()  # the seed's time split: test after train
    sample, _ = _sample(spec, folder)
    assert list(sample.columns) == ["Insult", "Date", "Comment"]


def test_comments_stay_unique_at_larger_scale(profile, tmp_path):
    _, folder = _built(profile, tmp_path / "big", index=3, n_train=3000, n_test=3000)
    keys = [*pd.read_csv(folder.train)["Comment"], *pd.read_csv(folder.test)["Comment"]]
    assert len(keys) == 6000 and len(set(keys)) == 6000


def test_short_comments_that_repeat_are_redrawn(profile, tmp_path, monkeypatch):
    import sandmle_core.modalities.text.keyed as keyed

    spec = OfflineStrategist().draft_spec(COMP, profile, 3, 5)
    spec = spec.model_copy(update={"rule": spec.rule.model_copy(update={"length_range": (4, 6),
                                                                        "sentence_range": (1, 2)})})
    seen = []
    monkeypatch.setattr(keyed, "unique_texts", lambda texts, redraw: seen.append(len(texts) - len(set(texts)))
                        or unique_texts(texts, redraw))
    text.synthesize(spec, tmp_path / "env", n_train=150, n_test=150)
    folder = EnvFolder(tmp_path / "env")
    keys = [*pd.read_csv(folder.train)["Comment"], *pd.read_csv(folder.test)["Comment"]]
    assert seen[0] > 0 and len(set(keys)) == len(keys) == 300  # repeats were drawn, and redrawn
    answers, oracle = pd.read_csv(folder.answers), pd.read_csv(folder.oracle_submission)
    assert list(oracle["Comment"]) == list(answers["Comment"])  # a redrawn row's answer and oracle moved with it


def test_repeated_comments_are_redrawn_or_refused():
    texts = ["a", "b", "a", "a"]
    fresh = iter(["c", "d"])
    assert unique_texts(texts, lambda rows: [next(fresh) for _ in rows]) == ["a", "b", "c", "d"]
    with pytest.raises(GenerationError, match="must be unique"):  # a rewording that never helps: no duplicate key
        unique_texts(texts, lambda rows: ["a"] * len(rows))


def test_reordered_submission_grades_the_same_and_bad_keys_are_clear_errors(profile, tmp_path):
    spec, folder = _built(profile, tmp_path / "env")
    answers = pd.read_csv(folder.answers)
    oracle = pd.read_csv(folder.oracle_submission)
    score = grade_submission(oracle, answers, spec.grading)
    shuffled = oracle.sample(frac=1.0, random_state=3).reset_index(drop=True)
    assert grade_submission(shuffled, answers, spec.grading) == score
    assert grade_submission(oracle.drop(columns=["Date"]), answers, spec.grading) == score  # Date is optional
    cases = {
        "duplicate ids": pd.concat([oracle.iloc[:-1], oracle.iloc[[0]]]),
        "are missing": oracle.iloc[1:],
        "not in the test set": pd.concat([oracle, oracle.iloc[[0]].assign(Comment='"a comment nobody wrote"')]),
        "missing columns": oracle.drop(columns=["Comment"]),
    }
    for words, sub in cases.items():
        with pytest.raises(InvalidSubmission, match=words):
            grade_submission(sub, answers, spec.grading)
    namespace: dict = {}
    exec(render_grade_py(spec.grading), namespace)  # the environment's own grade.py agrees and refuses alike
    assert namespace["grade"](shuffled, answers) == score
    with pytest.raises(Exception, match="duplicate ids"):
        namespace["grade"](cases["duplicate ids"], answers)


def test_comments_with_commas_quotes_and_newlines_round_trip_through_csv(profile, tmp_path):
    spec, folder = _built(profile, tmp_path / "env")
    answers = pd.read_csv(folder.answers)
    hostile = ['"You, sir, are a ""clown""."', 'line one\nline two, "quoted"', "tabs\tand, commas,,",
               'ends with a backslash \\', '\\n literal and\r\nreal breaks']
    answers.loc[: len(hostile) - 1, "Comment"] = hostile
    path = tmp_path / "answers.csv"
    answers.to_csv(path, index=False, lineterminator="\n")
    again = pd.read_csv(path)
    assert list(again["Comment"]) == list(answers["Comment"])
    rng = np.random.default_rng(0)
    sub = again[["Comment"]].assign(Insult=rng.random(len(again)), Date=again["Date"])
    sub_path = tmp_path / "submission.csv"
    sub.iloc[::-1].to_csv(sub_path, index=False)  # written by an agent, in another order
    read = read_submission_file(sub_path, 2**24)
    assert grade_submission(read, again, spec.grading) == grade_submission(sub, again, spec.grading)


@pytest.mark.slow  # great-expectations' import and runs
def test_the_contract_report_names_the_seeds_own_sample_submission(profile, tmp_path):
    from sandmle.data_contracts.check import check_environment
    from sandmle.data_contracts.suites import SAMPLE_SUBMISSION

    from sandmle_core.agents.offline.developer import OfflineDeveloper

    spec = OfflineStrategist().draft_spec(COMP, profile, 0, 5)
    folder = EnvFolder(tmp_path / "env")
    OfflineDeveloper().build_data(spec, folder)
    own = "prepared/public/sample_submission_null.csv"
    assert (folder.root / own).is_file() and not (folder.root / SAMPLE_SUBMISSION).exists()
    results = check_environment(folder.root, spec)
    artifacts = {r["artifact"] for r in results}
    assert own in artifacts and SAMPLE_SUBMISSION not in artifacts
    assert all(r["success"] for r in results), [r for r in results if not r["success"]]
    sample = pd.read_csv(folder.root / own)
    sample[["Date", "Insult", "Comment"]].to_csv(folder.root / own, index=False)  # not the seed's column order
    failed = {(r["artifact"], r["expectation"]) for r in check_environment(folder.root, spec) if not r["success"]}
    assert failed == {(own, "expect_table_columns_to_match_ordered_list")}, failed
