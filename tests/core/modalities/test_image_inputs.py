"""Image input shapes from mle-bench-lite fixtures: dogs vs. cats keeps its labels in the training photos' names.

One slot (K=1) built from the schema-exact fixture: accepted with the seed's DNA (image, binary, binary log loss on
`id,label` submissions) in the seed's own layout — `train.zip` of `train/<label>.<n>.jpg`, `test.zip` of
`test/<id>.jpg`, no train.csv or test.csv — a ladder whose order holds (Kendall tau >= 0.8) and that runs on the real
seed too, a byte-identical rebuild, contracts over the file listing, and a planted leaky test name rejected by both
the contracts and `media_files_hide_label`. The name parsers are checked on the seed's own naming and on names that
carry no label.
"""

from __future__ import annotations

import json
import shutil
import zipfile

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


def _listing(public, part):
    with zipfile.ZipFile(public / f"{part}.zip") as archive:
        return archive.namelist(), {n: archive.read(n) for n in archive.namelist()}


def test_the_environment_is_accepted_and_keeps_the_seed_shape(built):
    _, root, row = built
    assert row["status"] == "accepted", row
    env_dir = Corpus(root / "corpus").env_dir(row["env_id"])
    spec = _spec(env_dir)
    assert (spec.modality, spec.task_type, spec.grading.metric) == ("image", "binary", "binary_log_loss")
    assert (spec.grading.id_column, spec.target.columns) == ("id", ("label",))  # the seed's own names
    validation = json.loads((env_dir / "validation.json").read_text())
    checks = {c["name"]: c for c in validation["checks"]}
    for name in ("media_files_hide_label", "ladder_order_kept", "thresholds_beat_sample", "dna_kind_preserved",
                 "images_are_distinct", "class_vocabulary_matches_answers"):
        assert checks[name]["passed"], (name, checks[name])
    assert validation["kendall_tau"] >= 0.8
    public = env_dir / "prepared" / "public"
    # the seed's layout: train.zip and test.zip, no tables at all (the seed has none)
    assert sorted(p.name for p in public.iterdir()) == ["sample_submission.csv", "test.zip", "train.zip"]
    names = spec.rule.names
    assert (names.scheme, names.container, names.image_format) == ("prefix", "zip", "jpeg")
    train_names, train_bytes = _listing(public, "train")
    words = [n.removeprefix("train/").split(".") for n in train_names]
    assert all(len(w) == 3 and w[0] in names.words and w[1].isdigit() and w[2] == "jpg" for w in words)
    assert {w[0] for w in words} == set(names.words) and len(train_names) == spec.n_train
    for word in names.words:  # numbered from 0 per label, as cat.0.jpg, cat.1.jpg, ...
        assert sorted(int(w[1]) for w in words if w[0] == word) == list(range(sum(w[0] == word for w in words)))
    test_names, test_bytes = _listing(public, "test")
    sample = pd.read_csv(public / "sample_submission.csv")
    assert list(sample.columns) == ["id", "label"] and sample["label"].between(0, 1).all()
    assert sorted(test_names) == sorted(f"test/{i}.jpg" for i in sample["id"])  # numeric ids, no label
    assert sorted(sample["id"]) == list(range(1, spec.n_test + 1))
    assert all(b[:3] == b"\xff\xd8\xff" for b in [*train_bytes.values(), *test_bytes.values()])  # JPEG
    description = (env_dir / "description.md").read_text()
    assert "Each example is one image" in description and "There is no label table" in description
    assert f"`{names.words[1]}` = 1" in description and "`<label>.<number>.jpg`" in description
    assert "test.csv" not in description and "train.csv" not in description


def test_the_contracts_check_the_listing_and_reject_a_label_in_a_test_name(built, tmp_path):
    from sandmle.data_contracts import check_environment

    _, root, row = built
    staging = tmp_path / row["env_id"]
    shutil.copytree(Corpus(root / "corpus").env_dir(row["env_id"]), staging)
    results = check_environment(staging)
    assert results and all(r["success"] for r in results), [r for r in results if not r["success"]]
    artifacts = {r["artifact"] for r in results}
    assert {"prepared/public/train.zip", "prepared/public/test.zip"} <= artifacts
    table = staging / "prepared" / "public" / "train.csv"  # a label table the seed does not have
    table.write_text("id,label\ncat.0.jpg,0\n")
    assert [r["artifact"] for r in check_environment(staging) if not r["success"]] == ["prepared/public/train.csv"]
    table.unlink()
    _plant_leaky_test_names(staging)
    failed = {(r["artifact"], r["expectation"]) for r in check_environment(staging) if not r["success"]}
    assert ("prepared/public/test.zip", "expect_column_values_to_match_regex") in failed, failed


def _plant_leaky_test_names(staging):
    """Rename every test image to `<its answer's word>.<id>.jpg`: the test names now give the answers away."""
    spec = _spec(staging)
    public = staging / "prepared" / "public"
    answers = pd.read_csv(staging / "prepared" / "private" / "answers.csv").set_index("id")["label"]
    words = dict(zip(spec.target.classes, spec.rule.names.words, strict=True))
    names, data = _listing(public, "test")
    with zipfile.ZipFile(public / "test.zip", "w") as archive:
        for name in names:
            i = int(name.removeprefix("test/").removesuffix(".jpg"))
            archive.writestr(f"test/{words[str(answers.loc[i])]}.{i}.jpg", data[name])


def test_a_leaky_test_image_name_is_rejected(built, tmp_path):
    _, root, row = built
    staging = tmp_path / row["env_id"]
    shutil.copytree(Corpus(root / "corpus").env_dir(row["env_id"]), staging)
    spec = _spec(staging)
    assert "media_files_hide_label" not in {c.name for c in leakage_checks(spec, staging) if not c.passed}
    _plant_leaky_test_names(staging)
    assert "media_files_hide_label" in {c.name for c in leakage_checks(spec, staging) if not c.passed}


def test_the_ladder_runs_on_the_real_seed(built):
    """The same ladder scripts read the real seed's train.zip names (cat/dog) and score on its answers."""
    from sandmle_core.agents.offline.developer import run_ladder_scripts
    from sandmle_core.grading import grade_submission
    from sandmle_core.ladder import ladder_for
    from sandmle_core.ladder.configs import config_from_profile
    from sandmle_core.profile import profile_seed
    from sandmle_core.seeds import load_seed

    competition, _, _ = built
    seed = load_seed(competition)
    profile = profile_seed(seed)
    layout = profile.details["name_layout"]
    assert (layout["scheme"], layout["words"], layout["container"], layout["image_format"]) == (
        "prefix", ["cat", "dog"], "zip", "jpeg")
    config = config_from_profile(profile)
    answers = seed.read_answers()
    runs, _, _, _ = run_ladder_scripts(ladder_for(config), seed.public_dir, answers,
                                       lambda sub, ans: grade_submission(sub, ans, profile.grading), seeds=(0,))
    assert len(runs) == 6 and all(r.error is None and r.score is not None for r in runs), runs
    assert min(r.score for r in runs[1:]) < runs[0].score  # a model beats the prior's log loss on the real photos


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
