"""The modality registry: one `ModalityKit` per modality package, and everything derived from the set of them.

Each modality lives in one package here (`tabular/`, `text/`, `image/`, `image2image/`, `time_series/`,
`audio/`, `graph/`, `ranking/`): its hidden-rule
model, drafter, synthesizer, solution ladder, sizes, challenges, catalog fit and profile detector, exposed as one `KIT`.
Everything else — the TaskSpec's rule union, the offline strategist and developer, `ladder_for`, the writer, the
profile's modality detection, the catalog's domain choice, the benchmark — looks modalities up here and keeps no
per-modality map of its own. Adding a modality = naming it in `spec.Modality`, adding one package with a `KIT`, and
adding that kit to `KITS` below.

Imports: each package's light half (its kit and rule model); drafters, synthesizers and ladders load on first use.
Nothing here imports `taskspec`, the agents or the pipeline (they import this).
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import Field

from sandmle_core.errors import SpecError
from sandmle_core.modalities import audio, graph, image, image2image, ranking, seq2seq, tabular, text, time_series
from sandmle_core.modalities.base import ModalityKit, class_count_range
from sandmle_core.spec import Modality, TaskType

if TYPE_CHECKING:
    from sandmle_core.catalog import Catalog
    from sandmle_core.catalog.schema import Domain

__all__ = ["KITS", "ModalityKit", "Rule", "detect_modality", "domains_for", "get_kit", "keeping_kit", "rule_union"]

KITS: tuple[ModalityKit, ...] = (audio.KIT, image.KIT, image2image.KIT, text.KIT, time_series.KIT, seq2seq.KIT,
                                  graph.KIT, ranking.KIT, tabular.KIT)
"""Every registered modality, in detection order: the first kit whose detector accepts a seed's column kinds
claims the seed; tabular, which accepts every seed, is the fallback and comes last."""

_BY_MODALITY = {kit.modality: kit for kit in KITS}


def rule_union(kits: Sequence[ModalityKit]) -> Any:
    """The discriminated union of the kits' rule models (pydantic picks the model by the `kind` literal).

    Raises:
        ValueError: when two kits share a modality or a rule kind.
    """
    for what, values in (("modalities", [str(kit.modality) for kit in kits]),
                         ("rule kinds", [kit.rule_kind for kit in kits])):
        if len(set(values)) != len(values):
            raise ValueError(f"modality kits must have distinct {what}, got {values}")
    return Annotated[functools.reduce(operator.or_, (kit.rule_model for kit in kits)), Field(discriminator="kind")]


Rule = rule_union(KITS)
"""The hidden rule of any spec: a union of the registered rule models, told apart by their `kind` literal."""


def get_kit(modality: Modality | str) -> ModalityKit:
    """The kit of a modality.

    Raises:
        SpecError: for a modality no package registers.
    """
    try:
        return _BY_MODALITY[Modality(modality)]
    except (KeyError, ValueError):
        known = ", ".join(kit.modality.value for kit in KITS)
        raise SpecError(f"no modality package registers {modality!r} (registered: {known})") from None


def keeping_kit(dna_modality: str, task_type: str | None = None) -> ModalityKit | None:
    """The kit that generates a Task DNA modality: its own kit, or the kit that `keeps` it (an image kit keeps
    `image+tabular` binary seeds), for this task type when one is given; None when no kit does."""
    try:
        return _BY_MODALITY[Modality(dna_modality)]
    except ValueError:
        return next((kit for kit in KITS for m, t in kit.keeps
                     if m == dna_modality and (task_type is None or t == task_type)), None)


def detect_modality(kinds: Sequence[str]) -> Modality:
    """The modality of a seed whose public (non-id) columns have these kinds (numeric, text, image, datetime, ...)."""
    return next(kit.modality for kit in KITS if kit.detects(kinds))


def domains_for(catalog: Catalog, modality: Modality | str, task_type: TaskType,
                n_classes: int | None = None, dna_modality: str | None = None) -> list[Domain]:
    """The catalog domains that can host a task of this modality, type and (about) this many classes, in order; for a
    Task DNA modality the kit keeps (`text+tabular`), those its `hosts_kept` accepts."""
    kit = get_kit(modality)
    need = class_count_range(n_classes)[0] if n_classes else 2
    if dna_modality not in (None, kit.modality.value) and kit.hosts_kept is not None:
        return [d for d in catalog.domains if kit.hosts_kept(d, str(dna_modality))]
    return [d for d in catalog.domains if kit.hosts(d, task_type, need)]
