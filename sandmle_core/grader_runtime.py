"""The grading runtime: metric functions and submission checks, written once, used everywhere.

This module is the single source of truth for scoring. sandmle imports it (`sandmle_core.metrics`,
`sandmle_core.grading`), and the renderers copy its source text verbatim into each environment's `grade.py` and
`evaluator.py`, so those files need only numpy, pandas and scikit-learn and agree with sandmle to the last digit.
It must therefore import nothing but the standard library, numpy, pandas and scikit-learn
(tests/core/test_grading.py checks it).

A grading config is a plain dict: metric, id_column, target_columns, submission_columns, classes.
"""

import math

import numpy as np
import pandas as pd
from sklearn import metrics as skm


class SubmissionError(Exception):
    """The submission cannot be graded; the message says why."""


# name: (lower_is_better, optimum, kind) — kind = what each submission column holds.
METRIC_TABLE = {
    "auc": (False, 1.0, "probability"),
    "mean_column_auc": (False, 1.0, "probability"),
    "binary_log_loss": (True, 0.0, "probability"),
    "multiclass_log_loss": (True, 0.0, "class_probabilities"),
    "accuracy": (False, 1.0, "label"),
    "macro_f1": (False, 1.0, "label"),
    "quadratic_weighted_kappa": (False, 1.0, "label"),
    "rmse": (True, 0.0, "value"),
    "rmsle": (True, 0.0, "value"),
    "mean_column_rmsle": (True, 0.0, "value"),
    "mae": (True, 0.0, "value"),
}


def label_text(value):
    """A label as text, so 1, 1.0 and "1" compare equal."""
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return str(int(value))
    return str(value)


def _examples(values, limit=3):
    shown = [label_text(v) for v in list(values)[:limit]]
    return ", ".join(shown) + (", ..." if len(values) > limit else "")


def _aligned(submission, answers, config):
    """Check ids and columns; return the submission reindexed to the answers' id order."""
    if not isinstance(submission, pd.DataFrame):
        raise SubmissionError(f"the submission must be a table, got {type(submission).__name__}")
    id_col = config["id_column"]
    expected = [id_col, *config["submission_columns"]]
    missing = [c for c in expected if c not in submission.columns]
    if missing:
        raise SubmissionError(f"missing columns: {missing} (expected {expected})")
    extra = [c for c in submission.columns if c not in expected]
    if extra:
        raise SubmissionError(f"unexpected columns: {extra} (expected {expected})")
    # plain Python lists, sets and a position map: several times faster than pandas' isin/loc on text ids
    sub_ids = [label_text(v) for v in submission[id_col].tolist()]
    position = {}
    dup = []
    for i, key in enumerate(sub_ids):
        if key in position:
            dup.append(key)
        position[key] = i
    if dup:
        raise SubmissionError(f"duplicate ids in column {id_col!r}: {_examples(pd.unique(pd.Series(dup)))}")
    ans_ids = [label_text(v) for v in answers[id_col].tolist()]
    known = set(ans_ids)
    absent = [key for key in ans_ids if key not in position]
    if absent:
        raise SubmissionError(f"{len(absent)} ids of the test set are missing, e.g. {_examples(absent)}")
    unknown = [key for key in sub_ids if key not in known]
    if unknown:
        raise SubmissionError(f"{len(unknown)} ids are not in the test set, e.g. {_examples(unknown)}")
    order = [position[key] for key in ans_ids]
    aligned = submission.iloc[order].drop(columns=[id_col])
    aligned.index = pd.Index(ans_ids, name=id_col)
    return aligned


def _numbers(frame, columns):
    out = {}
    for col in columns:
        raw = frame[col]
        if raw.isna().any():
            raise SubmissionError(f"column {col!r} has missing (NaN) values at ids {_examples(raw[raw.isna()].index)}")
        num = pd.to_numeric(raw, errors="coerce")
        bad = num.isna() | ~np.isfinite(num.astype(float))
        if bad.any():
            raise SubmissionError(f"column {col!r} has non-numeric values at ids {_examples(raw[bad].index)}")
        out[col] = num.astype(float).to_numpy()
    return out


