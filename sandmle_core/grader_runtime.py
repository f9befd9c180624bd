"""The grading runtime: the metric table and one scorer per submission kind, written once, used everywhere.

This module is the single source of truth for scoring. sandmle imports it (`sandmle_core.metrics`,
`sandmle_core.grading`), and the renderers copy its source text verbatim — after the sources of
`sandmle_core.grader_formulas` and `sandmle_core.grader_checks`, whose import blocks below they drop — into each
environment's `grade.py` and `evaluator.py`, so those files need only numpy, pandas and scikit-learn and agree with
sandmle to the last digit. The three modules therefore import nothing but the standard library, numpy, pandas,
scikit-learn and each other (tests/core/test_grading.py checks it).

A grading config is a plain dict: metric, id_column, target_columns, submission_columns, classes, and optionally
passthrough_columns (columns a submission may carry without being scored, like the Date of mle-bench's insults).
"""

import math

import numpy as np
from sklearn import metrics as skm

from sandmle_core.grader_checks import (  # the renderers drop this block: grade.py embeds the source
    SubmissionError,
    align_submission,
    cell_items,
    check_lengths,
    check_probabilities,
    examples,
    free_text,
    label_column,
    label_text,
    numeric_columns,
)
from sandmle_core.grader_formulas import (  # the renderers drop this block too
    LOG_MAE_FLOOR,
    average_precision_at_k,
    kl_divergence,
    levenshtein,
    log_mae,
    ndcg_at_k,
    pearson,
    set_micro_f1,
    spearman,
    word_jaccard,
)

# name: (lower_is_better, optimum, kind) — kind = what each submission column holds.
METRIC_TABLE = {
    "auc": (False, 1.0, "probability"),
    "mean_column_auc": (False, 1.0, "probability"),
    "lrap": (False, 1.0, "probability"),
    "binary_log_loss": (True, 0.0, "probability"),
    "multiclass_log_loss": (True, 0.0, "class_probabilities"),
    "kl_divergence": (True, 0.0, "class_probabilities"),
    "accuracy": (False, 1.0, "label"),
    "error_rate": (True, 0.0, "label"),
    "macro_f1": (False, 1.0, "label"),
    "mcc": (False, 1.0, "label"),
    "quadratic_weighted_kappa": (False, 1.0, "label"),
    "micro_f1": (False, 1.0, "label_set"),
    "map@5": (False, 1.0, "ranked_list"),
    "map@12": (False, 1.0, "ranked_list"),
    "ndcg@10": (False, 1.0, "ranked_list"),
    "levenshtein": (True, 0.0, "text"),
    "normalized_levenshtein": (True, 0.0, "text"),
    "word_jaccard": (False, 1.0, "text"),
    "rmse": (True, 0.0, "value"),
    "rmsle": (True, 0.0, "value"),
    "mean_column_rmsle": (True, 0.0, "value"),
    "mae": (True, 0.0, "value"),
    "log_mae": (True, round(math.log(LOG_MAE_FLOOR), 5), "value"),
    "pearson": (False, 1.0, "value"),
    "spearman": (False, 1.0, "value"),
}
RANKING_FAMILIES = ("map", "ndcg")  # `map@K` / `ndcg@K` exist for every K in 1..1000, not only the listed ones
UNSCORED = -1  # an answer of -1 marks a row that an AUC metric does not score (Kaggle's jigsaw test labels)


def metric_entry(name):
    """(lower_is_better, optimum, kind) of a metric name; `map@K` and `ndcg@K` take any K in 1..1000.

    Raises:
        ValueError: for an unknown name.
    """
    if name in METRIC_TABLE:
        return METRIC_TABLE[name]
    family, sep, k = str(name).partition("@")
    if sep and family in RANKING_FAMILIES and k.isdigit() and str(int(k)) == k and 1 <= int(k) <= 1000:
        return (False, 1.0, "ranked_list")
    raise ValueError(f"unknown metric {name!r}; known: {sorted(METRIC_TABLE)} and map@K / ndcg@K")


