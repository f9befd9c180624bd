"""The metric registry: every metric family of mle-bench-lite plus those of mle-bench's other competitions that a
generator can use.

Each `Metric` knows its direction, its optimum, what a submission column holds (`kind`) and how to explain itself
(the writer quotes `description` and `formula` in description.md). The scoring itself lives in
`sandmle_core.grader_runtime`, the one implementation shared with every generated grade.py and evaluator.py.
Ranking metrics are families: `map@K` and `ndcg@K` exist for every K in 1..1000 (`map@5`, `map@12` and `ndcg@10`
are listed); `get_metric` builds the others on demand. Which metric each mle-bench `grader.name` means is decided
in `sandmle_core.mlebench_graders`, never here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sandmle_core.grader_runtime import METRIC_TABLE, metric_entry

__all__ = ["LOG_SCALE_METRICS", "METRICS", "TASK_METRICS", "Metric", "MetricKind", "get_metric", "metric_refusal"]

# probability: one probability column per target; class_probabilities: one column per class, rows summing to 1;
# label: one class (or free text) per row; label_set: space-separated labels per row; ranked_list: space-separated
# items, best first; text: free text compared to the answer text; value: a number per target.
MetricKind = Literal["probability", "class_probabilities", "label", "label_set", "ranked_list", "text", "value"]


@dataclass(frozen=True)
class Metric:
    """A metric: name, direction, optimum, submission kind, and how the writer explains it."""

    name: str
    title: str
    lower_is_better: bool
    optimum: float
    kind: MetricKind
    description: str
    formula: str
    label_description: str = ""
    """How a class target (a target with a class set) reads it, where that differs from `description`."""


_LABELS_EQUAL = "The share of rows whose predicted label equals the true label."

_TEXT: dict[str, tuple[str, str, str]] = {
    "auc": (
        "area under the ROC curve (AUC)",
        "Submit the probability that each row is positive; the ranking of rows is what counts.",
        "AUC = P(score(positive row) > score(negative row)), ties counting 1/2",
    ),
    "mean_column_auc": (
        "mean column-wise ROC AUC",
        "AUC is computed for every scored label column separately and averaged (the answers may hold more "
        "columns than are scored; an answer of -1 marks a row a column does not score).",
        "score = (1/L) * sum_l AUC(label_l, probability_l)",
    ),
    "binary_log_loss": (
        "binary log loss",
        "Submit the probability that each row is positive; confident wrong answers are punished hard.",
        "logloss = -(1/N) * sum_i [y_i*log(p_i) + (1-y_i)*log(1-p_i)]",
    ),
    "multiclass_log_loss": (
        "multi-class log loss",
        "Submit one probability per class for every row (each row summing to 1).",
        "logloss = -(1/N) * sum_i sum_c y_ic * log(p_ic)",
    ),
    "accuracy": (
        "accuracy",
        _LABELS_EQUAL + " Without a class set (free text, e.g. text normalization) it is exact string match, an "
        "empty cell counting as the empty text.",
        "accuracy = (1/N) * sum_i [prediction_i == label_i]",
    ),
    "macro_f1": (
        "macro-averaged F1 score",
        "F1 is computed for every class and averaged without weighting, so rare classes count as much as common ones.",
        "F1_c = 2*precision_c*recall_c / (precision_c + recall_c);  score = (1/C) * sum_c F1_c",
    ),
    "quadratic_weighted_kappa": (
        "quadratic weighted kappa",
        "Agreement between predicted and true ordered levels, penalising a prediction by the squared distance "
        "between levels; 1 is perfect agreement, 0 is chance.",
        "kappa = 1 - sum_ij w_ij*O_ij / sum_ij w_ij*E_ij,  w_ij = (i-j)^2 / (K-1)^2",
    ),
    "rmse": (
        "root mean squared error (RMSE)",
        "Large errors weigh more than small ones.",
        "RMSE = sqrt((1/N) * sum_i (prediction_i - y_i)^2)",
    ),
    "rmsle": (
        "root mean squared logarithmic error (RMSLE)",
        "Errors are measured on a log scale, so relative errors count; predictions must be >= 0.",
        "RMSLE = sqrt((1/N) * sum_i (log(1+prediction_i) - log(1+y_i))^2)",
    ),
    "mean_column_rmsle": (
        "mean column-wise RMSLE",
        "RMSLE is computed for every target column and averaged; predictions must be >= 0.",
        "score = (1/T) * sum_t RMSLE_t",
    ),
    "mae": (
        "mean absolute error (MAE)",
        "The average absolute difference between prediction and truth.",
        "MAE = (1/N) * sum_i |prediction_i - y_i|",
    ),
    "lrap": (
        "label ranking average precision (LRAP)",
        "Submit a score for every label column; for each row, every true label should rank above the false ones.",
        "LRAP = (1/N) * sum_i (1/|Y_i|) * sum_{l in Y_i} |{l' in Y_i: rank(l') <= rank(l)}| / rank(l)",
    ),
    "kl_divergence": (
        "Kullback-Leibler divergence",
        "Submit one probability per class for every row (each row summing to 1); the answers are class "
        "distributions, and predictions far from them are punished, confident wrong ones hardest.",
        "KL = (1/N) * sum_i sum_c t_ic * log(t_ic / max(p_ic, 1e-15)),  t_i = answer weights / their row sum",
    ),
    "error_rate": (
        "top-1 classification error",
        "The share of rows whose predicted label differs from the true label.",
        "error = 1 - (1/N) * sum_i [prediction_i == label_i]",
    ),
    "mcc": (
        "Matthews correlation coefficient (MCC)",
        "Correlation between predicted and true labels from the whole confusion matrix; 1 is perfect, 0 is chance, "
        "so predicting only the majority class scores 0 however imbalanced the data.",
        "MCC = (TP*TN - FP*FN) / sqrt((TP+FP)(TP+FN)(TN+FP)(TN+FN))  (multi-class: scikit-learn's generalisation)",
    ),
    "micro_f1": (
        "micro-averaged F1 score",
        "Each row holds a set of labels separated by spaces (possibly one, possibly none); every (row, label) "
        "pair counts once, so frequent labels weigh more.",
        "micro-F1 = 2*TP / (2*TP + FP + FN), counted over all (row, label) pairs",
    ),
    "levenshtein": (
        "mean Levenshtein distance",
        "The number of single-character insertions, deletions and substitutions that turn the prediction into "
        "the true text, averaged over rows.",
        "score = (1/N) * sum_i lev(prediction_i, truth_i)",
    ),
    "normalized_levenshtein": (
        "normalised Levenshtein distance (token error rate)",
        "Predictions and answers are sequences of space-separated tokens; the token edit distances of all rows are "
        "summed and divided by the number of true tokens, like a word error rate (it can exceed 1).",
        "score = sum_i lev(tokens(prediction_i), tokens(truth_i)) / sum_i |tokens(truth_i)|",
    ),
    "word_jaccard": (
        "word-level Jaccard score",
        "The overlap between the lower-cased word sets of prediction and truth, averaged over rows; two empty "
        "texts agree perfectly.",
        "score = (1/N) * sum_i |A_i & B_i| / |A_i | B_i|,  A, B = sets of lower-cased words",
    ),
    "log_mae": (
        "log of the mean absolute error",
        "The natural log of the MAE (floored at 1e-9), so a 1% lower error improves the score equally everywhere.",
        "score = log(max(MAE, 1e-9)),  MAE = (1/N) * sum_i |prediction_i - y_i|",
    ),
    "pearson": (
        "Pearson correlation coefficient",
        "Linear correlation between predictions and truth; the scale and offset of predictions do not matter. "
        "A constant prediction scores 0.",
        "r = sum_i (p_i - mean p)(y_i - mean y) / sqrt(sum_i (p_i - mean p)^2 * sum_i (y_i - mean y)^2)",
    ),
    "spearman": (
        "mean column-wise Spearman correlation",
        "Rank correlation between predictions and truth, per target column and averaged; only the order of the "
        "predictions matters. A constant column scores 0.",
        "score = (1/T) * sum_t r(rank(prediction_t), rank(y_t)),  ties share their mean rank",
    ),
}

_RANKING_TEXT: dict[str, tuple[str, str, str]] = {
    "map": (
        "mean average precision at {k} (MAP@{k})",
        "Each row holds up to {k} predicted items separated by spaces, best first (more are ignored, a repeated item "
        "counts once); every relevant item found early raises the score.",
        "AP@{k} = (1/min(|relevant|, {k})) * sum_i precision@i * [item_i relevant];  MAP@{k} = mean over rows",
    ),
    "ndcg": (
        "normalised discounted cumulative gain at {k} (NDCG@{k})",
        "Each row holds predicted items separated by spaces, best first; an item's gain is its graded relevance, "
        "discounted by the log of its position, and compared with the best possible order.",
        "DCG@{k} = sum_{{i<={k}}} gain(item_i) / log2(i + 1);  NDCG@{k} = DCG@{k} / ideal DCG@{k}, mean over rows",
    ),
}



_LABEL_TEXT = {"accuracy": _LABELS_EQUAL}
"""A metric's explanation for a target with a class set, where its whole one speaks of other targets too (accuracy's
free text: "Without a class set ... exact string match" read as noise in an 11-class image task)."""


def _build(name: str) -> Metric:
    lower, optimum, kind = metric_entry(name)
    family, _, k = name.partition("@")
    title, description, formula = (
        _TEXT[name] if name in _TEXT else (t.format(k=k) for t in _RANKING_TEXT[family])
    )
    return Metric(name, title, lower, optimum, kind, description, formula, _LABEL_TEXT.get(name, ""))


METRICS: dict[str, Metric] = {name: _build(name) for name in METRIC_TABLE}
# graded on log1p: the best constant is the mean of log1p mapped back, and generators draw such targets on that scale
LOG_SCALE_METRICS = ("rmsle", "mean_column_rmsle")


def get_metric(name: str) -> Metric:
    """The metric called `name` (a listed one, or any `map@K` / `ndcg@K` with K in 1..1000).

    Raises:
        KeyError: naming the known metrics when `name` is not one of them.
    """
    if name in METRICS:
        return METRICS[name]
    try:
        return _build(name)
    except (ValueError, KeyError):
        raise KeyError(f"unknown metric {name!r}; known metrics: {', '.join(sorted(METRICS))} "
                       "(and map@K / ndcg@K for any K in 1..1000)") from None


TASK_METRICS: dict[str, frozenset[str]] = {
    "binary": frozenset({"auc", "binary_log_loss", "accuracy", "error_rate", "macro_f1", "mcc"}),
    "multiclass": frozenset({"multiclass_log_loss", "accuracy", "error_rate", "macro_f1", "mcc"}),
    "ordinal": frozenset({"quadratic_weighted_kappa", "accuracy", "error_rate", "macro_f1", "mcc"}),
    "multilabel": frozenset({"mean_column_auc", "lrap", "micro_f1"}),
    "regression": frozenset({"rmse", "rmsle", "mae", "log_mae", "pearson", "spearman"}),
    "forecasting": frozenset({"rmse", "mae"}),
    "multi-target regression": frozenset({"rmse", "mean_column_rmsle", "mae"}),
}
"""The metrics that may grade each task type when a generator proposes another metric than the seed's (task types
not listed keep the seed's metric)."""


