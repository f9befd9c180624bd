"""The link-prediction ladder: six standalone scripts from the prior to an ensemble on heuristics and embeddings.

0 prior — the training share of linked pairs, for every pair (what the sample submission holds);
1 degree product — preferential attachment: pairs of well-connected nodes first (log of the degree product);
2 neighbourhood — Adamic-Adar (shared neighbours, the rare ones weighing more), ties broken by common neighbours,
  Jaccard and the degree product;
3 heuristics, learned — logistic regression on the pair heuristics (common neighbours, Jaccard, Adamic-Adar,
  resource allocation, paths of length 3, the degree product and the two degrees);
4 trees + node attributes — a random forest and a logistic model (1:1) on the heuristics plus the similarity of
  the two nodes' attributes (absolute differences, products, same category);
5 ensemble — a logistic model, a random forest, extra trees and gradient boosting (rank-averaged) on level 4's design
  plus a spectral embedding of the graph (the two nodes' embedding similarity and distance), fitted on the labelled
  pairs and on pseudo pairs: observed edges hidden from a reduced copy of the graph, and as many non-edges (half of
  them drawn by degree), their features computed on that reduced graph.

Scripts use pandas, numpy, scipy (the sparse adjacency) and scikit-learn only. The graph is read from
`public/nodes.csv` (first column: the node id) and `public/edges.csv` (first two columns: the two ends, undirected);
a pair is the two end columns of train.csv and test.csv. With SANDMLE_SEED != 0 a script fits on a seeded 90% of the
labelled pairs. Column names are baked in.
The forests have 100 trees: on a few hundred labelled pairs 300 cost twice the ladder's CPU and moved no level's mean
or seed spread beyond noise (issue 19: karate-links, 2 slots).
"""

from __future__ import annotations

from sandmle_core.ladder import LadderConfig, LadderScript

__all__ = ["scripts"]

