"""Class labels of a media classification environment (images, audio clips): who gets which class, and the oracle.

The image and audio families draw their labels the same way: `minimum` rows of every class first, the rest from the
rule's class shares, file ids shuffled from the slot's own stream, label noise that never empties a class of the
train rows, and an oracle that predicts the true class (or its Bayes posterior under the noise). `plan_classes` does
all of it from the slot's streams (`SlotStreams`), so the same spec gives the same plan; `PRIOR_LEVEL` is the first
rung both ladders share, `LOAD_SNIPPET` their table reader.

Imports: numpy, pandas and the format wing (spec, metrics, slots, errors).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sandmle_core.errors import SpecError
from sandmle_core.metrics import get_metric
from sandmle_core.slots import SlotStreams

if TYPE_CHECKING:
    from sandmle_core.taskspec import TaskSpec

__all__ = ["LOAD_SNIPPET", "PRIOR_LEVEL", "ClassPlan", "draw_labels", "label_noise", "labels_from_names",
           "labels_from_prefixes", "name_with_label", "oracle_submission", "plan_classes"]

# the ladder scripts' reader of the public tables (a seeded 90% subsample per ladder seed); the script's harness
# defines TARGET, SEED and SUBSAMPLE, and imports os, numpy and pandas
LOAD_SNIPPET = '''def load():
    """train and test tables; a seeded 90% subsample of the training rows when SUBSAMPLE is true."""
    train = pd.read_csv(os.path.join("public", "train.csv"), dtype={TARGET: str})
    test = pd.read_csv(os.path.join("public", "test.csv"))
    train = train[train[TARGET].notna()].reset_index(drop=True)
    if SUBSAMPLE:
        keep = np.sort(np.random.default_rng(SEED).permutation(len(train))[: max(1, int(round(0.9 * len(train))))])
        train = train.iloc[keep].reset_index(drop=True)
    return train, test
'''

# the ladder's first rung: the training prior (the majority class, or the class shares) over every training row; the
# script's harness defines load() (which reads SUBSAMPLE and SEED when called), write(), TARGET, CLASSES and KIND
PRIOR_LEVEL = ("prior", "the training prior: the majority class, or the class shares", '''
SEED, SUBSAMPLE = 0, False  # every training row, whatever the seed (as the sample submission): on a seed's
# subsample the majority of two close classes flipped between seeds
train, test = load()
labels = train[TARGET].astype(str)
classes = list(CLASSES) if CLASSES else sorted(labels.unique())
counts = np.array([(labels == c).sum() for c in classes], dtype=float)
if KIND == "label":
    proba = np.zeros(len(classes))
    majority = sorted(c for c, n in zip(classes, counts) if n == counts.max())[0]  # ties: the first by name
    proba[classes.index(majority)] = 1.0
else:
    proba = (counts + 1.0) / (counts + 1.0).sum()
write(test, classes, np.tile(proba, (len(test), 1)))
''')


@dataclass(frozen=True)
class ClassPlan:
    """Who is who: the classes, the row counts, each row's true and (noisy) published class, and the file ids."""

    classes: tuple[str, ...]
    n_train: int
    n_test: int
    truth: np.ndarray  # class index per row, train rows first
    noisy: np.ndarray  # the published class index (label noise applied)
    ids: list[str]
    streams: SlotStreams


def draw_labels(n: int, weights: np.ndarray, minimum: int, rng: np.random.Generator) -> np.ndarray:
    """n labels: `minimum` of every class, the rest drawn from the class shares, in random order."""
    k = len(weights)
    fixed = np.repeat(np.arange(k), minimum)
    rest = rng.choice(k, size=n - len(fixed), p=weights)
    return rng.permutation(np.concatenate([fixed, rest]))


def label_noise(labels: np.ndarray, rate: float, k: int, train_rows: int, minimum: int,
                rng: np.random.Generator) -> np.ndarray:
    """Flip labels to a uniformly drawn other class; never let a class fall below `minimum` in the train rows."""
    flip = rng.random(len(labels)) < rate
    noisy = np.where(flip, (labels + rng.integers(1, max(2, k), len(labels))) % k, labels)
    train, truth = noisy[:train_rows], labels[:train_rows]  # `train` is a view: edits land in `noisy`
    for _ in range(k):
        short = np.flatnonzero(np.bincount(train, minlength=k) < minimum)
        if not len(short):
            break
        for c in short:  # undo the flips out of a class that fell short (which may leave another one short)
            train[truth == c] = c
    return noisy


