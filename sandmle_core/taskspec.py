"""TaskSpec: one drafted environment — new domain and story, the seed's Task DNA, challenges, hidden rule, sizes.

The strategist writes it, the developer synthesizes data from it, the writer describes it (without the rule), the
verifier checks the result against it. It is a frozen, JSON-serializable value with a content hash: the same spec
always yields the same environment, and the hash names the environment folder. The vocabulary it uses lives in
`sandmle_core.spec`; its hidden rule is one of the registered modalities' rule models (`sandmle_core.modalities.Rule`)
or, for the claude backend, a `ScriptRule` (`sandmle_core.script_rule`: the rule in words for a generator program).
"""

from __future__ import annotations

import functools
import hashlib
import json
import operator
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sandmle_core.modalities import KITS, get_kit
from sandmle_core.script_rule import SCRIPT_KIND, ScriptRule
from sandmle_core.spec import (
    Challenge,
    ColumnKind,
    ColumnSpec,
    DomainRef,
    GradingSpec,
    Modality,
    TargetSpec,
    TaskType,
)

__all__ = ["MAX_TRAIN_ROWS", "MIN_TRAIN_ROWS", "SeedDNA", "SpecRule", "TaskSpec"]

MIN_TRAIN_ROWS = 50
MAX_TRAIN_ROWS = 200
SpecRule = Annotated[functools.reduce(operator.or_, (kit.rule_model for kit in KITS), ScriptRule),
                     Field(discriminator="kind")]
"""A spec's hidden rule: a registered modality's rule model, or a `ScriptRule` (the claude backend's generator)."""


class SeedDNA(BaseModel):
    """The part of the seed's profile a drafted spec must preserve (copied so a spec stands on its own)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    seed_id: str
    modality: Modality
    task_type: TaskType
    metric: str
    lower_is_better: bool
    label_cardinality: int | None = None
    min_class_share: float | None = None
    missing_rate: float = 0.0
    feature_mix: dict[str, int] = {}


class TaskSpec(BaseModel):
    """A drafted environment.

    Attributes:
        seed_id, index, rng_seed, backend: the slot and the attempt this spec was drafted for.
        dna: the seed's Task DNA this spec preserves.
        domain, title, story: the new domain and the framing the writer turns into description.md.
        modality, task_type, grading: what is predicted and how it is scored (metric family = the seed's).
        columns: the public feature columns, in file order (the id column is not listed, except when it is the
            text itself: the comment of a rule whose `text_is_id` is set).
        target: the answer column(s) and their classes.
        n_train, n_test: micro-scale sizes (train within 50–200); synthesis can override them for full-scale runs.
        difficulty: 0 (easy) … 1 (hard); scales noise, signal sparsity and challenge intensity.
        challenges: the technical difficulties built into the data.
        rule: the hidden rule (never shown to agents): the modality's rule model, or — claude backend only — a
            `ScriptRule` that the developer's generator program implements.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    spec_version: int = 1
    seed_id: str
    index: int = Field(ge=0)
    rng_seed: int
    backend: str = "offline"
    dna: SeedDNA
    domain: DomainRef
    title: str
    story: str
    modality: Modality
    task_type: TaskType
    grading: GradingSpec
    columns: tuple[ColumnSpec, ...]
    target: TargetSpec
    n_train: int = Field(ge=MIN_TRAIN_ROWS, le=MAX_TRAIN_ROWS)
    n_test: int = Field(ge=20)
    difficulty: float = Field(ge=0.0, le=1.0)
    challenges: tuple[Challenge, ...] = ()
    rule: SpecRule

    @model_validator(mode="after")
    def _consistent(self) -> TaskSpec:
        names = [c.name for c in self.columns]
        if len(set(names)) != len(names):
            raise ValueError(f"duplicate column names: {names}")
        keyed = getattr(self.rule, "text_is_id", False)  # detecting insults: the comment text is the key
        text = [c.name for c in self.columns if c.kind == ColumnKind.TEXT]
        if self.grading.id_column in names and not (keyed and text == [self.grading.id_column]):
            raise ValueError(f"the id column {self.grading.id_column!r} must not be listed among the feature columns"
                             " (unless it is the one text column of a rule whose text is the id)")
        if keyed and text != [self.grading.id_column]:
            raise ValueError(f"a rule whose text is the id needs the id column {self.grading.id_column!r} as its one "
                             f"text column, has {text}")
        clash = set(names) & set(self.target.columns)
        if clash:
            raise ValueError(f"target columns {sorted(clash)} also appear as features")
        scored = tuple(self.grading.target_columns)
        # all the target columns, or a subset in their order (mle-bench's ranzcr scores 9 of its 11 labels)
        if scored != tuple(c for c in self.target.columns if c in scored) or not set(scored) <= set(
                self.target.columns):
            raise ValueError("grading.target_columns must equal target.columns (or be a subset of them, in order)")
        kind = get_kit(self.modality).rule_kind
        if self.rule.kind == SCRIPT_KIND and self.backend != "claude":
            raise ValueError(f"a {SCRIPT_KIND} rule is run by the claude backend's generator; backend "
                             f"{self.backend!r} cannot synthesize it")
        if self.rule.kind not in (kind, SCRIPT_KIND):
            raise ValueError(f"a {self.modality} spec needs a {kind} rule, got {self.rule.kind}")
        return self

    def canonical_json(self) -> str:
        """Key-sorted, compact JSON: the input of the content hash."""
        return json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))

    def spec_hash(self) -> str:
        """sha256 of the canonical JSON."""
        return hashlib.sha256(self.canonical_json().encode()).hexdigest()

    def schema_signature(self) -> str:
        """A hash of the public schema (column names and kinds, target columns): equal schemas, equal signatures."""
        parts = [f"{c.name}:{c.kind}" for c in self.columns] + [f"target:{t}" for t in self.target.columns]
        return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]

    @property
    def env_id(self) -> str:
        """`<seed_id>-<domain key>-<8 hex of the spec hash>`."""
        from sandmle_core.layout import make_env_id

        return make_env_id(self.seed_id, self.domain.key, self.spec_hash())

    def columns_of(self, *kinds: ColumnKind) -> list[ColumnSpec]:
        """The feature columns of the given kinds, in order."""
        return [c for c in self.columns if c.kind in kinds]

