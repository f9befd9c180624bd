"""Subject drawers (issue 16: wounds, rock cores and PV defects all showed the same striped silhouettes): a drawer
domain's images carry its substrate (a PV module's cell grid, a core in its tray, a wafer's die disc), domains of
different drawers are far apart in pixel statistics even with looks and scenes removed, the class names' motifs are
learnable (a plain classifier beats chance well) and the signal is the motifs (one motif for every class: chance),
a detection task draws its domain's subject too, a rule naming an unknown drawer or motif is refused, and a slot
renders byte-identical images."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pytest
from PIL import Image
from pydantic import ValidationError
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score

import tests.core.modalities.test_image as base
from sandmle_core.catalog import load_catalog
from sandmle_core.modalities.image import subjects, variety
from sandmle_core.modalities.image.rule import ClassPattern
from sandmle_core.modalities.image.synthesizer import synthesize
from sandmle_core.taskspec import TaskSpec

CATALOG = load_catalog()
DRAWN = {d.key: d.image.drawer for d in CATALOG.domains if d.image is not None and d.image.drawer is not None}


def spec_in(domain: str, rng_seed: int, monkeypatch: pytest.MonkeyPatch, difficulty: float = 0.3,
            n_test: int = 20) -> TaskSpec:
    monkeypatch.setattr(base, "DOMAIN", CATALOG.get(domain))
    return base.make_spec(rng_seed, difficulty, n_train=200, n_test=n_test)


def bare(spec: TaskSpec) -> TaskSpec:
    """The spec without its domain's look and scene: only the subject is left to tell domains apart."""
    return spec.model_copy(update={"rule": spec.rule.model_copy(update={"look": None, "scene": None})})


def images(spec: TaskSpec, folder) -> tuple[np.ndarray, np.ndarray]:
    """Every image (n, S, S) in [0, 1], training images then test images, and their labels."""
    env = synthesize(spec, folder).folder
    target, ids = spec.target.columns[0], spec.grading.id_column
    test = pd.read_csv(env.test).merge(pd.read_csv(env.answers), on=ids)
    rows = pd.concat([pd.read_csv(env.train), test])
    x = np.stack([np.asarray(Image.open(env.public / p).convert("L"), dtype=float) / 255.0 for p in rows["image"]])
    return x, rows[target].astype(str).to_numpy()


# --- the catalog's drawers ---------------------------------------------------------------------------------------

def test_every_image_domain_names_a_drawer():
    """Issue 16: no image domain falls back to the generic striped silhouettes."""
    imaged = {d.key for d in CATALOG.domains if d.image is not None}
    assert set(DRAWN) == imaged, sorted(imaged - set(DRAWN))
    assert len(set(DRAWN.values())) == len(DRAWN)  # one drawer per domain: each story has its own subject


def test_the_catalog_names_known_drawers_and_every_mapped_class_is_the_domains():
    assert set(DRAWN.values()) == set(subjects.DRAWERS)  # no drawer built and left unused
    for key, name in DRAWN.items():
        drawer = subjects.DRAWERS[name]
        classes = set(CATALOG.get(key).image.classes)
        assert set(drawer.classes) == classes, (key, classes ^ set(drawer.classes))  # every class named, none stale
        assert {*drawer.classes.values(), drawer.default} <= set(subjects.MOTIFS)


@pytest.mark.parametrize("drawer", sorted(subjects.DRAWERS))
def test_every_motif_region_is_a_bounded_shape_inside_its_frame(drawer):
    """Each motif's region is a bounded shape (some of the pattern's frame inside, most of it outside), and two
    class motifs of a drawer differ in their pixels or, covering the same ones (a healthy and a mosaic leaf), in
    their fill or sign."""
    u, v = np.meshgrid(np.linspace(-1.6, 1.6, 81), np.linspace(-1.6, 1.6, 81))
    masks = {}
    for name in dict.fromkeys(subjects.DRAWERS[drawer].classes.values()):
        inside = subjects.MOTIFS[name].region(u, v) < 0
        assert 0.005 < inside.mean() < 0.75, (name, inside.mean())
        masks[name] = inside
    names = sorted(masks)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            looks = {(subjects.MOTIFS[n].texture, subjects.MOTIFS[n].sign) for n in (a, b)}
            assert (masks[a] != masks[b]).any() or len(looks) == 2, (a, b)


