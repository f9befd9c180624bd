"""Building a LadderConfig from a drafted TaskSpec or from a real seed's TaskProfile.

Both paths end in the same config shape, which is what lets the fidelity benchmark run one ladder on a synthetic
environment and on the real task it was drafted from.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sandmle_core.ladder import LadderConfig
from sandmle_core.metrics import get_metric
from sandmle_core.modalities import get_kit
from sandmle_core.spec import GradingSpec, Modality, TaskType

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
    name_layout: dict[str, object] | None = None,
    pair_columns: tuple[str, str] | None = None,
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
        name_layout=name_layout,
        pair_columns=pair_columns,
        **special,
    )


def config_from_spec(spec: TaskSpec) -> LadderConfig:
    """The ladder config of a drafted environment."""
    special: dict[str, str | None] = {}
    column = get_kit(spec.modality).ladder_column
    if column is not None:
        field, kind = column
        cols = spec.columns_of(kind)
        special[field] = cols[0].name if cols else None
    structure = getattr(spec.rule, "structure", None)  # a tabular task's per-id structure files (nomad2018)
    if structure is not None:
        special["structure_file"] = structure.file
    names = getattr(spec.rule, "names", None)  # an image task whose training names carry the label
    pairs = ("source", "target") if getattr(spec.rule, "links", None) is not None else None  # link prediction
    return _config(spec.modality, spec.task_type, spec.grading, tuple(c.name for c in spec.columns), special,
                   names.model_dump(mode="json") if names is not None else None, pairs)


def config_from_profile(profile: TaskProfile) -> LadderConfig:
    """The ladder config of a real seed task, from its Task DNA."""
    special: dict[str, str | None] = {}
    column = get_kit(profile.modality).ladder_column
    if column is not None:
        field, kind = column
        names = [f.name for f in profile.features if str(f.kind) == kind.value]
        special[field] = names[0] if names else None
    from sandmle_core.modalities.tabular.structure import seed_structure_file

    # a seed's per-id structure files (nomad2018's geometry.xyz); only the tabular ladder reads them
    special["structure_file"] = seed_structure_file(profile.details)
    pairs = profile.details.get("pair_columns")  # a link-prediction seed: its rows are node pairs
    features = tuple(f.name for f in profile.features if str(f.kind) != "id" and f.name not in (pairs or ()))
    return _config(profile.modality, profile.task_type, profile.grading, features, special,
                   profile.details.get("name_layout"), tuple(pairs) if pairs else None)
