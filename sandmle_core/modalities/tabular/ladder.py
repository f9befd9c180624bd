"""The tabular solution ladder: six standalone scripts from the training prior to a boosted ensemble.

0 prior — the class shares / majority class / training mean over every training row, whatever the seed (what
  the sample submission holds);
1 one feature — the numeric column most correlated with the target (over every training row, whatever the seed),
  in a one-feature linear model;
2 linear, numeric — every numeric column, median-imputed and standardized, in a (logistic) ridge model;
3 linear, all — plus one-hot categoricals (rare levels pooled) and missing-value indicators, its regularization
  chosen by cross-validation;
4 random forest — every column, categoricals ordinal-encoded, blended half and half with level 3;
5 boosted ensemble — level 3's linear model with a smooth per-column basis added (quadratic B-splines: the hidden
  rules' square, hinge and sine terms bend the signal), the forest and histogram gradient boosting, weighted 2:2:1.
Log-error metrics (RMSLE) are modelled on the log1p scale at every level (the prior is the mean of log1p, and no
prediction goes below 0); several target columns (multi-target regression) get one model each. A task with per-id
structure files (nomad2018's `<part>/<id>/geometry.xyz`) adds each file's atom count and mean cell side as two numeric
columns from level 3 on. Blending the tuned
linear model into the tree levels keeps the ladder rising on micro data, where a lone forest often loses to a linear
model.
The top level needs a capability the forest blend lacks: averaged in equal thirds, a micro-scale booster (weaker
than the forest on 100-170 rows) diluted level 4 and the top level scored below it in 5 of 7 breast-cancer slots.

Every script shares one prelude (read the data, split features, encode) and one epilogue (turn model outputs into
the submission the metric wants); only the model block differs. Column names are baked in as literals.
"""

from __future__ import annotations

from sandmle_core.ladder import LadderConfig, LadderScript
from sandmle_core.ladder.scorers import NEG_LOG_LOSS
from sandmle_core.modalities.tabular.ladder_parts import EPILOGUE, STRUCTURE_BLOCK

__all__ = ["scripts"]

