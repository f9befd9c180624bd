"""Image + metadata environments (siim-isic-melanoma-classification's shape): colour photographs named by their id in
`jpeg/train/` and `jpeg/test/`, a metadata table beside them, a rare positive class submitted as `image_name,target`
and scored by ROC AUC. One slot is built end to end from the lite fixture (K=1): accepted with the ladder's order
kept (Kendall tau >= 0.8), sources never split between train and test, the label-restating train-only columns kept
out of test.csv, the GX contracts met, planted leaks rejected, and a byte-identical rebuild."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from sandmle.data_contracts import check_environment

from sandmle_core.agents.checks import leakage_checks
from sandmle_core.envfolder import EnvFolder
from sandmle_core.layout import Corpus, hash_files, read_environment
from sandmle_core.pipeline import analyze_seed, plan_slots, read_profile, run_slot
from sandmle_core.profiling.verdict import support_verdict
from sandmle_core.seeds import seed_refs
from sandmle_core.taskspec import TaskSpec
from tests.fixtures.mlebench import write_competition
from tests.fixtures.rebuild import clean_copy, rebuild_slot

SIIM = "siim-isic-melanoma-classification"
RNG = 5


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("siim")
    paths = write_competition(SIIM, root / "mlebench", "split")
    ref = seed_refs([str(root / "mlebench" / "competitions" / SIIM)], data_dir=paths["data"])[0]
    out = root / "corpus"
    seed_id, profile = analyze_seed(ref, out)
    result = run_slot(plan_slots(seed_id, read_profile(profile), 1, RNG, out)[0])
    return ref, out, result


def test_binary_image_plus_table_seeds_are_kept():
    assert support_verdict("image+tabular", "binary") == (True, None)  # multiclass (leaf): test_image_leaf.py


@pytest.mark.slow
def test_the_siim_slot_is_accepted_with_images_and_metadata(built):
    _, out, result = built
    assert result.status == "accepted", result
    assert (result.modality, result.task_type, result.metric) == ("image", "binary", "auc")
    assert result.kendall_tau >= 0.8, result
    env_dir = Corpus(out).env_dir(result.env_id)
    spec = TaskSpec.model_validate(read_environment(env_dir).config.sandmle.spec)
    assert spec.grading.id_column == "image_name" and spec.grading.submission_columns == ("target",)
    public = env_dir / "prepared" / "public"
    train, test = pd.read_csv(public / "train.csv"), pd.read_csv(public / "test.csv")
    meta = [c.name for c in spec.columns]
    assert list(test.columns) == ["image_name", *meta]
    assert list(train.columns) == ["image_name", *meta, "target", "diagnosis", "outcome"]
    assert 0 < train["target"].mean() < 0.35  # positives are rare
    assert meta[0] == "patient_id" and train["patient_id"].str.match(r"^PAT_\d{5}$").all()  # whose photographs
    assert "patient_sex" in meta and set(train["patient_sex"]) <= {"female", "male"}  # the seed's `sex`, per patient
    assert (train.groupby("patient_id")["patient_sex"].nunique() == 1).all()
    assert not set(train["patient_id"]) & set(test["patient_id"])  # a patient's images all sit on one side
    assert train["patient_id"].nunique() < len(train)  # several images per patient
    # the restating columns say what they restate: the finding's name, and positive / negative (was "malignant" for
    # a psoriasis plaque or an incision)
    finding = spec.rule.spots.finding
    assert finding and set(train.loc[train["target"] == 1, "diagnosis"]) == {finding}
    assert set(train.loc[train["target"] == 0, "diagnosis"]) == {"unremarkable"}
    assert (train["outcome"] == train["target"].map({1: "positive", 0: "negative"})).all()
    for part, table in (("train", train), ("test", test)):
        names = {p.stem for p in (public / "jpeg" / part).glob("*.jpg")}
        assert names == set(table["image_name"]), part
    assert (public / "jpeg" / "test" / f"{test['image_name'].iloc[0]}.jpg").read_bytes()[:2] == b"\xff\xd8"
    assert list(pd.read_csv(public / "sample_submission.csv").columns) == ["image_name", "target"]
    description = (env_dir / "description.md").read_text().lower()
    assert "jpeg/train/" in description and "train.csv only" in description
    assert "source" not in description and "(rare)" not in description, description  # a patient's record, in words
    for column in ("capture_device", "site"):  # levels in words, as the seed's records write them
        levels = {v for c in spec.columns if c.name == column for v in c.levels or ()}
        assert all("_" not in v for v in levels), levels
    checks = {c["name"]: c for c in json.loads((env_dir / "validation.json").read_text())["checks"]}
    assert checks["ladder_order_kept"]["passed"]


@pytest.mark.slow
@pytest.mark.parametrize("leak", ["target", "diagnosis"])
def test_a_label_leaked_into_public_test_is_rejected(built, tmp_path, leak):
    _, out, result = built
    copy = clean_copy(out, result.env_id, tmp_path)
    folder = EnvFolder(copy)
    test = pd.read_csv(folder.test)
    source = pd.read_csv(folder.answers) if leak == "target" else pd.read_csv(folder.train)
    test[leak] = source[leak].iloc[0]  # the planted fault: a label column in the public test table
    test.to_csv(folder.test, index=False)
    failed = {(r["artifact"], r["expectation"].lower().replace("_", "")) for r in check_environment(copy)
              if not r["success"]}
    assert any(a.endswith("test.csv") and e == "expecttablecolumnstomatchorderedlist" for a, e in failed), failed
    if leak == "diagnosis":  # in test.csv, the train-only column is a single-column oracle again
        spec = TaskSpec.model_validate(read_environment(copy).config.sandmle.spec)
        oracle = next(c for c in leakage_checks(spec, folder) if c.name == "no_single_feature_oracle")
        assert not oracle.passed and "diagnosis" in oracle.detail, oracle


@pytest.mark.slow
def test_the_slot_rebuilds_byte_identical(built, tmp_path):
    ref, out, result = built
    again = rebuild_slot(ref, 1, RNG, 0, result.env_id, tmp_path / "again")
    assert hash_files(Corpus(out).env_dir(result.env_id), exclude=()) == hash_files(again, exclude=())


@pytest.mark.slow
def test_the_slots_of_a_seed_are_not_alike_in_image_statistics(built, tmp_path):
    """Every slot drew its spots on one surface tone, so a seed's second slot was always withheld at publish as
    alike in image statistics (`sandmle generate` of the fixture, rng 3: 1 of 2 accepted). Then six tones by the
    slot's visit to its domain, with a drawn tint, repeated within the 22 slots the seed's records allow: a build of
    22 accepted 19 and failed 3 as alike. Now each of 24 slots has its own look (`metadata.look`: twelve tones, then
    the twelve half a step darker and out of focus), and the 22 slots' data, as the developer builds it, are compared
    by the publish rule itself."""
    from sandmle_core.agents import get_backend
    from sandmle_core.agents.offline.strategist import OfflineStrategist
    from sandmle_core.modalities.image.variety import alike_environments

    ref, _, _ = built
    seed_id, profile = analyze_seed(ref, tmp_path / "profile")
    specs = [OfflineStrategist().draft_spec(seed_id, read_profile(profile), slot, RNG) for slot in range(22)]
    looks = [(s.rule.spots.surface, s.rule.spots.focus) for s in specs]
    assert len(set(looks)) == 22, looks
    brightness = [sum(surface) / 3 for surface, _ in looks[:6]]
    assert max(brightness) - min(brightness) > 0.3, looks  # a small build already spans light to dark skin
    assert {focus for _, focus in looks} == {0.0, 1.0}
    # body sites and ages beside skin photographs: only the skin domains host the shape (it drew any image domain:
    # "whether the spot in the image (an all-sky camera image) is cumulonimbus", sites "palms_soles"), and a domain's
    # visits differ in their record columns, or the second visit would be a near-duplicate and never published
    assert {s.domain.key for s in specs} == {"hospital_triage", "outpatient_noshow"}
    for key in ("hospital_triage", "outpatient_noshow"):
        schemas = [tuple(c.name for c in s.columns) for s in specs[:6] if s.domain.key == key]
        assert len(schemas) == 3 and len(set(schemas)) == 3, schemas
    folders = {}
    for spec in specs:
        staging = tmp_path / spec.env_id
        get_backend("offline").developer.build_data(spec, staging)
        folders[spec.env_id] = EnvFolder.of(staging).public
    report = alike_environments(folders)
    assert report["environments"] == 22 and report["alike"] == [], report


def test_a_seed_has_22_environments_of_distinct_records_before_a_near_duplicate(tmp_path):
    """Two slots of one domain with the same public schema are near-duplicates, and the second is withheld: with
    the two skin domains and seven record schemas a build got at most 14 environments of the seed before 2026-12-07.
    A patient's sex (the seed's `sex` column, with a label effect of its own) is a fourth record column, and a
    domain's visits take eleven schemas (none, one or two of the four left out): 22 slots, 22 distinct (domain,
    schema) pairs."""
    from sandmle_core.agents.offline.strategist import OfflineStrategist

    root = tmp_path / "mlebench"
    paths = write_competition(SIIM, root, "split")
    ref = seed_refs([str(root / "competitions" / SIIM)], data_dir=paths["data"])[0]
    seed_id, profile = analyze_seed(ref, tmp_path / "profile")
    specs = [OfflineStrategist().draft_spec(seed_id, read_profile(profile), slot, RNG) for slot in range(22)]
    pairs = {(s.domain.key, tuple(c.name for c in s.columns)) for s in specs}
    assert len(pairs) == 22, sorted(pairs)
    assert all(0.1 <= s.rule.spots.sex_effect <= 0.3 for s in specs)
