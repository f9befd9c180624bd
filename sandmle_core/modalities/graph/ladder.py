"""The node-classification ladder: six standalone scripts from the class prior to a propagated ensemble.

0 prior — the training class shares (what the sample submission holds);
1 node attributes — a logistic model on the node's own columns (numeric standardised, categoricals one-hot);
2 + structure — plus the node's log-degree, its neighbours' mean log-degree and its clustering coefficient;
3 + neighbour aggregation — plus the mean of the neighbours' attributes (1 hop), in a random forest;
4 label propagation, tuned — a forest on level 2's design plus the neighbours' mean attributes over 1 and 2 hops
  and the labelled neighbours' class shares (1 and 2 hops); its probabilities are then propagated over the graph
  with the training labels clamped, the propagation strength chosen on a held-out quarter of the training labels
  (the model refitted without them), judged as the metric judges;
5 ensemble — a random forest, extra trees and a cross-validated logistic model blended 2:2:1 on level 4's design,
  refitted twice with the neighbours' class shares taken from the predicted classes of the unlabelled neighbours
  too (iterative classification), then propagated as in level 4.

Scripts use pandas, numpy, scipy (the sparse adjacency) and scikit-learn only; the graph is read from
`public/nodes.csv` and `public/edges.csv` (first two columns: the two ends, undirected). With SANDMLE_SEED != 0 a
script fits on a seeded 90% of the labelled nodes (the others count as unlabelled). Column names are baked in.
Every forest has 60 trees: on graphs of 30-200 nodes 200 trees cost twice the ladder's CPU and moved no level's mean
or seed spread beyond noise (issue 19: karate, 2 slots).
"""

from __future__ import annotations

from sandmle_core.ladder import LadderConfig, LadderScript
from sandmle_core.ladder.scorers import NEG_LOG_LOSS
from sandmle_core.spec import TaskType

__all__ = ["scripts"]

