"""Multi-label audio in mle-bench's mlsp-2013-birds shape, from the lite fixture: the seed is profiled from its
essential_data files, a drafted slot keeps the flattened submission (Id = rec_id * 100 + species, Probability, AUC),
its data is byte-identical when rebuilt, its contracts hold, and planted faults (a test recording's species in the
public label file, a test recording moved to fold 0, a ragged label line) are rejected."""

from __future__ import annotations

import pandas as pd
import pytest

from sandmle_core.agents.offline.developer import OfflineDeveloper
from sandmle_core.agents.offline.strategist import OfflineStrategist
from sandmle_core.layout import hash_files
from sandmle_core.modalities.audio.multilabel import LABEL_FILE, read_label_file
from sandmle_core.pipeline import analyze_seed, read_profile
from sandmle_core.seeds import seed_refs
from sandmle_core.spec import Modality, TaskType
from tests.fixtures.mlebench import write_competition

COMP = "mlsp-2013-birds"


@pytest.fixture(scope="module")
def profile(tmp_path_factory):
    root = tmp_path_factory.mktemp("mlsp")
    paths = write_competition(COMP, root / "mlebench", "split")
    ref = seed_refs([str(root / "mlebench" / "competitions" / COMP)], data_dir=paths["data"])[0]
    _, path = analyze_seed(ref, root / "corpus")
    return read_profile(path)


@pytest.fixture(scope="module")
def built(profile, tmp_path_factory):
    spec = OfflineStrategist().draft_spec(profile.seed_id, profile, 0, 5)
    staging = tmp_path_factory.mktemp("staging")
    OfflineDeveloper().build_data(spec, staging)
    return spec, staging


def test_the_seed_is_profiled_as_flattened_multilabel_audio(profile):
    assert (profile.modality, profile.task_type, profile.metric) == (Modality.AUDIO, TaskType.MULTILABEL, "auc")
    assert profile.label_cardinality == 19  # the species list, not the one answer column
    assert profile.grading.id_column == "Id" and profile.grading.submission_columns == ("Probability",)


def test_ten_slots_draw_ten_domains_with_their_own_species_and_sounds(profile):
    """K=10 slots of the 19-species seed land in 10 different acoustic domains (slots of one seed in one domain share
    its schema and are withheld as near-duplicates), each drawing 13-19 species from its own vocabulary as calls of
    the sound shapes that domain's sources make (a bat survey's are sweeps, chirps and pulse trains)."""
    from sandmle_core.catalog import load_catalog
    from sandmle_core.modalities.audio.drafter import sound_shapes
    from sandmle_core.modalities.audio.rule import EVENT_KINDS

    specs = [OfflineStrategist().draft_spec(profile.seed_id, profile, i, 20261130) for i in range(10)]
    assert len({s.domain.key for s in specs}) == 10
    assert len({s.story for s in specs}) == 10 and len({s.title for s in specs}) == 10
    narrowed = 0
    for spec in specs:
        vocab = load_catalog().get(spec.domain.key).audio
        assert vocab is not None and vocab.label == "species"
        assert 13 <= len(spec.rule.species) <= 19 and set(spec.rule.species) <= set(vocab.classes)
        assert {e.kind for e in spec.rule.events} <= set(sound_shapes(vocab))
        narrowed += set(sound_shapes(vocab)) != set(EVENT_KINDS)
        assert vocab.subject in spec.columns[0].description
    assert narrowed >= 3


