"""Building a LadderConfig from a drafted TaskSpec or from a real seed's TaskProfile.

Both paths end in the same config shape, which is what lets the fidelity benchmark run one ladder on a synthetic
environment and on the real task it was drafted from.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sandmle_core.ladder import LadderConfig
from sandmle_core.metrics import get_metric
from sandmle_core.spec import ColumnKind, GradingSpec, Modality, TaskType

if TYPE_CHECKING:
    from sandmle_core.profile import TaskProfile
    from sandmle_core.taskspec import TaskSpec

__all__ = ["config_from_profile", "config_from_spec"]


def _config(
    modality: Modality,
    task_type: TaskType,
    grading: GradingSpec,
    feature_columns: tuple[str, ...] | None,
    special: dict[str, str | None],
) -> LadderConfig:
    return LadderConfig(
        modality=modality,
        task_type=task_type,
        metric=grading.metric,
        metric_kind=get_metric(grading.metric).kind,
        id_column=grading.id_column,
        target_columns=grading.target_columns,
        submission_columns=grading.submission_columns,
        classes=grading.classes,
        feature_columns=feature_columns,
        **special,
    )


def config_from_spec(spec: TaskSpec) -> LadderConfig:
    """The ladder config of a drafted environment."""

    def first(kind: ColumnKind) -> str | None:
        cols = spec.columns_of(kind)
        return cols[0].name if cols else None

    special = {
        "text_column": first(ColumnKind.TEXT) if spec.modality == Modality.TEXT else None,
        "image_column": first(ColumnKind.IMAGE) if spec.modality == Modality.IMAGE else None,
        "date_column": first(ColumnKind.DATETIME) if spec.modality == Modality.TIME_SERIES else None,
    }
    return _config(spec.modality, spec.task_type, spec.grading, tuple(c.name for c in spec.columns), special)


def config_from_profile(profile: TaskProfile) -> LadderConfig:
    """The ladder config of a real seed task, from its Task DNA."""

    def first(kind: str) -> str | None:
        names = [f.name for f in profile.features if str(f.kind) == kind]
        return names[0] if names else None

    special = {
        "text_column": first("text") if profile.modality == Modality.TEXT else None,
        "image_column": first("image") if profile.modality == Modality.IMAGE else None,
        "date_column": first("datetime") if profile.modality == Modality.TIME_SERIES else None,
    }
    features = tuple(f.name for f in profile.features if str(f.kind) != "id")
    return _config(profile.modality, profile.task_type, profile.grading, features, special)
