"""Multi-label image environments (ranzcr-clip-catheter-line-classification's shape): independent 0/1 findings per
image, each told by its own curve, a train-only group column (the seed's PatientID, else the domain's), and a
scored subset of the labels (mle-bench's ranzcr grader scores 9 of its 11 columns), in ranzcr's file layout:
JPEGs in `train/` and `test/` named by the id and a `train_annotations.csv` of the drawn lines, and, as the seed, no
test.csv and no image column. One slot is built end
to end from the lite fixture (K=1): accepted with the ladder's order kept (Kendall tau >= 0.8), the public files the
seed's (same names, train.csv's columns in the seed's shape), the scored subset and train-only columns kept, the
annotations on the drawn curves, its GX contracts met and planted faults (a public test table with labels, test image
names that carry a label, an annotation of a test image) rejected. The byte-identical check re-synthesizes the
accepted spec and compares every data file (a second full slot build would double the test's time). The ladder
scripts also run on the real seed's layout."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image
from sandmle.data_contracts import check_environment

from sandmle_core.agents.checks import leakage_checks
from sandmle_core.envfolder import EnvFolder
from sandmle_core.layout import Corpus, hash_files, read_environment
from sandmle_core.modalities.image.multilabel import ANNOTATIONS, polyline
from sandmle_core.modalities.image.synthesizer import synthesize
from sandmle_core.pipeline import analyze_seed, plan_slots, read_profile, run_slot
from sandmle_core.seeds import load_seed, seed_refs
from sandmle_core.taskspec import TaskSpec
from tests.fixtures.mlebench import write_competition
from tests.fixtures.rebuild import clean_copy

pytestmark = pytest.mark.slow
RANZCR = "ranzcr-clip-catheter-line-classification"
RNG = 5


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("ranzcr")
    paths = write_competition(RANZCR, root / "mlebench", "split")
    ref = seed_refs([str(root / "mlebench" / "competitions" / RANZCR)], data_dir=paths["data"])[0]
    out = root / "corpus"
    seed_id, profile = analyze_seed(ref, out)
    result = run_slot(plan_slots(seed_id, read_profile(profile), 1, RNG, out)[0])
    return out, result


def _seed_public(tmp_path) -> Path:
    paths = write_competition(RANZCR, tmp_path / "mlebench", "split")
    return load_seed(tmp_path / "mlebench" / "competitions" / RANZCR, data_dir=paths["data"]).public_dir


def test_the_public_files_are_the_seeds(built, tmp_path):
    """The environment's public folder holds the seed's files and nothing else: `train/`, `test/`, train.csv,
    train_annotations.csv and sample_submission.csv (no test.csv); train.csv's columns are the seed's shape (its id,
    the labels, PatientID; no image column), and every image is `<part>/<id>.jpg` of a row."""
    out, result = built
    env_dir = Corpus(out).env_dir(result.env_id)
    spec, public, seed = _spec(env_dir), env_dir / "prepared" / "public", _seed_public(tmp_path)
    assert sorted(p.name for p in public.iterdir()) == sorted(p.name for p in seed.iterdir())
    assert not (public / "test.csv").exists() and {p.is_dir() for p in public.iterdir() if p.suffix != ".csv"} == {True}
    seed_columns = list(pd.read_csv(seed / "train.csv", nrows=1).columns)
    columns = list(pd.read_csv(public / "train.csv", nrows=1).columns)
    assert columns == [seed_columns[0], *spec.target.columns, seed_columns[-1]]  # StudyInstanceUID ... PatientID
    assert seed_columns[1:-1] == [c for c in seed_columns if c not in (seed_columns[0], seed_columns[-1])]
    assert "image" not in columns and "image" not in seed_columns
    assert list(pd.read_csv(public / "sample_submission.csv", nrows=1).columns) == [
        seed_columns[0], *spec.grading.submission_columns]
    id_col = spec.grading.id_column
    train, sample = (pd.read_csv(public / n, dtype={id_col: str}) for n in ("train.csv", "sample_submission.csv"))
    assert sorted(p.name for p in (public / "train").iterdir()) == sorted(f"{i}.jpg" for i in train[id_col])
    assert sorted(p.name for p in (public / "test").iterdir()) == sorted(f"{i}.jpg" for i in sample[id_col])
    assert read_environment(env_dir, verify_hashes=True).env_id == result.env_id  # test.csv is not required
    description = (env_dir / "description.md").read_text()
    assert "test.csv" not in description and "`image`" not in description, description
    assert "one row per test image" in description and "`test/`" in description


def _spec(env_dir) -> TaskSpec:
    return TaskSpec.model_validate(read_environment(env_dir).config.sandmle.spec)


def test_the_ranzcr_slot_is_accepted_with_a_scored_subset(built):
    out, result = built
    assert result.status == "accepted", result
    assert (result.modality, result.task_type, result.metric) == ("image", "multilabel", "mean_column_auc")
    assert result.kendall_tau >= 0.8, result
    env_dir = Corpus(out).env_dir(result.env_id)
    spec = _spec(env_dir)
    labels, scored = list(spec.target.columns), list(spec.grading.target_columns)
    assert 8 <= len(labels) <= 12 and scored == labels[:-2]  # as ranzcr: the last 2 labels are not scored
    assert list(spec.grading.submission_columns) == scored and spec.grading.id_column == "StudyInstanceUID"
    t = env_dir / "prepared"
    train = pd.read_csv(t / "public" / "train.csv", dtype={"StudyInstanceUID": str})
    assert list(train.columns) == ["StudyInstanceUID", *labels, "PatientID"]
    assert not (t / "public" / "images").exists() and not (t / "public" / "test.csv").exists()
    assert (t / "public" / "train" / f"{train['StudyInstanceUID'].iloc[0]}.jpg").read_bytes()[:2] == b"\xff\xd8"
    assert set(train[labels].stack().unique()) == {0, 1} and (train[labels].sum() >= 2).all()
    assert (train[labels].sum(axis=1) >= 2).any()  # several findings per image happen
    answers = pd.read_csv(t / "private" / "answers.csv")
    assert list(answers.columns) == ["StudyInstanceUID", *labels]  # every label, as mle-bench's answers
    assert list(pd.read_csv(t / "public" / "sample_submission.csv").columns) == ["StudyInstanceUID", *scored]
    description = (env_dir / "description.md").read_text()
    assert "`PatientID`" in description and f"`{labels[-1]}`" in description and "neither scored" in description
    assert "findings visible in the image" in description
    assert "`train_annotations.csv`" in description and "training images only" in description
    checks = {c["name"]: c for c in json.loads((env_dir / "validation.json").read_text())["checks"]}
    assert checks["ladder_order_kept"]["passed"] and checks["label_cardinality_in_range"]["passed"]
    th = read_environment(env_dir).config.sandmle.thresholds
    assert 1.0 > th.gold > th.silver > th.bronze > result.sample_score


def test_patients_group_images_without_leaking_labels(built):
    out, result = built
    env_dir = Corpus(out).env_dir(result.env_id)
    spec = _spec(env_dir)
    train = pd.read_csv(env_dir / "prepared" / "public" / "train.csv", dtype={"PatientID": str})
    sizes = train["PatientID"].value_counts()
    assert sizes.max() >= 2 and len(sizes) < len(train)  # a patient may have several images
    # a patient's other images say nothing of a label: agreement within patients is what chance gives
    labels = list(spec.target.columns)
    y = train[labels].to_numpy()
    pairs = [(i, j) for rows in train.groupby("PatientID").indices.values() for i in rows for j in rows if i < j]
    within = np.mean([(y[i] == y[j]).mean() for i, j in pairs])
    share = y.mean(axis=0)
    chance = float(np.mean(share**2 + (1 - share) ** 2))
    assert abs(within - chance) < 0.1, (within, chance)
    checks = {c["name"]: c for c in json.loads((env_dir / "validation.json").read_text())["checks"]}
    assert checks["no_single_feature_oracle"]["passed"], checks["no_single_feature_oracle"]


def test_polyline_is_in_pixels_inside_the_image():
    # the renderer's frame is [-1, 1]; pixel i of an S-pixel row covers [-1 + 2i/S, -1 + 2(i+1)/S)
    curve = np.array([[-0.97, -0.97], [-0.96, -0.96], [-0.03, 0.47], [0.97, 0.03], [1.4, 0.0]])
    assert polyline(curve, 32) == [[0, 0], [15, 23], [31, 16]]  # repeats and out-of-frame points dropped


def test_annotations_trace_the_drawn_curves_of_training_images(built):
    out, result = built
    env_dir = Corpus(out).env_dir(result.env_id)
    spec = _spec(env_dir)
    public = env_dir / "prepared" / "public"
    train = pd.read_csv(public / "train.csv", dtype={"StudyInstanceUID": str})
    test = pd.read_csv(public / "sample_submission.csv", dtype={"StudyInstanceUID": str})  # the seed's test ids
    notes = pd.read_csv(public / ANNOTATIONS, dtype={"StudyInstanceUID": str})
    assert list(notes.columns) == ["StudyInstanceUID", "label", "data"]
    assert set(notes["StudyInstanceUID"]) <= set(train["StudyInstanceUID"])
    assert not set(notes["StudyInstanceUID"]) & set(test["StudyInstanceUID"])
    annotated = notes["StudyInstanceUID"].nunique()
    assert 0.15 * len(train) < annotated < 0.7 * len(train)  # a subset of the training images, as in ranzcr
    assert set(notes["label"]) <= set(spec.target.columns) and notes["label"].nunique() >= 3
    published = train.set_index("StudyInstanceUID")
    size = spec.rule.image_size
    lift = []
    for uid, label, data in notes.itertuples(index=False):
        assert published.loc[uid, label] == 1  # the label names a finding train.csv gives the image
        points = np.array(json.loads(data))
        assert points.ndim == 2 and points.shape[1] == 2 and len(points) >= 2
        assert points.min() >= 0 and points.max() < size
        pixels = np.asarray(Image.open(public / "train" / f"{uid}.jpg"), dtype=float) / 255.0
        lift.append(pixels[points[:, 1], points[:, 0]].mean() - np.median(pixels))  # data is [x, y]
    # the points lie on the bright curves the renderer drew (faint ones excepted): well above the image's median
    assert np.median(lift) > 0.1, np.quantile(lift, [0.1, 0.5, 0.9])
    # images of one finding are not always annotated: some training images with a finding have no line for it
    shown = {(u, c) for u in train["StudyInstanceUID"] for c in spec.target.columns if published.loc[u, c] == 1}
    assert len(notes) < len(shown)


def test_contracts_hold_and_planted_faults_are_rejected(built, tmp_path):
    out, result = built
    copy = clean_copy(out, result.env_id, tmp_path)  # every contract met on the built environment
    spec = _spec(copy)
    folder = EnvFolder(copy)
    id_col = spec.grading.id_column
    answers = pd.read_csv(folder.answers, dtype={id_col: str})
    label = spec.grading.target_columns[0]
    # a public test table, with labels: the seed has no test.csv, so any is rejected
    answers[[id_col, label]].to_csv(folder.test, index=False)
    failed = {(r["artifact"], r["expectation"].lower().replace("_", "")) for r in check_environment(copy)
              if not r["success"]}
    assert failed == {("prepared/public/test.csv", "fileisreadablecsv")}, failed
    folder.test.unlink()
    # test images whose names carry a label
    for uid, value in zip(answers[id_col], answers[label], strict=True):
        (folder.public / "test" / f"{uid}.jpg").rename(folder.public / "test" / f"{uid}_{value}.jpg")
    checks = {c.name: c for c in leakage_checks(spec, copy)}
    assert not checks["media_files_hide_label"].passed, checks["media_files_hide_label"]
    failed = {(r["artifact"], r["expectation"].lower().replace("_", "")) for r in check_environment(copy)
              if not r["success"]}
    assert ("prepared/public/test/", "expectcolumnvaluestobeinset") in failed, failed  # no test/<id>.jpg


def test_an_annotation_of_a_test_image_is_rejected(built, tmp_path):
    out, result = built
    copy = clean_copy(out, result.env_id, tmp_path)
    spec = _spec(copy)
    folder = EnvFolder(copy)
    assert {c.name: c for c in leakage_checks(spec, copy)}["annotations_name_training_images_only"].passed
    id_col = spec.grading.id_column
    notes = pd.read_csv(folder.public / ANNOTATIONS, dtype={id_col: str})
    test_id = pd.read_csv(folder.answers, dtype={id_col: str})[id_col].iloc[0]
    leaked = notes.iloc[[0]].assign(**{id_col: test_id})  # a test image's drawn line, published as training data
    pd.concat([notes, leaked]).sort_values(id_col, kind="stable").to_csv(folder.public / ANNOTATIONS, index=False)
    failed = {(r["artifact"], r["expectation"].lower().replace("_", "")) for r in check_environment(copy)
              if not r["success"]}
    assert ("prepared/public/train_annotations.csv", "expectcolumnvaluestonotbeinset") in failed, failed
    assert ("prepared/public/train_annotations.csv", "expectcolumnvaluestobeinset") in failed, failed
    check = {c.name: c for c in leakage_checks(spec, copy)}["annotations_name_training_images_only"]
    assert not check.passed and check.figure == 1 and test_id in check.detail


def test_the_ladder_runs_on_the_real_seed_layout(tmp_path):
    """The real ranzcr layout has no test.csv and no image column: the scripts read the test ids from the sample
    submission and the images from train/ and test/ by id, and every level writes a gradable submission."""
    from sandmle_core.agents.offline.developer import run_ladder_scripts
    from sandmle_core.grading import grade_submission
    from sandmle_core.ladder import ladder_for
    from sandmle_core.ladder.configs import config_from_profile
    from sandmle_core.profile import profile_seed

    paths = write_competition(RANZCR, tmp_path / "mlebench", "split")
    seed = load_seed(tmp_path / "mlebench" / "competitions" / RANZCR, data_dir=paths["data"])
    assert not (seed.public_dir / "test.csv").exists() and (seed.public_dir / ANNOTATIONS).is_file()
    profile = profile_seed(seed)
    runs, _, _, _ = run_ladder_scripts(ladder_for(config_from_profile(profile)), seed.public_dir,
                                       seed.read_answers(), lambda s, a: grade_submission(s, a, profile.grading),
                                       seeds=(0,))
    assert len(runs) == 6 and all(r.score is not None and 0.0 <= r.score <= 1.0 for r in runs), runs


def test_the_data_rebuild_byte_identical(built, tmp_path):
    out, result = built
    env_dir = Corpus(out).env_dir(result.env_id)
    again = tmp_path / "again"
    synthesize(_spec(env_dir), again)
    for part in ("public", "private"):
        built_hashes = hash_files(env_dir / "prepared" / part, exclude=())
        rebuilt = hash_files(again / "prepared" / part, exclude=())
        assert {k: v for k, v in built_hashes.items() if k in rebuilt} == rebuilt, part
        assert "train.csv" in rebuilt or "answers.csv" in rebuilt


@pytest.fixture(scope="module")
def ranzcr_profile(tmp_path_factory):
    from sandmle_core.profile import profile_seed

    root = tmp_path_factory.mktemp("ranzcr-profile")
    paths = write_competition(RANZCR, root / "mlebench", "split")
    return profile_seed(load_seed(root / "mlebench" / "competitions" / RANZCR, data_dir=paths["data"]))


def _without_group(profile):
    """The profile of a seed like ranzcr's but with no group column of its own (no train-only entity key)."""
    dna = dict(profile.details["dna"])
    dna["train_only_columns"] = [c for c in dna["train_only_columns"] if c != "PatientID"]
    return profile.model_copy(update={"details": {**profile.details, "dna": dna}})


