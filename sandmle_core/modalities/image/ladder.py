"""The image-classification ladder: six standalone scripts, from the class prior to an ensemble on gradient features.

Levels: 0 the training prior; 1 intensity statistics (+ numeric metadata) with logistic regression; 2 nearest
neighbours on 8x8 block-averaged pixels; 3 logistic regression on standardized 16x16 pixels; 4 histograms of
gradient orientations (HOG-like, numpy) with logistic regression; 5 a product-of-experts blend of a multi-scale HOG
logistic regression and extra trees on every feature family. A binary (detection) task keeps levels 0-3 and has
its own levels 4 and 5 (`detection_ladder.py`). Each script holds
its config as literals plus a shared prelude (loading, features, writing), so it runs on its own on a synthetic
environment and on the real seed.
"""

from __future__ import annotations

from sandmle_core.ladder import SEED_ENV, LadderConfig, LadderScript
from sandmle_core.modalities.classes import LOAD_SNIPPET, PRIOR_LEVEL
from sandmle_core.spec import Modality, TaskType

__all__ = ["scripts"]

_KINDS = ("label", "class_probabilities", "probability")

_PRELUDE = '''
import io
import os
import zipfile

import numpy as np
import pandas as pd
from PIL import Image

SEED = int(os.environ.get(SEED_ENV, "0"))
SUBSAMPLE = os.environ.get("SANDMLE_SUBSAMPLE", "1" if SEED else "0") == "1"  # fit on a seeded 90% subsample
SIZE = 32


''' + LOAD_SNIPPET + '''

def listing(part):
    """The image files of a part (`train`, `test`): members of `part.zip` (`part.zip!part/x.jpg`), else `part/`'s."""
    archive = os.path.join("public", part + ".zip")
    if os.path.isfile(archive):
        with zipfile.ZipFile(archive) as z:
            names = [n for n in z.namelist() if not n.endswith("/")]
        return [part + ".zip!" + n for n in sorted(names)]
    return [part + "/" + n for n in sorted(os.listdir(os.path.join("public", part)))]


def load_named():
    """train and test tables when there is no train.csv: a training image's label is read from its name (NAMES:
    `<label>.<n>.<ext>` or `<name>_<label>.<ext>`, the words in class order), a test image's id is its name without
    the extension; a seeded 90% subsample when SUBSAMPLE is true."""
    words = list(NAMES["words"])
    classes = list(CLASSES) if CLASSES else ["0", "1"] if KIND == "probability" and len(words) == 2 else words
    to_class = dict(zip(words, classes))

    def word(ref):
        name = ref.rsplit("/", 1)[-1]
        if NAMES["scheme"] == "prefix":
            return name.split(".")[0]
        return name.rsplit(".", 1)[0].rsplit("_", 1)[-1]

    refs = listing("train")
    train = pd.DataFrame({IMAGE: refs, TARGET: [to_class.get(word(r)) for r in refs]})
    train = train[train[TARGET].notna()].reset_index(drop=True)
    if SUBSAMPLE:
        keep = np.sort(np.random.default_rng(SEED).permutation(len(train))[: max(1, int(round(0.9 * len(train))))])
        train = train.iloc[keep].reset_index(drop=True)
    refs = listing("test")
    ids = [r.rsplit("/", 1)[-1].rsplit(".", 1)[0] for r in refs]
    if all(i.isdigit() for i in ids):  # numeric ids (dogs vs. cats' 1.jpg, 2.jpg, ...) are written as numbers
        ids = [int(i) for i in ids]
    return train, pd.DataFrame({ID: ids, IMAGE: refs})


if NAMES:
    load = load_named

ARCHIVES = {}  # each zip opened once: reading its directory per image would cost time quadratic in its size


def open_image(rel):
    """An image of the public folder: a path, or a zip member named `archive.zip!member`."""
    if "!" in rel:
        archive, member = rel.split("!", 1)
        if archive not in ARCHIVES:
            ARCHIVES[archive] = zipfile.ZipFile(os.path.join("public", archive))
        return Image.open(io.BytesIO(ARCHIVES[archive].read(member)))
    return Image.open(os.path.join("public", rel))


def images(table):
    """The table's images as floats in [0, 1], shape (n, SIZE, SIZE)."""
    out = np.empty((len(table), SIZE, SIZE), dtype=np.float32)
    for i, rel in enumerate(table[IMAGE].astype(str)):
        with open_image(rel) as im:
            im = im.convert("L")
            if im.size != (SIZE, SIZE):
                im = im.resize((SIZE, SIZE), Image.BILINEAR)
            out[i] = np.asarray(im, dtype=np.float32) / 255.0
    return out


def metadata(train, test):
    """The numeric side columns (median-imputed); empty matrices when there are none."""
    cols = [c for c in META if c in train.columns and c in test.columns]
    a = train[cols].apply(pd.to_numeric, errors="coerce")
    b = test[cols].apply(pd.to_numeric, errors="coerce")
    cols = [c for c in cols if a[c].notna().any()]
    fill = a[cols].median()
    return a[cols].fillna(fill).to_numpy(float), b[cols].fillna(fill).to_numpy(float)


def pool(x, factor):
    """Block means: (n, S, S) -> (n, S/factor * S/factor)."""
    n, s = x.shape[0], x.shape[1] // factor
    return x.reshape(n, s, factor, s, factor).mean(axis=(2, 4)).reshape(n, -1)


def normalize(x):
    """Per-image standardization, so brightness and contrast shifts do not count as differences."""
    flat = x.reshape(len(x), -1)
    return (flat - flat.mean(1, keepdims=True)) / (flat.std(1, keepdims=True) + 1e-6)


def intensity(x):
    """Position-free intensity statistics: moments, quantiles and a 16-bin histogram."""
    flat = x.reshape(len(x), -1)
    bins = np.minimum((flat * 16).astype(int), 15) + 16 * np.arange(len(flat))[:, None]
    hist = np.bincount(bins.ravel(), minlength=16 * len(flat)).reshape(len(flat), 16) / flat.shape[1]
    q = np.quantile(flat, [0.05, 0.25, 0.5, 0.75, 0.95], axis=1).T
    bright = (flat > flat.mean(1, keepdims=True) + flat.std(1, keepdims=True)).mean(1, keepdims=True)
    return np.hstack([flat.mean(1, keepdims=True), flat.std(1, keepdims=True), q, hist, bright])


def smooth(x):
    """A 3x3 binomial blur: gradients of the blurred image follow edges and textures, not pixel noise."""
    p = np.pad(x, ((0, 0), (1, 1), (1, 1)), mode="edge")
    rows = 0.25 * p[:, :, :-2] + 0.5 * p[:, :, 1:-1] + 0.25 * p[:, :, 2:]
    return 0.25 * rows[:, :-2] + 0.5 * rows[:, 1:-1] + 0.25 * rows[:, 2:]


def orientations(x, cell, bins=9):
    """Gradient magnitude summed per unsigned orientation bin (linear interpolation) per cell: (n, s, s, bins)."""
    gy, gx = np.gradient(x, axis=(1, 2))
    mag = np.hypot(gx, gy).ravel()
    ang = (np.mod(np.arctan2(gy, gx), np.pi) / np.pi * bins).ravel()
    low = np.floor(ang).astype(np.int64)
    frac = ang - low
    n, size = x.shape[0], x.shape[1]
    s = size // cell
    rows, cols = np.indices((size, size))
    where = (rows // cell * s + cols // cell).ravel()
    base = (np.arange(n)[:, None] * (s * s) + where[None, :]).ravel() * bins
    total = n * s * s * bins
    out = np.bincount(base + low % bins, weights=mag * (1.0 - frac), minlength=total)
    out += np.bincount(base + (low + 1) % bins, weights=mag * frac, minlength=total)
    return out.reshape(n, s, s, bins)


def unit(h):
    """Flatten per image, L2-normalize, square-root (tames the strongest edges)."""
    h = h.reshape(len(h), -1)
    return np.sqrt(h / (np.linalg.norm(h, axis=1, keepdims=True) + 1e-6))


def hog(x, cell, bins=9):
    """HOG-like descriptor: orientation histograms of cell x cell blocks, normalized per image."""
    return unit(orientations(x, cell, bins))


def hog_pyramid(x, bins=9):
    """Orientation histograms on 8-pixel cells, 16-pixel cells and the whole image, each normalized."""
    fine = orientations(x, 8, bins)
    n, s = fine.shape[0], fine.shape[1]
    mid = fine.reshape(n, s // 2, 2, s // 2, 2, bins).sum(axis=(2, 4))
    return np.hstack([unit(fine), unit(mid), unit(fine.sum(axis=(1, 2)))])


def write(test, model_classes, proba, shrink=0.0):
    """Write submission.csv: the most probable class, the positive class's probability, or one column per class.

    `shrink` pulls probabilities toward uniform, for models whose probabilities are overconfident."""
    model_classes = [str(c) for c in model_classes]
    proba = np.asarray(proba, dtype=float)
    out = pd.DataFrame({ID: test[ID].to_numpy()})
    if KIND == "label":
        out[SUBMISSION[0]] = np.asarray(model_classes, dtype=object)[proba.argmax(1)]
    elif KIND == "probability":  # binary: the positive class's probability, kept off 0 and 1 for the log loss
        p = proba[:, model_classes.index(POSITIVE)] if POSITIVE in model_classes else np.zeros(len(test))
        out[SUBMISSION[0]] = np.round(np.clip((1.0 - shrink) * p + shrink / 2.0, 1e-3, 1.0 - 1e-3), 6)
    else:
        full = np.zeros((len(test), len(SUBMISSION)))
        for j, c in enumerate(model_classes):
            if c in SUBMISSION:
                full[:, SUBMISSION.index(c)] = proba[:, j]
        full = (1.0 - shrink) * full / np.maximum(full.sum(1, keepdims=True), 1e-12) + shrink / len(SUBMISSION)
        full = np.round((full + 1e-3) / (full + 1e-3).sum(1, keepdims=True), 6)
        top = full.argmax(1)
        rows = np.arange(len(full))
        full[rows, top] = 0.0
        full[rows, top] = np.round(1.0 - full.sum(1), 6)
        for j, c in enumerate(SUBMISSION):
            out[c] = full[:, j]
    out.to_csv("submission.csv", index=False)
'''

