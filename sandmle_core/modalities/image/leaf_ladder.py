"""The silhouette + descriptor-table ladder (leaf-classification's shape): six standalone scripts on binary
silhouettes `images/<id>.jpg` and a table of pre-extracted descriptors, one probability per class.

Levels: 0 the training prior; 1 the descriptor table alone (standardized), logistic regression; 2 silhouette
features of the image alone (the outline's centroid-distance profile, its Fourier magnitudes, elongation,
compactness, roughness), logistic regression; 3 extra trees on the image features and the table together; 4 a
logistic regression on both, its regularization tuned by cross-validated log loss over a small grid; 5 an ensemble:
the mean of the tuned model and a logistic regression on square-rooted (variance-stabilized) histogram bins with a
wider grid. Images are read by id from `images/` (numpy, scikit-learn and Pillow only), so a script runs on a
synthetic environment and on the real seed alike.
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
SIZE = 64
BINS = 128


''' + LOAD_SNIPPET + '''

def table(train, test):
    """The descriptor columns both tables hold, as floats (missing values as the training median)."""
    cols = [c for c in FEATURES if c in train.columns and c in test.columns]
    a, b = train[cols].apply(pd.to_numeric, errors="coerce"), test[cols].apply(pd.to_numeric, errors="coerce")
    fill = a.median()
    return a.fillna(fill).to_numpy(float), b.fillna(fill).to_numpy(float)


def images(frame):
    """The rows' silhouettes `images/<id>.jpg` as 0/1 masks of SIZE x SIZE (resized when the file is not)."""
    out = np.zeros((len(frame), SIZE, SIZE), dtype=bool)
    for i, name in enumerate(frame[ID].astype(str)):
        with Image.open(os.path.join("public", "images", name + ".jpg")) as im:
            im = im.convert("L")
            if im.size != (SIZE, SIZE):
                im = im.resize((SIZE, SIZE), Image.BILINEAR)
            out[i] = np.asarray(im) >= 128
    return out


def silhouette(masks):
    """Outline features of each mask: its centroid-distance profile (32 directions, over its mean), the profile's
    Fourier magnitudes (turn-invariant), elongation, compactness, area and roughness."""
    rows = []
    for mask in masks:
        ys, xs = np.nonzero(mask)
        if len(xs) < 5:
            rows.append(np.zeros(69))
            continue
        cy, cx = ys.mean(), xs.mean()
        inner = mask.copy()
        inner[1:-1, 1:-1] = mask[1:-1, 1:-1] & mask[:-2, 1:-1] & mask[2:, 1:-1] & mask[1:-1, :-2] & mask[1:-1, 2:]
        ey, ex = np.nonzero(mask & ~inner)
        sector = ((np.arctan2(ey - cy, ex - cx) + np.pi) / (2 * np.pi) * BINS).astype(int) % BINS
        reach = np.zeros(BINS)
        np.maximum.at(reach, sector, np.hypot(ey - cy, ex - cx))
        for b in np.flatnonzero(reach == 0):
            reach[b] = reach[b - 1]
        reach = reach / reach.mean()
        spectrum = np.abs(np.fft.rfft(reach))[1:33] / BINS
        eig = np.sort(np.linalg.eigvalsh(np.cov(np.vstack([xs, ys]))))
        rows.append(np.concatenate([reach.reshape(32, -1).mean(1), spectrum, [
            np.sqrt(eig[1] / max(eig[0], 1e-6)), len(ey) ** 2 / mask.sum(), mask.mean(), reach.std(),
            np.abs(np.diff(reach)).mean()]]))
    return np.asarray(rows)


def both(train, test, root=False):
    """Image features beside the table (its bins square-rooted when `root`: histogram counts' noise grows with them)."""
    t_train, t_test = table(train, test)
    if root:
        t_train, t_test = np.sqrt(np.clip(t_train, 0, None)), np.sqrt(np.clip(t_test, 0, None))
    return np.hstack([silhouette(images(train)), t_train]), np.hstack([silhouette(images(test)), t_test])


def write(test, model_classes, proba):
    """Write submission.csv: one probability column per class (a class the model never saw gets a floor)."""
    model_classes = [str(c) for c in model_classes]
    proba = np.asarray(proba, dtype=float)
    out = pd.DataFrame({ID: test[ID].to_numpy()})
    block = np.full((len(test), len(SUBMISSION)), 1e-4)
    for j, c in enumerate(SUBMISSION):
        if c in model_classes:
            block[:, j] = np.maximum(proba[:, model_classes.index(c)], 1e-4)
    block = block / block.sum(1, keepdims=True)
    for j, c in enumerate(SUBMISSION):
        out[c] = np.round(block[:, j], 6)
    out.to_csv("submission.csv", index=False)


