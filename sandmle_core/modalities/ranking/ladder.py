"""The ranking ladder: six standalone scripts from the popularity order to a rank ensemble.

0 popularity — each query's candidates ordered by how often the item is shown in training (ties: its mean relevance);
1 best single column — the candidate (or query) column with the strongest correlation with relevance, signed;
2 pointwise linear — a ridge regression of the relevance grade on every column (queries.csv joined);
3 pointwise trees — a random forest on the columns plus the item's out-of-fold popularity, its ranks averaged 1:1
  with the linear model's within each query;
4 per-query features + boosting — plus every column standardised and ranked within its query and the query-item
  products and differences, in a histogram gradient-boosting model;
5 rank ensemble — boosting, a forest and a ridge model on level 4's design, their within-query ranks blended 2:1:1.

Scripts use pandas, numpy and scikit-learn only. The item id column is test.csv's second column, the graded label
train.csv's `relevance`; queries.csv holds the query columns. With SANDMLE_SEED != 0 a script fits on a seeded 90% of
the training queries. The submission lists the top K candidate ids of each test query, best first, space-separated.
"""

from __future__ import annotations

from sandmle_core.ladder import LadderConfig, LadderScript
from sandmle_core.spec import TaskType

__all__ = ["scripts"]

_PRELUDE = '''"""{summary}

Ranking ladder level {level} ({name}). Reads ./public/, writes ./submission.csv.
Seeded by SANDMLE_SEED (default 0); fits on a seeded 90% of the training queries when SANDMLE_SUBSAMPLE is 1 (unset:
when the seed is not 0).
"""
import os

import numpy as np
import pandas as pd

ID = {id_column!r}
PREDICTION = {prediction!r}
K = {k}
RELEVANCE = "relevance"
SEED = int(os.environ.get("SANDMLE_SEED", "0"))
SUBSAMPLE = os.environ.get("SANDMLE_SUBSAMPLE", "1" if SEED else "0") == "1"  # fit on a seeded 90% subsample

train = pd.read_csv("public/train.csv")
test = pd.read_csv("public/test.csv")
queries = pd.read_csv("public/queries.csv") if os.path.exists("public/queries.csv") else None
ITEM = test.columns[1]
if SUBSAMPLE:
    kept = pd.Series(train[ID].unique()).sample(frac=0.9, random_state=SEED)
    train = train[train[ID].isin(set(kept))].reset_index(drop=True)
QUERY_COLUMNS = [] if queries is None else [c for c in queries.columns if c != ID]
if queries is not None:
    train = train.merge(queries, on=ID, how="left")
    test = test.merge(queries, on=ID, how="left")
ROW_COLUMNS = [c for c in test.columns if c not in (ID, ITEM) and c not in QUERY_COLUMNS]
COLUMNS = ROW_COLUMNS + QUERY_COLUMNS
y = train[RELEVANCE].astype(float).to_numpy()


def popularity(frame, source, strength=5.0):
    """The item's mean relevance in `source`, shrunk towards the overall mean."""
    stats = source.groupby(ITEM)[RELEVANCE].agg(["sum", "count"])
    mean = source[RELEVANCE].mean()
    smoothed = (stats["sum"] + strength * mean) / (stats["count"] + strength)
    return frame[ITEM].map(smoothed).fillna(mean).to_numpy()


def oof_popularity(folds=5):
    """Item popularity for training rows from the other folds of queries (no row sees its own label)."""
    group = pd.Series(train[ID].unique())
    fold_of = pd.Series(np.random.default_rng(SEED).integers(0, folds, len(group)), index=group)
    fold = train[ID].map(fold_of).to_numpy()
    out = np.zeros(len(train))
    for f in range(folds):
        out[fold == f] = popularity(train[fold == f], train[fold != f])
    return out, popularity(test, train)


def numeric(frame, columns):
    return frame[columns].apply(pd.to_numeric, errors="coerce").astype(float)


def standardised(a, b):
    """Both matrices scaled by the training columns' mean and spread (missing values at the mean)."""
    mean, sd = np.nanmean(a, axis=0), np.nanstd(a, axis=0)
    sd = np.where(sd > 0, sd, 1.0)
    return np.nan_to_num((a - mean) / sd), np.nan_to_num((b - mean) / sd)


def within_query(frame, values):
    """Each column standardised and ranked (0..1) within its query."""
    data = pd.DataFrame(values, index=frame.index)
    grouped = data.groupby(frame[ID].to_numpy())
    z = (data - grouped.transform("mean")) / grouped.transform("std").replace(0, 1).fillna(1)
    r = grouped.rank(pct=True)
    return np.hstack([z.fillna(0).to_numpy(), r.fillna(0.5).to_numpy()])


def crossed(a, nq):
    """Products and differences of every query column with every row column (standardised values)."""
    rows, query = a[:, :a.shape[1] - nq], a[:, a.shape[1] - nq:]
    parts = [rows[:, [i]] * query[:, [j]] for i in range(rows.shape[1]) for j in range(nq)]
    parts += [rows[:, [i]] - query[:, [j]] for i in range(rows.shape[1]) for j in range(nq)]
    return np.hstack(parts) if parts else np.zeros((len(a), 0))


def design():
    """Level 4's design: columns, their within-query forms, the query-item crosses, out-of-fold popularity."""
    a, b = standardised(numeric(train, COLUMNS).to_numpy(), numeric(test, COLUMNS).to_numpy())
    pop_tr, pop_te = oof_popularity()
    xa = np.hstack([a, within_query(train, a[:, :len(ROW_COLUMNS)]), crossed(a, len(QUERY_COLUMNS)), pop_tr[:, None]])
    xb = np.hstack([b, within_query(test, b[:, :len(ROW_COLUMNS)]), crossed(b, len(QUERY_COLUMNS)), pop_te[:, None]])
    return xa, xb


def query_rank(scores):
    """Scores as ranks (0..1) within each test query, for blending models on one scale."""
    return pd.Series(scores, index=test.index).groupby(test[ID].to_numpy()).rank(pct=True).to_numpy()


def submit(scores):
    ranked = test.assign(__score__=scores).sort_values([ID, "__score__", ITEM], ascending=[True, False, True])
    top = ranked.groupby(ID, sort=True).head(K).groupby(ID, sort=True)[ITEM]
    lists = top.agg(lambda s: " ".join(str(v) for v in s))
    pd.DataFrame({{ID: lists.index, PREDICTION: lists.to_numpy()}}).to_csv("submission.csv", index=False)

'''