def test_a_rule_naming_an_unknown_drawer_or_motif_is_refused(monkeypatch):
    spec = spec_in("solar_pv", 5, monkeypatch)
    assert spec.rule.drawer == "pv_module"
    with pytest.raises(ValidationError, match="unknown subject drawer"):
        type(spec.rule).model_validate({**spec.rule.model_dump(mode="json"), "drawer": "pv_modules"})
    with pytest.raises(ValidationError, match="unknown shape"):
        ClassPattern.model_validate({**spec.rule.patterns[0].model_dump(mode="json"), "shape": "pv_crackle"})
    crops = CATALOG.get("crop_yield")  # a vocabulary without a drawer keeps the generic silhouettes
    monkeypatch.setattr(base, "DOMAIN", crops.model_copy(update={
        "image": crops.image.model_copy(update={"drawer": None})}))
    generic = base.make_spec(5, 0.3, n_train=200, n_test=20)
    assert generic.rule.drawer is None and "drawer" not in generic.rule.model_dump(mode="json")


@pytest.mark.parametrize("domain", ["aircraft_maintenance", "solar_pv", "haul_trucks", "motor_claims"])
def test_a_detection_task_draws_the_domains_subject(domain, monkeypatch):
    """Issue 16: a detection task draws its domain's drawer, the look-alike's motif (class 0) and the detected
    class's (class 1), named by the target's two words, the detected class the stronger; a vocabulary without a
    drawer keeps one generic silhouette shared by both classes (issue 14)."""
    vocab = CATALOG.get(domain).image
    monkeypatch.setattr(base, "DOMAIN", CATALOG.get(domain))
    spec = base.make_spec(3, 0.4, metric="auc", task_type=base.TaskType.BINARY, n_test=20)
    negative, positive = spec.rule.patterns
    assert spec.rule.drawer == vocab.drawer
    word = spec.target.columns[0].removeprefix("is_")
    assert positive.shape == subjects.motif_of(vocab.drawer, word) and negative.shape in subjects.MOTIFS
    assert positive.intensity > negative.intensity
    monkeypatch.setattr(base, "DOMAIN", CATALOG.get(domain).model_copy(update={
        "image": vocab.model_copy(update={"drawer": None})}))
    generic = base.make_spec(3, 0.4, metric="auc", task_type=base.TaskType.BINARY, n_test=20).rule
    assert generic.drawer is None and generic.patterns[0].shape == generic.patterns[1].shape
    assert generic.patterns[0].shape not in subjects.MOTIFS