def _labels(frame, col, classes):
    raw = frame[col]
    if raw.isna().any():
        raise SubmissionError(f"column {col!r} has missing (NaN) values at ids {_examples(raw[raw.isna()].index)}")
    text = raw.map(label_text)
    if classes is not None:
        bad = ~text.isin(set(classes))
        if bad.any():
            raise SubmissionError(
                f"column {col!r} has values that are not one of the classes {list(classes)}: "
                f"{_examples(text[bad].unique())}"
            )
    return text.to_numpy()


def _check_probabilities(values, col):
    if ((values < 0) | (values > 1)).any():
        raise SubmissionError(f"column {col!r} holds probabilities outside [0, 1]")


def score_submission(submission, answers, config):
    """Validate a submission against the answers and return the metric, rounded to 5 decimals.

    Raises:
        SubmissionError: when the submission is invalid (the message says what and where).
    """
    metric = config["metric"]
    if metric not in METRIC_TABLE:
        raise ValueError(f"unknown metric {metric!r}; known: {sorted(METRIC_TABLE)}")
    kind = METRIC_TABLE[metric][2]
    sub = _aligned(submission, answers, config)
    targets = list(config["target_columns"])
    classes = config.get("classes")
    cols = list(config["submission_columns"])
    if kind == "label":
        y_true = answers[targets[0]].map(label_text).to_numpy()
        y_pred = _labels(sub, cols[0], classes)
        if metric == "accuracy":
            value = skm.accuracy_score(y_true, y_pred)
        elif metric == "macro_f1":
            labels = list(classes) if classes else sorted(set(y_true))
            value = skm.f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0.0)
        else:
            labels = list(classes) if classes else sorted(set(y_true) | set(y_pred), key=_ordinal_key)
            value = skm.cohen_kappa_score(y_true, y_pred, labels=labels, weights="quadratic")
            value = 0.0 if math.isnan(value) else value
        return round(float(value), 5)
    numbers = _numbers(sub, cols)
    if kind == "class_probabilities":
        matrix = np.column_stack([numbers[c] for c in cols])
        for col in cols:
            _check_probabilities(numbers[col], col)
        sums = matrix.sum(axis=1)
        off = np.abs(sums - 1.0) > 1e-4
        if off.any():
            raise SubmissionError(
                f"class probabilities must sum to 1 in every row; {int(off.sum())} rows do not, e.g. ids "
                f"{_examples(sub.index[off])} (sums {_examples(np.round(sums[off], 6))})"
            )
        y_true = answers[targets[0]].map(label_text).to_numpy()
        labels = [str(c) for c in cols]
        order = np.argsort(labels)  # log_loss reads the probability columns in sorted label order
        value = skm.log_loss(y_true, matrix[:, order], labels=[labels[i] for i in order])
        return round(float(value), 5)
    if kind == "probability":
        for col in cols:
            _check_probabilities(numbers[col], col)
        values = []
        for target, col in zip(targets, cols, strict=False):
            y_true = answers[target].astype(float).to_numpy()
            if metric == "binary_log_loss":
                values.append(skm.log_loss(y_true, numbers[col], labels=[0.0, 1.0]))
            else:
                values.append(skm.roc_auc_score(y_true, numbers[col]))
        return round(float(np.mean(values)), 5)
    values = []
    for target, col in zip(targets, cols, strict=False):
        y_true = answers[target].astype(float).to_numpy()
        y_pred = numbers[col]
        if metric in ("rmsle", "mean_column_rmsle"):
            if (y_pred < 0).any():
                raise SubmissionError(f"column {col!r} has negative values; RMSLE needs values >= 0")
            values.append(skm.root_mean_squared_log_error(y_true, y_pred))
        elif metric == "rmse":
            values.append(skm.root_mean_squared_error(y_true, y_pred))
        else:
            values.append(skm.mean_absolute_error(y_true, y_pred))
    return round(float(np.mean(values)), 5)


def _ordinal_key(label):
    try:
        return (0, float(label), "")
    except ValueError:
        return (1, 0.0, label)
