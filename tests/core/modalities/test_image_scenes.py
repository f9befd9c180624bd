"""Image scenes: the domain picks the ground the class patterns are drawn on, so the image environments of one build
look apart (pixel statistics between environments far above those between two halves of one), no two images of one
environment are near-duplicates, a planted duplicate is caught (by the check and by the verifier's realism group),
and the scene keeps synthesis byte-reproducible."""

from __future__ import annotations

import hashlib
import io
import itertools

import numpy as np
import pandas as pd
import pytest
from PIL import Image

import tests.core.modalities.test_image as base
from sandmle_core.agents import get_backend
from sandmle_core.agents.offline.strategist import OfflineStrategist
from sandmle_core.agents.realism import distinct_images_check, realism_checks
from sandmle_core.catalog import load_catalog
from sandmle_core.envfolder import EnvFolder
from sandmle_core.modalities.image import scenes, variety
from sandmle_core.modalities.image.synthesizer import synthesize
from sandmle_core.profile import TaskProfile, profile_seed
from sandmle_core.seeds import get_bundled_seed
from sandmle_core.taskspec import TaskSpec

CATALOG = load_catalog()
DOMAINS = ("crop_yield", "solar_pv", "outpatient_noshow")  # leaf, panel grid, dermatoscope disc


def spec_in(domain: str, rng_seed: int, monkeypatch: pytest.MonkeyPatch, drawer: bool = True) -> TaskSpec:
    """A 100 + 100 image spec drafted in `domain` (the base test module drafts in its DOMAIN); without its drawer,
    in the generic silhouettes of its style's pool (what a vocabulary without a drawer, or a detection task, draws:
    every image domain of the catalog names a drawer since 2026-12-04)."""
    found = CATALOG.get(domain)
    if not drawer:
        found = found.model_copy(update={"image": found.image.model_copy(update={"drawer": None})})
    monkeypatch.setattr(base, "DOMAIN", found)
    return base.make_spec(rng_seed, 0.5, n_train=100, n_test=100)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, list]:
    root = tmp_path_factory.mktemp("scenes")
    out = {}
    with pytest.MonkeyPatch.context() as mp:
        for n, domain in enumerate(DOMAINS):
            # 400 + 400 images: at 100 + 100 the half-to-half distance is sampling noise of 0.04-0.12, as large as
            # the gap between domains (ratio below 2 for 7 of 12 pairs of 4 draws, with or without domain silhouettes);
            # at 400 + 400 every pair of those draws was 2.0-5.8 times its halves
            result = synthesize(spec_in(domain, 40 + n, mp), root / domain, n_train=400, n_test=400)
            out[domain] = variety.image_files(result.folder.public)
    return out


def test_the_subject_picks_the_scene_and_a_graded_task_gets_no_cell_blobs():
    rng = np.random.default_rng(0)
    picked = {key: scenes.style_for(CATALOG.get(key).image.subject, rng) for key in
              ("crop_yield", "solar_pv", "outpatient_noshow", "river_quality", "wildlife_monitoring",
               "cnc_maintenance", "ecommerce_returns")}
    assert picked == {"crop_yield": "leaf", "solar_pv": "grid", "outpatient_noshow": "disc",
                      "river_quality": "tissue", "wildlife_monitoring": "terrain", "cnc_maintenance": "streaks",
                      "ecommerce_returns": "object"}
    assert scenes.style_for("a microscope thumbnail", rng, graded=True) == "disc"
    # every style renders a finite, standardized layer
    for style in scenes.STYLES:
        rule = scenes.SceneRule(style=style, strength=0.1, feature_scale=0.2, angle=30.0, rotation_sd=10.0,
                                cover=0.8, blur_max=0.3)
        layer = scenes.draw(rule, 3, 32, np.random.default_rng(1))
        assert layer.field.shape == (3, 32, 32) and np.isfinite(layer.field).all()
        assert np.allclose(layer.field.std(axis=(1, 2)), 0.1, rtol=0.01)


