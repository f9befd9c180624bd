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

A kit is declarative: its package's `__init__` names the functions of its own modules. Imports: numpy, pydantic,
and sandmle_core's vocabulary (`spec`, `envfolder`); rule modules import only pydantic; no module of a modality
package imports `taskspec`, the agents or the pipeline at run time (they import the registry, which imports these).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

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

__all__ = ["MICRO_CLASS_CAP", "Draft", "DraftContext", "ModalityKit", "SynthesisResult", "class_count_note",
           "class_count_range", "rounded_in_range", "scaled_into_range"]

# The most classes 50–200 training rows carry (about 8 rows per class at 200): a many-class seed (dog breeds' 120,
# leaf's 99) keeps its shape — one probability column per class, multi-class log loss — at this many classes.
MICRO_CLASS_CAP = 24


def class_count_range(seed_classes: int) -> tuple[int, int]:
    """Label cardinality a drafted spec may use, "in a range around the seed's" (binary stays binary).

    Around the seed's count up to `MICRO_CLASS_CAP`; a seed with more classes is drafted at 70–100 % of the cap
    (`class_count_note` says so in the verdict), since a micro environment cannot hold 99 classes with rows to learn
    each from.
    """
    if seed_classes <= 2:
        return (2, 2)
    n = min(seed_classes, MICRO_CLASS_CAP)
    low = max(3, round(n * 0.7))
    high = max(low, round(n * 1.3))
    return (low, min(high, max(n, 12), MICRO_CLASS_CAP))


def class_count_note(seed_classes: int | None) -> str:
    """'' for a seed whose class count a micro environment keeps, else why its environments have fewer classes."""
    if not seed_classes or seed_classes <= MICRO_CLASS_CAP:
        return ""
    low, high = class_count_range(seed_classes)
    return (f"; the seed's {seed_classes} classes are drafted as {low}–{high} at micro scale (50–200 training rows "
            f"carry at most {MICRO_CLASS_CAP} classes)")


def rounded_in_range(values: np.ndarray, low: float, high: float, integer: bool, decimals: int) -> np.ndarray:
    """`values` (clipped into [low, high]) rounded as the column is written — to integers or `decimals` places — and
    still inside the declared range: a value rounding pushed out (0.5 rounds half-to-even to 0, below a declared low
    of 0.5) moves one step back in, so the verifier's `values_in_declared_range` holds."""
    step = 1.0 if integer else 10.0 ** -decimals
    out = np.rint(values) if integer else np.round(values, decimals)
    out = np.where(out < low, out + step, np.where(out > high, out - step, out))
    return out.astype(np.int64) if integer else np.round(out, decimals)


def scaled_into_range(latent: np.ndarray, low: float, high: float, integer: bool, decimals: int) -> np.ndarray:
    """A latent score (about standard normal) mapped onto a declared range: +-3 latent units span [low, high], the
    tails are clipped, and the result is rounded as the column is written (`rounded_in_range`)."""
    mid, half = (low + high) / 2, (high - low) / 2
    values = np.clip(mid + half * latent / 3.0, low, high)
    return rounded_in_range(values, low, high, integer, decimals)


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
    slot: int = 0  # the slot's index within its seed: a drafter whose few host domains repeat can vary by visit


@dataclass(frozen=True)
class Draft:
    """The modality half of a TaskSpec; the strategist adds domain, story, sizes and grading."""

    id_column: str
    columns: tuple[ColumnSpec, ...]
    target: TargetSpec
    rule: BaseModel
    title: str
    scored_columns: tuple[str, ...] | None = None  # the target columns graded, when not all (ranzcr scores 9 of 11)
    story_template: str | None = None  # this draft's story template, when not the kit's (an image task in colour)
    passthrough: tuple[str, ...] = ()  # submission columns carried unscored (the Date of mle-bench's insults)


@dataclass(frozen=True)
class SynthesisResult:
    """What synthesis wrote, and where; `stats` holds figures for validation.json (class counts, ...)."""

    folder: EnvFolder
    n_train: int
    n_test: int
    stats: dict[str, Any] = field(default_factory=dict)


def _no_details(train: pd.DataFrame, public: Sequence[FeatureProfile], n_test: int) -> dict[str, Any]:
    return {}


def _no_challenges(profile: TaskProfile) -> list[Challenge]:
    return []


def _suits_any(domain: Domain, profile: TaskProfile) -> bool:
    return True


def _domain_entity(domain: Domain) -> str:
    return domain.entity


def _one_entity(spec: TaskSpec) -> str:
    return f"one {spec.domain.entity}"


def _same_files(spec: TaskSpec, files: list[str]) -> list[str]:
    return files


def _domain_story(domain: Domain) -> str:
    return domain.story


def framing_variant(domain: Domain, n: int) -> int:
    """Which of a modality's `n` overview structures a domain uses: fixed per domain (a stable hash of its key), so
    one build does not read every overview off one template and the same inputs give the same text."""
    return zlib.crc32(domain.key.encode()) % n


def lower_first(text: str) -> str:
    """"A retail bank" → "a retail bank", for an organisation named mid-sentence."""
    return text[:1].lower() + text[1:]


_SMALL_WORDS = frozenset({"a", "an", "the", "per", "at", "by", "of", "on", "in", "to", "across", "and", "or", "for",
                          "than", "from", "with", "within", "its"})


