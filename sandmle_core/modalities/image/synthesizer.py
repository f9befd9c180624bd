"""Synthesizing an image environment: labels and per-image nuisance drawn, images rendered, tables written.

`synthesize` draws labels and per-image nuisance from the slot's streams (`SlotStreams`), renders the images in
vectorized chunks with numpy and writes them with Pillow at fixed parameters (PNG without timestamps), so the same
spec always gives byte-identical files, at any size. A rule with `names` (a labels-in-names seed, dogs vs. cats)
writes no tables: its images go out in the seed's own layout through `named.write_named` (JPEG at a fixed quality,
zip members with a fixed date).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from PIL import Image

from sandmle_core.envfolder import EnvFolder
from sandmle_core.errors import SpecError
from sandmle_core.modalities.base import SynthesisResult
from sandmle_core.modalities.classes import ClassPlan, name_with_label, oracle_submission, plan_classes
from sandmle_core.modalities.image import onehot, scenes, subjects
from sandmle_core.modalities.image.colour import colourize
from sandmle_core.modalities.image.drafter import IMAGE_COLUMN
from sandmle_core.modalities.image.named import NameLayout, file_name, write_named
from sandmle_core.modalities.image.ordinal import add_lesions
from sandmle_core.modalities.image.rule import SHAPES, ImageRule
from sandmle_core.slots import SlotStreams

if TYPE_CHECKING:
    from sandmle_core.taskspec import TaskSpec

__all__ = ["IMAGE_DIR", "image_paths", "render_images", "synthesize"]

IMAGE_DIR = "images"

CHUNK = 1024  # images rendered per vectorized batch; fixed so that noise streams never depend on the data size
MAX_BLOTCHES = 4

# --- rendering -------------------------------------------------------------------------------------------------

def _box(u: np.ndarray, v: np.ndarray, half: float) -> np.ndarray:
    return np.maximum(np.abs(u), np.abs(v)) - half


def _checker(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    a, b = np.mod(u + 0.9, 0.6), np.mod(v + 0.9, 0.6)
    parity = (np.floor((u + 0.9) / 0.6) + np.floor((v + 0.9) / 0.6)) % 2
    edge = np.minimum(np.minimum(a, 0.6 - a), np.minimum(b, 0.6 - b))
    return np.maximum(_box(u, v, 0.9), np.where(parity == 0, -edge, edge))


_TRIANGLE = [(np.cos(np.deg2rad(a)), np.sin(np.deg2rad(a))) for a in (90.0, 210.0, 330.0)]

_SDF: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    # signed distances in silhouette units (negative inside); only their sign and scale near the edge matter
    "circle": lambda u, v: np.hypot(u, v) - 1.0,
    "ring": lambda u, v: np.abs(np.hypot(u, v) - 0.72) - 0.28,
    "square": lambda u, v: _box(u, v, 0.85),
    "cross": lambda u, v: np.minimum(np.maximum(np.abs(u) - 0.3, np.abs(v) - 1.0),
                                     np.maximum(np.abs(u) - 1.0, np.abs(v) - 0.3)),
    "triangle": lambda u, v: np.maximum.reduce([u * c + v * s for c, s in _TRIANGLE]) - 0.5,
    "diamond": lambda u, v: (np.abs(u) + np.abs(v) - 1.0) * 0.7071,
    "bar": lambda u, v: np.maximum(np.abs(u) - 1.0, np.abs(v) - 0.35),
    "crescent": lambda u, v: np.maximum(np.hypot(u, v) - 1.0, 0.8 - np.hypot(u - 0.5, v)),
    "dots": lambda u, v: np.hypot(np.abs(u) - 0.5, np.abs(v) - 0.5) - 0.38,
    "stripes": lambda u, v: np.maximum(_box(u, v, 0.9), np.abs(np.mod(v + 0.9, 0.6) - 0.3) - 0.15),
    "checker": _checker,
    "blob": lambda u, v: np.hypot(u, v) - (0.85 + 0.2 * np.cos(3.0 * np.arctan2(v, u))),
    "lobes": lambda u, v: np.hypot(u, v) - (0.78 + 0.22 * np.cos(5.0 * np.arctan2(v, u))),
    "cluster": lambda u, v: np.minimum.reduce([np.hypot(u - 0.45 * c, v - 0.45 * s) - 0.52 for c, s in _TRIANGLE]),
    "cell": lambda u, v: np.minimum(np.abs(np.hypot(u, v) - 0.78) - 0.2, np.hypot(u, v) - 0.32),
    "arc": lambda u, v: np.maximum(np.abs(np.hypot(u, v + 0.3) - 0.75) - 0.28, -(v + 0.3)),
    "hexagon": lambda u, v: np.maximum(np.abs(u) * 0.866 + np.abs(v) * 0.5, np.abs(v)) - 0.88,
    "crack": lambda u, v: np.maximum(np.abs(u) - 1.0,
                                     np.abs(v - 0.35 * (4.0 * np.abs(np.mod(0.75 * u + 0.25, 1.0) - 0.5) - 1.0))
                                     - 0.27),
}


@dataclass(frozen=True)
class _Nuisance:
    """Per-image nuisance draws (arrays of length n)."""

    dx: np.ndarray
    dy: np.ndarray
    scale: np.ndarray
    rotation: np.ndarray
    phase: np.ndarray
    background: np.ndarray
    contrast: np.ndarray
    illumination: np.ndarray
    light_angle: np.ndarray
    noise: np.ndarray
    blotches: np.ndarray  # (n, MAX_BLOTCHES, 6): active, x, y, radius, value, opacity

    def take(self, rows: slice) -> _Nuisance:
        return _Nuisance(**{name: getattr(self, name)[rows] for name in self.__dataclass_fields__})


def _draw_nuisance(rule: ImageRule, n: int, rng: np.random.Generator) -> _Nuisance:
    count = np.minimum(rng.poisson(rule.blotch_rate, n), MAX_BLOTCHES)
    blotches = np.stack([
        (np.arange(MAX_BLOTCHES)[None, :] < count[:, None]).astype(float),
        rng.uniform(-0.9, 0.9, (n, MAX_BLOTCHES)),
        rng.uniform(-0.9, 0.9, (n, MAX_BLOTCHES)),
        rng.uniform(*rule.blotch_radius, (n, MAX_BLOTCHES)),
        rng.uniform(0.0, 1.0, (n, MAX_BLOTCHES)),
        rng.uniform(0.6, 0.95, (n, MAX_BLOTCHES)),
    ], axis=-1)
    return _Nuisance(
        dx=rng.uniform(-rule.jitter, rule.jitter, n),
        dy=rng.uniform(-rule.jitter, rule.jitter, n),
        scale=np.clip(np.exp(rng.normal(0.0, rule.scale_sd, n)), 0.6, 1.5),
        rotation=rng.normal(0.0, rule.rotation_sd, n),
        phase=rng.uniform(0.0, 2 * np.pi, n),
        background=rng.uniform(*rule.background_range, n),
        contrast=rng.uniform(*rule.contrast_range, n),
        illumination=rng.uniform(0.0, rule.illumination, n),
        light_angle=rng.uniform(0.0, 2 * np.pi, n),
        noise=rule.noise_sd * rng.uniform(0.5, 1.5, n),
        blotches=blotches,
    )


def _subject(rule: ImageRule, labels: np.ndarray, nuisance: _Nuisance, frame: tuple[np.ndarray, np.ndarray],
             coords: tuple[np.ndarray, np.ndarray], col: dict[str, np.ndarray],
             per: Callable[[np.ndarray], np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """A subject drawer's render before lighting: background + contrast x (the substrate in the image's shifted
    frame, lifted towards 1 under a bright motif, pressed towards 0 under a dark one), and the motifs' mask."""
    drawer = subjects.DRAWERS[str(rule.drawer)]
    u, v = coords
    size = rule.image_size
    radius = nuisance.scale * col["size"]
    substrate = drawer.substrate(*frame).astype(np.float32)
    t_angle = np.deg2rad(col["texture_angle"])
    cos, sin = per(np.cos(t_angle)), per(np.sin(t_angle))
    along, across = u * cos + v * sin, v * cos - u * sin
    mask, wave = np.zeros_like(u), np.zeros_like(u)
    shapes = [p.shape for p in rule.patterns]
    for shape in dict.fromkeys(shapes):
        rows = np.isin(labels, [i for i, s in enumerate(shapes) if s == shape])
        motif = subjects.MOTIFS[shape]
        distance = motif.region(u[rows], v[rows])
        mask[rows] = np.clip(0.5 - distance / per((2.0 / size) / radius[rows]), 0.0, 1.0)
        wave[rows] = subjects.fill(motif.texture, along[rows], across[rows], per(col["texture_freq"][rows]),
                                   per(nuisance.phase[rows]))
    sign = per(np.array([subjects.MOTIFS[s].sign for s in shapes])[labels])
    strength = per(col["intensity"]) * mask * (1.0 - per(col["texture_amp"]) * (0.5 - 0.5 * wave))
    strength = np.minimum(strength, 1.0)  # a bright motif lifts the substrate towards white, a dark one towards black
    fg = substrate + sign * strength * np.where(sign > 0, 1.0 - substrate, substrate)
    return per(nuisance.background) + per(nuisance.contrast) * fg, mask


