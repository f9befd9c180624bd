"""The contract between the strategist, the modality drafters and the synthesizers.

Each modality module in this package exports two functions:

- `draft(ctx: DraftContext) -> Draft` — the modality half of the strategist: public columns with meaningful
  names and units from the catalog domain, the target, and a hidden rule drawn from `ctx.rng`.
- `synthesize(spec: TaskSpec, out_dir: Path, *, n_train=None, n_test=None) -> SynthesisResult` — the developer's
  data step: writes `prepared/public/{train,test}.csv` (+ media), `prepared/private/answers.csv` and
  `prepared/private/oracle_submission.csv` (the hidden rule's noise-free prediction in submission format) under
  `out_dir`, deterministically from `spec.rng_seed`, at the spec's micro size or at any size asked for.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from sandmle_core.spec import Challenge, ColumnSpec, TargetSpec

if TYPE_CHECKING:
    from sandmle_core.catalog.schema import Domain
    from sandmle_core.profile import TaskProfile
    from sandmle_core.rules import Rule
    from sandmle_core.taskspec import SeedDNA

__all__ = ["Draft", "DraftContext", "SynthesisResult", "class_count_range", "stream"]


def class_count_range(seed_classes: int) -> tuple[int, int]:
    """Label cardinality a drafted spec may use, "in a range around the seed's" (binary stays binary)."""
    if seed_classes <= 2:
        return (2, 2)
    low = max(3, round(seed_classes * 0.7))
    high = max(low, round(seed_classes * 1.3))
    return (low, min(high, max(seed_classes, 12)))


def stream(seed: int, *names: str | int) -> np.random.Generator:
    """An independent, named random stream derived from one integer seed (same names → same numbers)."""
    words = [seed & (2**64 - 1)]
    words += [int.from_bytes(hashlib.sha256(str(n).encode()).digest()[:8], "little") for n in names]
    return np.random.default_rng(np.random.SeedSequence(words))


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
    rule: Rule
    title: str


@dataclass(frozen=True)
class SynthesisResult:
    """What synthesis wrote. Paths are absolute; `stats` holds figures for validation.json (class counts, ...)."""

    public_dir: Path
    private_dir: Path
    n_train: int
    n_test: int
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def answers_path(self) -> Path:
        return self.private_dir / "answers.csv"

    @property
    def oracle_path(self) -> Path:
        return self.private_dir / "oracle_submission.csv"
