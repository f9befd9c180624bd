"""Bundled seeds build offline and load as mle-bench folders; profiles hold the Task DNA; broken folders are named."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from sandmle_core.errors import SeedError
from sandmle_core.profile import profile_seed
from sandmle_core.seeds import bundled_seed_ids, get_bundled_seed, load_seed, resolve_seed
from sandmle_core.spec import Modality, TaskType

EXPECTED = {
    "breast-cancer": (Modality.TABULAR, TaskType.BINARY, "auc", 2),
    "penguins": (Modality.TABULAR, TaskType.MULTICLASS, "multiclass_log_loss", 3),
    "wine": (Modality.TABULAR, TaskType.MULTICLASS, "accuracy", 3),
    "diamonds": (Modality.TABULAR, TaskType.REGRESSION, "rmse", None),
    "anes96": (Modality.TABULAR, TaskType.ORDINAL, "quadratic_weighted_kappa", 7),
    "movies": (Modality.TABULAR, TaskType.MULTILABEL, "mean_column_auc", 7),
    "docstrings": (Modality.TEXT, TaskType.MULTICLASS, "macro_f1", 5),
    "digits": (Modality.IMAGE, TaskType.MULTICLASS, "accuracy", 10),
    "co2": (Modality.TIME_SERIES, TaskType.FORECASTING, "mae", None),
    "whale-calls": (Modality.AUDIO, TaskType.BINARY, "auc", 2),
    "karate": (Modality.GRAPH, TaskType.BINARY, "accuracy", 2),
    "karate-links": (Modality.GRAPH, TaskType.BINARY, "auc", 2),
}


def test_the_bundled_set_covers_every_modality_and_metric_family():
    assert sorted(bundled_seed_ids()) == sorted(EXPECTED)


@pytest.mark.parametrize("seed_id", sorted(EXPECTED))
def test_bundled_seed_profiles_as_declared(seed_id):
    seed = get_bundled_seed(seed_id)
    assert (seed.root / "config.yaml").is_file() and (seed.root / "grade.py").is_file()
    profile = profile_seed(seed)
    modality, task_type, metric, classes = EXPECTED[seed_id]
    assert (profile.modality, profile.task_type, profile.metric, profile.label_cardinality) == (
        modality, task_type, metric, classes)
    train, test = seed.read_train(), seed.read_test()
    assert profile.n_train == len(train) and profile.n_test == len(test)
    answers = seed.read_answers()
    assert set(answers[profile.id_column]) == set(test[profile.id_column])
    assert not set(train[profile.id_column]) & set(test[profile.id_column])
    if profile.class_balance and task_type != TaskType.MULTILABEL:
        assert sum(profile.class_balance.values()) == pytest.approx(1.0, abs=1e-3)


def test_real_table_sizes_and_details():
    diamonds = profile_seed(get_bundled_seed("diamonds"))
    assert diamonds.n_train + diamonds.n_test == 53_940
    assert diamonds.target_skewness > 1.0  # prices are right-skewed
    movies = profile_seed(get_bundled_seed("movies"))
    assert movies.missing_rate > 0.05  # budget and mpaa are often missing
    co2 = profile_seed(get_bundled_seed("co2"))
    assert co2.details["step_days"] == 7 and co2.n_test == 104
    assert profile_seed(get_bundled_seed("digits")).details["image_column"] == "image"


def test_a_plain_mle_bench_folder_gets_its_grading_inferred(tmp_path):
    """No sandmle block: the id and target come from the sample submission, the metric from the grader name."""
    folder = tmp_path / "toy"
    public = folder / "prepared" / "public"
    public.mkdir(parents=True)
    (folder / "description.md").write_text("# Toy\nPredict y.")
    (folder / "config.yaml").write_text("id: toy\ngrader:\n  name: accuracy\n")
    pd.DataFrame({"rid": range(60), "x": range(60), "y": ["a", "b", "c"] * 20}).to_csv(public / "train.csv",
                                                                                         index=False)
    pd.DataFrame({"rid": range(60, 80), "x": range(20)}).to_csv(public / "test.csv", index=False)
    pd.DataFrame({"rid": range(60, 80), "y": "a"}).to_csv(public / "sample_submission.csv", index=False)
    profile = profile_seed(resolve_seed(folder))
    assert profile.id_column == "rid" and profile.target_columns == ("y",)
    assert profile.metric == "accuracy" and profile.task_type == TaskType.MULTICLASS
    assert profile.grading.classes == ("a", "b", "c")


def test_broken_seed_folders_name_the_file(tmp_path):
    source = get_bundled_seed("wine").root
    copy = tmp_path / "wine"
    shutil.copytree(source, copy)
    (copy / "description.md").unlink()
    with pytest.raises(SeedError, match=r"description\.md"):
        load_seed(copy)
    shutil.rmtree(copy)
    shutil.copytree(source, copy)
    (copy / "prepared" / "public" / "train.csv").write_bytes(b"\x00\x01\xff\xfe garbage \"unclosed\n")
    with pytest.raises(SeedError, match=r"train\.csv"):
        profile_seed(load_seed(copy))
    with pytest.raises(SeedError, match=r"not a bundled seed|neither"):
        resolve_seed("no-such-seed")
    with pytest.raises(SeedError):
        get_bundled_seed("no-such-seed")


def test_bundled_seeds_are_built_once_and_reused():
    seed = get_bundled_seed("penguins")
    stamp = next(Path(seed.root).glob(".build*"), None) or seed.root / "config.yaml"
    before = stamp.stat().st_mtime_ns
    again = get_bundled_seed("penguins")
    assert again.root == seed.root and stamp.stat().st_mtime_ns == before
