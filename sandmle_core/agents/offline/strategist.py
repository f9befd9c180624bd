"""The offline data strategist: seed profile → TaskSpec for one slot, and repairs after a failed verdict.

The common half lives here — which catalog domain hosts the slot, how hard it is, which technical challenges the
seed's profile calls for, how big the data is, how it is graded — and the modality half (columns, target, hidden
rule) is delegated to the modality's kit (`sandmle_core.modalities`). Everything is drawn from the slot's named
streams (`SlotStreams`), so a slot is reproducible on its own: the same (seed, rng seed, index, attempt) always gives
the same spec. The domain depends only on (seed, rng seed, index), so repairs keep a slot in its domain and the K
slots of a seed take K different domains (the seed's domain order is the one stream its slots share on purpose).
"""

from __future__ import annotations

import re

import numpy as np

from sandmle_core.agents.base import Verdict
from sandmle_core.agents.offline.writer import definite
from sandmle_core.catalog import load_catalog
from sandmle_core.errors import SpecError
from sandmle_core.metrics import get_metric
from sandmle_core.modalities import domains_for, get_kit
from sandmle_core.modalities.base import DraftContext
from sandmle_core.profile import TaskProfile
from sandmle_core.slots import SlotKey, attempt_seed, stream
from sandmle_core.spec import Challenge, DomainRef, GradingSpec, TaskType
from sandmle_core.taskspec import MAX_TRAIN_ROWS, MIN_TRAIN_ROWS, SeedDNA, TaskSpec

__all__ = ["OfflineStrategist", "attempt_seed", "seed_dna"]

_REPAIR_STEP = 0.25


def seed_dna(profile: TaskProfile, seed_id: str) -> SeedDNA:
    """The part of a seed's profile every drafted spec must preserve."""
    shares = list((profile.class_balance or {}).values())
    return SeedDNA(
        seed_id=seed_id,
        modality=profile.modality,
        task_type=profile.task_type,
        metric=profile.metric,
        lower_is_better=get_metric(profile.metric).lower_is_better,
        label_cardinality=profile.label_cardinality,
        min_class_share=round(min(shares), 4) if shares else None,
        missing_rate=round(float(profile.missing_rate), 4),
        feature_mix=dict(sorted(profile.feature_mix.items())),
    )


def _challenges(profile: TaskProfile, rng: np.random.Generator, difficulty: float) -> tuple[Challenge, ...]:
    """The seed's own difficulties, plus extra ones drawn with a probability that grows with difficulty."""
    own: list[Challenge] = []
    numeric = [f for f in profile.features if str(f.kind) == "numeric"]
    if profile.missing_rate > 0:
        own.append(Challenge.MISSING_NOT_AT_RANDOM if rng.random() < 0.5 else Challenge.MISSING_AT_RANDOM)
    if any((f.cardinality or 0) > 20 for f in profile.features if str(f.kind) == "categorical"):
        own.append(Challenge.HIGH_CARDINALITY)
    shares = list((profile.class_balance or {}).values())
    if shares and min(shares) < 0.6 / max(1, len(shares)):
        own.append(Challenge.CLASS_IMBALANCE)
    if any(abs(getattr(f, "skewness", 0.0) or 0.0) > 1.0 for f in numeric):
        own.append(Challenge.OUTLIERS)
    if profile.task_type in (TaskType.REGRESSION, TaskType.MULTI_TARGET, TaskType.FORECASTING) and abs(
            profile.target_skewness or 0) > 1:
        own.append(Challenge.SKEWED_TARGET)
    kit = get_kit(profile.modality)
    own += kit.seed_challenges(profile)
    extra = [c for c in kit.extra_challenges if rng.random() < 0.25 + 0.5 * difficulty]
    return tuple(dict.fromkeys(own + extra))  # ordered, without repeats


def _target_phrase(description: str, task_type: TaskType) -> str:
    """A target's description as a phrase for the story: "1 if the loan defaulted" → "whether the loan defaulted";
    "1 when the image shows schist, 0 when ..." → "whether the image shows schist" (the story says what is told,
    the columns table keeps what 0 means)."""
    text = description.strip().rstrip(".")
    for prefix in ("1 if ", "1 when "):
        if text.lower().startswith(prefix):
            return "whether " + text[len(prefix):].split(", 0 ")[0]
    if task_type == TaskType.MULTILABEL:
        text = text[4:] if text.lower().startswith("the ") else text
        said = text.endswith(")")  # "... (several can show at once)": one aside is enough
        return f"the set of {text[0].lower() + text[1:]}" + ("" if said else " (each label yes or no)")
    # "fitness level, 1 (beginner) to 7 (elite)": the scale is in the columns; one inside a parenthesis goes with it
    # ("the clean page, pixel by pixel (grey levels, 0 = black ink, ...)" was cut inside it, unclosed)
    scale = re.search(r", (?=\d)", text)
    if scale:
        opened = text.rfind("(", 0, scale.start())
        text = text[:opened].rstrip() if opened > text.rfind(")", 0, scale.start()) else text[:scale.start()]
    text = text[0].lower() + text[1:]
    return text if task_type == TaskType.FORECASTING else definite(text)  # "forecast emergency arrivals per day"


