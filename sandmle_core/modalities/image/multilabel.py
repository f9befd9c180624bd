"""Multi-label image tasks (ranzcr-clip-catheter-line-classification's shape): several 0/1 findings per image,
each told by its own tube-like curve, scored by mean column-wise ROC AUC over a subset of the label columns.

Every image renders one shared pattern (the "anatomy", under the usual nuisance); each label, when present, adds
a bright curve of its own anchor, orientation and bend (`CueRule`). Labels are independent Bernoulli draws; the
noise knob `faint_share` (drafted from the difficulty, so the verifier's repairs move it) draws some present curves
nearly invisible. As in ranzcr, train.csv also holds a train-only group column (images of one group share framing
and background; groups are drawn independently of the labels, so the column leaks none), named as the seed names its
own (ranzcr's `PatientID`) or, for a seed without one, as the domain names what its images share (`field_id`),
and the last labels are in train.csv and the answers but not scored nor submitted (mle-bench's ranzcr grader
scores 9 of its 11 columns). The files keep ranzcr's layout: grayscale JPEGs in `train/` and `test/` named
`<StudyInstanceUID>.jpg`, and `train_annotations.csv` (`StudyInstanceUID,label,data`) holding, for a fixed share of
the training images, the drawn curve of each finding they show as a list of `[x, y]` pixel points — the very points
the renderer drew, never a test image's. Like the seed, an environment has no test.csv when the seed has none (the
test ids are the names in `test/` and the sample submission's ids) and no image column in train.csv when the seed's
has none (`CueRule.test_table`, `CueRule.image_column`); `public_tables` gives the table view that row-wise checks
read either way. `draft_target` and `draft_cues` are the drafter's half, `synthesize_multilabel` the synthesizer's.

Imports: numpy, pandas, Pillow (when writing), helpers of the image synthesizer, and the spec models.
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sandmle_core.envfolder import EnvFolder
from sandmle_core.errors import SpecError
from sandmle_core.modalities.base import SynthesisResult, class_count_range
from sandmle_core.modalities.image.rule import IMAGE_COLUMN, CueRule, ImageRule
from sandmle_core.modalities.labelsets import balanced_labels
from sandmle_core.slots import SlotStreams
from sandmle_core.spec import TargetSpec

if TYPE_CHECKING:
    from sandmle_core.catalog.schema import ImageVocab
    from sandmle_core.modalities.base import Draft, DraftContext
    from sandmle_core.taskspec import TaskSpec

__all__ = ["ANNOTATIONS", "add_cues", "draft", "draft_cues", "draft_target", "polyline", "public_tables", "seed_group",
           "seed_tables", "synthesize_multilabel"]

_SAMPLES = 24  # points along a curve; closer than a pixel at the largest length
ANNOTATIONS = "train_annotations.csv"  # ranzcr's file name, in the public folder
ANNOTATION_COLUMNS = ("label", "data")  # after the id column, as ranzcr's
PARTS = ("train", "test")  # the image folders, named as ranzcr's
# ranzcr annotates 9,095 of its 30,083 training images; a little more here, so that a 100-image training set still
# has a few curves of every finding
ANNOTATED_SHARE = 0.4
JPEG_QUALITY = 90  # fixed, no optimize pass: the same pixels give the same bytes


def draft_target(vocab: ImageVocab, cardinality: int | None, n_targets: int,
                 rng: np.random.Generator) -> tuple[TargetSpec, tuple[str, ...]]:
    """The labels (vocabulary classes as findings, in vocabulary order) and the scored ones.

    As many labels as the seed has (within its class-count range), and as many unscored trailing labels as the
    seed keeps out of its submission (ranzcr: 11 labels, 9 scored), at least 3 scored.

    Raises:
        SpecError: when the vocabulary has too few classes.
    """
    low, high = class_count_range(cardinality or 5)
    high = min(high, len(vocab.classes))
    if high < low:
        raise SpecError(f"the image vocabulary has {len(vocab.classes)} classes; the seed needs >= {low} labels")
    k = int(rng.integers(low, high + 1))
    labels = tuple(vocab.classes[int(i)] for i in sorted(rng.choice(len(vocab.classes), size=k, replace=False)))
    unscored = max(0, (cardinality or k) - n_targets) if n_targets else 0
    unscored = min(unscored, k - 3)
    # a noun phrase: the story asks for "the set of ...", the column table repeats it per label
    finding = vocab.label.replace("_", " ").removesuffix(" finding")  # "blade finding" → "blade findings"
    target = TargetSpec(columns=labels, description=f"{finding} findings visible in the image (several can show at "
                                                    "once)")
    return target, labels[: k - unscored]


def draft_cues(k: int, rng: np.random.Generator, difficulty: float, *, test_table: bool = True,
               image_column: bool = True, group: tuple[str, str] = ("PatientID", "patient")) -> CueRule:
    """One curve per label: anchors spread over the image, orientations 180/k apart (shuffled), and a faint share
    that grows with the difficulty; `test_table` and `image_column` keep the seed's tables, `group` is the group
    column's name and noun (no draw depends on these)."""
    angles = (np.arange(k) * 180.0 / k + rng.uniform(0.0, 180.0 / k) + rng.uniform(-4.0, 4.0, k)) % 180.0
    return CueRule(
        prevalence=tuple(round(float(p), 3) for p in rng.uniform(0.15, 0.45, k)),
        anchors=tuple((round(float(x), 3), round(float(y), 3)) for x, y in rng.uniform(-0.45, 0.45, (k, 2))),
        angles=tuple(round(float(a), 2) for a in rng.permutation(angles)),
        bends=tuple(round(float(b), 3) for b in rng.uniform(-0.35, 0.35, k)),
        length=round(float(rng.uniform(0.8, 1.1)), 3),
        width=round(float(rng.uniform(0.045, 0.06)), 4),
        contrast=round(float(rng.uniform(0.3, 0.42)), 4),
        jitter=round(0.08 + 0.12 * float(difficulty), 4),
        faint_share=round(0.05 + 0.3 * float(difficulty), 4),
        test_table=test_table, image_column=image_column, group_column=group[0], group_noun=group[1],
    )