def render_images(rule: ImageRule, labels: np.ndarray, nuisance: _Nuisance, brightness: np.ndarray,
                  noise_gain: np.ndarray, rng: np.random.Generator,
                  scene: scenes.SceneLayer | None = None) -> np.ndarray:
    """Render a batch of images of true classes `labels` (indices into rule.patterns) as uint8 (m, S, S), on the
    batch's scene layer when the rule has one (damped under the silhouette, so the pattern keeps its contrast)."""
    size = rule.image_size
    grid = ((np.arange(size) + 0.5) / size * 2.0 - 1.0).astype(np.float32)
    gx, gy = grid[None, None, :], grid[None, :, None]
    table = {f: np.array([getattr(p, f) for p in rule.patterns], dtype=np.float64)
             for f in ("size", "aspect", "tilt", "texture_freq", "texture_angle", "texture_amp", "intensity")}
    col = {f: values[labels] for f, values in table.items()}

    def per(a: np.ndarray) -> np.ndarray:
        return a.astype(np.float32)[:, None, None]

    theta = np.deg2rad(nuisance.rotation + col["tilt"])
    radius = nuisance.scale * col["size"]
    xs, ys = gx - per(nuisance.dx), gy - per(nuisance.dy)
    cos, sin = per(np.cos(theta)), per(np.sin(theta))
    u = (xs * cos + ys * sin) / per(radius * col["aspect"])
    v = (ys * cos - xs * sin) / per(radius / col["aspect"])
    if rule.drawer is None:
        shape_of = np.array([SHAPES.index(p.shape) for p in rule.patterns])[labels]
        distance = np.empty_like(u)
        for index in np.unique(shape_of):
            rows = shape_of == index
            distance[rows] = _SDF[SHAPES[index]](u[rows], v[rows])
        mask = np.clip(0.5 - distance / per((2.0 / size) / radius), 0.0, 1.0)
        t_angle = np.deg2rad(col["texture_angle"])
        wave = np.sin(per(2 * np.pi * col["texture_freq"]) * (u * per(np.cos(t_angle)) + v * per(np.sin(t_angle)))
                      + per(nuisance.phase))
        texture = 1.0 - per(col["texture_amp"]) * (0.5 - 0.5 * wave)
        img = per(nuisance.background) + per(nuisance.contrast * col["intensity"]) * mask * texture
    else:  # the domain's subject: its substrate, and each class's motif on it (subjects.py)
        spread = subjects.DRAWERS[str(rule.drawer)].spread - 1.0  # a motif shifted further than its substrate
        if spread:
            xm, ym = xs - spread * per(nuisance.dx), ys - spread * per(nuisance.dy)
            u = (xm * cos + ym * sin) / per(radius * col["aspect"])
            v = (ym * cos - xm * sin) / per(radius / col["aspect"])
        img, mask = _subject(rule, labels, nuisance, (xs, ys), (u, v), col, per)
    if scene is not None and rule.scene is not None:
        img = img + scene.field * (1.0 - rule.scene.cover * mask)
    img = img + per(nuisance.illumination) * (gx * per(np.cos(nuisance.light_angle))
                                              + gy * per(np.sin(nuisance.light_angle)))
    img = img * per(brightness)
    for b in range(MAX_BLOTCHES):
        active, bx, by, br, value, opacity = (nuisance.blotches[:, b, j] for j in range(6))
        weight = per(active * opacity) * np.exp(-((gx - per(bx)) ** 2 + (gy - per(by)) ** 2) / per(2 * br**2))
        img = img * (1.0 - weight) + weight * per(value)
    if scene is not None:
        img = scenes.blur(img, scene.blur)
    noise = rng.standard_normal(img.shape, dtype=np.float32)
    if rule.look is not None:  # the domain's tone curve and grain; the noise scales with the tonal range
        img = rule.look.tone(img)
        noise = rule.look.grained(noise) * rule.look.span
    img = img + noise * per(nuisance.noise * noise_gain)
    return np.round(np.clip(img, 0.0, 1.0) * 255.0).astype(np.uint8)