def _score_probability(metric, sub, answers, config):
    targets, cols = list(config["target_columns"]), list(config["submission_columns"])
    numbers = numeric_columns(sub, cols)
    for col in cols:
        check_probabilities(numbers[col], col)
    if metric == "lrap":
        truth = answers[targets].astype(float).to_numpy()
        return skm.label_ranking_average_precision_score(truth, np.column_stack([numbers[c] for c in cols]))
    values = []
    for target, col in zip(targets, cols, strict=False):
        y_true = answers[target].astype(float).to_numpy()
        if metric == "binary_log_loss":
            values.append(skm.log_loss(y_true, numbers[col], labels=[0.0, 1.0]))
        else:
            scored = y_true != UNSCORED
            values.append(skm.roc_auc_score(y_true[scored], numbers[col][scored]))
    return np.mean(values)


def truth_matrix(answers, config):
    """The answers as one row of class weights per id, in submission column order (labels become one-hot rows)."""
    targets, cols = list(config["target_columns"]), [str(c) for c in config["submission_columns"]]
    if len(cols) > 1 and set(targets) == set(cols):  # one answer column per class (mle-bench's one-hot answers)
        return answers[cols].astype(float).to_numpy()
    labels = answers[targets[0]].map(label_text).to_numpy()
    matrix = (labels[:, None] == np.array(cols)[None, :]).astype(float)
    if (matrix.sum(axis=1) == 0).any():
        raise ValueError(f"answers hold labels that are not submission columns {cols}")
    return matrix


def _score_class_probabilities(metric, sub, answers, config):
    cols = list(config["submission_columns"])
    numbers = numeric_columns(sub, cols)
    matrix = np.column_stack([numbers[c] for c in cols])
    for col in cols:
        check_probabilities(numbers[col], col)
    sums = matrix.sum(axis=1)
    off = np.abs(sums - 1.0) > 1e-4
    if off.any():
        raise SubmissionError(
            f"class probabilities must sum to 1 in every row; {int(off.sum())} rows do not, e.g. ids "
            f"{examples(sub.index[off])} (sums {examples(np.round(sums[off], 6))})"
        )
    truth = truth_matrix(answers, config)
    if metric == "kl_divergence":
        totals = truth.sum(axis=1)
        if (truth < 0).any() or (totals <= 0).any():
            raise ValueError("KL divergence answers need non-negative class weights with a positive sum per row")
        return kl_divergence(truth / totals[:, None], matrix)
    if not np.isin(truth, (0.0, 1.0)).all() or (truth.sum(axis=1) != 1).any():
        raise ValueError("multi-class log loss answers must be one label per row (one-hot rows)")
    # rows within the 1e-4 tolerance are rescaled to sum to exactly 1 (as Kaggle's log loss does), so the score is
    # the submission's meaning and not a rounding artefact, and sklearn does not warn on every graded file
    return skm.log_loss(truth.argmax(axis=1), matrix / sums[:, None], labels=list(range(len(cols))))


def _score_label(metric, sub, answers, config):
    target, col = config["target_columns"][0], config["submission_columns"][0]
    classes = config.get("classes")
    if metric == "accuracy" and classes is None:  # free text (text normalization): exact match, no class set
        y_true = np.array([free_text(v) for v in answers[target].tolist()], dtype=object)
        y_pred = np.array([free_text(v) for v in sub[col].tolist()], dtype=object)
        return float(np.mean(y_true == y_pred))
    y_true = answers[target].map(label_text).to_numpy()
    y_pred = label_column(sub, col, classes)
    if metric in ("accuracy", "error_rate"):
        value = skm.accuracy_score(y_true, y_pred)
        return 1.0 - value if metric == "error_rate" else value
    if metric == "macro_f1":
        labels = list(classes) if classes else sorted(set(y_true))
        return skm.f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0.0)
    if metric == "mcc":
        return skm.matthews_corrcoef(y_true, y_pred)
    labels = list(classes) if classes else sorted(set(y_true) | set(y_pred), key=_ordinal_key)
    value = skm.cohen_kappa_score(y_true, y_pred, labels=labels, weights="quadratic")
    return 0.0 if math.isnan(value) else value


