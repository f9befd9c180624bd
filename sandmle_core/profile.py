"""The seed analyst: a seed task → its TaskProfile (the Task DNA every drafted environment must preserve).

The profile records what a solution has to cope with — modality, task type, metric and direction, label cardinality
and class balance, missingness, the feature-type mix, skewed or high-cardinality features — read from the seed's
files. A seed whose config.yaml carries a `sandmle.grading` block (every bundled seed) is graded exactly as declared;
for any other mle-bench folder the grading contract is inferred from the sample submission and the grader name.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict

from sandmle_core.errors import SeedError
from sandmle_core.metrics import METRICS
from sandmle_core.modalities import detect_modality, get_kit
from sandmle_core.seeds.task import SeedTask
from sandmle_core.spec import GradingSpec, Modality, TaskType

__all__ = ["FeatureProfile", "TaskProfile", "profile_seed"]

_MEDIA = re.compile(r"\.(?:png|jpe?g|gif|bmp|tiff?|webp)$", re.I)
_AUDIO = re.compile(r"\.(?:wav|aiff?|flac|mp3|ogg)$", re.I)
_GRADER_ALIASES = {
    "roc_auc": "auc", "auc-roc": "auc", "log_loss": "multiclass_log_loss", "logloss": "multiclass_log_loss",
    "f1_macro": "macro_f1", "qwk": "quadratic_weighted_kappa", "kappa": "quadratic_weighted_kappa",
    "rmse": "rmse", "rmsle": "rmsle", "mae": "mae", "accuracy": "accuracy",
}


class FeatureProfile(BaseModel):
    """One public column of the seed's training table."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    kind: str  # numeric | integer | categorical | text | datetime | image | audio | id
    dtype: str
    cardinality: int
    missing_rate: float
    skewness: float | None = None
    outlier_share: float | None = None