def seed_tables(details: dict) -> tuple[bool, bool]:
    """Whether the seed ships a test table and an image column, from its profile's details (ranzcr: neither; a seed
    whose profile does not list its files, or an exported environment that has them, keeps both)."""
    files = details.get("files")
    if not isinstance(files, dict):
        return True, True
    return files.get("test") is not None, details.get("image_column") is not None


def seed_group(details: dict) -> tuple[str, str] | None:
    """The seed's own group column and its noun, from its profile's details: the first train-only column named as
    an entity key (ranzcr's `PatientID`, "patient"; its unscored label columns are not), or None."""
    from sandmle_core.profiling.roles import is_entity_key

    dna = details.get("dna") or {}
    column = next((str(c) for c in dna.get("train_only_columns") or () if is_entity_key(str(c))), None)
    if column is None:
        return None
    words = re.sub(r"([a-z])([A-Z])", r"\1 \2", column[:-2]).replace("_", " ").split()
    return column, " ".join(words).lower() or "group"


def draft(ctx: DraftContext) -> Draft:
    """The modality half of a multi-label image spec: labels, scored labels, one shared pattern under the usual
    nuisance (no metadata), and the label curves. The id column keeps the seed's name (ranzcr: StudyInstanceUID).

    Raises:
        SpecError: when the domain has no image vocabulary or too few classes for the seed's labels.
    """
    from sandmle_core.modalities.base import Draft
    from sandmle_core.modalities.image import drafter
    from sandmle_core.spec import Challenge, ColumnKind, ColumnSpec

    vocab = ctx.domain.image
    if vocab is None:
        raise SpecError(f"domain {ctx.domain.key!r} has no image vocabulary")
    rng, difficulty = ctx.rng, float(ctx.difficulty)
    grading = getattr(ctx.profile, "grading", None)  # the seed's scored columns (ranzcr: 9 of its 11 labels)
    scored_in_seed = len(grading.target_columns) if grading is not None else 0
    # the seed's labels, scored or not (its profile counts the scored ones; its DNA every label column)
    seed_dna = (getattr(ctx.profile, "details", None) or {}).get("dna") or {}
    target, scored = draft_target(vocab, seed_dna.get("n_classes") or ctx.dna.label_cardinality, scored_in_seed, rng)
    details = getattr(ctx.profile, "details", None) or {}
    test_table, image_column = seed_tables(details)
    group = seed_group(details) or (vocab.group.column, vocab.group.noun)  # the seed's name, else the domain's
    id_column = grading.id_column if grading is not None else drafter.ID_COLUMN
    if group[0] in {id_column, drafter.IMAGE_COLUMN, *target.columns}:
        raise SpecError(f"the group column {group[0]!r} would repeat the id, image or a label column")
    strength = min(1.0, difficulty + (0.2 if Challenge.NUISANCE_VARIATION in ctx.challenges else 0.0))
    pattern = drafter._patterns(1, rng, difficulty, pool=drafter.shape_pool(vocab.subject))[0]
    rule = ImageRule(
        image_size=32, patterns=(pattern, pattern), class_weights=(0.5, 0.5),
        jitter=round(0.04 + 0.06 * strength, 4), scale_sd=round(0.04 + 0.04 * strength, 4),
        rotation_sd=round(4.0 + 6.0 * strength, 2), background_range=(0.05, round(0.2 + 0.1 * strength, 4)),
        contrast_range=(0.3, 0.45), illumination=round(0.03 + 0.1 * strength, 4),
        noise_sd=round(0.04 + 0.05 * strength, 4), blotch_rate=round(0.2 + 0.5 * strength, 4),
        blotch_radius=(0.08, round(0.12 + 0.08 * strength, 4)),
        label_noise=round(0.02 + 0.04 * difficulty, 4) if Challenge.LABEL_NOISE in ctx.challenges else 0.0,
        cues=draft_cues(len(target.columns), rng, difficulty, test_table=test_table, image_column=image_column,
                        group=group),
    )
    where = "relative to the data folder" if image_column else "in no table: the image of a row is `<part>/<id>.jpg`"
    column = ColumnSpec(name=drafter.IMAGE_COLUMN, kind=ColumnKind.IMAGE,
                        description=f"path of the image ({vocab.subject}, 32x32 pixels, grayscale JPEG named by the "
                                    f"id, in train/ or test/), {where}")
    title = f"{ctx.domain.title}: {vocab.label.replace('_', ' ').title()} Findings"
    return Draft(id_column=id_column, columns=(column,), target=target, rule=rule,
                 title=title, scored_columns=scored)