# --- synthesis -------------------------------------------------------------------------------------------------


def _metadata_values(rule: ImageRule, truth: np.ndarray, rng: np.random.Generator
                     ) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """The metadata columns' values, and the per-image brightness and noise gains they drive."""
    n = len(truth)
    brightness, noise_gain = np.ones(n), np.ones(n)
    values_of: dict[str, np.ndarray] = {}
    for m in rule.metadata:
        z = np.clip(rng.standard_normal(n), -2.5, 2.5)
        if m.effect == "brightness":
            brightness = np.exp(0.18 * z)
        elif m.effect == "noise":
            noise_gain = np.exp(0.3 * z)
        values = np.round(m.mean + m.sd * (z + np.array(m.class_shift)[truth]), m.decimals)
        values[rng.random(n) < m.missing_rate] = np.nan
        values_of[m.name] = values
    return values_of, brightness, noise_gain


def image_paths(rule: ImageRule, ids: list[str], published: list[str], n_train: int) -> list[str]:
    """Each image's path relative to the data folder: `images/<id>.png`; with `label_in_name` a training image is
    `images/<id>_<label>.png` (its published label, as dogs vs. cats names its photos); test names never carry one."""
    return [f"{IMAGE_DIR}/{name_with_label(i, label) if rule.label_in_name and row < n_train else i}.png"
            for row, (i, label) in enumerate(zip(ids, published, strict=True))]