def test_the_group_column_is_the_seeds_else_the_domains(ranzcr_profile):
    """ranzcr's slots keep its `PatientID` in every domain; a seed without a group column of its own gets the
    column its slot's domain names (two domains, two names), the same on a second draft of the slot."""
    from sandmle_core.agents.offline.strategist import OfflineStrategist
    from sandmle_core.catalog import load_catalog
    from sandmle_core.modalities.image.multilabel import seed_group

    assert seed_group(ranzcr_profile.details) == ("PatientID", "patient")
    strategist, domains = OfflineStrategist(), {d.key: d for d in load_catalog().domains}
    seeded = [strategist.draft_spec(RANZCR, ranzcr_profile, i, 4) for i in range(4)]
    assert len({s.domain.key for s in seeded}) == 4
    assert {(s.rule.cues.group_column, s.rule.cues.group_noun) for s in seeded} == {("PatientID", "patient")}
    assert all("group_noun" not in s.rule.cues.model_dump() for s in seeded)  # ranzcr's specs keep their hash
    plain = _without_group(ranzcr_profile)
    assert seed_group(plain.details) is None
    drafts = [strategist.draft_spec(RANZCR, plain, i, 4) for i in range(4)]
    names = {s.domain.key: (s.rule.cues.group_column, s.rule.cues.group_noun) for s in drafts}
    assert names == {k: (domains[k].image.group.column, domains[k].image.group.noun) for k in names}
    assert len({column for column, _ in names.values()}) >= 2, names
    assert [strategist.draft_spec(RANZCR, plain, i, 4) for i in range(4)] == drafts  # deterministic per slot
    for spec in drafts:
        assert spec.rule.train_only_columns == (spec.rule.cues.group_column,)