def plan_classes(spec: TaskSpec, n_rule_classes: int, class_weights: list[float] | tuple[float, ...],
                 noise: float, id_prefix: str, n_train: int | None = None, n_test: int | None = None) -> ClassPlan:
    """The class plan of a media environment, from the slot's streams.

    Args:
        n_rule_classes: how many classes the hidden rule renders (must equal the target's classes).
        class_weights: the rule's class shares (normalised here).
        noise: the rule's label-noise rate.
        id_prefix: the file ids' prefix (`img`, `clip`).
        n_train, n_test: sizes other than the spec's (the full-scale benchmark).

    Raises:
        SpecError: when the classes do not match the rule or the sizes are too small for the classes.
    """
    classes = tuple(spec.target.classes or ())
    if len(classes) != n_rule_classes:
        raise SpecError(f"the rule has {n_rule_classes} class renderings, the target {len(classes)} classes")
    n_train = spec.n_train if n_train is None else int(n_train)
    n_test = spec.n_test if n_test is None else int(n_test)
    k, n = len(classes), n_train + n_test
    if n_train < 2 * k or n_test < 1:
        raise SpecError(f"{n_train} train / {n_test} test rows are too few for {k} classes")
    streams = SlotStreams.of(spec)
    weights = np.array(class_weights) / sum(class_weights)
    rng = streams("synth", "labels")
    minimum = max(2, min(5, n_train // (2 * k)))
    truth = np.concatenate([draw_labels(n_train, weights, minimum, rng),
                            draw_labels(n_test, weights, 1 if n_test >= 2 * k else 0, rng)])
    width = max(5, len(str(n - 1)))
    ids = [f"{id_prefix}{i:0{width}d}" for i in streams("synth", "ids").permutation(n)]
    noisy = label_noise(truth, noise, k, n_train, minimum, streams("synth", "label-noise"))
    return ClassPlan(classes, n_train, n_test, truth, noisy, ids, streams)


def oracle_submission(spec: TaskSpec, ids: list[str], truth: np.ndarray, classes: tuple[str, ...],
                      rate: float) -> pd.DataFrame:
    """The rule's noise-free prediction: the true class, or the Bayes posterior under the label noise.

    Raises:
        SpecError: when the metric wants a submission other than labels or class probabilities.
    """
    g = spec.grading
    kind = get_metric(g.metric).kind
    out = pd.DataFrame({g.id_column: ids})
    eps = max(rate, 1e-3)  # a hair of doubt even without noise
    names = np.array([classes[int(i)] for i in truth])
    if kind == "label":
        out[g.submission_columns[0]] = names
    elif kind == "probability" and len(classes) == 2:
        out[g.submission_columns[0]] = np.where(truth == 1, 1.0 - eps, eps).round(6)
    elif kind == "class_probabilities":
        other = round(eps / (len(classes) - 1), 6)
        for col in g.submission_columns:
            out[col] = np.where(names == col, round(1.0 - other * (len(classes) - 1), 6), other)
    else:
        raise SpecError(f"a {spec.modality.value} classification environment cannot be graded with {g.metric} "
                        f"({kind})")
    return out


def name_with_label(stem: str, label: str) -> str:
    """`<stem>_<label>`: a training file name that carries its label at the end, as the whale challenge's clips do
    (`..._TRAIN7_1.aif`). Characters other than letters, digits, `-` and `.` in the label become `-`."""
    safe = "".join(ch if ch.isalnum() or ch in "-." else "-" for ch in str(label))
    return f"{stem}_{safe}"


def labels_from_names(paths: list[str], max_classes: int = 20) -> pd.DataFrame | None:
    """The labels training media carry in their file names (`<stem>_<label>.<ext>`), or None when they carry none.

    Args:
        paths: the training files (relative paths or `archive.zip!member` names).
        max_classes: more distinct name endings than this are ids or timestamps, not labels.

    Returns:
        A frame with `name` (the file name), `path` (as given) and `label` (the text after the last `_`), sorted
        by path; None when a name has no `_`, or the endings take fewer than 2 or more than `max_classes` values.
    """
    names = [p.split("!")[-1].rsplit("/", 1)[-1] for p in paths]
    stems = [n.rsplit(".", 1)[0] for n in names]
    if not stems or any("_" not in s for s in stems):
        return None
    labels = [s.rsplit("_", 1)[1] for s in stems]
    if not 2 <= len(set(labels)) <= max_classes or any(not lab for lab in labels):
        return None
    frame = pd.DataFrame({"name": names, "path": list(paths), "label": labels})
    return frame.sort_values("path", kind="stable").reset_index(drop=True)


def labels_from_prefixes(paths: list[str], max_classes: int = 20) -> pd.DataFrame | None:
    """The labels training media carry at the front of their file names (`<label>.<number>.<ext>`, as dogs vs. cats
    names its photos `cat.0.jpg`, `dog.1.jpg`), or None when they carry none.

    Returns:
        The same frame as `labels_from_names` (`name`, `path`, `label`, sorted by path); None when a name is not
        `<label>.<number>.<ext>`, or the labels take fewer than 2 or more than `max_classes` values.
    """
    names = [p.split("!")[-1].rsplit("/", 1)[-1] for p in paths]
    parts = [n.split(".") for n in names]
    if not parts or any(len(p) != 3 or not p[0] or not p[1].isdigit() for p in parts):
        return None
    labels = [p[0] for p in parts]
    if not 2 <= len(set(labels)) <= max_classes:
        return None
    frame = pd.DataFrame({"name": names, "path": list(paths), "label": labels})
    return frame.sort_values("path", kind="stable").reset_index(drop=True)