def _render_chunks(rule: ImageRule, truth: np.ndarray, streams: SlotStreams, brightness: np.ndarray,
                   noise_gain: np.ndarray) -> Iterator[tuple[slice, np.ndarray]]:
    """Every image's pixels, chunk by chunk: (rows, uint8 (m, S, S))."""
    n = len(truth)
    nuisance = _draw_nuisance(rule, n, streams("synth", "nuisance"))
    for chunk, start in enumerate(range(0, n, CHUNK)):
        rows = slice(start, min(n, start + CHUNK))
        layer = (None if rule.scene is None else  # the scene's own stream: pixel noise draws stay as they were
                 scenes.draw(rule.scene, len(truth[rows]), rule.image_size, streams("synth", "scene", chunk)))
        pixels = render_images(rule, truth[rows], nuisance.take(rows), brightness[rows], noise_gain[rows],
                               streams("synth", "pixels", chunk), layer)
        if rule.lesions is not None:  # an ordinal task: the grade's lesions, from their own stream
            pixels = add_lesions(pixels, truth[rows], rule.lesions, streams("synth", "lesions", chunk))
        if rule.colour is not None:  # a colour seed: RGB of the same luminance, tints from their own stream
            pixels = colourize(pixels, rule.colour, streams("synth", "colour", chunk))
        yield rows, pixels


