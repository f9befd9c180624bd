"""Image-to-image environments (denoising-dirty-documents shape): drafting within the seed's DNA, a difficulty knob
that soils the scans more, byte-reproducible pages in mle-bench's layout, per-pixel answers graded by RMSE, the GX
contracts of the per-pixel tables, and the real fixture's paired folders read as a training table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from PIL import Image
from sandmle.data_contracts import check_environment

from sandmle_core.catalog import load_catalog
from sandmle_core.envfolder import EnvFolder
from sandmle_core.errors import InvalidSubmission, SpecError, UnsupportedSeed
from sandmle_core.grading import grade_submission
from sandmle_core.layout import hash_files
from sandmle_core.modalities import domains_for
from sandmle_core.modalities.base import DraftContext
from sandmle_core.modalities.image2image import KIT
from sandmle_core.modalities.image2image.drafter import draft
from sandmle_core.profile import profile_seed
from sandmle_core.seeds import load_seed
from sandmle_core.slots import stream
from sandmle_core.spec import Challenge, DomainRef, GradingSpec, Modality, TaskType
from sandmle_core.taskspec import SeedDNA, TaskSpec
from tests.fixtures.mlebench import write_competition

CATALOG = load_catalog()
DOMAIN = CATALOG.get("motor_claims")
DNA = SeedDNA(seed_id="denoising-dirty-documents", modality=Modality.IMAGE_TO_IMAGE, task_type=TaskType.PER_PIXEL,
              metric="rmse", lower_is_better=True, label_cardinality=None, min_class_share=None, missing_rate=0.0,
              feature_mix={"image": 1})


def make_spec(rng_seed: int, difficulty: float, domain=DOMAIN, n_train: int = 50, n_test: int = 20) -> TaskSpec:
    ctx = DraftContext(dna=DNA, profile=None, domain=domain, rng=stream(rng_seed, DNA.seed_id, 0, "draft"),  # type: ignore[arg-type]
                       difficulty=difficulty, challenges=(), n_train=n_train, n_test=n_test)
    d = draft(ctx)
    grading = GradingSpec(metric="rmse", id_column=d.id_column, target_columns=d.target.columns,
                          submission_columns=d.target.columns)
    return TaskSpec(
        seed_id=DNA.seed_id, index=0, rng_seed=rng_seed, dna=DNA,
        domain=DomainRef(key=domain.key, title=domain.title, sector=domain.sector, entity=domain.entity),
        title=d.title, story=domain.render_story(target="the clean page"), modality=Modality.IMAGE_TO_IMAGE,
        task_type=TaskType.PER_PIXEL, grading=grading, columns=d.columns, target=d.target, n_train=n_train,
        n_test=n_test, difficulty=difficulty, challenges=(), rule=d.rule)


def test_draft_keeps_the_dna_and_refuses_what_it_cannot_host():
    spec = make_spec(3, 0.4)
    assert spec.grading.submission_columns == ("value",) and spec.grading.id_column == "id"
    assert set(spec.rule.layouts) <= set(DOMAIN.pages.layouts) and set(spec.rule.words) == set(DOMAIN.pages.words)
    hosts = domains_for(CATALOG, Modality.IMAGE_TO_IMAGE, TaskType.PER_PIXEL)
    assert len(hosts) >= 8 and all(d.pages is not None for d in hosts)
    assert not domains_for(CATALOG, Modality.IMAGE_TO_IMAGE, TaskType.REGRESSION)
    with pytest.raises(SpecError, match="no page vocabulary"):
        make_spec(3, 0.4, domain=CATALOG.get("wind_farm"))
    ctx = DraftContext(dna=DNA.model_copy(update={"task_type": TaskType.REGRESSION}), profile=None,  # type: ignore[arg-type]
                       domain=DOMAIN, rng=np.random.default_rng(0), difficulty=0.3, challenges=(), n_train=50,
                       n_test=20)
    with pytest.raises(SpecError, match="per-pixel"):
        draft(ctx)
    heavy = draft(ctx.__class__(**{**ctx.__dict__, "dna": DNA, "challenges": (Challenge.NUISANCE_VARIATION,)}))
    assert heavy.rule.severity >= 0.35


def test_difficulty_soils_the_scans_more(tmp_path):
    raw = []
    for difficulty in (0.1, 0.5, 0.9):
        spec = make_spec(11, difficulty)
        raw.append(KIT.synthesize(spec, tmp_path / str(difficulty), n_train=6, n_test=6).stats["raw_scan_rmse"])
    assert raw[0] < raw[1] < raw[2], raw


def test_pages_are_byte_identical_and_in_the_mlebench_layout(tmp_path):
    spec = make_spec(5, 0.5)
    first = KIT.synthesize(spec, tmp_path / "a", n_train=8, n_test=3)
    KIT.synthesize(spec, tmp_path / "b", n_train=8, n_test=3)
    assert hash_files(tmp_path / "a", exclude=()) == hash_files(tmp_path / "b", exclude=())
    folder = first.folder
    train, test = pd.read_csv(folder.train, dtype=str), pd.read_csv(folder.test, dtype=str)
    assert list(train.columns) == ["id", "image", "value"] and list(test.columns) == ["id", "image"]
    assert not set(train["id"]) & set(test["id"])
    for rel_dirty, rel_clean in zip(train["image"], train["value"], strict=True):
        assert rel_dirty.startswith("train/") and rel_clean == rel_dirty.replace("train/", "train_cleaned/")
        with Image.open(folder.public / rel_dirty) as a, Image.open(folder.public / rel_clean) as b:
            assert a.size == b.size == (spec.rule.width, spec.rule.height) and a.mode == b.mode == "L"
    assert sorted(p.name for p in (folder.public / "test").iterdir()) == sorted(f"{i}.png" for i in test["id"])
    assert not (folder.public / "test_cleaned").exists()
    answers = pd.read_csv(folder.answers, dtype={"id": str})
    assert len(answers) == 3 * spec.rule.height * spec.rule.width
    page, row, col = answers["id"].str.rsplit("_", n=2, expand=True).T.to_numpy()
    assert set(page) == set(test["id"]) and row.astype(int).max() == spec.rule.height
    assert col.astype(int).min() == 1 and col.astype(int).max() == spec.rule.width
    assert answers["value"].between(0, 1).all()
    # a page's answers are its published-never clean target: pixel (r, c) of the page, row-major
    first_page = answers[answers["id"].str.startswith(f"{test['id'][0]}_")]
    assert first_page["id"].iloc[1] == f"{test['id'][0]}_1_2"


def test_rmse_over_pixel_rows_orders_oracle_identity_and_prior_and_checks_ids(tmp_path):
    spec = make_spec(7, 0.6)
    folder = KIT.synthesize(spec, tmp_path, n_train=10, n_test=4).folder
    answers = pd.read_csv(folder.answers)
    oracle = grade_submission(pd.read_csv(folder.oracle_submission), answers, spec.grading)
    prior = grade_submission(KIT.prior_submission(spec, folder), answers, spec.grading)
    rows = []
    for page_id, rel in pd.read_csv(folder.test, dtype=str)[["id", "image"]].itertuples(index=False):
        with Image.open(folder.public / rel) as im:
            scan = np.asarray(im, dtype=float) / 255.0
        rows += [(f"{page_id}_{r + 1}_{c + 1}", scan[r, c]) for r in range(scan.shape[0]) for c in range(scan.shape[1])]
    identity = grade_submission(pd.DataFrame(rows, columns=["id", "value"]), answers, spec.grading)
    assert 0.0 < oracle < 0.05 < identity and oracle < prior  # the scan grain keeps the oracle off the optimum
    shuffled = pd.read_csv(folder.oracle_submission).sample(frac=1.0, random_state=1)
    assert grade_submission(shuffled, answers, spec.grading) == oracle  # rows are matched by id, not by position
    renamed = pd.read_csv(folder.oracle_submission)
    renamed.loc[0, "id"] = "999999_1_1"
    with pytest.raises(InvalidSubmission):
        grade_submission(renamed, answers, spec.grading)


def test_per_pixel_tables_meet_their_contracts_and_planted_faults_break_them(tmp_path):
    spec = make_spec(9, 0.3)
    folder = EnvFolder(tmp_path)
    KIT.synthesize(spec, folder)
    KIT.prior_submission(spec, folder).to_csv(folder.sample_submission, index=False)
    failed = [r for r in check_environment(tmp_path, spec) if not r["success"]]
    assert not failed, failed
    answers = pd.read_csv(folder.answers)
    answers.loc[3, "value"] = 1.7  # a grey level out of range
    answers.loc[5, "id"] = "nope_1_1"  # an id of no test page
    answers.to_csv(folder.answers, index=False)
    failed = {r["expectation"].lower().replace("_", "") for r in check_environment(tmp_path, spec)
              if not r["success"] and r["artifact"].endswith("answers.csv")}
    assert {"expectcolumnvaluestobebetween", "expectcolumnvaluestomatchregex"} <= failed, failed


def test_the_fixture_profiles_as_image_to_image_and_a_seed_without_clean_pages_is_refused(tmp_path):
    paths = write_competition("denoising-dirty-documents", tmp_path / "ok", "split")
    profile = profile_seed(load_seed(paths["competition"], data_dir=paths["data"]))
    assert (profile.modality, profile.task_type, profile.metric) == (Modality.IMAGE_TO_IMAGE, TaskType.PER_PIXEL,
                                                                    "rmse")
    assert profile.n_train == len(list((paths["public"] / "train_cleaned").glob("*.png"))) > 0
    assert [f.kind for f in profile.features if f.kind != "id"] == ["image"]
    # the same competition without its clean pages: nothing to learn from, refused with its reason (not guessed)
    broken = write_competition("denoising-dirty-documents", tmp_path / "broken", "split")
    for png in (broken["public"] / "train_cleaned").glob("*.png"):
        png.unlink()
    with pytest.raises(UnsupportedSeed, match="unsupported "):
        profile_seed(load_seed(broken["competition"], data_dir=broken["data"]))