def test_a_domain_named_group_column_is_written_described_and_checked(ranzcr_profile, tmp_path):
    """The domain's group column is train.csv's last column, the description names it with the domain's noun, and
    the data contracts and the leakage checks (train-only fields absent from the test files) pass."""
    from sandmle_core.agents.offline.developer import OfflineDeveloper
    from sandmle_core.agents.offline.strategist import OfflineStrategist
    from sandmle_core.agents.offline.writer import render_description

    spec = next(s for i in range(4) if (s := OfflineStrategist().draft_spec(RANZCR, _without_group(ranzcr_profile),
                                                                           i, 4)).rule.cues.group_column != "PatientID")
    cues = spec.rule.cues
    folder = EnvFolder(tmp_path / "env")
    OfflineDeveloper().build_data(spec, folder)
    train = pd.read_csv(folder.train, dtype=str)
    assert list(train.columns)[-1] == cues.group_column and "PatientID" not in train.columns
    assert train[cues.group_column].value_counts().max() >= 2
    text = render_description(spec, pd.read_csv(folder.sample_submission))
    assert f"`{cues.group_column}`, the {cues.group_noun} an image comes from" in text and "PatientID" not in text
    folder.description.write_text(text)  # the leakage checks read it too
    results = check_environment(folder.root, spec)
    assert all(r["success"] for r in results), [r for r in results if not r["success"]]
    headers = [r for r in results if r["artifact"] == "prepared/public/train.csv"
               and r["expectation"] == "expect_table_columns_to_match_ordered_list"]
    assert headers and headers[0]["observed"][-1] == cues.group_column
    checks = {c.name: c for c in leakage_checks(spec, folder)}
    assert checks["train_only_fields_absent_from_test"].passed and checks["no_single_feature_oracle"].passed
