"""The image + metadata ladder (siim-isic's shape): six standalone scripts on photographs named by their id and a
metadata table, from the class prior to an ensemble of image cues and metadata.

Levels: 0 the training prior; 1 the metadata alone (age, one-hot categories) with logistic regression; 2 colour
statistics of the whole image with logistic regression; 3 lesion cue features — the spot segmented by an Otsu
threshold, its border irregularity (radial spread of the outline, compactness, lobes) and its colour spread inside —
with logistic regression; 4 gradient-boosted trees (started from a logistic fit) on the metadata and a cross-fitted
cue score (the level-3 model's log-odds, out of fold on the training rows); 5 an ensemble: the rank average of a
logistic regression on cues + metadata and the level-4 trees. Images are read from `jpeg/<train|test>/<id>.jpg`
(numpy, scikit-learn and Pillow only), so a script runs on a synthetic environment and on the real seed alike.
"""

from __future__ import annotations

from sandmle_core.ladder import SEED_ENV, LadderConfig, LadderScript
from sandmle_core.modalities.classes import LOAD_SNIPPET, PRIOR_LEVEL

__all__ = ["scripts"]

_PRELUDE = '''
import os

import numpy as np
import pandas as pd
from PIL import Image

SEED = int(os.environ.get(SEED_ENV, "0"))
SUBSAMPLE = os.environ.get("SANDMLE_SUBSAMPLE", "1" if SEED else "0") == "1"  # fit on a seeded 90% subsample
SIZE = 48


''' + LOAD_SNIPPET + '''

def images(table, part):
    """The table's photographs `jpeg/<part>/<id>.jpg` as RGB floats in [0, 1], shape (n, SIZE, SIZE, 3)."""
    out = np.empty((len(table), SIZE, SIZE, 3), dtype=np.float32)
    for i, name in enumerate(table[ID].astype(str)):
        with Image.open(os.path.join("public", "jpeg", part, name + ".jpg")) as im:
            im = im.convert("RGB")
            if im.size != (SIZE, SIZE):
                im = im.resize((SIZE, SIZE), Image.BILINEAR)
            out[i] = np.asarray(im, dtype=np.float32) / 255.0
    return out


def metadata(train, test):
    """Numeric columns (median-imputed, with a missing flag) and one-hot categories; id-like columns are skipped."""
    parts_a, parts_b = [], []
    for c in [c for c in META if c in train.columns and c in test.columns]:
        a, b = pd.to_numeric(train[c], errors="coerce"), pd.to_numeric(test[c], errors="coerce")
        if a.notna().mean() > 0.5:
            fill = a.median()
            parts_a += [a.fillna(fill).to_numpy(float), a.isna().to_numpy(float)]
            parts_b += [b.fillna(fill).to_numpy(float), b.isna().to_numpy(float)]
            continue
        levels = train[c].fillna("missing").astype(str)
        if levels.nunique() > 12:  # an id-like column (the source): no level is shared with test
            continue
        for level in sorted(levels.unique()):
            parts_a.append((levels == level).to_numpy(float))
            parts_b.append((test[c].fillna("missing").astype(str) == level).to_numpy(float))
    if not parts_a:
        return np.zeros((len(train), 0)), np.zeros((len(test), 0))
    return np.column_stack(parts_a), np.column_stack(parts_b)


def intensity(x):
    """Whole-image colour statistics (no segmentation): channel means, spreads and dark tails, and the spread of the
    channel differences (a second pigment shows there)."""
    flat = x.reshape(len(x), -1, 3)
    diffs = np.stack([flat[..., 0] - flat[..., 1], flat[..., 1] - flat[..., 2], flat[..., 0] - flat[..., 2]], 2)
    return np.hstack([flat.mean(1), flat.std(1), np.quantile(flat, 0.02, axis=1), diffs.std(1)])


def otsu(grey):
    """The grey level that best splits one image into two classes (Otsu's threshold)."""
    hist = np.bincount(np.minimum((grey * 255).astype(int), 255).ravel(), minlength=256).astype(float)
    w = np.cumsum(hist)
    mu = np.cumsum(hist * np.arange(256))
    between = (mu[-1] * w - mu * w[-1]) ** 2 / np.maximum(w * (w[-1] - w), 1e-9)
    return (np.argmax(between) + 0.5) / 255.0


def opening(mask):
    """A 3x3 binary opening (erosion, then dilation): removes structures thinner than three pixels."""
    p = np.pad(mask, 1)
    eroded = np.ones_like(mask)
    for dy in (0, 1, 2):
        for dx in (0, 1, 2):
            eroded &= p[dy:dy + mask.shape[0], dx:dx + mask.shape[1]]
    p = np.pad(eroded, 1)
    out = np.zeros_like(mask)
    for dy in (0, 1, 2):
        for dx in (0, 1, 2):
            out |= p[dy:dy + mask.shape[0], dx:dx + mask.shape[1]]
    return out


def cues(x):
    """Lesion cues: the spot (darker than its Otsu threshold), its size, outline irregularity and colour spread."""
    size = x.shape[1]
    rows, cols = np.indices((size, size))
    out = []
    for img in x:
        grey = img.mean(2)
        mask = opening(grey < otsu(grey))  # the opening drops thin dark lines (hairs) across the frame
        if mask.sum() < 4:
            mask = grey <= np.quantile(grey, 0.2)
        inner = mask.copy()
        inner[1:-1, 1:-1] = mask[1:-1, 1:-1] & mask[:-2, 1:-1] & mask[2:, 1:-1] & mask[1:-1, :-2] & mask[1:-1, 2:]
        edge = mask & ~inner
        area, perimeter = mask.sum(), max(edge.sum(), 1)
        cy, cx = rows[mask].mean(), cols[mask].mean()
        radii = np.hypot(rows[edge] - cy, cols[edge] - cx)
        sector = ((np.arctan2(rows[mask] - cy, cols[mask] - cx) + np.pi) / (2 * np.pi) * 24).astype(int) % 24
        reach = np.zeros(24)
        np.maximum.at(reach, sector, np.hypot(rows[mask] - cy, cols[mask] - cx))  # outline radius per direction
        reach = np.maximum(reach, 0.5)
        lobes = [reach.std() / reach.mean(), np.abs(np.diff(np.r_[reach, reach[0]])).mean() / reach.mean(),
                 area / (np.pi * reach.max() ** 2)]
        pixels = img[mask]
        spread = pixels.std(0)
        span = np.quantile(pixels, 0.9, axis=0) - np.quantile(pixels, 0.1, axis=0)
        chroma = (pixels - pixels.mean(1, keepdims=True)).std(0)
        out.append(np.concatenate([[area / size**2, perimeter**2 / (4 * np.pi * area), radii.std() / radii.mean(),
                                    *lobes], spread, span, chroma, pixels.mean(0)]))
    return np.asarray(out)


def rank(p):
    """Ranks scaled to (0, 1): ROC AUC reads only the order, and ranks put two models on one scale."""
    order = np.argsort(np.argsort(p, kind="stable"), kind="stable")
    return (order + 1.0) / (len(p) + 1.0)


def write(test, model_classes, proba):
    """Write submission.csv: the positive class's probability (or score) per test image."""
    model_classes = [str(c) for c in model_classes]
    proba = np.asarray(proba, dtype=float)
    p = proba[:, model_classes.index(POSITIVE)] if POSITIVE in model_classes else np.zeros(len(test))
    out = pd.DataFrame({ID: test[ID].to_numpy()})
    out[SUBMISSION[0]] = np.round(np.clip(p, 1e-4, 1.0 - 1e-4), 6)
    out.to_csv("submission.csv", index=False)


def logistic(x_train, y, x_test, c=0.3):
    """A standardized, class-balanced logistic regression's two-column probabilities on the test rows."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    model = make_pipeline(StandardScaler(), LogisticRegression(C=c, max_iter=3000, class_weight="balanced",
                                                               random_state=SEED))
    model.fit(x_train, y)
    return model.classes_, model.predict_proba(x_test)


def cue_score(c_train, y, c_test):
    """The cue logistic regression's log-odds: cross-fitted (5 folds) on the training rows, so that a model stacked
    on it sees honest scores, and fitted on every training row for the test rows."""
    from sklearn.model_selection import StratifiedKFold

    y = np.asarray(y)
    folds = StratifiedKFold(n_splits=max(2, min(5, int((y == POSITIVE).sum()))), shuffle=True, random_state=SEED)
    out = np.zeros(len(y))
    for fit, held in folds.split(c_train, y):
        classes, p = logistic(c_train[fit], y[fit], c_train[held])
        out[held] = np.log(p[:, list(classes).index(POSITIVE)] + 1e-6)
    classes, p = logistic(c_train, y, c_test)
    return out, np.log(p[:, list(classes).index(POSITIVE)] + 1e-6)


def trees(x_train, y, x_test):
    """Gradient-boosted shallow trees started from a logistic fit of the same columns (few rows, few positives: the
    trees only add what the linear start misses); two-column probabilities on the test rows."""
    from sklearn.ensemble import GradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression

    model = GradientBoostingClassifier(init=LogisticRegression(C=1.0, max_iter=3000), n_estimators=60,
                                       learning_rate=0.05, max_depth=2, subsample=0.8, random_state=SEED)
    model.fit(x_train, y)
    return model.classes_, model.predict_proba(x_test)
'''

