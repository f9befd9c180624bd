"""The tabular modality: binary, multi-class, ordinal, regression and multi-label tasks over typed feature tables.

`rule` holds the hidden structural causal model (`TabularRule`), `drafter` draws it from a catalog domain,
`sampling` evaluates it (shared by the drafter's calibration and the synthesizer), `synthesizer` writes the data
files and `ladder` the solution scripts. `KIT` is what the registry sees.

Imports: `sandmle_core.modalities.base`, the shared vocabulary, and its own modules (the heavy ones when used).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from sandmle_core.modalities.base import Draft, DraftContext, ModalityKit, SynthesisResult
from sandmle_core.modalities.tabular.rule import TabularRule
from sandmle_core.spec import Challenge, Modality, TaskType

if TYPE_CHECKING:
    from sandmle_core.catalog.schema import Domain
    from sandmle_core.envfolder import EnvFolder
    from sandmle_core.ladder import LadderConfig, LadderScript
    from sandmle_core.profile import TaskProfile
    from sandmle_core.taskspec import TaskSpec

__all__ = ["KIT", "TabularKit"]


class TabularKit(ModalityKit):
    """Tabular data: features drawn from the domain's typed templates, a target of the seed's task type."""

    modality = Modality.TABULAR
    rule_model = TabularRule
    test_rows = (150, 400)
    extra_challenges = (Challenge.INTERACTIONS, Challenge.NONLINEARITY, Challenge.IRRELEVANT_FEATURES,
                        Challenge.LABEL_NOISE, Challenge.OUTLIERS, Challenge.TRAIN_TEST_SHIFT)

    def detects(self, kinds: Sequence[str]) -> bool:
        return True  # the fallback: any table that no other modality claims

    def seed_challenges(self, profile: TaskProfile) -> list[Challenge]:
        return [Challenge.TEXT_FIELD] if any(str(f.kind) == "text" for f in profile.features) else []

    def hosts(self, domain: Domain, task_type: TaskType, min_classes: int) -> bool:
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
        return False

    def draft(self, ctx: DraftContext) -> Draft:
        from sandmle_core.modalities.tabular.drafter import draft

        return draft(ctx)

    def synthesize(self, spec: TaskSpec, folder: EnvFolder | Path, *, n_train: int | None = None,
                   n_test: int | None = None) -> SynthesisResult:
        from sandmle_core.modalities.tabular.synthesizer import synthesize

        return synthesize(spec, folder, n_train=n_train, n_test=n_test)

    def ladder(self, config: LadderConfig) -> list[LadderScript]:
        from sandmle_core.modalities.tabular.ladder import scripts

        return scripts(config)


KIT = TabularKit()