def logistic(x_train, y, x_test, c=0.1):
    """A standardized multinomial logistic regression; (classes, probabilities on the test rows)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    model = make_pipeline(StandardScaler(), LogisticRegression(C=c, max_iter=5000))
    model.fit(x_train, y)
    return model.classes_, model.predict_proba(x_test)


def tuned(x_train, y, x_test, grid):
    """The logistic regression whose C scores the best 4-fold cross-validated log loss on the training rows."""
    from sklearn.metrics import log_loss
    from sklearn.model_selection import StratifiedKFold

    y = np.asarray(y)
    folds = StratifiedKFold(n_splits=max(2, min(4, int(pd.Series(y).value_counts().min()))), shuffle=True,
                            random_state=SEED)
    losses = []
    for c in grid:
        loss = 0.0
        for fit, held in folds.split(x_train, y):
            classes, p = logistic(x_train[fit], y[fit], x_train[held], c)
            p = np.clip(p, 1e-6, 1)
            loss += log_loss(y[held], p / p.sum(1, keepdims=True), labels=list(classes))
        losses.append(loss)
    return logistic(x_train, y, x_test, grid[int(np.argmin(losses))])
'''

_LEVELS: tuple[tuple[str, str, str], ...] = (
    PRIOR_LEVEL,
    ("table_logreg", "the descriptor table alone (standardized), logistic regression", '''
train, test = load()
x_train, x_test = table(train, test)
write(test, *logistic(x_train, train[TARGET].astype(str), x_test))
'''),
    ("silhouette_logreg", "outline features of the silhouette image alone, logistic regression", '''
train, test = load()
write(test, *logistic(silhouette(images(train)), train[TARGET].astype(str), silhouette(images(test))))
'''),
    ("both_trees", "extra trees on the silhouette features and the descriptor table together", '''
from sklearn.ensemble import ExtraTreesClassifier

train, test = load()
x_train, x_test = both(train, test)
model = ExtraTreesClassifier(n_estimators=400, max_features="sqrt", random_state=SEED, n_jobs=1)
model.fit(x_train, train[TARGET].astype(str))
write(test, model.classes_, model.predict_proba(x_test))
'''),
    ("both_logreg_tuned", "logistic regression on silhouette features and the table, C tuned by cross-validation", '''
train, test = load()
x_train, x_test = both(train, test)
write(test, *tuned(x_train, train[TARGET].astype(str).to_numpy(), x_test, (0.3, 1.0, 3.0)))
'''),
    ("ensemble", "mean of the tuned model and a tuned logistic regression on square-rooted histogram bins", '''
train, test = load()
y = train[TARGET].astype(str).to_numpy()
x_train, x_test = both(train, test)
classes, first = tuned(x_train, y, x_test, (0.3, 1.0, 3.0))
r_train, r_test = both(train, test, root=True)
r_classes, second = tuned(r_train, y, r_test, (1.0, 3.0, 10.0, 30.0))
order = [list(r_classes).index(c) for c in classes]
write(test, classes, 0.5 * first + 0.5 * second[:, order])
'''),
)


def _header(config: LadderConfig, level: int, name: str, summary: str) -> str:
    features = tuple(c for c in (config.feature_columns or ()) if c not in (config.id_column, *config.target_columns))
    return (
        f'"""Ladder level {level} ({name}): {summary}.\n\n'
        f"Reads ./public/train.csv, ./public/test.csv and the silhouettes ./public/images/<id>.jpg; writes "
        f"./submission.csv.\n"
        f'Generated by sandmle. Seed from ${SEED_ENV} (default 0); $SANDMLE_SUBSAMPLE=1 '
        f'(unset: seed not 0) = a seeded 90% subsample."""\n'
        f"\nSEED_ENV = {SEED_ENV!r}\n"
        f"ID = {config.id_column!r}\n"
        f"TARGET = {config.target_columns[0]!r}\n"
        f"FEATURES = {features!r}\n"
        f"CLASSES = {tuple(config.classes or ())!r}\n"
        f"SUBMISSION = {tuple(config.submission_columns)!r}\n"
        f"KIND = {config.metric_kind!r}\n"
    )


def scripts(config: LadderConfig) -> list[LadderScript]:
    """The silhouette + descriptor ladder of a many-class task scored on class probabilities, weakest first.

    Raises:
        ValueError: when the task is not one label column submitted as one probability column per class.
    """
    if config.metric_kind != "class_probabilities" or len(config.target_columns) != 1:
        raise ValueError("the silhouette ladder needs one label column submitted as class probabilities")
    return [LadderScript(level=level, name=name, summary=summary,
                         source=_header(config, level, name, summary) + _PRELUDE + "\n" + body.lstrip("\n"))
            for level, (name, summary, body) in enumerate(_LEVELS)]