def _write_images(rule: ImageRule, truth: np.ndarray, ids: list[str], streams: SlotStreams, image_dir: Path,
                  brightness: np.ndarray, noise_gain: np.ndarray) -> None:
    if image_dir.exists():
        shutil.rmtree(image_dir)  # stale images of an earlier, larger run must not linger
    image_dir.mkdir(parents=True)
    for rows, pixels in _render_chunks(rule, truth, streams, brightness, noise_gain):
        for rel, array in zip(ids[rows], pixels, strict=True):
            Image.fromarray(array).save(image_dir.parent / rel, format="PNG", optimize=False,
                                        compress_level=6)


def _synthesize_named(spec: TaskSpec, folder: EnvFolder, plan: ClassPlan, names: NameLayout) -> pd.DataFrame:
    """The seed's labels-in-names layout (`named.py`): training images `<word>.<n>` numbered per word in row order,
    test images `1..n_test` in row order, packed as the seed packs them; no train.csv or test.csv. Returns the test
    rows (`id`, `_truth`, the published label) for the answers."""
    rule = spec.rule
    assert isinstance(rule, ImageRule)
    n = len(plan.truth)
    channels = (3,) if rule.colour is not None else ()  # a colour seed's images are RGB
    pixels = np.empty((n, rule.image_size, rule.image_size, *channels), dtype=np.uint8)
    ones = np.ones(n)
    for rows, chunk in _render_chunks(rule, plan.truth, plan.streams, ones, ones):
        pixels[rows] = chunk
    counters = dict.fromkeys(names.words, 0)
    train: list[tuple[str, np.ndarray]] = []
    for row in range(plan.n_train):
        word = names.words[int(plan.noisy[row])]  # the published (noisy) label is what the name says
        train.append((file_name(names, word, counters[word]), pixels[row]))
        counters[word] += 1
    test_ids = [str(j + 1) if names.numeric_ids else plan.ids[plan.n_train + j] for j in range(plan.n_test)]
    test = [(f"{i}{names.extension}", pixels[plan.n_train + j]) for j, i in enumerate(test_ids)]
    write_named(names, folder.public, {"train": train, "test": test})
    rows = slice(plan.n_train, n)
    return pd.DataFrame({spec.grading.id_column: test_ids, "_truth": plan.truth[rows],
                         spec.target.columns[0]: [plan.classes[int(i)] for i in plan.noisy[rows]]})