def test_a_slot_keeps_mlsp_files_and_flattened_rows(built):
    spec, staging = built
    public = staging / "prepared" / "public"
    k = len(spec.rule.species)
    assert spec.rule.species_calls > 0 and k >= 6 and spec.grading.metric == "auc"
    train, test = pd.read_csv(public / "train.csv"), pd.read_csv(public / "test.csv")
    answers = pd.read_csv(staging / "prepared" / "private" / "answers.csv")
    assert list(train.columns) == ["Id", "clip", "Probability"] and list(test.columns) == ["Id", "clip"]
    assert len(train) == spec.n_train * k and len(test) == len(answers) == spec.n_test * k
    folds = pd.read_csv(public / "essential_data" / "CVfolds_2.txt")
    test_recs = set(folds.loc[folds["fold"] == 1, "rec_id"])
    assert {i // 100 for i in test["Id"]} == test_recs and set(test["Id"] % 100) == set(range(k))
    labels = read_label_file(public / LABEL_FILE).set_index("rec_id")["labels"]
    assert all(labels[r] == "?" for r in test_recs) and not any(labels[r] == "?" for r in set(labels.index) - test_recs)
    for rec, heard in labels.drop(index=list(test_recs)).items():  # the label file and train.csv agree
        rows = train[train["Id"] // 100 == rec]
        assert sorted(rows.loc[rows["Probability"] == 1, "Id"] % 100) == sorted(int(s) for s in heard.split())
    assert 0 < answers["Probability"].mean() < 1  # both answers among the flattened test rows
    several = train.groupby(train["Id"] // 100)["Probability"].sum()
    assert (several >= 2).any(), "some recording holds several species calling at once"
    names = pd.read_csv(public / "essential_data" / "rec_id2filename.txt")
    assert len(names) == spec.n_train + spec.n_test
    assert all((public / "essential_data" / "src_wavs" / f"{n}.wav").is_file() for n in names["filename"])
    assert len(pd.read_csv(public / "essential_data" / "species_list.txt")) == k


def test_rebuilt_data_is_byte_identical(profile, built, tmp_path):
    spec, staging = built
    again = OfflineStrategist().draft_spec(profile.seed_id, profile, 0, 5)
    assert again.spec_hash() == spec.spec_hash()
    OfflineDeveloper().build_data(again, tmp_path)
    assert hash_files(staging / "prepared", exclude=()) == hash_files(tmp_path / "prepared", exclude=())


def _failed(results):
    return {(r["artifact"].rsplit("/", 1)[-1], r["expectation"]) for r in results if not r["success"]}


def test_contracts_hold_and_planted_faults_are_rejected(built, tmp_path):
    import shutil

    from sandmle.data_contracts.check import check_environment

    spec, staging = built
    assert _failed(check_environment(staging, spec)) == set()
    for fault in ("test labels in public", "test recording in fold 0", "ragged label line"):
        copy = tmp_path / fault.replace(" ", "-")
        shutil.copytree(staging, copy)
        public = copy / "prepared" / "public"
        folds = pd.read_csv(public / "essential_data" / "CVfolds_2.txt")
        leaked = int(folds.loc[folds["fold"] == 1, "rec_id"].iloc[0])
        if fault == "test labels in public":  # the answers of one test recording written into the label file
            text = (public / LABEL_FILE).read_text().replace(f"\n{leaked},?\n", f"\n{leaked},0,2\n")
            (public / LABEL_FILE).write_text(text)
            assert ("rec_labels_test_hidden.txt", "expect_column_values_to_be_in_set") in _failed(
                check_environment(copy, spec))
        elif fault == "test recording in fold 0":
            folds.loc[folds["rec_id"] == leaked, "fold"] = 0
            folds.to_csv(public / "essential_data" / "CVfolds_2.txt", index=False)
            assert ("CVfolds_2.txt", "expect_column_values_to_be_in_set") in _failed(check_environment(copy, spec))
        else:
            (public / LABEL_FILE).write_text((public / LABEL_FILE).read_text() + "x17,3\n")
            assert ("rec_labels_test_hidden.txt", "file_is_readable_csv") in _failed(check_environment(copy, spec))


@pytest.mark.slow
def test_the_ladder_is_ordered_on_a_small_slot(profile, tmp_path):
    """The six levels run as standalone scripts on a 50-recording slot and score in order (Kendall tau >= 0.8)."""
    import os
    import subprocess
    import sys

    from scipy.stats import kendalltau
    from sklearn.metrics import roc_auc_score

    from sandmle_core.ladder import ladder_for
    from sandmle_core.ladder.configs import config_from_spec

    spec = OfflineStrategist().draft_spec(profile.seed_id, profile, 0, 5).model_copy(update={"n_train": 50,
                                                                                            "n_test": 40})
    OfflineDeveloper().build_data(spec, tmp_path)
    prepared = tmp_path / "prepared"
    answers = pd.read_csv(prepared / "private" / "answers.csv")
    scores = []
    for script in ladder_for(config_from_spec(spec)):
        (prepared / "level.py").write_text(script.source)
        env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}  # one thread, as the sandbox
        run = subprocess.run([sys.executable, "level.py"], cwd=prepared, capture_output=True, text=True, env=env)
        assert run.returncode == 0, (script.name, run.stderr[-800:])
        sub = pd.read_csv(prepared / "submission.csv").merge(answers, on="Id", suffixes=("_p", ""))
        assert len(sub) == len(answers)
        scores.append(roc_auc_score(sub["Probability"], sub["Probability_p"]))
    tau = kendalltau(range(len(scores)), scores).statistic
    assert tau >= 0.8 and scores[-1] > scores[0] + 0.1, [round(s, 4) for s in scores]


def test_the_description_says_one_label_per_flattened_row(built):
    from sandmle_core.agents.offline.writer import render_description

    spec, staging = built
    text = render_description(spec, pd.read_csv(staging / "prepared" / "public" / "sample_submission.csv"))
    assert "flattened to one yes/no label per row" in text and "several yes/no labels per row" not in text
    assert "`Probability` is 1 if the row's species is heard" in text and "Each target column" not in text
    assert "micro-averaged over recordings and species" in text
