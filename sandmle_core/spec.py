"""The shared vocabulary of tasks: modality, task type and how a task is graded.

`GradingSpec` is the grader's whole contract: which metric, which id column, which answer columns and which
submission columns (in order). It travels in every environment's `config.yaml` and is all `grade_submission`,
`grade.py` and `evaluator.py` need. The drafted environment (`TaskSpec`) embeds one.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["GradingSpec", "Modality", "TaskType"]


class Modality(StrEnum):
    TABULAR = "tabular"
    TEXT = "text"
    IMAGE = "image"
    TIME_SERIES = "time_series"
    AUDIO = "audio"
    SEQ2SEQ = "sequence-to-sequence"
    IMAGE_TO_IMAGE = "image-to-image"
    GRAPH = "graph"
    RANKING = "ranking"


class TaskType(StrEnum):
    BINARY = "binary"
    MULTICLASS = "multiclass"
    REGRESSION = "regression"
    ORDINAL = "ordinal"
    MULTILABEL = "multilabel"
    FORECASTING = "forecasting"
    TRANSDUCTION = "token transduction"  # sequence-to-sequence: one rewritten text per token row
    PER_PIXEL = "per-pixel regression"  # image-to-image reconstruction: one graded row per pixel of a test image
    MULTI_TARGET = "multi-target regression"  # several numeric target columns per row (nomad2018's two energies)
    RANKING = "ranking"  # one ranked list of item ids per query (MAP@k, NDCG@k)


class GradingSpec(BaseModel):
    """How submissions of one task are checked and scored.

    Attributes:
        metric: a key of `sandmle_core.metrics.METRICS` (for example `auc`, `multiclass_log_loss`, `rmse`).
        id_column: the column that keys answers and submissions; row order never matters.
        target_columns: the answer columns that are scored, besides the id. The answers may hold more columns
            (mle-bench's ranzcr keeps 11 label columns and scores 9): only these are read.
        submission_columns: the columns a submission must have besides the id, in order. For a multi-class
            probability metric these are the class labels; otherwise usually equal to `target_columns`.
        classes: the legal labels, as strings. For probability metrics over classes they name the submission's
            probability columns; for label metrics (accuracy, macro F1, QWK) a submitted value must be one of them.
        passthrough_columns: columns a submission may carry besides the id and the submission columns without
            being scored or required (mle-bench's insults submission keeps a Date column). Left out of the
            spec's serialised form when empty, so specs without it keep their content hash.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    metric: str
    id_column: str
    target_columns: tuple[str, ...] = Field(min_length=1)
    submission_columns: tuple[str, ...] = Field(min_length=1)
    classes: tuple[str, ...] | None = None
    passthrough_columns: tuple[str, ...] = Field(default=(), exclude_if=lambda cols: not cols)

    @model_validator(mode="after")
    def _columns_are_distinct(self) -> GradingSpec:
        for name, cols in (("target_columns", self.target_columns), ("submission_columns", self.submission_columns),
                           ("passthrough_columns", self.passthrough_columns)):
            if len(set(cols)) != len(cols):
                raise ValueError(f"{name} has duplicates: {list(cols)}")
            if self.id_column in cols:
                raise ValueError(f"{name} must not contain the id column {self.id_column!r}")
        if set(self.passthrough_columns) & set(self.submission_columns):
            raise ValueError("passthrough_columns must not repeat submission_columns")
        return self


class ColumnKind(StrEnum):
    """What a public column holds (the feature-type mix of Task DNA is counted in these kinds)."""

    NUMERIC = "numeric"
    INTEGER = "integer"
    CATEGORICAL = "categorical"
    TEXT = "text"
    DATETIME = "datetime"
    IMAGE = "image"
    AUDIO = "audio"


class Challenge(StrEnum):
    """Technical difficulties a drafted environment carries, drawn from its seed's profile."""

    OUTLIERS = "outliers"
    HIGH_CARDINALITY = "high_cardinality"
    LABEL_NOISE = "label_noise"
    INTERACTIONS = "interactions"
    NONLINEARITY = "nonlinearity"
    SKEWED_TARGET = "skewed_target"
    IRRELEVANT_FEATURES = "irrelevant_features"
    MISSING_AT_RANDOM = "missing_at_random"
    MISSING_NOT_AT_RANDOM = "missing_not_at_random"
    TRAIN_TEST_SHIFT = "train_test_shift"
    TEXT_FIELD = "text_field"
    CLASS_IMBALANCE = "class_imbalance"
    DISTRACTOR_TOKENS = "distractor_tokens"
    NUISANCE_VARIATION = "nuisance_variation"
    REGIME_CHANGE = "regime_change"


class ColumnSpec(BaseModel):
    """One public feature column of train.csv / test.csv (the id and the target are not columns here)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    kind: ColumnKind
    description: str
    unit: str | None = None
    levels: tuple[str, ...] | None = None
    nullable: bool = False


class TargetSpec(BaseModel):
    """What is predicted. `columns` are the answer columns (several for multi-label and multi-target regression).

    A multi-target regression names each column's own meaning and unit in `descriptions` and `units` (one entry per
    column; `description` then says what the columns are together). Both are left out of the serialised form when
    empty, so the specs of every other task keep their content hash.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    columns: tuple[str, ...] = Field(min_length=1)
    description: str
    unit: str | None = None
    classes: tuple[str, ...] | None = Field(default=None, description="class labels; ordered low→high if ordinal")
    positive_class: str | None = None
    descriptions: tuple[str, ...] = Field(default=(), exclude_if=lambda v: not v)
    units: tuple[str | None, ...] = Field(default=(), exclude_if=lambda v: not v)

    @model_validator(mode="after")
    def _per_column(self) -> TargetSpec:
        for name, values in (("descriptions", self.descriptions), ("units", self.units)):
            if values and len(values) != len(self.columns):
                raise ValueError(f"{name} needs one entry per target column ({len(self.columns)}), got {len(values)}")
        return self

    def column_description(self, column: str) -> str:
        """The meaning of one target column: its own when the spec names one per column, else the shared one."""
        return self.descriptions[self.columns.index(column)] if self.descriptions else self.description

    def column_unit(self, column: str) -> str | None:
        """The unit of one target column (see `column_description`)."""
        return self.units[self.columns.index(column)] if self.units else self.unit


class DomainRef(BaseModel):
    """The catalog domain an environment was moved to."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str
    title: str
    sector: str
    entity: str