def add_cues(pixels: np.ndarray, present: np.ndarray, cues: CueRule, rng: np.random.Generator
             ) -> tuple[np.ndarray, dict[tuple[int, int], np.ndarray]]:
    """Draw each image's present label curves onto a batch of rendered uint8 images (m, S, S).

    Args:
        pixels: the rendered images.
        present: (m, k) 0/1, the true labels.
        cues: the rule's curves.
        rng: the batch's own stream (its draws do not depend on the pixel values).

    Returns:
        The uint8 images, and the centre line of every drawn curve keyed by (row in the batch, label index):
        (samples, 2) points (x, y) in the renderer's [-1, 1] frame (`polyline` turns them into pixels).
    """
    m, size, k = pixels.shape[0], pixels.shape[1], present.shape[1]
    grid = (np.arange(size) + 0.5) / size * 2.0 - 1.0
    shift = rng.uniform(-cues.jitter, cues.jitter, (m, k, 2))
    gain = cues.contrast * rng.uniform(0.7, 1.3, (m, k))
    gain = np.where(rng.random((m, k)) < cues.faint_share, gain * rng.uniform(0.05, 0.25, (m, k)), gain)
    turn = rng.normal(0.0, 6.0, (m, k))
    t = np.linspace(0.0, 1.0, _SAMPLES)
    img = pixels.astype(np.float64) / 255.0
    drawn: dict[tuple[int, int], np.ndarray] = {}
    for j in range(k):
        rows = np.flatnonzero(present[:, j])
        if not len(rows):
            continue
        theta = np.deg2rad(cues.angles[j] + turn[rows, j])[:, None]
        direction = np.stack([np.cos(theta), np.sin(theta)], axis=-1)  # (r, 1, 2)
        normal = np.stack([-np.sin(theta), np.cos(theta)], axis=-1)
        start = np.asarray(cues.anchors[j])[None, None, :] + shift[rows, j][:, None, :]
        curve = (start + cues.length * t[None, :, None] * direction
                 + cues.bends[j] * (4.0 * t * (1.0 - t))[None, :, None] * normal)  # (r, T, 2)
        dx = grid[None, None, None, :] - curve[:, :, 0][:, :, None, None]
        dy = grid[None, None, :, None] - curve[:, :, 1][:, :, None, None]
        d2 = (dx**2 + dy**2).min(axis=1)  # (r, S, S)
        img[rows] += gain[rows, j][:, None, None] * np.exp(-d2 / (2.0 * cues.width**2))
        drawn |= {(int(r), j): curve[i] for i, r in enumerate(rows)}
    return np.round(np.clip(img, 0.0, 1.0) * 255.0).astype(np.uint8), drawn