_PRELUDE = '''"""{summary}

Solution ladder level {level} ({name}) for this task. Reads ./public/, writes ./submission.csv.
Seeded by the environment variable SANDMLE_SEED (default 0); fits on a seeded 90% subsample when SANDMLE_SUBSAMPLE
is 1 (unset: when the seed is not 0).
"""
import os

import numpy as np
import pandas as pd

ID = {id_column!r}
TARGETS = {targets!r}
SUBMISSION = {submission!r}
CLASSES = {classes!r}
KIND = {kind!r}          # probability | class_probabilities | label | value
METRIC = {metric!r}
FEATURES = {features!r}  # None = every column but the id and the targets
SEED = int(os.environ.get("SANDMLE_SEED", "0"))
SUBSAMPLE = os.environ.get("SANDMLE_SUBSAMPLE", "1" if SEED else "0") == "1"  # fit on a seeded 90% subsample

train = pd.read_csv("public/train.csv")
test = pd.read_csv("public/test.csv")
train_all = train  # every training row: what the prior and the one-feature column choice read, whatever the seed
if SUBSAMPLE:
    train = train.sample(frac=0.9, random_state=SEED).reset_index(drop=True)
features = list(FEATURES) if FEATURES else [c for c in test.columns if c != ID and c not in TARGETS]
X, X_test = train[features], test[features]
TREES = 60 if len(train) < 1000 else 200  # micro-scale data needs few trees; full scale gets more
categorical = [c for c in features if not pd.api.types.is_numeric_dtype(X[c])]
numeric = [c for c in features if c not in categorical]


def target_matrix():
    """Y as the model sees it: class strings, 0/1 label columns, values, or value columns (several targets)."""
    if KIND == "probability":
        return train[list(TARGETS)].astype(float).fillna(0).astype(int)
    if KIND == "value":
        return train[TARGETS[0]].astype(float) if len(TARGETS) == 1 else train[list(TARGETS)].astype(float)
    return train[TARGETS[0]].astype(str)


Y = target_matrix()


def all_rows(y):
    """A target column `y` of the seed's rows, over every training row (as `target_matrix` reads it): a prior or a
    column choice made on the seed's subsample flipped between seeds when two classes or two columns were close."""
    if getattr(y, "name", None) not in train_all.columns:
        return y
    column = train_all[y.name]
    if KIND == "probability":
        return column.astype(float).fillna(0).astype(int)
    return column.astype(float) if KIND == "value" else column.astype(str)

is_classifier = KIND != "value"
# log-error metrics are fitted on the log scale; squared or absolute errors on the raw scale (a log model predicts
# the median, which a squared error on a skewed target punishes)
LOG_TARGET = bool(METRIC in ("rmsle", "mean_column_rmsle") and (np.asarray(Y) >= 0).all())


_BLOCKS = {{}}  # (frame, reference, columns) -> the numeric block: each one is computed once per script


def numeric_block(frame, reference):
    """Numeric columns, clipped to the training 1st-99th percentiles (outliers) and median-imputed."""
    key = (id(frame), id(reference), tuple(numeric))
    if key not in _BLOCKS:  # the frames are kept with their block, so their ids stay theirs
        ref, values = reference[numeric].astype(float), frame[numeric].astype(float)
        # numpy's clip, 4x faster than pandas' clip(axis=1) here; a bound of a column all missing clips nothing
        low, high = (np.where(np.isnan(b := ref.quantile(q).to_numpy()), fill, b) for q, fill in ((0.01, -np.inf),
                                                                                                    (0.99, np.inf)))
        values = pd.DataFrame(np.clip(values.to_numpy(), low, high), index=values.index, columns=values.columns)
        _BLOCKS[key] = (frame, reference, values.fillna(ref.median()).fillna(0.0))
    return _BLOCKS[key][2].copy()


def ordinal_block(frame, reference):
    out = pd.DataFrame(index=frame.index)
    for c in categorical:
        levels = {{v: i for i, v in enumerate(sorted(reference[c].dropna().astype(str).unique()))}}
        out[c] = frame[c].astype(str).map(levels).fillna(-1)
    return out


def onehot_block(frame, reference, min_count=5):
    parts = []
    for c in categorical:
        counts = reference[c].astype(str).value_counts()
        keep = [v for v in counts.index if counts[v] >= min_count and v != "nan"]
        col = frame[c].astype(str)
        block = pd.DataFrame({{f"{{c}}={{v}}": (col == v).astype(float) for v in keep}}, index=frame.index)
        block[f"{{c}}=other"] = (~col.isin(keep)).astype(float)
        parts.append(block)
    return pd.concat(parts, axis=1) if parts else pd.DataFrame(index=frame.index)


def missing_block(frame):
    cols = [c for c in features if X[c].isna().any()]
    return pd.DataFrame({{f"{{c}}_missing": frame[c].isna().astype(float) for c in cols}}, index=frame.index)

'''

_LINEAR_ALL = '''
from sklearn.linear_model import LogisticRegressionCV, RidgeCV


def spline_block(frame):
    """A smooth per-column basis (quadratic B-splines on the training quantiles): curves, thresholds and skew that
    one linear weight per column cannot follow; linear beyond the training range."""
    if not numeric:
        return pd.DataFrame(index=frame.index)
    from sklearn.preprocessing import SplineTransformer

    basis = SplineTransformer(n_knots=4, degree=2, knots="quantile", extrapolation="linear")
    basis.fit(numeric_block(X, X))
    return pd.DataFrame(basis.transform(numeric_block(frame, X)), index=frame.index).add_prefix("spline_")


SPLINES = False  # the top level sets it: a smooth per-column basis on top of the linear design


def linear_design(frame):
    blocks = [numeric_block(frame, X), spline_block(frame) if SPLINES else None, onehot_block(frame, X),
              missing_block(frame)]
    return pd.concat([b for b in blocks if b is not None], axis=1)


def target_forward(y):
    """Log-error metrics are fitted on the log scale."""
    return np.log1p(y) if LOG_TARGET else y


def target_back(values):
    return np.expm1(values) if LOG_TARGET else values


''' + NEG_LOG_LOSS + '''

def linear_all(y):
    A, B = linear_design(X), linear_design(X_test)
    mu, sd = A.mean(), A.std().replace(0, 1)
    A, B = (A - mu) / sd, (B - mu) / sd
    if not is_classifier:
        return target_back(RidgeCV(alphas=(0.3, 1.0, 3.0, 10.0, 30.0)).fit(A, target_forward(y)).predict(B))
    folds = int(min(3, y.value_counts().min()))
    if folds < 2:
        from sklearn.linear_model import LogisticRegression

        model = LogisticRegression(C=0.3, max_iter=2000).fit(A, y)
    else:
        # l1_ratios and use_legacy_attributes said: scikit-learn 1.9 warns of their defaults' change on stderr
        model = LogisticRegressionCV(Cs=(0.03, 0.1, 0.3, 1.0, 3.0), cv=folds, max_iter=2000, scoring=neg_log_loss,
                                     l1_ratios=(0.0,), use_legacy_attributes=False).fit(A, y)
    return pd.DataFrame(model.predict_proba(B), columns=[str(c) for c in model.classes_])


def blend(predictions, weights=None):
    """The weighted average of several models' outputs (probability tables are aligned on their class columns)."""
    weights = np.ones(len(predictions)) if weights is None else np.asarray(weights, dtype=float)
    weights = weights / weights.sum()
    if not is_classifier:
        return sum(w * np.asarray(p) for w, p in zip(weights, predictions))
    columns = sorted(set().union(*(p.columns for p in predictions)))
    return sum(w * p.reindex(columns=columns, fill_value=0.0) for w, p in zip(weights, predictions))
'''