_PRELUDE = '''"""{summary}

Node-classification ladder level {level} ({name}). Reads ./public/, writes ./submission.csv.
Seeded by SANDMLE_SEED (default 0); fits on a seeded 90% of the labelled nodes when SANDMLE_SUBSAMPLE is 1 (unset: when
the seed is not 0).
"""
import os

import numpy as np
import pandas as pd
from scipy import sparse

ID = {id_column!r}
TARGET = {target!r}
SUBMISSION = {submission!r}
CLASSES = {classes!r}
KIND = {kind!r}          # probability | class_probabilities | label
FEATURES = {features!r}  # None or empty = every column of nodes.csv but the id
SEED = int(os.environ.get("SANDMLE_SEED", "0"))
SUBSAMPLE = os.environ.get("SANDMLE_SUBSAMPLE", "1" if SEED else "0") == "1"  # fit on a seeded 90% subsample

nodes = pd.read_csv("public/nodes.csv")
edges = pd.read_csv("public/edges.csv")
train = pd.read_csv("public/train.csv")
test = pd.read_csv("public/test.csv")
train_all = train  # every labelled node: the prior reads them, whatever the seed
if SUBSAMPLE:
    train = train.sample(frac=0.9, random_state=SEED).reset_index(drop=True)
N = len(nodes)
position = pd.Series(np.arange(N), index=nodes[ID].astype(str))
ends = edges.iloc[:, :2].astype(str).apply(lambda col: col.map(position)).dropna().astype(int).to_numpy()
A = sparse.coo_matrix((np.ones(len(ends)), (ends[:, 0], ends[:, 1])), shape=(N, N)).tocsr()
A = ((A + A.T) > 0).astype(float)
A.setdiag(0)
A.eliminate_zeros()
DEG = np.asarray(A.sum(axis=1)).ravel()
P = sparse.diags(1.0 / np.maximum(DEG, 1.0)) @ A  # row-normalised: P @ x is the mean over a node's neighbours
TR = position.reindex(train[ID].astype(str)).to_numpy()
TE = position.reindex(test[ID].astype(str)).to_numpy()
y = train[TARGET].astype(str).to_numpy()
classes = [str(c) for c in CLASSES] if CLASSES else sorted(set(y))
LABEL = np.array([classes.index(v) for v in y])


def use_labels(active):
    """Fit and propagate from the training nodes where `active` holds (the others count as unlabelled)."""
    global ACTIVE, Y
    ACTIVE = active
    Y = np.zeros((N, len(classes)))
    Y[TR[active], LABEL[active]] = 1.0


use_labels(np.ones(len(TR), dtype=bool))
features = list(FEATURES) if FEATURES else [c for c in nodes.columns if c != ID]


def attributes():
    """Node columns as numbers: numeric standardised and median-imputed, categoricals one-hot."""
    parts = []
    for c in features:
        col = nodes[c]
        if pd.api.types.is_numeric_dtype(col):
            v = col.astype(float).fillna(col.median())
            parts.append(((v - v.mean()) / (v.std() or 1.0)).to_numpy()[:, None])
        else:
            levels = sorted(col.dropna().astype(str).unique())
            parts.append((col.astype(str).to_numpy()[:, None] == np.array(levels)[None, :]).astype(float))
    return np.hstack(parts) if parts else np.zeros((N, 1))


def structure():
    """Log-degree, the neighbours' mean log-degree and the clustering coefficient of every node."""
    log_deg = np.log1p(DEG)
    triangles = np.asarray((A @ A).multiply(A).sum(axis=1)).ravel() / 2
    clustering = triangles / np.maximum(DEG * (DEG - 1) / 2, 1.0)
    return np.column_stack([log_deg, P @ log_deg, clustering])


def aggregated(x, hops=2):
    """The mean of the neighbours' rows of x over 1..hops hops."""
    out, cur = [], x
    for _ in range(hops):
        cur = P @ cur
        out.append(cur)
    return np.hstack(out)


def label_shares(soft=None):
    """The class shares among a node's labelled neighbours (1 and 2 hops) and how many there are; with `soft`
    (class probabilities of every node), the predicted classes of the unlabelled neighbours count too. A node's own
    label never enters its own row."""
    known = Y if soft is None else np.where(Y.sum(axis=1, keepdims=True) > 0, Y, soft)
    one = A @ known
    two = A @ one - DEG[:, None] * known  # walks of length 2 that return to the node itself are dropped
    rows = []
    for counts, weight in ((one, 1.0), (np.maximum(two, 0), 0.5)):
        total = counts.sum(axis=1, keepdims=True)
        rows += [weight * (counts + 1.0) / (total + len(classes)), np.log1p(total)]  # shrunk towards even shares
    return np.hstack(rows)


def standardised(x):
    """Columns scaled to unit variance over all nodes (a linear model's penalty then treats them alike)."""
    return (x - x.mean(axis=0)) / np.where(x.std(axis=0) > 0, x.std(axis=0), 1.0)


{neg_log_loss}

def tuned_linear():
    """A logistic model whose regularisation is chosen by 3-fold cross-validated log loss."""
    from sklearn.linear_model import LogisticRegressionCV

    return LogisticRegressionCV(Cs=[0.03, 0.1, 0.3, 1.0, 3.0, 10.0], cv=3, scoring=neg_log_loss, max_iter=3000,
                                l1_ratios=(0.0,), use_legacy_attributes=False)


def fit_proba(model, x):
    model.fit(x[TR[ACTIVE]], y[ACTIVE])
    p = np.zeros((N, len(classes)))
    p[:, [classes.index(str(c)) for c in model.classes_]] = model.predict_proba(x)
    return p


def propagate(p, alpha, steps=10):
    """Personalised propagation of class probabilities over the graph, the training labels clamped."""
    known = TR[ACTIVE]
    base = p.copy()
    base[known] = Y[known]
    f = base.copy()
    for _ in range(steps):
        f = (1 - alpha) * base + alpha * (P @ f)
        f[known] = Y[known]
    return f


def tuned_propagation(build):
    """`build()` (class probabilities of every node from the active labels), propagated with the strength that
    predicts a held-out quarter of the training labels best when the model is refitted without them."""
    held = np.random.default_rng(SEED).random(len(TR)) < 0.25
    if held.sum() < 2 or (~held).sum() < 2:
        return propagate(build(), 0.5)
    use_labels(~held)
    p = build()
    scores = {{}}
    for alpha in (0.0, 0.2, 0.4, 0.6, 0.8):  # the first best wins: no propagation unless it helps
        f = propagate(p, alpha)[TR[held]]
        f = f / np.maximum(f.sum(axis=1, keepdims=True), 1e-12)
        if KIND == "label":  # judged as the metric judges: the predicted class
            scores[alpha] = float(np.mean(f.argmax(axis=1) == LABEL[held]))
        else:
            scores[alpha] = float(np.mean(np.log(np.clip(f[np.arange(held.sum()), LABEL[held]], 1e-6, 1.0))))
    use_labels(np.ones(len(TR), dtype=bool))
    return propagate(build(), max(scores, key=scores.get))
'''

