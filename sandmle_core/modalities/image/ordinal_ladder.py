"""The ordinal image ladder (aptos' shape): six scripts from the majority grade to regression with tuned cut points.

Levels: 0 the majority grade; 1 nearest neighbours on 8x8 pixels; 2 intensity statistics with logistic regression
(both treat grades as unrelated classes, as the image classification ladder does); 3 spot features (how many pixels
and local extremes stand out of a blurred copy, at several thresholds) and intensity statistics with logistic
regression; 4 the same features
with ridge regression on the grade number, rounded — the order of the grades is used; 5 a blend of ridge and extra
trees regression on spot, intensity and pixel features, with cut points between grades tuned on out-of-fold
predictions to maximise the quadratic weighted kappa. Each script reuses the image ladder's prelude (loading, image
features, writing), so it runs on its own.
"""

from __future__ import annotations

from sandmle_core.ladder import LadderConfig, LadderScript
from sandmle_core.modalities.image.ladder import _LEVELS, _PRELUDE, _header

__all__ = ["scripts"]

_ORDINAL_PRELUDE = '''

def blur(x, k=5):
    """Box mean over k x k neighbourhoods (edge-padded): the background a spot stands out of."""
    p = np.pad(x, ((0, 0), (k // 2, k // 2), (k // 2, k // 2)), mode="edge")
    c = p.cumsum(1).cumsum(2)
    c = np.pad(c, ((0, 0), (1, 0), (1, 0)))
    return (c[:, k:, k:] - c[:, :-k, k:] - c[:, k:, :-k] + c[:, :-k, :-k]) / (k * k)


def spots(x):
    """Spot evidence per image: shares of pixels darker/brighter than their surroundings and local extremes."""
    r = smooth(x) - blur(x, 7)
    flat = r.reshape(len(r), -1)
    p = np.pad(r, ((0, 0), (1, 1), (1, 1)), mode="edge")
    shifts = [p[:, 1 + dy:1 + dy + SIZE, 1 + dx:1 + dx + SIZE] for dy in (-1, 0, 1) for dx in (-1, 0, 1)]
    low, high = np.min(shifts, axis=0), np.max(shifts, axis=0)
    cols = []
    for t in (0.04, 0.07, 0.1, 0.14):
        cols += [(flat < -t).mean(1), (flat > t).mean(1),
                 ((r == low) & (r < -t)).reshape(len(r), -1).sum(1), ((r == high) & (r > t)).reshape(len(r), -1).sum(1)]
    cols += [np.clip(-flat, 0, None).sum(1), np.clip(flat, 0, None).sum(1), np.abs(flat).std(1)]
    return np.column_stack(cols)


def grades_of(train):
    return train[TARGET].astype(float).to_numpy()


def write_grades(test, values, cuts=None):
    """Write submission.csv from real-valued grades: rounded (or cut at `cuts`) and clipped to the grade range."""
    levels = np.array(sorted(int(float(c)) for c in (CLASSES or [0])))
    cuts = np.arange(levels.min(), levels.max()) + 0.5 if cuts is None else np.asarray(cuts)
    index = np.searchsorted(np.sort(cuts), np.asarray(values, dtype=float))
    out = pd.DataFrame({ID: test[ID].to_numpy(), SUBMISSION[0]: levels.min() + index})
    out.to_csv("submission.csv", index=False)
'''

_REGRESSION_LEVELS: tuple[tuple[str, str, str], ...] = (
    ("spots_logreg", "spot features (pixels and local extremes standing out of a blurred copy) and intensity "
                     "statistics, logistic regression", '''
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

train, test = load()
img_train, img_test = images(train), images(test)
x_train = np.hstack([spots(img_train), intensity(img_train)])
x_test = np.hstack([spots(img_test), intensity(img_test)])
model = make_pipeline(StandardScaler(), LogisticRegression(C=0.3, max_iter=3000, random_state=SEED))
model.fit(x_train, train[TARGET].astype(str))
write(test, model.classes_, model.predict_proba(x_test))
'''),
    ("spots_ridge_round", "spot and intensity features, ridge regression on the grade number, rounded", '''
from sklearn.linear_model import Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

train, test = load()
img_train, img_test = images(train), images(test)
x_train = np.hstack([spots(img_train), intensity(img_train)])
x_test = np.hstack([spots(img_test), intensity(img_test)])
model = make_pipeline(StandardScaler(), Ridge(alpha=3.0))
model.fit(x_train, grades_of(train))
write_grades(test, model.predict(x_test))
'''),
    ("regression_tuned_cuts", "ridge + extra trees regression on spot, intensity and pixel features, cut points "
                              "tuned on out-of-fold predictions for the kappa", '''
from sklearn.ensemble import ExtraTreesRegressor
from sklearn.linear_model import Ridge
from sklearn.metrics import cohen_kappa_score
from sklearn.model_selection import KFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

train, test = load()
img_train, img_test = images(train), images(test)


def features(x):
    return np.hstack([spots(x), spots(smooth(x)), intensity(x)])


x_train, x_test, y = features(img_train), features(img_test), grades_of(train)


def models():
    return (make_pipeline(StandardScaler(), Ridge(alpha=3.0)),
            ExtraTreesRegressor(n_estimators=150, min_samples_leaf=2, random_state=SEED, n_jobs=1))


def blend(fitted, x):
    return 0.5 * fitted[0].predict(x) + 0.5 * fitted[1].predict(x)


oof = np.zeros(len(y))
for fold, (a, b) in enumerate(KFold(5, shuffle=True, random_state=SEED).split(x_train)):
    oof[b] = blend([m.fit(x_train[a], y[a]) for m in models()], x_train[b])
levels = np.arange(int(y.min()), int(y.max()) + 1)
cuts = levels[:-1] + 0.5
for _ in range(3):  # coordinate search: move each cut point where the out-of-fold kappa is highest
    for j in range(len(cuts)):
        grid = np.linspace(levels[j], levels[j + 1], 21)
        trial = [np.sort(np.r_[cuts[:j], g, cuts[j + 1:]]) for g in grid]
        scores = [cohen_kappa_score(y.astype(int), levels.min() + np.searchsorted(t, oof), weights="quadratic")
                  for t in trial]
        cuts[j] = grid[int(np.argmax(scores))]
write_grades(test, blend([m.fit(x_train, y) for m in models()], x_test), np.sort(cuts))
'''),
)


def scripts(config: LadderConfig) -> list[LadderScript]:
    """The ordinal image ladder of a task, weakest first (rungs 0-2 are the classification ladder's 0, 2, 1)."""
    levels = (_LEVELS[0], _LEVELS[2], _LEVELS[1], *_REGRESSION_LEVELS)  # kNN on pixels is the weaker
    return [
        LadderScript(level=level, name=name, summary=summary,
                     source=_header(config, level, name, summary) + _PRELUDE + _ORDINAL_PRELUDE + "\n"
                     + body.lstrip("\n"))
        for level, (name, summary, body) in enumerate(levels)
    ]