def synthesize(spec: TaskSpec, folder: EnvFolder | Path, *, n_train: int | None = None,
               n_test: int | None = None) -> SynthesisResult:
    """Write train/test CSVs, the PNGs, the answers and the oracle submission of an image spec under `folder`.

    Raises:
        SpecError: when the spec is not an image spec or its classes do not match the rule.
    """
    rule = spec.rule
    if not isinstance(rule, ImageRule):
        raise SpecError(f"the image synthesizer needs an image rule, the spec has a {rule.kind} rule")
    if rule.cues is not None:  # multi-label findings (ranzcr's shape)
        from sandmle_core.modalities.image.multilabel import synthesize_multilabel

        return synthesize_multilabel(spec, folder, n_train=n_train, n_test=n_test)
    if rule.silhouettes is not None:  # silhouettes + descriptors (leaf classification): its own tables and JPEGs
        from sandmle_core.modalities.image import leaf

        return leaf.synthesize(spec, folder, n_train=n_train, n_test=n_test)
    if rule.spots is not None:  # image + metadata (siim-isic): its own tables and JPEGs
        from sandmle_core.modalities.image import metadata

        return metadata.synthesize(spec, folder, n_train=n_train, n_test=n_test)
    one_hot = len(spec.target.columns) > 1  # one 0/1 column per class (plant pathology)
    plan = plan_classes(onehot.planning_spec(spec) if one_hot else spec, len(rule.patterns), rule.class_weights,
                        rule.label_noise, "img", n_train, n_test)
    classes, n_train, n_test, k = plan.classes, plan.n_train, plan.n_test, len(plan.classes)
    truth, noisy, ids, streams = plan.truth, plan.noisy, plan.ids, plan.streams
    folder = EnvFolder.of(folder)
    folder.make_data_dirs()
    if rule.names is not None:  # the seed's own layout: images named by their label, no tables
        return _finish_named(spec, folder, plan, rule.names)
    meta_values, brightness, noise_gain = _metadata_values(rule, truth, streams("synth", "metadata"))
    paths = image_paths(rule, ids, [classes[int(i)] for i in noisy], n_train)
    _write_images(rule, truth, paths, streams, folder.public / IMAGE_DIR, brightness, noise_gain)

    g, target = spec.grading, spec.target.columns[0]
    frame = pd.DataFrame({g.id_column: ids, IMAGE_COLUMN: paths})
    for name, values in meta_values.items():
        frame[name] = values
    frame[target] = [classes[int(i)] for i in noisy]
    frame["_truth"] = truth
    train = frame.iloc[:n_train].sort_values(g.id_column, kind="stable")
    test = frame.iloc[n_train:].sort_values(g.id_column, kind="stable")
    if one_hot:
        onehot.write_tables(spec, folder, train, test, target, classes, rule.label_noise)
    else:
        train.drop(columns=["_truth"]).to_csv(folder.train, index=False)
        test.drop(columns=[target, "_truth"]).to_csv(folder.test, index=False)
        test[[g.id_column, target]].to_csv(folder.answers, index=False)
        oracle = oracle_submission(spec, test[g.id_column].tolist(), test["_truth"].to_numpy(), classes,
                                   rule.label_noise)
        oracle.to_csv(folder.oracle_submission, index=False)

    def counts(part: pd.DataFrame) -> dict[str, int]:
        return {c: int((part[target] == c).sum()) for c in classes}

    stats = {
        "n_classes": k,
        "image_size": rule.image_size,
        "train_class_counts": counts(train),
        "test_class_counts": counts(test),
        "label_noise_share": round(float((noisy != truth).mean()), 4),
        "metadata_columns": [m.name for m in rule.metadata],
        "label_in_name": rule.label_in_name,
    }
    return SynthesisResult(folder=folder, n_train=n_train, n_test=n_test, stats=stats)


def _finish_named(spec: TaskSpec, folder: EnvFolder, plan: ClassPlan, names: NameLayout) -> SynthesisResult:
    """Write a labels-in-names environment's images, answers and oracle submission."""
    test = _synthesize_named(spec, folder, plan, names)
    id_column, target = spec.grading.id_column, spec.target.columns[0]
    for stale in (folder.train, folder.test):  # an earlier run's tables must not linger
        stale.unlink(missing_ok=True)
    test[[id_column, target]].to_csv(folder.answers, index=False)
    oracle_submission(spec, test[id_column].tolist(), test["_truth"].to_numpy(), plan.classes,
                      spec.rule.label_noise).to_csv(folder.oracle_submission, index=False)
    published = np.asarray(plan.noisy)
    stats = {
        "n_classes": len(plan.classes),
        "image_size": spec.rule.image_size,
        "train_class_counts": {c: int((published[:plan.n_train] == j).sum()) for j, c in enumerate(plan.classes)},
        "test_class_counts": {c: int((published[plan.n_train:] == j).sum()) for j, c in enumerate(plan.classes)},
        "label_noise_share": round(float((plan.noisy != plan.truth).mean()), 4),
        "name_layout": names.model_dump(mode="json"),
    }
    return SynthesisResult(folder=folder, n_train=plan.n_train, n_test=plan.n_test, stats=stats)