_FOREST = '''
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor


def tree_design(frame):
    return pd.concat([numeric_block(frame, X), ordinal_block(frame, X), missing_block(frame)], axis=1)


_LABEL_FORESTS = {}  # label column -> its test probabilities


def label_forest(y):
    """A multi-label task's forest (one 0/1 target column per label): one forest fitted on every label column at
    once, whose trees split for all of them; one forest per column cost as many times the trees."""
    if not _LABEL_FORESTS:
        columns = [t for t in TARGETS if Y[t].nunique() > 1]
        model = RandomForestClassifier(n_estimators=TREES, min_samples_leaf=2, max_features="sqrt", n_jobs=1,
                                       random_state=SEED).fit(tree_design(X), Y[columns])
        for column, p, classes in zip(columns, model.predict_proba(tree_design(X_test)), model.classes_):
            _LABEL_FORESTS[column] = pd.DataFrame(p, columns=[str(c) for c in classes])
    return _LABEL_FORESTS[y.name]


def forest(y):
    if KIND == "probability" and len(TARGETS) > 1:
        return label_forest(y)
    A, B = tree_design(X), tree_design(X_test)
    if not is_classifier:
        model = RandomForestRegressor(n_estimators=TREES, min_samples_leaf=2, max_features=0.5, n_jobs=1,
                                      random_state=SEED)
        return target_back(model.fit(A, target_forward(y)).predict(B))
    model = RandomForestClassifier(n_estimators=TREES, min_samples_leaf=2, max_features="sqrt", n_jobs=1,
                                   random_state=SEED).fit(A, y)
    return pd.DataFrame(model.predict_proba(B), columns=[str(c) for c in model.classes_])
'''