def test_each_domain_draws_its_classes_silhouettes_from_its_scene_styles_pool(monkeypatch):
    """Issue 16: wound, rock-core and PV-defect environments all showed the same striped triangles and crescents.
    Classes are now drawn from their style's pool: round, lobed and clustered forms on cells, straight-edged forms on
    panels, bands and cracks on streaked surfaces; a subject that names no style still draws from every shape."""
    from sandmle_core.modalities.image.drafter import shape_pool
    from sandmle_core.modalities.image.rule import SHAPE_POOLS, SHAPES
    from sandmle_core.modalities.image.synthesizer import _SDF

    assert set(_SDF) == set(SHAPES) and all(set(p) <= set(SHAPES) for p in SHAPE_POOLS.values())
    assert set(SHAPE_POOLS) == set(scenes.STYLES) and min(len(p) for p in SHAPE_POOLS.values()) >= 8
    assert set().union(*SHAPE_POOLS.values()) == set(SHAPES)  # every shape belongs to some style
    assert shape_pool("an X-ray of a parcel at a sorting hub") == SHAPES
    # tissue (river_quality's microscope), panel grid (motor_claims' vehicle panels) and streaked steel
    # (cnc_maintenance), drawn without their drawers (test_image_subjects.py), share nothing between cells and
    # panels, and the panels' straight edges never meet the cells' round forms
    tissue, grid, streaks = (set(shape_pool(CATALOG.get(k).image.subject))
                             for k in ("river_quality", "motor_claims", "cnc_maintenance"))
    assert not tissue & grid and len(streaks - grid) >= 4
    drawn = {}
    for n, domain in enumerate(("river_quality", "motor_claims")):
        for seed in range(4):
            spec = spec_in(domain, 300 + 10 * n + seed, monkeypatch, drawer=False)
            drawn.setdefault(domain, set()).update(p.shape for p in spec.rule.patterns)
    assert drawn["river_quality"] <= tissue and drawn["motor_claims"] <= grid
    assert len(drawn["river_quality"]) >= 4 and len(drawn["motor_claims"]) >= 4  # pools, not one fixed set


def test_environments_of_different_domains_look_apart(built):
    """Each pair of domains lies further apart than random splits of its pooled images (what two samples of one
    rule would give), and one environment's two halves do not."""
    features = {d: variety._features(variety._load(f)) for d, f in built.items()}
    whole = {d: variety._aggregate(f) for d, f in features.items()}
    for a, b in itertools.combinations(DOMAINS, 2):
        between = variety.signature_distance(whole[a], whole[b])
        assert between > variety.ALIKE_FACTOR * variety.null_distance(features[a], features[b]), (a, b, between)
    for d, f in features.items():
        half = len(f) // 2
        apart = variety.signature_distance(variety._aggregate(f[:half]), variety._aggregate(f[half:]))
        assert apart < variety.ALIKE_FACTOR * variety.null_distance(f[:half], f[half:]), d


def test_no_two_images_of_an_environment_are_near_duplicates(built):
    for domain, files in built.items():
        assert variety.near_duplicates(files) == [], domain


def test_a_planted_duplicate_is_caught(built, tmp_path):
    files = built["solar_pv"][:40]
    with Image.open(files[0]) as im:
        pixels = np.asarray(im, dtype=np.float64)
    # fresh noise of 5 grey levels: the domain's look (look.py) narrows an image's tonal range to 0.6-0.95 of the
    # render's, and 8 levels put the copy 0.17 from its original and over 0.2 from the dimmed re-save
    noisy = np.clip(pixels + np.random.default_rng(3).normal(0.0, 5.0, pixels.shape), 0, 255).astype(np.uint8)
    Image.fromarray(noisy).save(tmp_path / "copy.png")
    buffer = io.BytesIO()
    Image.fromarray(np.clip(pixels * 0.8 + 20, 0, 255).astype(np.uint8)).save(buffer, "JPEG", quality=75)
    (tmp_path / "dim.jpg").write_bytes(buffer.getvalue())
    found = variety.near_duplicates([*files, tmp_path / "copy.png", tmp_path / "dim.jpg"])
    assert {frozenset((a.name, b.name)) for a, b, _ in found} == {
        frozenset((files[0].name, "copy.png")), frozenset((files[0].name, "dim.jpg")),
        frozenset(("copy.png", "dim.jpg"))}


