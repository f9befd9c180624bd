"""The image-to-image ladder: six standalone scripts that clean dirty document scans, from a constant to an ensemble.

Levels: 0 every pixel at the training targets' mean grey (the uninformed prior); 1 one global threshold on the raw
scan, learnt on the training pages; 2 a median filter and a morphological background estimate (grey closing) that
the scan is divided by, then a learnt threshold; 3 ridge regression on 5x5 neighbourhood features; 4 gradient
boosting on the same features; 5 an ensemble of gradient boosting and extra trees on a richer feature set. Scripts
read `public/train.csv` (id, image, clean path), `public/test.csv` and the PNGs they name, and write one row per
test pixel (`<id>_<row>_<col>`, from 1). numpy, scipy, scikit-learn and Pillow only.
"""

from __future__ import annotations

from sandmle_core.ladder import SEED_ENV, LadderConfig, LadderScript
from sandmle_core.spec import Modality

__all__ = ["scripts"]

_PRELUDE = '''
import os

import numpy as np
import pandas as pd
from PIL import Image
from scipy import ndimage

SEED = int(os.environ.get(SEED_ENV, "0"))
SUBSAMPLE = os.environ.get("SANDMLE_SUBSAMPLE", "1" if SEED else "0") == "1"  # fit on a seeded 90% subsample
PIXELS_PER_PAGE = 150  # training pixels sampled per page for the learnt levels


def load():
    """train and test page tables; a seeded 90% subsample of the training pages when SUBSAMPLE is true."""
    train = pd.read_csv(os.path.join("public", "train.csv"), dtype=str)
    test = pd.read_csv(os.path.join("public", "test.csv"), dtype=str)
    if SUBSAMPLE:
        keep = np.sort(np.random.default_rng(SEED).permutation(len(train))[: max(1, int(round(0.9 * len(train))))])
        train = train.iloc[keep].reset_index(drop=True)
    return train, test


def page(rel):
    with Image.open(os.path.join("public", rel)) as im:
        return np.asarray(im.convert("L"), dtype=np.float32) / 255.0


def pairs(train):
    """(dirty, clean) page pairs of the training table."""
    return [(page(a), page(b)) for a, b in zip(train[IMAGE], train[VALUE])]


def normalized(x):
    """The scan divided by its background (grey closing of the median-filtered page): stains and light removed."""
    smooth = ndimage.median_filter(x, size=3, mode="nearest")
    background = ndimage.grey_closing(smooth, size=(9, 9), mode="nearest")
    return smooth, background, np.clip(x / np.maximum(background, 0.05), 0.0, 1.5)


def window(x, radius):
    """Every pixel's (2r+1)^2 neighbourhood as columns, shape (pixels, (2r+1)^2)."""
    h, w = x.shape
    padded = np.pad(x, radius, mode="edge")
    return np.stack([padded[dy:dy + h, dx:dx + w].reshape(-1) for dy in range(2 * radius + 1)
                     for dx in range(2 * radius + 1)], axis=1)


def features(x, rich=False):
    smooth, background, ratio = normalized(x)
    cols = [window(x, 2), window(ratio, 1), smooth.reshape(-1, 1), background.reshape(-1, 1)]
    if rich:
        cols += [window(ratio, 2), ndimage.minimum_filter(ratio, 3).reshape(-1, 1),
                 ndimage.uniform_filter(ratio, 7).reshape(-1, 1), ndimage.gaussian_filter(x, 1.5).reshape(-1, 1)]
    return np.hstack(cols).astype(np.float32)


def training_set(train, rich=False):
    rng = np.random.default_rng(SEED)
    xs, ys = [], []
    for dirty, clean in pairs(train):
        rows = rng.choice(dirty.size, size=min(PIXELS_PER_PAGE, dirty.size), replace=False)
        xs.append(features(dirty, rich)[rows])
        ys.append(clean.reshape(-1)[rows])
    return np.vstack(xs), np.concatenate(ys)


def learn_threshold(values, targets):
    """The cut on `values` and the two output levels that minimise the squared error on the training pixels."""
    best = None
    for t in np.linspace(0.05, 1.0, 96):
        dark = values <= t
        lo = targets[dark].mean() if dark.any() else 0.0
        hi = targets[~dark].mean() if (~dark).any() else 1.0
        err = np.where(dark, targets - lo, targets - hi)
        sse = float(np.sum(err * err))
        if best is None or sse < best[0]:
            best = (sse, t, lo, hi)
    return best[1:]


def write(test, predict):
    """Clean every test page with `predict(page) -> page` and write one row per pixel."""
    ids, values = [], []
    for page_id, rel in zip(test[ID], test[IMAGE]):
        out = np.clip(predict(page(rel)), 0.0, 1.0)
        h, w = out.shape
        ids += [f"{page_id}_{r + 1}_{c + 1}" for r in range(h) for c in range(w)]
        values.append(np.round(out.reshape(-1), 5))
    pd.DataFrame({ID: ids, VALUE: np.concatenate(values)}).to_csv("submission.csv", index=False)
'''