def test_detection_images_show_the_substrate_and_the_finding(tmp_path, monkeypatch):
    """A PV detection task's images carry the cell grid (gaps darker than cells, as a multi-class task's), and the
    classes are told apart by their motifs: a plain classifier on 16x16 pixels beats chance well, and falls to
    chance when both classes are drawn as the look-alike."""
    monkeypatch.setattr(base, "DOMAIN", CATALOG.get("solar_pv"))
    spec = bare(base.make_spec(5, 0.2, metric="auc", task_type=base.TaskType.BINARY, n_train=200, n_test=200))
    x, y = images(spec, tmp_path / "signal")
    centre = (np.arange(x.shape[1]) + 0.5) / x.shape[1] * 2.0 - 1.0
    cell = np.mod((centre + 1.0) * 1.5, 1.0)
    gaps = np.minimum(cell, 1.0 - cell) < 0.06
    column_means = x.mean(axis=(0, 1))
    assert column_means[gaps].mean() < column_means[~gaps].mean() - 0.03

    def accuracy(pixels: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
        pooled = pixels.reshape(len(pixels), 16, 2, 16, 2).mean(axis=(2, 4)).reshape(len(pixels), -1)
        chance = pd.Series(labels).value_counts(normalize=True).max()
        return float(cross_val_score(LogisticRegression(C=0.5, max_iter=2000), pooled, labels, cv=4).mean()), chance

    with_signal, chance = accuracy(x, y)
    assert with_signal > chance + 0.2, (with_signal, chance)
    alike = spec.model_copy(update={"rule": spec.rule.model_copy(update={
        "patterns": (spec.rule.patterns[0], spec.rule.patterns[0])})})
    without, chance = accuracy(*images(alike, tmp_path / "none"))
    assert without < chance + 0.1, (without, chance)


def test_each_class_draws_its_names_motif(monkeypatch):
    for key, name in DRAWN.items():
        spec = spec_in(key, 7, monkeypatch)
        assert [p.shape for p in spec.rule.patterns] == [subjects.motif_of(name, c) for c in spec.target.classes]


# --- what the images show -----------------------------------------------------------------------------------------

def test_the_substrate_shows_in_the_images(tmp_path, monkeypatch):
    """Averaged over an environment, a PV module's cell gaps are darker than its cells, a core's tray darker than the
    core, a wafer's corners darker than its dies (the class-independent substrate of each drawer)."""
    mean = {key: images(bare(spec_in(key, 3, monkeypatch)), tmp_path / key)[0].mean(axis=0)
            for key in ("solar_pv", "haul_trucks", "wafer_fab")}
    size = mean["solar_pv"].shape[0]
    centre = (np.arange(size) + 0.5) / size * 2.0 - 1.0
    cell = np.mod((centre + 1.0) * 1.5, 1.0)
    gaps = np.minimum(cell, 1.0 - cell) < 0.06  # pixel columns on a gap between cells
    pv = mean["solar_pv"]
    assert pv[:, gaps].mean() < pv[:, ~gaps].mean() - 0.05
    core = mean["haul_trucks"]
    assert core[np.abs(centre) > 0.8].mean() < core[np.abs(centre) < 0.5].mean() - 0.1
    wafer = mean["wafer_fab"]
    ring = np.hypot(centre[None, :], centre[:, None])
    assert wafer[ring > 1.0].mean() < wafer[ring < 0.6].mean() - 0.1


def test_domains_of_different_drawers_are_far_apart_without_looks_or_scenes(tmp_path, monkeypatch):
    found = {}
    for key in DRAWN:
        public = synthesize(bare(spec_in(key, 11, monkeypatch)), tmp_path / key).folder.public
        found[key] = variety.environment_features(public)
    keys = sorted(found)
    for i, a in enumerate(keys):
        for b in keys[i + 1:]:
            distance, null = variety.compare_environments(found[a], found[b], variety.own_noise(found[a]),
                                                          variety.own_noise(found[b]), factor=1e9)
            assert null is not None and distance > 2 * variety.ALIKE_FACTOR * null, (a, b, distance / null)


@pytest.mark.parametrize("domain", sorted(DRAWN))
def test_the_class_signal_is_the_motifs(domain, tmp_path, monkeypatch):
    """A logistic regression on 16x16 pixels tells the classes apart well above chance; with every class drawn as
    the first class's motif and texture (the signal removed), it falls to chance."""
    spec = bare(spec_in(domain, 4, monkeypatch, difficulty=0.2, n_test=200))

    def accuracy(s: TaskSpec, folder) -> tuple[float, float]:
        x, y = images(s, folder)
        pooled = x.reshape(len(x), 16, 2, 16, 2).mean(axis=(2, 4)).reshape(len(x), -1)
        chance = pd.Series(y).value_counts(normalize=True).max()
        return float(cross_val_score(LogisticRegression(C=0.5, max_iter=2000), pooled, y, cv=4).mean()), chance

    with_signal, chance = accuracy(spec, tmp_path / "signal")
    assert with_signal > chance + 0.25, (with_signal, chance)
    same = spec.rule.patterns[0]
    removed = spec.model_copy(update={"rule": spec.rule.model_copy(update={
        "patterns": tuple(same for _ in spec.rule.patterns)})})
    without, chance = accuracy(removed, tmp_path / "none")
    assert without < chance + 0.1, (without, chance)


def test_a_slot_renders_byte_identical_images(tmp_path, monkeypatch):
    def digest(folder) -> str:
        return hashlib.sha256(b"".join(p.read_bytes() for p in variety.image_files(folder))).hexdigest()

    spec, again = spec_in("solar_pv", 9, monkeypatch), spec_in("solar_pv", 9, monkeypatch)
    assert spec == again
    assert digest(synthesize(spec, tmp_path / "a").folder.public) == digest(
        synthesize(again, tmp_path / "b").folder.public)