_LEVELS: tuple[tuple[str, str, str], ...] = (
    PRIOR_LEVEL,
    ("metadata_logreg", "the metadata alone (numeric and one-hot columns), logistic regression", '''
train, test = load()
m_train, m_test = metadata(train, test)
write(test, *logistic(m_train, train[TARGET].astype(str), m_test))
'''),
    ("intensity_logreg", "colour intensity statistics of the whole image, logistic regression", '''
train, test = load()
x_train, x_test = intensity(images(train, "train")), intensity(images(test, "test"))
write(test, *logistic(x_train, train[TARGET].astype(str), x_test, c=0.05))
'''),
    ("cues_logreg", "lesion cues (outline irregularity, colour spread inside the spot), logistic regression", '''
train, test = load()
x_train, x_test = cues(images(train, "train")), cues(images(test, "test"))
write(test, *logistic(x_train, train[TARGET].astype(str), x_test))
'''),
    ("cues_meta_trees", "boosted trees on the metadata and a cross-fitted cue score of the image", '''
train, test = load()
m_train, m_test = metadata(train, test)
y = train[TARGET].astype(str)
s_train, s_test = cue_score(cues(images(train, "train")), y, cues(images(test, "test")))
write(test, *trees(np.column_stack([s_train, m_train]), y, np.column_stack([s_test, m_test])))
'''),
    ("ensemble", "rank average of a logistic regression on cues + metadata and the level-4 trees", '''
train, test = load()
m_train, m_test = metadata(train, test)
c_train, c_test = cues(images(train, "train")), cues(images(test, "test"))
y = train[TARGET].astype(str)
classes, linear = logistic(np.hstack([c_train, m_train]), y, np.hstack([c_test, m_test]))
s_train, s_test = cue_score(c_train, y, c_test)
t_classes, forest = trees(np.column_stack([s_train, m_train]), y, np.column_stack([s_test, m_test]))
j, k = list(classes).index(POSITIVE), list(t_classes).index(POSITIVE)
write(test, [POSITIVE], (0.5 * rank(linear[:, j]) + 0.5 * rank(forest[:, k]))[:, None])
'''),
)


