"""Every `grader.name` of mle-bench's competitions → a registry metric, or an explicit reason it is unsupported.

A seed's `grader.name` is free text, written differently across mle-bench's 82 competitions (45 spellings,
`levenhstein-distance` and `column-wise ROC AUC` included). This module is the one place that decides what each
means: a name is normalised (case, underscores, spaces) and looked up, never guessed — an unknown name raises
`UnsupportedMetric("unsupported metric: NAME")`, and a known name that sandmle cannot grade (segmentation,
detection, competition-specific weightings) raises the same error with its reason.

Some names cover several submission shapes. `alternatives` lists the other registry metrics a profile may choose,
by the seed's submission shape only (documented per entry): e.g. `auc-roc` over several probability columns
(ranzcr) is `mean_column_auc`. Direction: mle-bench stores none and reads it from the leaderboard (first row < last
row means lower is better); `check_direction` refuses a leaderboard that contradicts the metric.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sandmle_core.errors import SandmleError

__all__ = [
    "MLEBENCH_GRADERS",
    "GraderName",
    "UnsupportedMetric",
    "check_direction",
    "lookup_grader",
    "metric_for_grader",
    "normalize_grader_name",
]


class UnsupportedMetric(SandmleError):
    """A grader name sandmle does not know, or knows and cannot grade; the message starts `unsupported metric:`."""


@dataclass(frozen=True)
class GraderName:
    """One mle-bench spelling and what it means here."""

    spelling: str
    metric: str | None  # a registry name; None when unsupported
    note: str  # why it is unsupported, or what the mapping assumes
    alternatives: tuple[str, ...] = ()  # other registry metrics a profile may pick by submission shape

    @property
    def supported(self) -> bool:
        return self.metric is not None

    @property
    def lower_is_better(self) -> bool | None:
        from sandmle_core.metrics import get_metric  # scikit-learn (0.7 s) on first use, not at import

        return None if self.metric is None else get_metric(self.metric).lower_is_better


def _g(spelling: str, metric: str | None, note: str = "", alternatives: tuple[str, ...] = ()) -> GraderName:
    return GraderName(spelling, metric, note, alternatives)


_SEGMENTATION = "scores segmentation masks (run-length encoded pixels); no generator family predicts masks"
_DETECTION = "scores object detection (boxes matched by IoU); no generator family predicts boxes"

MLEBENCH_GRADERS: tuple[GraderName, ...] = (
    _g("auc-roc", "auc", "one probability column; mlsp-2013-birds flattens its 19 species into Id,Probability rows, "
       "so plain AUC there is the micro-averaged AUC. With several probability columns (ranzcr: 9 scored of 11 in "
       "the data) the competition averages per column", ("mean_column_auc",)),
    _g("accuracy", "accuracy", "with a class set the labels are checked; without one (text normalization's `after`) "
       "it is exact match over free text"),
    _g("micro-f1-score", "micro_f1", "each cell a space-separated label set (imet, plant-pathology-2021); with one "
       "label per row micro-F1 equals accuracy, the choice when labels contain spaces (plant-seedlings)",
       ("accuracy",)),
    _g("multi-class-log-loss", "multiclass_log_loss", "one probability column per class; the answers may be a label "
       "column or one-hot columns (dog breeds, leaf, spooky)"),
    _g("macro-f1-score", "macro_f1"),
    _g("dice-hausdorff-combo", None, f"{_SEGMENTATION} (uw-madison); mle-bench also gives this name to "
       "ventilator-pressure-prediction, whose leaderboard is really scored by MAE"),
    _g("levenshtein-distance", "levenshtein", "mean character edit distance per row (bms, billion-word)"),
    _g("log-loss", "binary_log_loss", "one probability column of a binary target (dogs vs cats, statoil)"),
    _g("mean-average-precision", None, _DETECTION + " (3d-object-detection, siim-covid19)"),
    _g("quadratic-weighted-kappa", "quadratic_weighted_kappa"),
    _g("root-mean-squared-error", "rmse"),
    _g("KL-divergence", "kl_divergence", "answers are per-class vote counts, normalised per row (hms)"),
    _g("MAP@12", "map@12"),
    _g("MAP@5", "map@5"),
    _g("auroc-multi-label", "mean_column_auc", "macro AUC over the label columns (playground-series-s3e18)"),
    _g("average-haversine-distance", None, "scores geodesic distance between predicted and true (lat, lon) pairs; "
       "no generator family predicts coordinates"),
    _g("column-wise ROC AUC", "mean_column_auc", "jigsaw: answer rows of -1 are not scored"),
    _g("column-wise-spearman", "spearman", "mean over the target columns (google-quest)"),
    _g("dice-coefficient", None, _SEGMENTATION + " (hubmap)"),
    _g("f0.5-score", None, "scores ink pixels of a fragment mask (vesuvius): " + _SEGMENTATION),
    _g("f1-score", None, "scores character detections matched by centre point in a box (kuzushiji): " + _DETECTION),
    _g("global-dice", None, _SEGMENTATION + " (contrails)"),
    _g("jaccard-similarity", "word_jaccard", "tweet-sentiment-extraction: lower-cased word sets per row"),
    _g("jigsaw-unintended-bias-in-toxicity-classification-score", None, "a power mean of overall AUC and subgroup, "
       "BPSN and BNSP AUCs over identity columns; no generator family emits identity subgroups"),
    _g("kendall-tau", None, "scores the order of cells within each notebook (AI4Code); no generator family emits "
       "orderings of a given set"),
    _g("label-ranking-average-precision", "lrap", "freesound: one score column per label"),
    _g("levenhstein-distance", "normalized_levenshtein", "sic; multi-modal-gesture: token edit distances summed "
       "and divided by the number of true tokens"),
    _g("log-mean-absolute-error", "log_mae", "champs averages log-MAE per coupling type; sandmle's log_mae is the "
       "one-group case (grouping is not supported)"),
    _g("mAP-at-IoU>0.4", None, _DETECTION + " (vinbigdata)"),
    _g("map-at-5", "map@5", "hotel-id: space-separated ranked ids"),
    _g("matthews-correlation-coefficient", "mcc"),
    _g("mean-absolute-error", "mae"),
    _g("mean-angular-error", None, "scores the angle between predicted and true directions (azimuth, zenith); no "
       "generator family predicts directions"),
    _g("mean-column-wise-rmsle", "mean_column_rmsle"),
    _g("mean-column-wise-roc-auc", "mean_column_auc"),
    _g("mean-precision-intersection-over-union-at-different-thresholds", None, _SEGMENTATION + " (tgs-salt)"),
    _g("modified-laplace-log-likelihood", None, "scores a prediction with its confidence under OSIC's clipping "
       "constants; no generator family predicts an uncertainty"),
    _g("multi-class-classification-accuracy", "accuracy"),
    _g("pearson-correlation-coefficient", "pearson"),
    _g("probabilistic-f1-score", None, "rsna-breast's pF1 is computed over probabilities aggregated per patient and "
       "side; no generator family has that grouping"),
    _g("root_mean_squared_error", "rmse", "denoising: per-pixel RMSE over id = {img}_{row}_{col} rows"),
    _g("top-1-classification-error", "error_rate", "inaturalist accepts up to 5 labels per row and scores the "
       "first; sandmle's error_rate takes exactly one label"),
    _g("weighted-auroc", None, "alaska2 weights the TPR bands [0, 0.4] and [0.4, 1] of the ROC curve 2:1; not "
       "implemented"),
    _g("weighted-multi-label-log-loss", None, "rsna-2022 weights each label column and the any-fracture column "
       "by competition-specific factors; not implemented"),
    _g("word-level-jaccard-score", "word_jaccard", "chaii: lower-cased word sets per row"),
)


def normalize_grader_name(name: str) -> str:
    """Lower case, with runs of spaces, underscores and hyphens as one hyphen: `column-wise ROC AUC` and
    `Column_Wise_ROC_AUC` are the same name. Nothing else is changed (`levenhstein` stays misspelt)."""
    return re.sub(r"[\s_-]+", "-", str(name).strip().lower()).strip("-")


def _index() -> dict[str, GraderName]:
    index: dict[str, GraderName] = {}
    for entry in MLEBENCH_GRADERS:
        key = normalize_grader_name(entry.spelling)
        if key in index and index[key].metric != entry.metric:
            raise AssertionError(f"{entry.spelling!r} and {index[key].spelling!r} normalise alike but differ")
        index.setdefault(key, entry)
    return index


def lookup_grader(name: str) -> GraderName:
    """The entry of a grader name, supported or not.

    Raises:
        UnsupportedMetric: `unsupported metric: NAME` when the name is not one mle-bench uses.
    """
    entry = _index().get(normalize_grader_name(name))
    if entry is None:
        raise UnsupportedMetric(f"unsupported metric: {name} (not a grader name sandmle knows; known: "
                                f"{', '.join(sorted(e.spelling for e in MLEBENCH_GRADERS))})")
    return entry


def metric_for_grader(name: str) -> str:
    """The registry metric a grader name means.

    Raises:
        UnsupportedMetric: `unsupported metric: NAME` for an unknown name, or `unsupported metric: NAME: reason`
            for a known one sandmle cannot grade.
    """
    entry = lookup_grader(name)
    if entry.metric is None:
        raise UnsupportedMetric(f"unsupported metric: {name}: {entry.note}")
    return entry.metric


def check_direction(name: str, leaderboard_lower_is_better: bool) -> None:
    """Refuse a seed whose leaderboard direction contradicts its metric (mle-bench reads direction from it).

    Raises:
        UnsupportedMetric: the name is unknown or unsupported, or the directions disagree.
    """
    from sandmle_core.metrics import get_metric

    metric = metric_for_grader(name)
    if get_metric(metric).lower_is_better != leaderboard_lower_is_better:
        said = "lower" if leaderboard_lower_is_better else "higher"
        raise UnsupportedMetric(f"unsupported metric: {name}: the leaderboard says {said} is better, but {metric} "
                                f"is {'lower' if get_metric(metric).lower_is_better else 'higher'}-is-better")