_LEVELS: tuple[tuple[str, str, str], ...] = (
    PRIOR_LEVEL,
    ("intensity_logreg", "intensity statistics and histogram (+ numeric metadata), logistic regression", '''
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

train, test = load()
m_train, m_test = metadata(train, test)
x_train = np.hstack([intensity(images(train)), m_train])
x_test = np.hstack([intensity(images(test)), m_test])
model = make_pipeline(StandardScaler(), LogisticRegression(C=0.1, max_iter=3000, random_state=SEED))
model.fit(x_train, train[TARGET].astype(str))
write(test, model.classes_, model.predict_proba(x_test))
'''),
    ("knn_8x8", "k nearest neighbours on 8x8 block-averaged pixels", '''
from sklearn.neighbors import KNeighborsClassifier

train, test = load()
x_train, x_test = pool(images(train), SIZE // 8), pool(images(test), SIZE // 8)
model = KNeighborsClassifier(n_neighbors=min(5, len(train)), weights="distance")
model.fit(x_train, train[TARGET].astype(str))
write(test, model.classes_, model.predict_proba(x_test), shrink=0.2)
'''),
    ("pixels_16_logreg", "logistic regression on standardized 16x16 pixels", '''
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

train, test = load()
x_train = normalize(pool(images(train), SIZE // 16).reshape(-1, 16, 16))
x_test = normalize(pool(images(test), SIZE // 16).reshape(-1, 16, 16))
model = make_pipeline(StandardScaler(), LogisticRegression(C=0.05, max_iter=3000, random_state=SEED))
model.fit(x_train, train[TARGET].astype(str))
write(test, model.classes_, model.predict_proba(x_test))
'''),
    ("hog_logreg", "gradient-orientation histograms of the blurred image on 8x8-pixel cells, logistic regression", '''
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

train, test = load()
x_train, x_test = hog(smooth(images(train)), 8), hog(smooth(images(test)), 8)
model = make_pipeline(StandardScaler(), LogisticRegression(C=0.1, max_iter=3000, random_state=SEED))
model.fit(x_train, train[TARGET].astype(str))
write(test, model.classes_, model.predict_proba(x_test))
'''),
    ("ensemble", "product of logistic regression on multi-scale HOG and extra trees on HOG, pixels and intensity", '''
from sklearn.ensemble import ExtraTreesClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

train, test = load()
img_train, img_test = images(train), images(test)
m_train, m_test = metadata(train, test)


def features(x, m):
    grads = np.hstack([hog_pyramid(smooth(x)), hog(x, 8)])
    return grads, np.hstack([grads, normalize(pool(x, SIZE // 8).reshape(-1, 8, 8)), intensity(x), m])


g_train, all_train = features(img_train, m_train)
g_test, all_test = features(img_test, m_test)
y = train[TARGET].astype(str)
linear = make_pipeline(StandardScaler(), LogisticRegression(C=0.1, max_iter=3000, random_state=SEED))
linear.fit(g_train, y)
trees = ExtraTreesClassifier(n_estimators=100, max_features="sqrt", random_state=SEED, n_jobs=1)
trees.fit(all_train, y)
assert list(linear.classes_) == list(trees.classes_)
# a product of experts: the trees' flat votes sharpen the linear model where both agree
blend = np.exp(0.7 * np.log(linear.predict_proba(g_test) + 1e-4) + 0.6 * np.log(trees.predict_proba(all_test) + 1e-2))
write(test, linear.classes_, blend / blend.sum(1, keepdims=True))
'''),
)