def _score_label_set(metric, sub, answers, config):
    target, col = config["target_columns"][0], config["submission_columns"][0]
    classes = config.get("classes")
    truth = [set(cell_items(v, target, i, True)) for i, v in zip(sub.index, answers[target].tolist(), strict=True)]
    predicted = [set(cell_items(v, col, i, True)) for i, v in zip(sub.index, sub[col].tolist(), strict=True)]
    if classes is not None:
        unknown = sorted(set().union(*predicted) - set(classes)) if predicted else []
        if unknown:
            raise SubmissionError(f"column {col!r} has labels that are not one of the classes {list(classes)}: "
                                  f"{examples(unknown)}")
    return set_micro_f1(truth, predicted)


def _score_ranked_list(metric, sub, answers, config):
    target, col = config["target_columns"][0], config["submission_columns"][0]
    family, k = metric.split("@")[0], int(metric.split("@")[1])
    scores = []
    for row_id, truth, ranked in zip(sub.index, answers[target].tolist(), sub[col].tolist(), strict=True):
        predicted = cell_items(ranked, col, row_id, False)
        relevant = cell_items(truth, target, row_id, True)
        if family == "map":
            if relevant:  # a row with nothing to find is not scored (it could only score 0)
                scores.append(average_precision_at_k(set(relevant), predicted, k))
            continue
        gains = {}
        for token in relevant:
            item, _, gain = token.rpartition(":") if ":" in token else (token, "", "1")
            gains[item] = float(gain)
        if any(g > 0 for g in gains.values()):
            scores.append(ndcg_at_k(gains, predicted, k))
    if not scores:
        raise ValueError("no answer row has a relevant item: the ranking metric is undefined")
    return np.mean(scores)


def _score_text(metric, sub, answers, config):
    values = []
    for target, col in zip(config["target_columns"], config["submission_columns"], strict=False):
        truth = [free_text(v) for v in answers[target].tolist()]
        predicted = [free_text(v) for v in sub[col].tolist()]
        if metric == "levenshtein":
            check_lengths(predicted, sub.index, col, truth)
            values.append(np.mean([levenshtein(a, b) for a, b in zip(truth, predicted, strict=True)]))
        elif metric == "word_jaccard":
            values.append(np.mean([word_jaccard(a, b) for a, b in zip(truth, predicted, strict=True)]))
        else:
            truth_tokens, predicted_tokens = [a.split() for a in truth], [b.split() for b in predicted]
            tokens = sum(len(a) for a in truth_tokens)
            if tokens == 0:
                raise ValueError("normalized Levenshtein needs answers with at least one token")
            check_lengths(predicted_tokens, sub.index, col, truth_tokens)
            total = sum(levenshtein(a, b) for a, b in zip(truth_tokens, predicted_tokens, strict=True))
            values.append(total / tokens)
    return np.mean(values)


def _score_value(metric, sub, answers, config):
    targets, cols = list(config["target_columns"]), list(config["submission_columns"])
    numbers = numeric_columns(sub, cols)
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
        elif metric == "log_mae":
            values.append(log_mae(y_true, y_pred))
        elif metric == "pearson":
            values.append(pearson(y_true, y_pred))
        elif metric == "spearman":
            values.append(spearman(y_true, y_pred))
        else:
            values.append(skm.mean_absolute_error(y_true, y_pred))
    return np.mean(values)


SCORERS = {
    "probability": _score_probability,
    "class_probabilities": _score_class_probabilities,
    "label": _score_label,
    "label_set": _score_label_set,
    "ranked_list": _score_ranked_list,
    "text": _score_text,
    "value": _score_value,
}


def score_submission(submission, answers, config):
    """Validate a submission against the answers and return the metric, rounded to 5 decimals.

    Raises:
        SubmissionError: when the submission is invalid (the message says what and where).
        ValueError: when the metric is unknown or the answers themselves cannot be scored (a bug, not the agent's).
    """
    metric = config["metric"]
    kind = metric_entry(metric)[2]
    sub = align_submission(submission, answers, config)
    return round(float(SCORERS[kind](metric, sub, answers, config)), 5)


def _ordinal_key(label):
    try:
        return (0, float(label), "")
    except ValueError:
        return (1, 0.0, label)