_LEVELS: tuple[tuple[str, str, str], ...] = (
    ("constant", "every pixel at the mean grey level of the clean training pages", '''
train, test = load()
mean = float(np.mean([clean.mean() for _, clean in pairs(train)]))
write(test, lambda x: np.full_like(x, mean))
'''),
    ("global_threshold", "one threshold on the raw scan, learnt on the training pages", '''
train, test = load()
data = pairs(train)
t, lo, hi = learn_threshold(np.concatenate([d.reshape(-1) for d, _ in data]),
                            np.concatenate([c.reshape(-1) for _, c in data]))
write(test, lambda x: np.where(x <= t, lo, hi))
'''),
    ("median_background", "median filter and a grey-closing background removed, then a learnt threshold", '''
train, test = load()
data = pairs(train)


def cleaned(x):
    return normalized(x)[2]  # the scan over its background (thin strokes survive: no median on the strokes)


t, lo, hi = learn_threshold(np.concatenate([cleaned(d).reshape(-1) for d, _ in data]),
                            np.concatenate([c.reshape(-1) for _, c in data]))
write(test, lambda x: np.where(cleaned(x) <= t, lo, hi))
'''),
    ("ridge_neighbourhood", "ridge regression on 5x5 neighbourhood and background features", '''
from sklearn.linear_model import Ridge

train, test = load()
X, y = training_set(train)
model = Ridge(alpha=1.0).fit(X, y)
write(test, lambda x: model.predict(features(x)).reshape(x.shape))
'''),
    ("boosting_neighbourhood", "gradient boosting on 5x5 neighbourhood and background features", '''
from sklearn.ensemble import HistGradientBoostingRegressor

train, test = load()
X, y = training_set(train)
model = HistGradientBoostingRegressor(max_iter=80, learning_rate=0.15, random_state=SEED).fit(X, y)
write(test, lambda x: model.predict(features(x)).reshape(x.shape))
'''),
    ("ensemble", "gradient boosting and extra trees on rich multi-scale features, averaged", '''
from sklearn.ensemble import ExtraTreesRegressor, HistGradientBoostingRegressor

train, test = load()
X, y = training_set(train, rich=True)
boost = HistGradientBoostingRegressor(max_iter=120, learning_rate=0.12, random_state=SEED).fit(X, y)
trees = ExtraTreesRegressor(n_estimators=10, max_depth=14, min_samples_leaf=4, max_features=0.3, random_state=SEED,
                            n_jobs=1).fit(X, y)


def predict(x):
    f = features(x, rich=True)
    return (0.6 * boost.predict(f) + 0.4 * trees.predict(f)).reshape(x.shape)


write(test, predict)
'''),
)


def _header(config: LadderConfig, level: int, name: str, summary: str) -> str:
    return (
        f'"""Ladder level {level} ({name}): {summary}.\n\n'
        f"Reads ./public/train.csv, ./public/test.csv and the pages they name; writes ./submission.csv (one row per "
        f"test pixel).\nGenerated by sandmle. Seed from ${SEED_ENV} (default 0); $SANDMLE_SUBSAMPLE=1 "
        f'(unset: seed not 0) = a seeded 90% subsample of the training pages."""\n'
        f"\nSEED_ENV = {SEED_ENV!r}\n"
        f"ID = {config.id_column!r}\n"
        f"VALUE = {config.target_columns[0]!r}\n"
        f"IMAGE = {config.image_column or 'image'!r}\n"
    )


def scripts(config: LadderConfig) -> list[LadderScript]:
    """The image-to-image ladder of a task, weakest first.

    Raises:
        ValueError: when the config is not an image-to-image task graded on one value column.
    """
    if config.modality != Modality.IMAGE_TO_IMAGE:
        raise ValueError(f"the image-to-image ladder needs an image-to-image task, got {config.modality}")
    if config.metric_kind != "value" or len(config.target_columns) != 1:
        raise ValueError("the image-to-image ladder writes one grey-level value column per pixel row")
    return [
        LadderScript(level=level, name=name, summary=summary,
                     source=_header(config, level, name, summary) + _PRELUDE + "\n" + body.lstrip("\n"))
        for level, (name, summary, body) in enumerate(_LEVELS)
    ]