_LEVELS = (
    ("prior", "The training class shares, the same for every node.", '''
# the class shares of every labelled node, whatever the seed (on a seed's subsample the majority of two close classes
# flipped between seeds)
shares = train_all[TARGET].astype(str).value_counts(normalize=True)
proba = np.tile(np.array([float(shares.get(c, 0.0)) for c in classes]), (N, 1))
'''),
    ("node_attributes", "Logistic regression on the node's own attributes.", '''
from sklearn.linear_model import LogisticRegression

proba = fit_proba(LogisticRegression(C=1.0, max_iter=2000), attributes())
'''),
    ("with_structure", "Logistic regression on the attributes plus degree and clustering.", '''
from sklearn.linear_model import LogisticRegression

proba = fit_proba(LogisticRegression(C=1.0, max_iter=2000), standardised(np.hstack([attributes(), structure()])))
'''),
    ("neighbour_forest", "A random forest on the attributes, structure and the neighbours' mean attributes, "
                         "blended 1:1 with a logistic model on the same design.", '''
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression

x = attributes()
design = np.hstack([x, structure(), aggregated(x, hops=1)])
forest = RandomForestClassifier(n_estimators=60, min_samples_leaf=2, random_state=SEED, n_jobs=1)
proba = 0.5 * fit_proba(forest, design) + 0.5 * fit_proba(LogisticRegression(C=1.0, max_iter=2000),
                                                          standardised(design))
'''),
    ("label_propagation", "A tuned logistic model and a forest (1:1) on 2-hop aggregates and the labelled neighbours' "
                          "classes, then tuned label propagation.", '''
from sklearn.ensemble import RandomForestClassifier

x = attributes()
base = np.hstack([x, structure(), aggregated(x)])


def build():
    design = np.hstack([base, label_shares()])
    forest = RandomForestClassifier(n_estimators=60, min_samples_leaf=2, random_state=SEED, n_jobs=1)
    return 0.5 * fit_proba(tuned_linear(), standardised(design)) + 0.5 * fit_proba(forest, design)


proba = tuned_propagation(build)
'''),
    ("ensemble", "A tuned logistic model, a forest and extra trees (2:1:1), refitted twice on the neighbours' "
                 "predicted classes (iterative classification), then tuned label propagation.", '''
from sklearn.ensemble import ExtraTreesClassifier, RandomForestClassifier

x = attributes()
base = np.hstack([x, structure(), aggregated(x)])


def blend(design):
    forest = RandomForestClassifier(n_estimators=60, min_samples_leaf=2, random_state=SEED, n_jobs=1)
    extra = ExtraTreesClassifier(n_estimators=60, min_samples_leaf=2, random_state=SEED, n_jobs=1)
    linear = fit_proba(tuned_linear(), standardised(design))
    return 0.5 * linear + 0.25 * fit_proba(forest, design) + 0.25 * fit_proba(extra, design)


def build():
    p = blend(np.hstack([base, label_shares()]))
    for _ in range(2):  # the unlabelled neighbours' predicted classes join the known ones
        p = blend(np.hstack([base, label_shares(soft=p)]))
    return p


proba = tuned_propagation(build)
'''),
)

_EPILOGUE = '''
p = np.clip(proba[TE], 1e-4, None)
p = p / p.sum(axis=1, keepdims=True)
out = pd.DataFrame({ID: test[ID]})
if KIND == "probability":  # binary: the probability of the positive class
    out[SUBMISSION[0]] = np.round(p[:, classes.index("1") if "1" in classes else len(classes) - 1], 6)
elif KIND == "class_probabilities":
    for j, c in enumerate(SUBMISSION):
        out[c] = p[:, classes.index(str(c))]
else:
    labels = np.array(classes, dtype=object)[p.argmax(axis=1)]
    out[SUBMISSION[0]] = [int(v) if classes == ["0", "1"] else v for v in labels]
out.to_csv("submission.csv", index=False)
'''


def scripts(config: LadderConfig) -> list[LadderScript]:
    """The node-classification ladder for a task, weakest first (the link-prediction one for a task with pair
    columns: `link_ladder`).

    Raises:
        ValueError: when the task is not a one-column binary or multi-class classification.
    """
    if config.pair_columns is not None:  # link prediction: its own ladder
        from sandmle_core.modalities.graph.link_ladder import scripts as link_scripts

        return link_scripts(config)
    if config.task_type not in (TaskType.BINARY, TaskType.MULTICLASS) or config.metric_kind == "value":
        raise ValueError(f"the graph ladder needs node classification, got {config.task_type}/{config.metric_kind}")
    if len(config.target_columns) != 1:
        raise ValueError("the graph ladder needs one target column")
    out = []
    for level, (name, summary, body) in enumerate(_LEVELS):
        prelude = _PRELUDE.format(
            summary=summary, level=level, name=name, id_column=config.id_column, target=config.target_columns[0],
            submission=list(config.submission_columns), classes=list(config.classes) if config.classes else None,
            kind=config.metric_kind, features=None if config.feature_columns is None else list(config.feature_columns),
            neg_log_loss=NEG_LOG_LOSS)
        out.append(LadderScript(level=level, name=name, summary=summary, source=prelude + body + _EPILOGUE))
    return out
