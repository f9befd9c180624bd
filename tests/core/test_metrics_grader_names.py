"""Every grader.name spelling of mle-bench's 82 competitions maps to a metric or to an explicit unsupported reason.

The table is copied from the fact sheet (shared/docs/MLEBENCH_SEEDS.md) as a literal, because a CI clone has no
shared/ folder beside it.
"""

from __future__ import annotations

import pytest

from sandmle_core.metrics import get_metric
from sandmle_core.mlebench_graders import (
    MLEBENCH_GRADERS,
    UnsupportedMetric,
    check_direction,
    lookup_grader,
    metric_for_grader,
    normalize_grader_name,
)

# grader.name exactly as written in mle-bench's config.yaml files, and how many competitions use it
FACT_SHEET = {
    "auc-roc": 12, "accuracy": 10, "micro-f1-score": 5, "multi-class-log-loss": 5, "macro-f1-score": 4,
    "dice-hausdorff-combo": 2, "levenshtein-distance": 2, "log-loss": 2, "mean-average-precision": 2,
    "quadratic-weighted-kappa": 2, "root-mean-squared-error": 2, "KL-divergence": 1, "MAP@12": 1, "MAP@5": 1,
    "auroc-multi-label": 1, "average-haversine-distance": 1, "column-wise ROC AUC": 1, "column-wise-spearman": 1,
    "dice-coefficient": 1, "f0.5-score": 1, "f1-score": 1, "global-dice": 1, "jaccard-similarity": 1,
    "jigsaw-unintended-bias-in-toxicity-classification-score": 1, "kendall-tau": 1,
    "label-ranking-average-precision": 1, "levenhstein-distance": 1, "log-mean-absolute-error": 1,
    "mAP-at-IoU>0.4": 1, "map-at-5": 1, "matthews-correlation-coefficient": 1, "mean-absolute-error": 1,
    "mean-angular-error": 1, "mean-column-wise-rmsle": 1, "mean-column-wise-roc-auc": 1,
    "mean-precision-intersection-over-union-at-different-thresholds": 1, "modified-laplace-log-likelihood": 1,
    "multi-class-classification-accuracy": 1, "pearson-correlation-coefficient": 1, "probabilistic-f1-score": 1,
    "root_mean_squared_error": 1, "top-1-classification-error": 1, "weighted-auroc": 1,
    "weighted-multi-label-log-loss": 1, "word-level-jaccard-score": 1,
}
# the lite split's names and the metric each must become (the fixture table checks the rest of the Task DNA)
LITE = {
    "auc-roc": "auc", "quadratic-weighted-kappa": "quadratic_weighted_kappa", "root_mean_squared_error": "rmse",
    "multi-class-log-loss": "multiclass_log_loss", "log-loss": "binary_log_loss", "column-wise ROC AUC":
    "mean_column_auc", "root-mean-squared-error": "rmse", "mean-column-wise-rmsle": "mean_column_rmsle",
    "mean-column-wise-roc-auc": "mean_column_auc", "multi-class-classification-accuracy": "accuracy",
    "accuracy": "accuracy",
}


def test_fact_sheet_has_45_spellings_over_82_competitions() -> None:
    assert len(FACT_SHEET) == 45 and sum(FACT_SHEET.values()) == 82
    assert {g.spelling for g in MLEBENCH_GRADERS} == set(FACT_SHEET)


@pytest.mark.parametrize("name", sorted(FACT_SHEET))
def test_every_name_maps_to_a_metric_or_a_reason(name: str) -> None:
    entry = lookup_grader(name)
    if entry.supported:
        metric = get_metric(metric_for_grader(name))  # a registry metric, with a direction
        assert entry.lower_is_better == metric.lower_is_better
        for alternative in entry.alternatives:
            get_metric(alternative)
    else:
        assert len(entry.note) > 20
        with pytest.raises(UnsupportedMetric, match=f"^unsupported metric: {_escaped(name)}: "):
            metric_for_grader(name)


def _escaped(name: str) -> str:
    import re

    return re.escape(name)


def test_lite_names_map_to_the_lite_metrics() -> None:
    assert {name: metric_for_grader(name) for name in LITE} == LITE


@pytest.mark.parametrize(("variant", "spelling"), [
    ("Column_Wise_ROC_AUC", "column-wise ROC AUC"), ("column-wise  roc auc", "column-wise ROC AUC"),
    ("ROOT-MEAN-SQUARED-ERROR", "root-mean-squared-error"), ("root mean squared error", "root-mean-squared-error"),
    ("kl_divergence", "KL-divergence"), (" map@12 ", "MAP@12"), ("map-at-5", "map-at-5"),
    ("mAP at IoU>0.4", "mAP-at-IoU>0.4"),
])
def test_case_underscores_and_spaces_are_normalised(variant: str, spelling: str) -> None:
    assert normalize_grader_name(variant) == normalize_grader_name(spelling)
    assert lookup_grader(variant).metric == lookup_grader(spelling).metric


@pytest.mark.parametrize("name", ["auc", "roc_auc", "levenshtein", "map@7", "rmse", "f2-score", "", "mean-auc"])
def test_unknown_names_are_never_guessed(name: str) -> None:
    with pytest.raises(UnsupportedMetric, match=f"^unsupported metric: {_escaped(name)} "):
        lookup_grader(name)


def test_misspelling_is_kept_apart_from_the_right_spelling() -> None:
    assert metric_for_grader("levenshtein-distance") == "levenshtein"
    assert metric_for_grader("levenhstein-distance") == "normalized_levenshtein"


def test_leaderboard_direction_must_agree_with_the_metric() -> None:
    check_direction("log-loss", leaderboard_lower_is_better=True)
    check_direction("auc-roc", leaderboard_lower_is_better=False)
    with pytest.raises(UnsupportedMetric, match="leaderboard says lower is better, but auc"):
        check_direction("auc-roc", leaderboard_lower_is_better=True)
    with pytest.raises(UnsupportedMetric, match="segmentation"):
        check_direction("dice-hausdorff-combo", leaderboard_lower_is_better=True)