_PRELUDE = '''"""{summary}

Link-prediction ladder level {level} ({name}). Reads ./public/, writes ./submission.csv.
Seeded by SANDMLE_SEED (default 0); fits on a seeded 90% of the labelled pairs when SANDMLE_SUBSAMPLE is 1 (unset: when
the seed is not 0).
"""
import os

import numpy as np
import pandas as pd
from scipy import sparse

ID = {id_column!r}
TARGET = {target!r}
SUBMISSION = {submission!r}
PAIR = {pair!r}          # the two end columns of train.csv and test.csv
FEATURES = {features!r}  # None or empty = every column of nodes.csv but the id
SEED = int(os.environ.get("SANDMLE_SEED", "0"))
SUBSAMPLE = os.environ.get("SANDMLE_SUBSAMPLE", "1" if SEED else "0") == "1"  # fit on a seeded 90% subsample

nodes = pd.read_csv("public/nodes.csv")
edges = pd.read_csv("public/edges.csv")
train = pd.read_csv("public/train.csv")
test = pd.read_csv("public/test.csv")
if SUBSAMPLE:
    train = train.sample(frac=0.9, random_state=SEED).reset_index(drop=True)
NODE = nodes.columns[0]
N = len(nodes)
position = pd.Series(np.arange(N), index=nodes[NODE].astype(str))
ends = edges.iloc[:, :2].astype(str).apply(lambda col: col.map(position)).dropna().astype(int).to_numpy()
A = sparse.coo_matrix((np.ones(len(ends)), (ends[:, 0], ends[:, 1])), shape=(N, N)).tocsr()
A = ((A + A.T) > 0).astype(float).tocsr()
A.setdiag(0)
A.eliminate_zeros()
DEG = np.asarray(A.sum(axis=1)).ravel()
y = train[TARGET].astype(int).to_numpy()


def pairs(frame):
    """The node positions of a pair table's two ends."""
    return [frame[c].astype(str).map(position).fillna(0).astype(int).to_numpy() for c in PAIR]


TR, TE = pairs(train), pairs(test)


def rank(score):
    """Scores as probabilities that keep their order (ties share a value)."""
    from scipy.stats import rankdata

    return rankdata(score) / (len(score) + 1)


def heuristics(u, v, graph=None):
    """Per pair: common neighbours, Jaccard, Adamic-Adar, resource allocation, paths of length 3, the log degree
    product and the two log-degrees (smaller first), on the observed graph (or another adjacency `graph`)."""
    g = A if graph is None else graph
    deg = np.asarray(g.sum(axis=1)).ravel()
    shared = g[u].multiply(g[v]).tocsr()
    cn = np.asarray(shared.sum(axis=1)).ravel()
    aa = shared @ (1.0 / np.log(np.maximum(deg, 2.0)))
    ra = shared @ (1.0 / np.maximum(deg, 1.0))
    jaccard = cn / np.maximum(deg[u] + deg[v] - cn, 1.0)
    paths3 = np.asarray((g[u] @ g).multiply(g[v]).sum(axis=1)).ravel()
    du, dv = np.log1p(deg[u]), np.log1p(deg[v])
    return np.column_stack([np.log1p(cn), jaccard, aa, ra, np.log1p(paths3), du + dv, np.minimum(du, dv),
                            np.maximum(du, dv)])


def attributes():
    """Node columns as numbers: numeric standardised and median-imputed, categoricals one-hot."""
    names = list(FEATURES) if FEATURES else [c for c in nodes.columns if c != NODE]
    parts = []
    for c in [c for c in names if c in nodes.columns]:
        col = nodes[c]
        if pd.api.types.is_numeric_dtype(col):
            v = col.astype(float).fillna(col.median())
            parts.append(((v - v.mean()) / (v.std() or 1.0)).to_numpy()[:, None])
        else:
            levels = sorted(col.dropna().astype(str).unique())
            parts.append((col.astype(str).to_numpy()[:, None] == np.array(levels)[None, :]).astype(float))
    return np.hstack(parts) if parts else np.zeros((N, 1))


def similarity(x, u, v):
    """Per pair: how alike the two nodes' rows of x are (absolute differences and products, column by column)."""
    return np.hstack([np.abs(x[u] - x[v]), x[u] * x[v]])


def embedding(graph=None, dim=16):
    """A spectral embedding of the observed graph (the top singular vectors of the normalised adjacency)."""
    from sklearn.utils.extmath import randomized_svd

    g = A if graph is None else graph
    scale = sparse.diags(1.0 / np.sqrt(np.maximum(np.asarray(g.sum(axis=1)).ravel(), 1.0)))
    vectors, values, _ = randomized_svd(scale @ g @ scale, n_components=min(dim, N - 1), random_state=0)
    return vectors * np.sqrt(values)


def pseudo_pairs(share=0.15):
    """Self-supervision: a seeded share of the observed edges hidden from the graph (pseudo links) and as many
    pairs that are not edges, half of them drawn by degree like hard negatives; returns the reduced adjacency, the
    pairs' two ends and their labels."""
    rng = np.random.default_rng(SEED)
    upper = sparse.triu(A, k=1).tocoo()
    m = min(len(upper.row), max(20, int(share * len(upper.row))))
    hide = rng.choice(len(upper.row), size=m, replace=False)
    hidden = sparse.coo_matrix((np.ones(m), (upper.row[hide], upper.col[hide])), shape=(N, N))
    reduced = (A - hidden - hidden.T).tocsr()
    reduced.eliminate_zeros()
    weights = np.maximum(DEG, 1.0) / np.maximum(DEG, 1.0).sum()
    a = np.where(rng.random(4 * m) < 0.5, rng.integers(0, N, 4 * m), rng.choice(N, 4 * m, p=weights))
    b = np.where(rng.random(4 * m) < 0.5, rng.integers(0, N, 4 * m), rng.choice(N, 4 * m, p=weights))
    keep = (a != b) & (np.asarray(A[a, b]).ravel() == 0)
    a, b = a[keep][:m], b[keep][:m]
    u = np.concatenate([upper.row[hide], a])
    v = np.concatenate([upper.col[hide], b])
    return reduced, u, v, np.concatenate([np.ones(m, dtype=int), np.zeros(len(a), dtype=int)])


def standardised(x, ref):
    """Columns scaled by the training rows' spread (a linear model's penalty then treats them alike)."""
    sd = ref.std(axis=0)
    return (x - ref.mean(axis=0)) / np.where(sd > 0, sd, 1.0)


def fit_score(model, x_train, x_test):
    """The fitted model's probability of a link for the test pairs (the prior if train holds one class)."""
    if len(set(y)) < 2:
        return np.full(len(x_test), float(y.mean()))
    model.fit(x_train, y)
    return model.predict_proba(x_test)[:, list(model.classes_).index(1)]
'''