class TaskProfile(BaseModel):
    """A seed's Task DNA and the figures behind it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    seed_id: str
    modality: Modality
    task_type: TaskType
    grading: GradingSpec
    metric: str
    lower_is_better: bool
    n_train: int
    n_test: int
    label_cardinality: int | None = None
    class_balance: dict[str, float] | None = None
    target_skewness: float | None = None
    missing_rate: float
    feature_mix: dict[str, int]
    features: tuple[FeatureProfile, ...]
    details: dict[str, Any] = {}

    @property
    def id_column(self) -> str:
        return self.grading.id_column

    @property
    def target_columns(self) -> tuple[str, ...]:
        return self.grading.target_columns


def _kind(series: pd.Series, name: str, id_column: str) -> str:
    if name == id_column:
        return "id"
    values = series.dropna()
    if values.empty:
        return "numeric"
    if pd.api.types.is_bool_dtype(series):
        return "categorical"
    if pd.api.types.is_integer_dtype(series):
        return "integer" if values.nunique() > 12 else "categorical"
    if pd.api.types.is_numeric_dtype(series):
        return "numeric"
    text = values.astype(str)
    if text.str.contains(_MEDIA).mean() > 0.9:
        return "image"
    if text.str.contains(_AUDIO).mean() > 0.9:
        return "audio"
    if "date" in name.lower() or "time" in name.lower():
        parsed = pd.to_datetime(text, errors="coerce", format="mixed")
        if parsed.notna().mean() > 0.9:
            return "datetime"
    if text.str.split().str.len().mean() >= 8:
        return "text"
    return "categorical"


def _feature(series: pd.Series, name: str, id_column: str) -> FeatureProfile:
    kind = _kind(series, name, id_column)
    skew = outliers = None
    if kind in ("numeric", "integer"):
        values = series.dropna().astype(float)
        if len(values) > 2 and values.std() > 0:
            skew = round(float(values.skew()), 4)
            q1, q3 = values.quantile([0.25, 0.75])
            iqr = q3 - q1
            outliers = round(float(((values < q1 - 3 * iqr) | (values > q3 + 3 * iqr)).mean()), 4)
    return FeatureProfile(name=name, kind=kind, dtype=str(series.dtype), cardinality=int(series.nunique()),
                          missing_rate=round(float(series.isna().mean()), 4), skewness=skew, outlier_share=outliers)


def _infer_grading(seed: SeedTask, train: pd.DataFrame) -> GradingSpec:
    sample = seed.read_sample_submission()
    if sample.shape[1] < 2:
        raise SeedError(seed.sample_submission_path, "a sample submission needs an id column and at least one more")
    id_column = str(sample.columns[0])
    if id_column not in train.columns:
        raise SeedError(seed.train_path, f"has no column {id_column!r} (the sample submission's first column)")
    submission = tuple(str(c) for c in sample.columns[1:])
    grader = str((seed.config.get("grader") or {}).get("name", "")).lower().replace(" ", "_")
    metric = grader if grader in METRICS else _GRADER_ALIASES.get(grader)
    targets = tuple(c for c in submission if c in train.columns)
    if targets:
        classes = None
        if metric is None:
            y = train[targets[0]]
            metric = "rmse" if pd.api.types.is_float_dtype(y) and y.nunique() > 20 else "accuracy"
        if METRICS[metric].kind == "label":
            classes = tuple(sorted(train[targets[0]].dropna().astype(str).unique()))
        return GradingSpec(metric=metric, id_column=id_column, target_columns=targets, submission_columns=submission,
                           classes=classes)
    # One probability column per class: the target is the one train column whose values are those classes.
    for col in train.columns:
        values = set(train[col].dropna().astype(str).unique())
        if values and values <= set(submission):
            return GradingSpec(metric=metric or "multiclass_log_loss", id_column=id_column, target_columns=(col,),
                               submission_columns=submission, classes=submission)
    raise SeedError(seed.sample_submission_path, f"cannot tell which train columns the submission columns "
                                                 f"{list(submission)} predict")


def _task_type(grading: GradingSpec, train: pd.DataFrame, modality: Modality) -> TaskType:
    fixed = get_kit(modality).task_type  # a modality with one task type (forecasting)
    if fixed is not None:
        return fixed
    if len(grading.target_columns) > 1:
        return TaskType.MULTILABEL
    if grading.metric == "quadratic_weighted_kappa":
        return TaskType.ORDINAL
    kind = METRICS[grading.metric].kind
    if kind == "value":
        return TaskType.REGRESSION
    n = train[grading.target_columns[0]].nunique()
    return TaskType.BINARY if n <= 2 else TaskType.MULTICLASS


def profile_seed(seed: SeedTask, max_rows: int = 200_000) -> TaskProfile:
    """Read a seed's files and describe its task.

    Args:
        seed: a loaded seed.
        max_rows: rows of train.csv read at most (profiles of huge seeds use the first rows).

    Raises:
        SeedError: naming the file when the task cannot be read or its grading cannot be told.
    """
    train = seed.read_train(nrows=max_rows)
    n_test = len(seed.read_test())
    grading = seed.grading or _infer_grading(seed, train)
    missing = [c for c in (grading.id_column, *grading.target_columns) if c not in train.columns]
    if missing:
        raise SeedError(seed.train_path, f"missing column(s) {missing} named by the grading contract")
    features = tuple(_feature(train[c], str(c), grading.id_column)
                     for c in train.columns if c not in grading.target_columns)
    kinds = [f.kind for f in features if f.kind != "id"]
    hinted = seed.hints.get("modality")
    modality = Modality(hinted) if hinted else detect_modality(kinds)
    task_type = TaskType(seed.hints["task_type"]) if seed.hints.get("task_type") else _task_type(
        grading, train, modality)
    target = train[list(grading.target_columns)]
    balance = cardinality = skew = None
    if task_type in (TaskType.BINARY, TaskType.MULTICLASS, TaskType.ORDINAL):
        counts = target.iloc[:, 0].astype(str).value_counts(normalize=True).sort_index()
        balance = {str(k): round(float(v), 4) for k, v in counts.items()}
        cardinality = len(balance)
    elif task_type == TaskType.MULTILABEL:
        cardinality = len(grading.target_columns)
        balance = {c: round(float(pd.to_numeric(target[c], errors="coerce").mean()), 4) for c in target.columns}
    else:
        values = pd.to_numeric(target.iloc[:, 0], errors="coerce").dropna()
        skew = round(float(values.skew()), 4) if len(values) > 2 else None
    public = [f for f in features if f.kind != "id"]
    mix: dict[str, int] = {}
    for f in public:
        mix[f.kind] = mix.get(f.kind, 0) + 1
    details = get_kit(modality).profile_details(train, public, n_test)
    return TaskProfile(
        seed_id=seed.id, modality=modality, task_type=task_type, grading=grading, metric=grading.metric,
        lower_is_better=METRICS[grading.metric].lower_is_better, n_train=len(train), n_test=n_test,
        label_cardinality=cardinality, class_balance=balance, target_skewness=skew,
        missing_rate=round(float(train[[f.name for f in public]].isna().mean().mean()) if public else 0.0, 4),
        feature_mix=dict(sorted(mix.items())), features=features, details=details,
    )