def test_scenes_keep_synthesis_byte_reproducible_and_slots_apart(tmp_path, monkeypatch):
    def digest(folder) -> str:
        return hashlib.sha256(b"".join(p.read_bytes() for p in variety.image_files(folder))).hexdigest()

    # the camera-trap drawer draws no scene over its field (object_subjects.py): the generic silhouettes do
    spec = spec_in("wildlife_monitoring", 7, monkeypatch, drawer=False)
    assert spec.rule.scene is not None and spec.rule.scene.style == "terrain"
    assert spec.model_validate_json(spec.model_dump_json()) == spec  # the scene round-trips with the rule
    first = synthesize(spec, tmp_path / "a").folder.public
    again = synthesize(spec_in("wildlife_monitoring", 7, monkeypatch, drawer=False), tmp_path / "b").folder.public
    assert digest(first) == digest(again)
    other = spec_in("wildlife_monitoring", 8, monkeypatch, drawer=False)
    assert other.rule.scene != spec.rule.scene


def test_the_verifier_rejects_a_test_image_copied_from_training(tmp_path):
    profile = TaskProfile.model_validate(profile_seed(get_bundled_seed("digits")).model_dump())
    spec = OfflineStrategist().draft_spec("digits", profile, 0, 5)
    staging = tmp_path / spec.env_id
    staging.mkdir()
    get_backend("offline").developer.build_data(spec, staging)
    folder = EnvFolder.of(staging)
    check = distinct_images_check(spec, folder)
    assert check is not None and check.passed, check
    assert "images_are_distinct" in {c.name for c in realism_checks(spec, folder)}
    train, test = pd.read_csv(folder.train), pd.read_csv(folder.test)
    copied = folder.public / test["image"].iloc[0]
    copied.write_bytes((folder.public / train["image"].iloc[0]).read_bytes())
    check = distinct_images_check(spec, folder)
    assert not check.passed and check.figure == 1 and copied.name in check.detail, check


def _folders_of(built: dict[str, list], tmp_path) -> dict[str, object]:
    """Each domain's images copied into a folder of its own (as alike_environments reads folders)."""
    out = {}
    for domain, files in built.items():
        folder = tmp_path / domain
        folder.mkdir()
        for f in files:
            (folder / f.name).write_bytes(f.read_bytes())
        out[domain] = folder
    return out


def test_environments_of_one_build_are_compared_and_a_look_alike_pair_is_named(built, tmp_path):
    folders = _folders_of(built, tmp_path)
    apart = variety.alike_environments(folders)
    assert apart["environments"] == 3 and apart["alike"] == [], apart
    # the closest pair's distance over its null; None when every pair lies beyond the near-pair screen (2x the
    # factor times the larger own split noise), as the domains' looks put these three
    assert apart["closest"] is None or apart["closest"][3] > variety.ALIKE_FACTOR
    # a fourth "environment" that is the solar panels again under fresh pixel noise: alike, and named
    twin = tmp_path / "twin"
    twin.mkdir()
    rng = np.random.default_rng(5)
    for f in built["solar_pv"]:
        with Image.open(f) as im:
            pixels = np.asarray(im, dtype=np.float64)
        Image.fromarray(np.clip(pixels + rng.normal(0.0, 4.0, pixels.shape), 0, 255).astype(np.uint8)).save(
            twin / f.name)
    found = variety.alike_environments({**folders, "twin": twin})
    assert [pair[:2] for pair in found["alike"]] == [["solar_pv", "twin"]], found
    assert found["closest"][:2] == ["solar_pv", "twin"]


def test_images_shipped_in_zips_are_compared_like_loose_ones(built, tmp_path):
    import zipfile

    folders = _folders_of(built, tmp_path)
    zipped = tmp_path / "zipped"
    zipped.mkdir()
    with zipfile.ZipFile(zipped / "train.zip", "w") as zf:  # the solar panels again, as mle-bench zips them
        for f in built["solar_pv"]:
            zf.writestr(f"train/{f.name}", f.read_bytes())
    found = variety.alike_environments({"loose": folders["solar_pv"], "zipped": zipped,
                                        "leaf": folders["crop_yield"]})
    assert found["environments"] == 3
    assert [pair[:3] for pair in found["alike"]] == [["loose", "zipped", 0.0]], found