_MODELS = {
    "prior": (
        "the training prior: class shares, the majority class, or the mean",
        '''
def fit_predict(y):
    """The training prior for every test row, over every training row (what the sample submission holds; on the
    seed's subsample the majority of two close classes flipped between seeds)."""
    y = all_rows(y)
    n = len(X_test)
    if not is_classifier:  # the mean on the metric's scale: of log1p(y) for RMSLE
        return np.full(n, float(np.expm1(np.log1p(y).mean()) if LOG_TARGET else y.mean()))
    if KIND == "probability":
        return np.full(n, float(y.mean()))
    shares = y.value_counts(normalize=True)
    return pd.DataFrame({c: np.full(n, shares.get(c, 0.0)) for c in sorted(shares.index)})
''',
    ),
    "one_feature": (
        "a one-feature linear model on the numeric column most correlated with the target",
        '''
from sklearn.linear_model import LogisticRegression, Ridge


def best_column(y):
    """The numeric column most correlated with the target over every training row: which column the model uses is
    the task's, not the seed's subsample's (chosen per subsample it flipped between columns, and this level's score
    with it)."""
    if not numeric:
        return None
    full, y = (train_all, all_rows(y)) if getattr(y, "name", None) in train_all.columns else (train, y)
    values = numeric_block(full[features], full[features])
    codes = y.to_numpy() if pd.api.types.is_numeric_dtype(y) else pd.factorize(y)[0]
    target = pd.Series(codes, index=values.index).astype(float)
    corr = values.apply(lambda col: abs(np.corrcoef(col, target)[0, 1]) if col.std() > 0 else 0.0).fillna(0.0)
    return corr.idxmax()


def fit_predict(y):
    col = best_column(y)
    if col is None:
        return np.full(len(X_test), float(y.mean())) if not is_classifier else None
    A, B = numeric_block(X, X)[[col]], numeric_block(X_test, X)[[col]]
    mu, sd = A.mean(), A.std().replace(0, 1)
    A, B = (A - mu) / sd, (B - mu) / sd
    if not is_classifier and LOG_TARGET:  # RMSLE: fitted on log1p
        return np.expm1(Ridge(alpha=1.0).fit(A, np.log1p(y)).predict(B))
    if not is_classifier:
        return Ridge(alpha=1.0).fit(A, y).predict(B)
    model = LogisticRegression(C=1.0, max_iter=500).fit(A, y)
    return pd.DataFrame(model.predict_proba(B), columns=[str(c) for c in model.classes_])
''',
    ),
    "linear_numeric": (
        "a regularized linear model on every numeric column (median-imputed, standardized)",
        '''
from sklearn.linear_model import LogisticRegression, Ridge


def design(frame):
    return numeric_block(frame, X)


def fit_predict(y):
    A, B = design(X), design(X_test)
    if A.shape[1] == 0:
        A, B = ordinal_block(X, X), ordinal_block(X_test, X)
    mu, sd = A.mean(), A.std().replace(0, 1)
    A, B = (A - mu) / sd, (B - mu) / sd
    if not is_classifier and LOG_TARGET:  # RMSLE: fitted on log1p
        return np.expm1(Ridge(alpha=3.0).fit(A, np.log1p(y)).predict(B))
    if not is_classifier:
        return Ridge(alpha=3.0).fit(A, y).predict(B)
    model = LogisticRegression(C=0.5, max_iter=1000).fit(A, y)
    return pd.DataFrame(model.predict_proba(B), columns=[str(c) for c in model.classes_])
''',
    ),
    "linear_all": (
        "a cross-validated regularized linear model on numeric columns, one-hot categoricals and missing indicators",
        _LINEAR_ALL + """

def fit_predict(y):
    return linear_all(y)
""",
    ),
    "random_forest": (
        "a random forest on every column, blended half and half with the tuned linear model",
        _LINEAR_ALL + _FOREST + """

def fit_predict(y):
    return blend([linear_all(y), forest(y)])
""",
    ),
    "boosted_ensemble": (
        "gradient boosting, a random forest and the tuned linear model, averaged",
        _LINEAR_ALL + _FOREST + """
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor


def boosted(y):
    A, B = tree_design(X), tree_design(X_test)
    small = len(A) < 1000
    # micro scale: 100 rounds at rate 0.075 (the shrinkage budget of 150 at 0.05) score as 150 did, 13% cheaper
    args = dict(learning_rate=0.075 if small else 0.1, max_iter=100 if small else 300, max_depth=3 if small else None,
                max_leaf_nodes=8 if small else 31, min_samples_leaf=8 if small else 20, l2_regularization=1.0,
                max_features=0.5 if small else 1.0, random_state=SEED)
    if not is_classifier:
        return target_back(HistGradientBoostingRegressor(**args).fit(A, target_forward(y)).predict(B))
    model = HistGradientBoostingClassifier(**args).fit(A, y)
    return pd.DataFrame(model.predict_proba(B), columns=[str(c) for c in model.classes_])


SPLINES = True


def fit_predict(y):
    return blend([linear_all(y), forest(y), boosted(y)], (2, 2, 1))
""",
    ),
}

STRUCTURE_LEVEL = 3  # the first rung that reads the per-id structure files, when the task has them


def scripts(config: LadderConfig) -> list[LadderScript]:
    """The six tabular rungs for `config`, weakest first; from `STRUCTURE_LEVEL` on they also read the per-id
    structure files of a task that has them (`config.structure_file`)."""
    out = []
    for level, (name, (summary, model)) in enumerate(_MODELS.items()):
        prelude = _PRELUDE.format(
            summary=summary[0].upper() + summary[1:] + ".", level=level, name=name, id_column=config.id_column,
            targets=tuple(config.target_columns), submission=tuple(config.submission_columns),
            classes=tuple(config.classes) if config.classes else None, kind=config.metric_kind,
            metric=config.metric, features=tuple(config.feature_columns) if config.feature_columns else None,
        )
        if config.structure_file and level >= STRUCTURE_LEVEL:
            prelude += STRUCTURE_BLOCK.format(file=config.structure_file)
        out.append(LadderScript(level=level, name=name, summary=summary, source=prelude + model + EPILOGUE))
    return out