def headline(text: str) -> str:
    """Title case for a title built from a description: "emergency arrivals per day" → "Emergency Arrivals per Day";
    short function words stay lower case, words that carry capitals or digits (PM2.5, 10%) stay as written."""
    return " ".join(w if (any(c.isupper() or c.isdigit() for c in w) or (i and w in _SMALL_WORDS)) else w.capitalize()
                    for i, w in enumerate(text.split()))


def _counted_from_answers(spec: TaskSpec) -> int | None:
    return None


@dataclass(frozen=True)
class ModalityKit:
    """Everything sandmle knows about one modality (see the module docstring). One instance per package.

    Attributes:
        modality: the modality this kit generates.
        rule_model: the hidden rule's pydantic model; its `kind` literal tells it apart in `TaskSpec.rule`.
        test_rows: (low, high) of the test rows the strategist draws.
        extra_challenges: the challenges the strategist may add beyond the seed's own, by difficulty.
        detects: the profile detector — whether a seed whose public columns have these kinds is of this modality.
        hosts: whether a catalog domain can host a task of this modality and type with at least that many classes.
        draft: the modality half of a spec (columns, target, hidden rule, title) from a `DraftContext`.
        synthesize: `synthesize(spec, folder, *, n_train=None, n_test=None)` writes the data files of a spec.
        ladder: the solution ladder of a `LadderConfig`, level 0 (the uninformed prior) first.
        ladder_column: the LadderConfig field naming this modality's special column and the column kind it takes
            (text, image, date), or None.
        task_type: the one task type a seed of this modality always has (forecasting), or None.
        profile_details: modality figures for the profile's `details` (text column and length, date step, ...).
        seed_challenges: challenges the seed's own profile calls for beyond the shared ones.
        row_entity: what one row is, for the story ("patient", or "week" for a weekly series).
        row_noun: what one row of train.csv is, for description.md.
        data_files: the description's list of data files, adjusted for this modality (media folders, horizons).
        story_template: the story template of a domain for this modality (`{target}`, `{entity}` placeholders):
            the domain's own by default; a modality whose inputs are not records (audio) frames the task itself.
        prior_submission: the sample submission of a staged folder, when the training targets are not a column
            the shared prior can average (per-pixel targets in image files); None = the shared prior.
        seed_train: a real seed's training table read from its media folders, for a seed that ships no label
            table (paired dirty/clean folders); None = such a seed is refused.
        one_hot_classes: whether the kit writes a multiclass target as one 0/1 column per class (plant pathology's
            shape, scored per column), so such seeds are kept.
        suits: whether a hosting domain suits this seed's inputs (the image kit: a silhouette seed needs a domain
            with a silhouette vocabulary); every hosting domain by default.
        keeps: (Task DNA modality, task type) pairs beyond its own modality that this kit generates without
            changing them (the image kit: `image+tabular` binary, images with a metadata table).
        hosts_kept: whether a catalog domain can host a task of a Task DNA modality this kit `keeps`, in place of
            `hosts` (a text + metadata seed needs a domain with a requests vocabulary); None = `hosts` decides.
        label_count: how many labels a spec tells apart when neither its answers' values nor its target columns
            say (flattened multi-label rows: one answer column, one row per item and label); None = count those.
    """

    modality: Modality
    rule_model: type[BaseModel]
    test_rows: tuple[int, int]
    extra_challenges: tuple[Challenge, ...]
    detects: Callable[[Sequence[str]], bool]
    hosts: Callable[[Domain, TaskType, int], bool]
    draft: Callable[[DraftContext], Draft]
    synthesize: Callable[..., SynthesisResult]
    ladder: Callable[[LadderConfig], list[LadderScript]]
    ladder_column: tuple[str, ColumnKind] | None = None
    task_type: TaskType | None = None
    profile_details: Callable[[pd.DataFrame, Sequence[FeatureProfile], int], dict[str, Any]] = _no_details
    seed_challenges: Callable[[TaskProfile], list[Challenge]] = _no_challenges
    row_entity: Callable[[Domain], str] = _domain_entity
    row_noun: Callable[[TaskSpec], str] = _one_entity
    data_files: Callable[[TaskSpec, list[str]], list[str]] = _same_files
    story_template: Callable[[Domain], str] = _domain_story
    prior_submission: Callable[[TaskSpec, EnvFolder], pd.DataFrame] | None = None
    seed_train: Callable[[Path], pd.DataFrame | None] | None = None
    label_count: Callable[[TaskSpec], int | None] = _counted_from_answers
    one_hot_classes: bool = False
    keeps: tuple[tuple[str, str], ...] = ()
    suits: Callable[[Domain, TaskProfile], bool] = _suits_any
    hosts_kept: Callable[[Domain, str], bool] | None = None

    @property
    def rule_kind(self) -> str:
        """The `kind` literal of the rule model."""
        return str(self.rule_model.model_fields["kind"].default)

    @classmethod
    def assemble(cls, drafter: ModuleType, synthesizer: ModuleType, ladder: ModuleType, **declared: Any) -> ModalityKit:
        """The kit of a package whose `drafter.draft`, `synthesizer.synthesize` and `ladder.scripts` do the work."""
        return cls(draft=drafter.draft, synthesize=synthesizer.synthesize, ladder=ladder.scripts, **declared)