class OfflineStrategist:
    """Strategist role of the offline backend."""

    def draft_spec(
        self,
        seed_id: str,
        profile: TaskProfile,
        index: int,
        rng_seed: int,
        attempt: int = 1,
        difficulty: float | None = None,
    ) -> TaskSpec:
        """Draft the spec of slot `index` of a seed.

        Raises:
            SpecError: when no catalog domain can host the seed's task.
        """
        kit = get_kit(profile.modality)
        n_classes = profile.label_cardinality if profile.task_type not in (TaskType.REGRESSION,
                                                                            TaskType.MULTI_TARGET) else None
        dna_modality = ((profile.details or {}).get("dna") or {}).get("modality")  # a kept one: `text+tabular`
        domains = [d for d in domains_for(load_catalog(), profile.modality, profile.task_type, n_classes,
                                          dna_modality) if kit.suits(d, profile)]  # a silhouette seed: its own
        if not domains:
            raise SpecError(f"no catalog domain hosts a {profile.modality} {profile.task_type} task")
        order = stream(rng_seed, seed_id, "domain-order").permutation(len(domains))  # shared by the seed's slots
        domain = domains[int(order[index % len(domains)])]
        streams = SlotKey(seed_id, rng_seed, index).streams(attempt)
        rng = streams("strategist")
        if difficulty is None:
            difficulty = 0.15 + 0.7 * ((index * 0.6180339887 + 0.1 * rng.random()) % 1.0)
        difficulty = round(float(np.clip(difficulty, 0.0, 1.0)), 4)
        challenges = _challenges(profile, rng, difficulty)
        jitter = int(rng.integers(-25, 26))
        n_train = int(np.clip(round(190 - 110 * difficulty) + jitter, MIN_TRAIN_ROWS, MAX_TRAIN_ROWS))
        low, high = kit.test_rows
        n_test = int(rng.integers(low, high + 1))
        dna = seed_dna(profile, seed_id)
        draft = kit.draft(
            DraftContext(dna=dna, profile=profile, domain=domain, rng=streams("draft"), difficulty=difficulty,
                         challenges=challenges, n_train=n_train, n_test=n_test, slot=index)
        )
        metric = get_metric(dna.metric)
        classified = profile.task_type in (TaskType.BINARY, TaskType.MULTICLASS, TaskType.ORDINAL)
        classes = draft.target.classes if classified else None
        grading = GradingSpec(
            metric=dna.metric,
            id_column=draft.id_column,
            target_columns=draft.scored_columns or draft.target.columns,
            submission_columns=tuple(classes) if metric.kind == "class_probabilities" and classes else
            draft.scored_columns or draft.target.columns,
            classes=classes,
            passthrough_columns=draft.passthrough,
        )
        story = domain.render_story(target=_target_phrase(draft.target.description, profile.task_type),
                                    entity=kit.row_entity(domain),
                                    template=draft.story_template or kit.story_template(domain))
        return TaskSpec(
            seed_id=seed_id, index=index, rng_seed=streams.attempt_seed, backend="offline", dna=dna,
            domain=DomainRef(key=domain.key, title=domain.title, sector=domain.sector, entity=domain.entity),
            title=draft.title, story=story, modality=profile.modality, task_type=profile.task_type,
            grading=grading, columns=draft.columns, target=draft.target, n_train=n_train, n_test=n_test,
            difficulty=difficulty, challenges=challenges, rule=draft.rule,
        )

    def repair_spec(self, spec: TaskSpec, verdict: Verdict, attempt: int, profile: TaskProfile,
                    base_rng_seed: int) -> TaskSpec:
        """Re-draft a slot after a failed verdict: less noise, more noise, or simply another rng seed."""
        step = {"less_noise": -_REPAIR_STEP, "more_noise": _REPAIR_STEP}.get(verdict.repair or "", 0.0)
        return self.draft_spec(spec.seed_id, profile, spec.index, base_rng_seed, attempt=attempt,
                               difficulty=spec.difficulty + step)