def _header(config: LadderConfig, level: int, name: str, summary: str) -> str:
    meta = tuple(c for c in (config.feature_columns or ()) if c not in (config.id_column, *config.target_columns))
    positive = "1" if not config.classes or "1" in config.classes else str(config.classes[-1])
    return (
        f'"""Ladder level {level} ({name}): {summary}.\n\n'
        f"Reads ./public/train.csv, ./public/test.csv and the photographs ./public/jpeg/<train|test>/<id>.jpg; "
        f"writes ./submission.csv.\n"
        f'Generated by sandmle. Seed from ${SEED_ENV} (default 0); $SANDMLE_SUBSAMPLE=1 '
        f'(unset: seed not 0) = a seeded 90% subsample."""\n'
        f"\nSEED_ENV = {SEED_ENV!r}\n"
        f"ID = {config.id_column!r}\n"
        f"TARGET = {config.target_columns[0]!r}\n"
        f"META = {meta!r}\n"
        f"CLASSES = {tuple(config.classes) if config.classes else ('0', '1')!r}\n"
        f"SUBMISSION = {tuple(config.submission_columns)!r}\n"
        f"KIND = {config.metric_kind!r}\n"
        f"POSITIVE = {positive!r}\n"
    )


def scripts(config: LadderConfig) -> list[LadderScript]:
    """The image + metadata ladder of a binary task scored on the positive class's probability, weakest first.

    Raises:
        ValueError: when the task is not one target column with one probability column submitted.
    """
    if config.metric_kind != "probability" or len(config.target_columns) != 1 or len(config.submission_columns) != 1:
        raise ValueError("the image + metadata ladder needs one 0/1 target and one probability column submitted")
    return [LadderScript(level=level, name=name, summary=summary,
                         source=_header(config, level, name, summary) + _PRELUDE + "\n" + body.lstrip("\n"))
            for level, (name, summary, body) in enumerate(_LEVELS)]