_POPULARITY = '''
shown = train[ITEM].value_counts()  # how often an item is shown: popular items are shown more
submit(test[ITEM].map(shown).fillna(0).to_numpy() + 0.01 * popularity(test, train))  # ties: relevance
'''

_SINGLE = '''
values_tr, values_te = numeric(train, COLUMNS), numeric(test, COLUMNS)
corr = values_tr.apply(lambda col: col.corr(pd.Series(y, index=col.index), method="spearman")).fillna(0.0)
best = corr.abs().idxmax()
submit(np.sign(corr[best]) * values_te[best].fillna(values_tr[best].mean()).to_numpy())
'''

_LINEAR = '''
from sklearn.linear_model import Ridge

a, b = standardised(numeric(train, COLUMNS).to_numpy(), numeric(test, COLUMNS).to_numpy())
submit(Ridge(alpha=1.0).fit(a, y).predict(b))
'''

_TREES = '''
from sklearn.ensemble import RandomForestRegressor
from sklearn.linear_model import Ridge

a, b = standardised(numeric(train, COLUMNS).to_numpy(), numeric(test, COLUMNS).to_numpy())
pop_tr, pop_te = oof_popularity()
forest = RandomForestRegressor(n_estimators=200, min_samples_leaf=5, max_features=0.5, random_state=SEED, n_jobs=1)
forest.fit(np.hstack([a, pop_tr[:, None]]), y)
linear = Ridge(alpha=1.0).fit(a, y)
submit(query_rank(forest.predict(np.hstack([b, pop_te[:, None]]))) + query_rank(linear.predict(b)))
'''

_BOOSTED = '''
from sklearn.ensemble import HistGradientBoostingRegressor

xa, xb = design()
model = HistGradientBoostingRegressor(max_iter=250, learning_rate=0.05, max_leaf_nodes=15, min_samples_leaf=20,
                                      l2_regularization=1.0, random_state=SEED)
submit(model.fit(xa, y).predict(xb))
'''

_ENSEMBLE = '''
from sklearn.ensemble import HistGradientBoostingRegressor, RandomForestRegressor
from sklearn.linear_model import RidgeCV

xa, xb = design()
boosted = HistGradientBoostingRegressor(max_iter=250, learning_rate=0.05, max_leaf_nodes=15, min_samples_leaf=20,
                                        l2_regularization=1.0, random_state=SEED).fit(xa, y)
forest = RandomForestRegressor(n_estimators=200, min_samples_leaf=5, max_features=0.4, random_state=SEED,
                               n_jobs=1).fit(xa, y)
linear = RidgeCV(alphas=[0.3, 1.0, 3.0, 10.0, 30.0]).fit(xa, y)
submit(2 * query_rank(boosted.predict(xb)) + query_rank(forest.predict(xb)) + query_rank(linear.predict(xb)))
'''

_LEVELS = (
    ("popularity", "Each query's candidates ordered by how often the item is shown in training.", _POPULARITY),
    ("single_column", "The one column most correlated with relevance, signed.", _SINGLE),
    ("pointwise_linear", "A ridge regression of the relevance grade on every column.", _LINEAR),
    ("pointwise_trees", "A random forest with item popularity, blended with the linear model by rank.", _TREES),
    ("query_features_boosting", "Per-query standardised and ranked columns, query-item crosses and item popularity "
                                "in gradient boosting.", _BOOSTED),
    ("rank_ensemble", "Boosting, a forest and ridge on the per-query design, ranks blended 2:1:1.", _ENSEMBLE),
)


def scripts(config: LadderConfig) -> list[LadderScript]:
    """The ranking ladder for a task, weakest first.

    Raises:
        ValueError: when the task is not a ranking task graded by map@K or ndcg@K.
    """
    family, _, k = config.metric.partition("@")
    if config.task_type != TaskType.RANKING or family not in ("map", "ndcg") or not k.isdigit():
        raise ValueError(f"the ranking ladder needs a map@K / ndcg@K ranking task, got {config.task_type}/"
                         f"{config.metric}")
    out = []
    for level, (name, summary, body) in enumerate(_LEVELS):
        prelude = _PRELUDE.format(summary=summary, level=level, name=name, id_column=config.id_column,
                                  prediction=config.submission_columns[0], k=int(k))
        out.append(LadderScript(level=level, name=name, summary=summary, source=prelude + body))
    return out