def metric_refusal(proposed: str, seed_metric: str, task_type: str) -> str | None:
    """Why `proposed` may not grade an environment of a seed graded by `seed_metric`; None when it may.

    It may when it is in the registry, has the seed metric's direction and submission kind (so the data, the sample
    submission and every ladder script stay valid), grades the seed's task type (`TASK_METRICS`), and is on the log
    scale exactly when the seed's metric is (targets are drawn for that scale). The seed's own metric always may.
    """
    if proposed == seed_metric:
        return None
    try:
        new = get_metric(proposed)
    except KeyError:
        return f"{proposed!r} is not in sandmle's metric registry"
    old = get_metric(seed_metric)
    if new.lower_is_better != old.lower_is_better:
        way = "lower" if new.lower_is_better else "higher"
        return f"{proposed} is {way}-is-better, the seed's {seed_metric} is not"
    if new.kind != old.kind:
        return f"{proposed} scores {new.kind} submissions, the seed's {seed_metric} {old.kind} submissions"
    if proposed not in TASK_METRICS.get(task_type, frozenset()):
        return f"{proposed} does not grade {task_type} tasks"
    if (proposed in LOG_SCALE_METRICS) != (seed_metric in LOG_SCALE_METRICS):
        return f"{proposed} and the seed's {seed_metric} grade targets on different scales"
    return None