def polyline(curve: np.ndarray, size: int) -> list[list[int]]:
    """A curve's centre line as ranzcr's annotation points: `[x, y]` integer pixel coordinates of the points that
    fall inside the S x S image (pixel i covers [-1 + 2i/S, -1 + 2(i+1)/S) of the renderer's frame), a point
    repeating the previous one dropped."""
    pixel = np.round((curve + 1.0) / 2.0 * size - 0.5).astype(int)
    inside = ((pixel >= 0) & (pixel < size)).all(axis=1)
    points: list[list[int]] = []
    for x, y in pixel[inside].tolist():
        if not points or points[-1] != [x, y]:
            points.append([x, y])
    return points


def _plan(rule: ImageRule, cues: CueRule, n_train: int, n_test: int, noise: float, streams: SlotStreams
          ) -> tuple[np.ndarray, np.ndarray]:
    """True and published labels, (n, k) each, train rows first; every column keeps both values in both parts."""
    rng = streams("synth", "labels")
    k = len(cues.prevalence)
    minimum_train, minimum_test = max(2, min(5, n_train // 10)), 1 if n_test >= 4 else 0
    draw = (rng.random((n_train + n_test, k)) < np.asarray(cues.prevalence)).astype(int)
    truth = np.vstack([balanced_labels(draw[:n_train], minimum_train, rng),
                       balanced_labels(draw[n_train:], minimum_test, rng)])
    flip = streams("synth", "label-noise").random(truth.shape) < noise
    noisy = np.where(flip, 1 - truth, truth)
    for part, minimum in ((slice(0, n_train), minimum_train), (slice(n_train, None), minimum_test)):
        for j in range(k):  # a column whose flips left it one-valued keeps its true labels
            if min((noisy[part, j] == 1).sum(), (noisy[part, j] == 0).sum()) < minimum:
                noisy[part, j] = truth[part, j]
    return truth, noisy


def _patients(n: int, rng: np.random.Generator) -> tuple[np.ndarray, list[str]]:
    """Each row's patient (about 1.6 images per patient, drawn without looking at the labels) and their ids."""
    n_patients = max(2, round(n / 1.6))
    who = rng.integers(0, n_patients, n)
    names = [f"{v:09x}" for v in rng.choice(16**9, size=n_patients, replace=False)]
    return who, names


def synthesize_multilabel(spec: TaskSpec, folder: EnvFolder | Path, *, n_train: int | None = None,
                          n_test: int | None = None) -> SynthesisResult:
    """Write train.csv (and test.csv where the seed has one), the JPEGs in `train/` and `test/`,
    `train_annotations.csv`, the answers (every label) and the oracle of a multi-label image spec.

    Raises:
        SpecError: when the rule has no curves or the labels do not match the target.
    """
    from sandmle_core.modalities.image import synthesizer as base

    rule = spec.rule
    if not isinstance(rule, ImageRule) or rule.cues is None:
        raise SpecError("a multi-label image spec needs an image rule with label curves")
    cues, labels = rule.cues, spec.target.columns
    if len(labels) != len(cues.prevalence):
        raise SpecError(f"the rule draws {len(cues.prevalence)} label curves, the target has {len(labels)} columns")
    n_train = spec.n_train if n_train is None else int(n_train)
    n_test = spec.n_test if n_test is None else int(n_test)
    n, streams = n_train + n_test, SlotStreams.of(spec)
    truth, noisy = _plan(rule, cues, n_train, n_test, rule.label_noise, streams)
    who, patient_ids = _patients(n, streams("synth", "patients"))
    ids = [f"1.2.826.0.1.3680043.8.498.{v}" for v in streams("synth", "ids").choice(10**12, size=n, replace=False)]
    paths = [f"{PARTS[0] if row < n_train else PARTS[1]}/{i}.jpg" for row, i in enumerate(ids)]
    folder = EnvFolder.of(folder)
    folder.make_data_dirs()
    drawn = _write(rule, cues, truth, who, paths, streams, folder.public)

    g = spec.grading
    # a finding is annotated where its curve is drawn and train.csv says so (a label-noise flip is left alone)
    notes = _annotations(ids[:n_train], truth[:n_train] * noisy[:n_train], labels, drawn, rule.image_size,
                         streams("synth", "annotations"))
    pd.DataFrame(notes, columns=[g.id_column, *ANNOTATION_COLUMNS]).to_csv(folder.public / ANNOTATIONS, index=False)
    frame = pd.DataFrame({g.id_column: ids, base.IMAGE_COLUMN: paths})
    published = pd.DataFrame(noisy, columns=list(labels))
    train = pd.concat([frame, published], axis=1).iloc[:n_train]
    train[cues.group_column] = [patient_ids[int(p)] for p in who[:n_train]]
    train = train.drop(columns=list(rule.untabled_columns))  # ranzcr's train.csv: no image column
    train.sort_values(g.id_column, kind="stable").to_csv(folder.train, index=False)
    test = pd.concat([frame, published], axis=1).iloc[n_train:].sort_values(g.id_column, kind="stable")
    folder.test.unlink(missing_ok=True)  # an earlier run's table must not linger
    if cues.test_table:
        test[[g.id_column, base.IMAGE_COLUMN]].drop(columns=list(rule.untabled_columns)).to_csv(folder.test,
                                                                                               index=False)
    test[[g.id_column, *labels]].to_csv(folder.answers, index=False)
    eps = max(rule.label_noise, 1e-3)
    order = test.index.to_numpy()
    oracle = pd.DataFrame({g.id_column: test[g.id_column].to_numpy()})
    for j, c in enumerate(labels):
        if c in g.submission_columns:
            oracle[c] = np.where(truth[order, j] == 1, 1.0 - eps, eps).round(6)
    oracle.to_csv(folder.oracle_submission, index=False)
    stats = {
        "n_labels": len(labels), "scored_labels": list(g.target_columns), "image_size": rule.image_size,
        "train_label_counts": {c: int(noisy[:n_train, j].sum()) for j, c in enumerate(labels)},
        "test_label_counts": {c: int(noisy[n_train:, j].sum()) for j, c in enumerate(labels)},
        "label_noise_share": round(float((noisy != truth).mean()), 4), "patients": len(set(who[:n_train].tolist())),
        "annotations": len(notes), "annotated_images": len({row[0] for row in notes}),
    }
    return SynthesisResult(folder=folder, n_train=n_train, n_test=n_test, stats=stats)


def public_tables(spec: TaskSpec, public: Path) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """The table view of a multi-label image environment in the seed's own tables, for code that reasons over rows:
    train.csv with the image path (`train/<id>.jpg`) where it has none, and test.csv or, where there is none, the
    listing of `test/` (id = the file name's stem, and its path); None for other specs and for environments with
    both tables whole."""
    rule = spec.rule
    cues = getattr(rule, "cues", None)
    if cues is None or (cues.test_table and cues.image_column):
        return None
    id_col = spec.grading.id_column
    train = pd.read_csv(public / "train.csv", dtype={id_col: str})
    if cues.test_table:
        test = pd.read_csv(public / "test.csv", dtype={id_col: str})
    else:
        test = _test_listing(public, id_col)
    for frame, part in ((train, PARTS[0]), (test, PARTS[1])):
        if IMAGE_COLUMN not in frame.columns:
            frame.insert(1, IMAGE_COLUMN, [f"{part}/{i}.jpg" for i in frame[id_col]])
    return train, test


def _test_listing(public: Path, id_col: str) -> pd.DataFrame:
    """The images of `test/` as rows (id, image path). A name is `<id>.jpg`; one that is not (`<id>_1.jpg`) is lined
    up with the sample submission's id it starts with, so that a leaky name is checked against its answer."""
    folder = public / PARTS[1]
    names = sorted(p.name for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []
    sample = public / "sample_submission.csv"
    known = sorted(set(pd.read_csv(sample, usecols=[id_col], dtype=str)[id_col].dropna()), key=len, reverse=True) \
        if sample.is_file() else []
    known_set = set(known)

    def id_of(stem: str) -> str:
        return stem if stem in known_set else next((k for k in known if stem.startswith(k)), stem)

    return pd.DataFrame({id_col: [id_of(n.rsplit(".", 1)[0]) for n in names],
                         IMAGE_COLUMN: [f"{PARTS[1]}/{n}" for n in names]})


def _annotations(train_ids: list[str], shown: np.ndarray, labels: tuple[str, ...],
                 drawn: dict[tuple[int, int], np.ndarray], size: int,
                 rng: np.random.Generator) -> list[tuple[str, ...]]:
    """Rows of train_annotations.csv: for `ANNOTATED_SHARE` of the training images (drawn from their own stream),
    one row per finding the image shows — its id, the label, and the drawn curve's pixel points as JSON — sorted by
    id, then label order. Only training rows are passed in, so a test id can never appear."""
    annotated = rng.random(len(train_ids)) < ANNOTATED_SHARE
    rows = []
    for row in sorted(np.flatnonzero(annotated).tolist(), key=lambda r: train_ids[r]):
        for j, label in enumerate(labels):
            points = polyline(drawn[(row, j)], size) if shown[row, j] else []
            if len(points) >= 2:  # a curve that leaves the frame at once has nothing to trace
                rows.append((train_ids[row], label, json.dumps(points)))
    return rows


def _write(rule: ImageRule, cues: CueRule, truth: np.ndarray, who: np.ndarray, paths: list[str],
           streams: SlotStreams, public: Path) -> dict[tuple[int, int], np.ndarray]:
    """Render and save every image as a grayscale JPEG at `public/<path>`: the shared pattern under nuisance
    (framing and background per patient), then the present labels' curves. Returns every drawn curve keyed by
    (row, label index)."""
    import shutil

    from PIL import Image

    from sandmle_core.modalities.image import synthesizer as base

    n = len(truth)
    nuisance = base._draw_nuisance(rule, n, streams("synth", "nuisance"))
    patient = base._draw_nuisance(rule, int(who.max()) + 1, streams("synth", "patient-nuisance"))
    nuisance = dataclasses.replace(nuisance, dx=patient.dx[who], dy=patient.dy[who],
                                   background=patient.background[who], scale=patient.scale[who])
    for part in PARTS:
        if (public / part).exists():
            shutil.rmtree(public / part)
        (public / part).mkdir(parents=True)
    zeros, ones = np.zeros(n, dtype=int), np.ones(n)
    drawn: dict[tuple[int, int], np.ndarray] = {}
    for chunk, start in enumerate(range(0, n, base.CHUNK)):
        rows = slice(start, min(n, start + base.CHUNK))
        pixels = base.render_images(rule, zeros[rows], nuisance.take(rows), ones[rows], ones[rows],
                                    streams("synth", "pixels", chunk))
        pixels, curves = add_cues(pixels, truth[rows], cues, streams("synth", "cues", chunk))
        drawn |= {(start + r, j): curve for (r, j), curve in curves.items()}
        for rel, array in zip(paths[rows], pixels, strict=True):
            Image.fromarray(array).save(public / rel, format="JPEG", quality=JPEG_QUALITY, optimize=False)
    return drawn
