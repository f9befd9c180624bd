"""The metric registry: every metric family of mle-bench-lite plus the common ones.

Each `Metric` knows its direction, its optimum, what a submission column holds (`kind`) and how to explain itself
(the writer quotes `description` and `formula` in description.md). The scoring itself lives in
`sandmle_core.grader_runtime`, the one implementation shared with every generated grade.py and evaluator.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sandmle_core.grader_runtime import METRIC_TABLE

__all__ = ["METRICS", "Metric", "MetricKind", "get_metric"]

MetricKind = Literal["probability", "class_probabilities", "label", "value"]


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


_TEXT: dict[str, tuple[str, str, str]] = {
    "auc": (
        "area under the ROC curve (AUC)",
        "Submit the probability that each row is positive; the ranking of rows is what counts.",
        "AUC = P(score(positive row) > score(negative row)), ties counting 1/2",
    ),
    "mean_column_auc": (
        "mean column-wise ROC AUC",
        "AUC is computed for every label column separately and averaged.",
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
        "The share of rows whose predicted label equals the true label.",
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
}

METRICS: dict[str, Metric] = {
    name: Metric(name, _TEXT[name][0], lower, optimum, kind, _TEXT[name][1], _TEXT[name][2])  # type: ignore[arg-type]
    for name, (lower, optimum, kind) in METRIC_TABLE.items()
}


def get_metric(name: str) -> Metric:
    """The metric called `name`.

    Raises:
        KeyError: naming the known metrics when `name` is not one of them.
    """
    try:
        return METRICS[name]
    except KeyError:
        raise KeyError(f"unknown metric {name!r}; known metrics: {', '.join(sorted(METRICS))}") from None
