"""Image input shapes from mle-bench-lite fixtures: dogs vs. cats keeps its labels in the training photos' names.

One slot (K=1) built from the schema-exact fixture: accepted with the seed's DNA (image, binary, binary log loss on
`id,label`-shaped submissions), training images named `<id>_<label>.png` and test images by their id only, a ladder
whose order holds (Kendall tau >= 0.8), a byte-identical rebuild, and a planted leaky test name rejected by
`media_files_hide_label`. The name parsers are checked on the seed's own naming and on names that carry no label.
"""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest
from sandmle.bench.plain import build_plain

from sandmle_core.agents.checks import leakage_checks
from sandmle_core.layout import Corpus, hash_files, read_environment
from sandmle_core.modalities.classes import labels_from_prefixes
from sandmle_core.pipeline import analyze_seed, plan_slots, read_profile, run_slot
from sandmle_core.records import read_manifest
from sandmle_core.taskspec import TaskSpec
from tests.fixtures.mlebench import write_competition

pytestmark = pytest.mark.slow
COMP, RNG = "dogs-vs-cats-redux-kernels-edition", 5


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("dogs-vs-cats")
    competition = write_competition(COMP, root / "mlebench", "combined")["competition"]
    build_plain([str(competition)], root / "corpus", per_seed=1, rng_seed=RNG)
    row = read_manifest(Corpus(root / "corpus")).to_pylist()[0]
    return competition, root, row


def _spec(env_dir):
    return TaskSpec.model_validate(read_environment(env_dir).config.sandmle.spec)


def test_labels_are_read_from_dogs_vs_cats_names_and_not_from_ids():
    named = labels_from_prefixes(["train.zip!train/dog.1.jpg", "train.zip!train/cat.0.jpg", "train/cat.10.jpg"])
    assert named is not None and named["label"].tolist() == ["cat", "dog", "cat"]  # sorted by path
    assert labels_from_prefixes(["test/1.jpg", "test/2.jpg"]) is None  # ids only: no label
    assert labels_from_prefixes(["train/cat.0.jpg", "train/cat.1.jpg"]) is None  # one class is no label
    assert labels_from_prefixes(["train/cat.x.jpg", "train/dog.y.jpg"]) is None  # not <label>.<number>


def test_the_environment_is_accepted_and_keeps_the_seed_shape(built):
    _, root, row = built
    assert row["status"] == "accepted", row
    env_dir = Corpus(root / "corpus").env_dir(row["env_id"])
    spec = _spec(env_dir)
    assert (spec.modality, spec.task_type, spec.grading.metric) == ("image", "binary", "binary_log_loss")
    validation = json.loads((env_dir / "validation.json").read_text())
    checks = {c["name"]: c for c in validation["checks"]}
    for name in ("media_files_hide_label", "ladder_order_kept", "thresholds_beat_sample", "dna_kind_preserved"):
        assert checks[name]["passed"], (name, checks[name])
    assert validation["kendall_tau"] >= 0.8
    public = env_dir / "prepared" / "public"
    train, test = pd.read_csv(public / "train.csv", dtype=str), pd.read_csv(public / "test.csv", dtype=str)
    target, image = spec.target.columns[0], "image"
    assert all(p == f"images/{i}_{y}.png" for p, i, y in zip(train[image], train[spec.grading.id_column],
                                                             train[target], strict=True))
    assert all(p == f"images/{i}.png" for p, i in zip(test[image], test[spec.grading.id_column], strict=True))
    assert all((public / p).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in [*train[image], *test[image]])
    sample = pd.read_csv(public / "sample_submission.csv")
    assert list(sample.columns) == [spec.grading.id_column, target] and sample[target].between(0, 1).all()
    description = (env_dir / "description.md").read_text()
    assert "Each row is one image" in description and "ends in its label" in description


def test_a_leaky_test_image_name_is_rejected(built, tmp_path):
    _, root, row = built
    staging = tmp_path / row["env_id"]
    shutil.copytree(Corpus(root / "corpus").env_dir(row["env_id"]), staging)
    spec = _spec(staging)
    public = staging / "prepared" / "public"
    assert "media_files_hide_label" not in {c.name for c in leakage_checks(spec, staging) if not c.passed}
    test = pd.read_csv(public / "test.csv")
    answers = pd.read_csv(staging / "prepared" / "private" / "answers.csv").set_index(spec.grading.id_column)
    target = spec.target.columns[0]
    renamed = []
    for rel, i in zip(test["image"], test[spec.grading.id_column], strict=True):  # cat.<id>.png / dog.<id>.png
        new = f"images/{'dog' if answers.loc[i, target] == 1 else 'cat'}.{i}.png"
        (public / rel).rename(public / new)
        renamed.append(new)
    test["image"] = renamed
    test.to_csv(public / "test.csv", index=False)
    assert "media_files_hide_label" in {c.name for c in leakage_checks(spec, staging) if not c.passed}


def test_rebuild_is_byte_identical(built, tmp_path):
    competition, root, row = built
    again = tmp_path / "again"
    seed_id, profile = analyze_seed(str(competition), again)
    job = next(j for j in plan_slots(seed_id, read_profile(profile), 1, RNG, again) if j.key.index == row["index"])
    assert run_slot(job).status == "accepted"
    first = Corpus(root / "corpus").env_dir(row["env_id"])
    assert hash_files(first, exclude=()) == hash_files(Corpus(again).env_dir(row["env_id"]), exclude=())


def test_training_photos_without_labels_in_their_names_are_refused_with_the_reason(tmp_path):
    import zipfile

    from sandmle_core.errors import UnsupportedSeed
    from sandmle_core.profile import profile_seed
    from sandmle_core.seeds import load_seed

    paths = write_competition(COMP, tmp_path, "combined")
    archive = paths["public"] / "train.zip"
    with zipfile.ZipFile(archive) as old:
        members = {n: old.read(n) for n in old.namelist()}
    with zipfile.ZipFile(archive, "w") as new:  # the photos renamed by a running number: the labels are gone
        for k, data in enumerate(members.values()):
            new.writestr(f"train/{k}.jpg", data)
    with pytest.raises(UnsupportedSeed, match="training images' names carry no label"):
        profile_seed(load_seed(paths["competition"]))
