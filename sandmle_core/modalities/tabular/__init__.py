"""The tabular modality: binary, multi-class, ordinal, regression, multi-label and multi-target regression tasks over
typed feature tables.

`rule` holds the hidden structural causal model (`TabularRule`), `drafter` draws it from a catalog domain
(`multitarget` drafts the targets of a multi-target regression, `structure` the per-id structure files of a seed
that ships them),
`sampling` evaluates it (shared by the drafter's calibration and the synthesizer), `synthesizer` writes the data
files and `ladder` the solution scripts. `KIT` is what the registry sees.

Imports: `sandmle_core.modalities.base`, the shared vocabulary, and its own modules.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from sandmle_core.modalities.base import ModalityKit
from sandmle_core.modalities.tabular import drafter, ladder, multitarget, structure, synthesizer
from sandmle_core.modalities.tabular.rule import TabularRule
from sandmle_core.spec import Challenge, Modality, TaskType

if TYPE_CHECKING:
    from sandmle_core.catalog.schema import Domain
    from sandmle_core.profile import TaskProfile
    from sandmle_core.taskspec import TaskSpec

__all__ = ["KIT"]


def _detects(kinds: Sequence[str]) -> bool:
    return True  # the fallback: any table that no other modality claims


def _hosts(domain: Domain, task_type: TaskType, min_classes: int) -> bool:
    if len(domain.features) < 8:
        return False
    if task_type == TaskType.BINARY:
        return bool(domain.binary)
    if task_type == TaskType.MULTICLASS:
        return any(len(t.classes) >= min_classes for t in domain.multiclass)
    if task_type == TaskType.ORDINAL:
        return any(len(t.classes) >= min_classes for t in domain.ordinal)
    if task_type == TaskType.REGRESSION:
        return bool(domain.regression)
    if task_type == TaskType.MULTILABEL:
        return bool(domain.multilabel)
    if task_type == TaskType.MULTI_TARGET:
        return multitarget.hosts_multitarget(domain)
    return False


def _data_files(spec: TaskSpec, files: list[str]) -> list[str]:
    """The description's data files, with the per-id structure files of a seed that ships them (nomad2018's)."""
    line = structure.structure_line(spec.rule, spec.n_train, spec.n_test)
    return files if line is None else [*files, line]


def _seed_challenges(profile: TaskProfile) -> list[Challenge]:
    return [Challenge.TEXT_FIELD] if any(str(f.kind) == "text" for f in profile.features) else []


KIT = ModalityKit.assemble(
    drafter, synthesizer, ladder, modality=Modality.TABULAR, rule_model=TabularRule, test_rows=(150, 400),
    extra_challenges=(Challenge.INTERACTIONS, Challenge.NONLINEARITY, Challenge.IRRELEVANT_FEATURES,
                      Challenge.LABEL_NOISE, Challenge.OUTLIERS, Challenge.TRAIN_TEST_SHIFT),
    detects=_detects, hosts=_hosts, seed_challenges=_seed_challenges, data_files=_data_files)