def _header(config: LadderConfig, level: int, name: str, summary: str) -> str:
    image = config.image_column or "image"
    positive = "1" if not config.classes or "1" in config.classes else str(config.classes[-1])
    meta = tuple(c for c in (config.feature_columns or ()) if c not in (image, config.id_column,
                                                                       *config.target_columns))
    return (
        f'"""Ladder level {level} ({name}): {summary}.\n\n'
        + ("Reads the images of ./public/ (a training image's name carries its label, a test image's name is its "
           "id); writes ./submission.csv.\n" if config.name_layout else
           "Reads ./public/train.csv, ./public/test.csv and the images they name; writes ./submission.csv.\n")
        + f'Generated by sandmle. Seed from ${SEED_ENV} (default 0); $SANDMLE_SUBSAMPLE=1 '
        f'(unset: seed not 0) = a seeded 90% subsample."""\n'
        f"\nSEED_ENV = {SEED_ENV!r}\n"
        f"ID = {config.id_column!r}\n"
        f"TARGET = {config.target_columns[0]!r}\n"
        f"IMAGE = {image!r}\n"
        f"META = {meta!r}\n"
        f"CLASSES = {tuple(config.classes) if config.classes else None!r}\n"
        f"NAMES = {config.name_layout!r}\n"
        f"SUBMISSION = {tuple(config.submission_columns)!r}\n"
        f"KIND = {config.metric_kind!r}\n"
        f"POSITIVE = {positive!r}\n"
    )


