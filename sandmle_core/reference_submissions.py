"""The two reference submissions every grader is checked with: the perfect one and the uninformed prior.

`perfect_submission` reaches the metric's optimum from the answers (the gold submission); `constant_submission`
predicts the training prior for every row (class shares, the majority label, the most frequent text or items, the
mean). The verifier requires the first to score the optimum and the second to score strictly worse, for every
submission kind of the registry. Both go through `sandmle_core.grading`, which re-exports them.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd

from sandmle_core import grader_runtime as runtime
from sandmle_core.metrics import LOG_SCALE_METRICS, get_metric
from sandmle_core.spec import GradingSpec

__all__ = ["constant_submission", "perfect_submission", "seed_layout"]

_PLACEHOLDER = "none"  # what a ranked list names on a row that is not scored (it must name at least one item)


def _config(spec: GradingSpec) -> dict:
    return {"metric": spec.metric, "id_column": spec.id_column, "target_columns": list(spec.target_columns),
            "submission_columns": list(spec.submission_columns), "classes": spec.classes}


def _ranked(cell: object, by_gain: bool) -> str:
    items = runtime.cell_items(cell, "answers", "-", True)
    if not by_gain:
        return " ".join(items) or _PLACEHOLDER
    gains = [(t.rpartition(":")[0], float(t.rpartition(":")[2])) if ":" in t else (t, 1.0) for t in items]
    ordered = [item for item, _ in sorted(gains, key=lambda pair: -pair[1])]
    return " ".join(ordered) or _PLACEHOLDER


def perfect_submission(answers: pd.DataFrame, spec: GradingSpec) -> pd.DataFrame:
    """The submission that reaches the metric's optimum (the gold submission)."""
    kind = get_metric(spec.metric).kind
    out = pd.DataFrame({spec.id_column: answers[spec.id_column]})
    target, col = spec.target_columns[0], spec.submission_columns[0]
    if kind == "class_probabilities":
        truth = runtime.truth_matrix(answers, _config(spec))
        truth = truth / truth.sum(axis=1, keepdims=True)
        shares = pd.DataFrame(truth, columns=list(spec.submission_columns), index=out.index)
        return pd.concat([out, shares], axis=1)  # one concat: many class columns one by one fragment the frame
    if kind == "label":
        convert = runtime.free_text if spec.classes is None else runtime.label_text
        out[col] = answers[target].map(convert)
    elif kind in ("label_set", "text"):
        out[col] = answers[target].map(runtime.free_text)
    elif kind == "ranked_list":
        by_gain = spec.metric.startswith("ndcg@")
        out[col] = [_ranked(cell, by_gain) for cell in answers[target].tolist()]
    else:
        for target_col, sub_col in zip(spec.target_columns, spec.submission_columns, strict=True):
            values = answers[target_col].astype(float)
            out[sub_col] = values.where(values != runtime.UNSCORED, 0.5) if kind == "probability" else values
    return out


def _class_shares(spec: GradingSpec, train_targets: pd.DataFrame) -> np.ndarray:
    """Smoothed training class shares, rounded so that they sum to exactly 1."""
    cols = list(spec.submission_columns)
    if len(cols) > 1 and set(spec.target_columns) == set(cols):
        weights = train_targets[cols].astype(float).to_numpy()
        weights = weights / weights.sum(axis=1, keepdims=True)
        counts = weights.sum(axis=0) + 1.0
    else:
        labels = train_targets[spec.target_columns[0]].dropna().map(runtime.label_text)
        counts = np.array([(labels == c).sum() for c in cols], dtype=float) + 1.0
    shares = np.round(counts / counts.sum(), 6)
    shares[-1] = round(1.0 - shares[:-1].sum(), 6)  # exact sum of 1 after rounding
    return shares


def _most_frequent(values: pd.Series) -> str:
    counts = Counter(values.tolist())
    top = max(counts.values())
    return sorted(v for v, n in counts.items() if n == top)[0]


def _popular_items(cells: pd.Series, metric: str) -> str:
    """The k items with the largest total gain (or count) in training, as one ranked list."""
    k = int(metric.split("@")[1])
    totals: Counter[str] = Counter()
    for cell in cells.tolist():
        for token in runtime.cell_items(cell, "train", "-", True):
            item, _, gain = token.rpartition(":") if ":" in token else (token, "", "1")
            totals[item] += float(gain) if metric.startswith("ndcg@") else 1.0
    ranked = sorted(totals, key=lambda item: (-totals[item], item))[:k]
    return " ".join(ranked) or _PLACEHOLDER


def constant_submission(ids: pd.DataFrame | pd.Series, spec: GradingSpec, train_targets: pd.DataFrame) -> pd.DataFrame:
    """The uninformed submission: the training prior (class shares, majority label, frequent text) or mean (for
    RMSLE the mean on the log1p scale).

    Args:
        ids: the ids to predict (a frame holding the id column, or a series).
        spec: how the task is graded.
        train_targets: the training rows' target columns — the only thing the prior is computed from.
    """
    kind = get_metric(spec.metric).kind
    id_values = ids[spec.id_column] if isinstance(ids, pd.DataFrame) else ids
    out = pd.DataFrame({spec.id_column: id_values.to_numpy()})
    n = len(out)
    target, col = spec.target_columns[0], spec.submission_columns[0]
    if kind == "class_probabilities":
        shares = np.tile(_class_shares(spec, train_targets), (n, 1))
        return pd.concat([out, pd.DataFrame(shares, columns=list(spec.submission_columns))], axis=1)
    if kind == "label" and spec.classes is not None:
        out[col] = _most_frequent(train_targets[target].dropna().map(runtime.label_text))
    elif kind in ("label", "label_set", "text"):
        out[col] = _most_frequent(train_targets[target].map(runtime.free_text))
    elif kind == "ranked_list":
        out[col] = _popular_items(train_targets[target], spec.metric)
    else:
        for target_col, sub_col in zip(spec.target_columns, spec.submission_columns, strict=True):
            values = train_targets[target_col].astype(float)
            values = values[values != runtime.UNSCORED] if kind == "probability" else values
            if spec.metric in LOG_SCALE_METRICS and (values >= 0).all():
                # the best constant on the metric's own scale: the mean of log1p, mapped back
                out[sub_col] = round(float(np.expm1(np.log1p(values).mean())), 6)
            else:
                out[sub_col] = round(float(values.mean()), 6)
    return out


def seed_layout(submission: pd.DataFrame, answers: pd.DataFrame, spec: GradingSpec) -> pd.DataFrame:
    """A reference submission laid out as the seed's: when the grading names passthrough columns (the Date of
    mle-bench's insults), they are copied from the answers row for row and the columns follow the answers' order
    (`Insult,Date,Comment`); any other submission is returned as it is.

    Args:
        submission: a submission built from `answers` (its rows in the answers' order).
        answers: the private answers, which carry the passthrough columns.
        spec: the grading contract.
    """
    if not spec.passthrough_columns:
        return submission
    out = submission.copy()
    for col in spec.passthrough_columns:
        out[col] = answers[col].to_numpy()
    ordered = [c for c in answers.columns if c in out.columns]
    return out[ordered + [c for c in out.columns if c not in ordered]]