_LEVELS = (
    ("prior", "The training share of linked pairs, the same for every pair.", '''
proba = np.full(len(test), float(y.mean()))
'''),
    ("degree_product", "Preferential attachment: the log of the two nodes' degree product.", '''
u, v = TE
proba = rank(np.log1p(DEG[u]) + np.log1p(DEG[v]))
'''),
    ("neighbourhood", "Adamic-Adar, ties broken by common neighbours, Jaccard and the degree product.", '''
h = heuristics(*TE)
proba = rank(h[:, 2] + 1e-3 * h[:, 0] + 1e-3 * h[:, 1] + 1e-6 * h[:, 5])
'''),
    ("heuristics_logistic", "Logistic regression on the pair heuristics.", '''
from sklearn.linear_model import LogisticRegression

h_tr, h_te = heuristics(*TR), heuristics(*TE)
proba = fit_score(LogisticRegression(C=1.0, max_iter=3000), standardised(h_tr, h_tr), standardised(h_te, h_tr))
'''),
    ("trees_attributes", "A random forest and a logistic model (1:1) on the heuristics and the similarity of the two "
                         "nodes' attributes.", '''
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression

x = attributes()
d_tr = np.hstack([heuristics(*TR), similarity(x, *TR)])
d_te = np.hstack([heuristics(*TE), similarity(x, *TE)])
forest = RandomForestClassifier(n_estimators=100, min_samples_leaf=2, random_state=SEED, n_jobs=1)
linear = LogisticRegression(C=0.5, max_iter=3000)
proba = 0.5 * rank(fit_score(forest, d_tr, d_te)) + 0.5 * rank(
    fit_score(linear, standardised(d_tr, d_tr), standardised(d_te, d_tr)))
'''),
    ("ensemble", "A logistic model, a random forest, extra trees and gradient boosting, rank-averaged, on the "
                 "heuristics, the attributes' similarity and a spectral embedding, fitted on the labelled pairs and "
                 "on pseudo pairs hidden from the observed graph.", '''
from sklearn.ensemble import ExtraTreesClassifier, HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression

x = attributes()


def design(u, v, graph=None):
    e = embedding(graph)
    cosine = (e[u] * e[v]).sum(axis=1) / np.maximum(np.linalg.norm(e[u], axis=1) * np.linalg.norm(e[v], axis=1),
                                                   1e-12)
    spectral = np.column_stack([(e[u] * e[v]).sum(axis=1), cosine, np.linalg.norm(e[u] - e[v], axis=1)])
    return np.hstack([heuristics(u, v, graph), similarity(x, u, v), spectral])


reduced, pu, pv, py = pseudo_pairs()
d_tr = np.vstack([design(*TR), design(pu, pv, reduced)])
d_te = design(*TE)
y = np.concatenate([y, py])  # the labelled pairs, then the pseudo pairs
models = [
    (2.0, LogisticRegression(C=0.3, max_iter=3000), True),
    (1.0, RandomForestClassifier(n_estimators=100, min_samples_leaf=2, random_state=SEED, n_jobs=1), False),
    (1.0, ExtraTreesClassifier(n_estimators=100, min_samples_leaf=2, random_state=SEED, n_jobs=1), False),
    (1.0, HistGradientBoostingClassifier(max_iter=150, learning_rate=0.05, max_depth=3, min_samples_leaf=8,
                                         random_state=SEED), False),
]
proba = sum(w * rank(fit_score(m, standardised(d_tr, d_tr) if scaled else d_tr,
                               standardised(d_te, d_tr) if scaled else d_te)) for w, m, scaled in models)
proba = proba / sum(w for w, _, _ in models)
'''),
)

_EPILOGUE = '''
out = pd.DataFrame({ID: test[ID], SUBMISSION[0]: np.round(np.clip(proba, 0.0, 1.0), 6)})
out.to_csv("submission.csv", index=False)
'''


def scripts(config: LadderConfig) -> list[LadderScript]:
    """The link-prediction ladder for a task, weakest first.

    Raises:
        ValueError: when the task has no pair columns or is not scored on one probability column.
    """
    if config.pair_columns is None or config.metric_kind != "probability" or len(config.target_columns) != 1:
        raise ValueError("the link ladder needs pair columns and one probability column to submit")
    out = []
    for level, (name, summary, body) in enumerate(_LEVELS):
        prelude = _PRELUDE.format(
            summary=summary, level=level, name=name, id_column=config.id_column, target=config.target_columns[0],
            submission=list(config.submission_columns), pair=list(config.pair_columns),
            features=None if config.feature_columns is None else list(config.feature_columns))
        out.append(LadderScript(level=level, name=name, summary=summary, source=prelude + body + _EPILOGUE))
    return out