def scripts(config: LadderConfig) -> list[LadderScript]:
    """The image-classification ladder of a task, weakest first.

    Raises:
        ValueError: when the config is not an image task with one target column graded on labels, the positive
            class's probability or class probabilities.
    """
    if config.modality != Modality.IMAGE:
        raise ValueError(f"the image ladder needs an image task, got {config.modality}")
    if config.task_type == TaskType.ORDINAL and config.metric_kind == "label":  # grades: regression rungs on top
        from sandmle_core.modalities.image import ordinal_ladder  # it imports this module's prelude

        return ordinal_ladder.scripts(config)
    if config.task_type == TaskType.MULTILABEL:  # ranzcr: one probability per scored finding
        from sandmle_core.modalities.image import multilabel_ladder

        return multilabel_ladder.scripts(config)
    if config.image_column is None and config.task_type == TaskType.MULTICLASS:  # silhouettes + descriptors
        from sandmle_core.modalities.image import leaf_ladder

        return leaf_ladder.scripts(config)
    if config.image_column is None and config.task_type == TaskType.BINARY:  # images named by id + metadata
        from sandmle_core.modalities.image import metadata_ladder

        return metadata_ladder.scripts(config)
    if config.metric_kind == "probability" and len(config.target_columns) > 1:  # one 0/1 column per class
        from sandmle_core.modalities.image import onehot

        return onehot.scripts(config)
    if config.metric_kind not in _KINDS:
        raise ValueError(f"the image ladder writes labels or class probabilities, not {config.metric_kind!r}")
    if len(config.target_columns) != 1:
        raise ValueError(f"the image ladder needs exactly one target column, got {list(config.target_columns)}")
    if config.metric_kind in ("label", "probability") and len(config.submission_columns) != 1:
        raise ValueError("a label or probability submission has exactly one column besides the id")
    if config.task_type == TaskType.BINARY:  # a finding against a look-alike on one substrate
        from sandmle_core.modalities.image import detection_ladder  # it imports this module's prelude

        return detection_ladder.scripts(config)
    return [
        LadderScript(level=level, name=name, summary=summary,
                     source=_header(config, level, name, summary) + _PRELUDE + "\n" + body.lstrip("\n"))
        for level, (name, summary, body) in enumerate(_LEVELS)
    ]
