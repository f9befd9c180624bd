"""The contract every modality package meets: one `ModalityKit`, and the values its drafter and synthesizer pass.

A kit bundles everything sandmle knows about one modality:

- the hidden-rule model (a pydantic model whose `kind` literal discriminates `TaskSpec.rule`);
- `draft(ctx: DraftContext) -> Draft` — the modality half of the offline strategist: public columns with meaningful
  names and units from the catalog domain, the target, and a hidden rule drawn from `ctx.rng`;
- `synthesize(spec, folder, *, n_train=None, n_test=None) -> SynthesisResult` — the developer's data step: writes
  `prepared/public/{train,test}.csv` (+ media), `prepared/private/answers.csv` and
  `prepared/private/oracle_submission.csv` (the rule's noise-free prediction in submission format), every draw from
  the slot's `SlotStreams`, at the spec's micro size or at any size asked for;
- `ladder(config)` — the solution scripts, weakest first;
- sizes (test rows), the optional challenges the strategist may add, which catalog domains can host it, and the
  profile detector that recognises a seed of this modality from its column kinds.

Imports: numpy, pandas (for type hints), pydantic, and sandmle_core's vocabulary (`spec`, `slots`, `envfolder`);
rule modules import only pydantic. Heavy parts (drafter, synthesizer, ladder) are imported when first used.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
from pydantic import BaseModel

from sandmle_core.envfolder import EnvFolder
from sandmle_core.spec import Challenge, ColumnKind, ColumnSpec, Modality, TargetSpec, TaskType

if TYPE_CHECKING:
    import pandas as pd

    from sandmle_core.catalog.schema import Domain
    from sandmle_core.ladder import LadderConfig, LadderScript
    from sandmle_core.profile import FeatureProfile, TaskProfile
    from sandmle_core.taskspec import SeedDNA, TaskSpec

__all__ = ["Draft", "DraftContext", "ModalityKit", "SynthesisResult", "class_count_range"]


def class_count_range(seed_classes: int) -> tuple[int, int]:
    """Label cardinality a drafted spec may use, "in a range around the seed's" (binary stays binary)."""
    if seed_classes <= 2:
        return (2, 2)
    low = max(3, round(seed_classes * 0.7))
    high = max(low, round(seed_classes * 1.3))
    return (low, min(high, max(seed_classes, 12)))


@dataclass(frozen=True)
class DraftContext:
    """Everything a modality drafter may use. All randomness must come from `rng`."""

    dna: SeedDNA
    profile: TaskProfile
    domain: Domain
    rng: np.random.Generator
    difficulty: float
    challenges: tuple[Challenge, ...]
    n_train: int
    n_test: int


@dataclass(frozen=True)
class Draft:
    """The modality half of a TaskSpec; the strategist adds domain, story, sizes and grading."""

    id_column: str
    columns: tuple[ColumnSpec, ...]
    target: TargetSpec
    rule: BaseModel
    title: str


@dataclass(frozen=True)
class SynthesisResult:
    """What synthesis wrote, and where; `stats` holds figures for validation.json (class counts, ...)."""

    folder: EnvFolder
    n_train: int
    n_test: int
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def public_dir(self) -> Path:
        return self.folder.public

    @property
    def private_dir(self) -> Path:
        return self.folder.private

    @property
    def answers_path(self) -> Path:
        return self.folder.answers

    @property
    def oracle_path(self) -> Path:
        return self.folder.oracle_submission


class ModalityKit(ABC):
    """Everything sandmle knows about one modality (see the module docstring). One instance per package.

    Attributes:
        modality: the modality this kit generates.
        rule_model: the hidden rule's pydantic model; its `kind` literal tells it apart in `TaskSpec.rule`.
        test_rows: (low, high) of the test rows the strategist draws.
        extra_challenges: the challenges the strategist may add beyond the seed's own, by difficulty.
        ladder_column: the LadderConfig field naming this modality's special column and the column kind it takes
            (text, image, date), or None.
        task_type: the one task type a seed of this modality always has (forecasting), or None.
    """

    modality: ClassVar[Modality]
    rule_model: ClassVar[type[BaseModel]]
    test_rows: ClassVar[tuple[int, int]]
    extra_challenges: ClassVar[tuple[Challenge, ...]]
    ladder_column: ClassVar[tuple[str, ColumnKind] | None] = None
    task_type: ClassVar[TaskType | None] = None

    @property
    def rule_kind(self) -> str:
        """The `kind` literal of the rule model."""
        return str(self.rule_model.model_fields["kind"].default)

    # --- seed side ---------------------------------------------------------------------------------------------

    @abstractmethod
    def detects(self, kinds: Sequence[str]) -> bool:
        """The profile detector: whether a seed whose public columns have these kinds is of this modality."""

    def profile_details(self, train: pd.DataFrame, public: Sequence[FeatureProfile], n_test: int) -> dict[str, Any]:
        """Modality figures for the profile's `details` (the text column and its length, the date step, ...)."""
        return {}

    def seed_challenges(self, profile: TaskProfile) -> list[Challenge]:
        """Challenges the seed's own profile calls for beyond the shared ones (missingness, imbalance, ...)."""
        return []

    # --- drafting ----------------------------------------------------------------------------------------------

    @abstractmethod
    def hosts(self, domain: Domain, task_type: TaskType, min_classes: int) -> bool:
        """Whether a catalog domain can host a task of this modality and type with at least `min_classes`."""

    def row_entity(self, domain: Domain) -> str:
        """What one row is, for the story ("patient", or "week" for a weekly series)."""
        return domain.entity

    @abstractmethod
    def draft(self, ctx: DraftContext) -> Draft:
        """The modality half of a spec (columns, target, hidden rule, title)."""

    # --- building ----------------------------------------------------------------------------------------------

    @abstractmethod
    def synthesize(self, spec: TaskSpec, folder: EnvFolder | Path, *, n_train: int | None = None,
                   n_test: int | None = None) -> SynthesisResult:
        """Write the data files of `spec` under `folder` (see the module docstring)."""

    @abstractmethod
    def ladder(self, config: LadderConfig) -> list[LadderScript]:
        """The solution ladder, level 0 (the uninformed prior) first."""

    # --- describing --------------------------------------------------------------------------------------------

    def row_noun(self, spec: TaskSpec) -> str:
        """What one row of train.csv is, for description.md."""
        return f"one {spec.domain.entity}"

    def data_files(self, spec: TaskSpec, files: list[str]) -> list[str]:
        """The description's list of data files, adjusted for this modality (media folders, horizons)."""
        return files
