"""Audio environments: drafting within the seed's DNA, byte-reproducible WAV synthesis, classes that differ in what
an agent can measure, no label in file names, sizes or lengths, and a ladder that climbs."""

from __future__ import annotations

import numpy as np

from sandmle_core.catalog import load_catalog
from sandmle_core.metrics import get_metric
from sandmle_core.modalities.audio.drafter import draft
from sandmle_core.modalities.base import DraftContext
from sandmle_core.slots import stream
from sandmle_core.spec import Challenge, DomainRef, GradingSpec, Modality, TaskType
from sandmle_core.taskspec import SeedDNA, TaskSpec

DOMAIN = load_catalog().get("wildlife_monitoring")
DNA = {
    TaskType.BINARY: SeedDNA(seed_id="whale-calls", modality=Modality.AUDIO, task_type=TaskType.BINARY, metric="auc",
                             lower_is_better=False, label_cardinality=2, min_class_share=0.3, missing_rate=0.0,
                             feature_mix={"audio": 1}),
    TaskType.MULTICLASS: SeedDNA(seed_id="bird-calls", modality=Modality.AUDIO, task_type=TaskType.MULTICLASS,
                                 metric="accuracy", lower_is_better=False, label_cardinality=6, min_class_share=0.1,
                                 missing_rate=0.0, feature_mix={"audio": 1}),
}


def make_spec(rng_seed: int, difficulty: float, challenges: tuple[Challenge, ...] = (), task: str = "multiclass",
              metric: str | None = None, n_train: int | None = None, n_test: int = 200) -> TaskSpec:
    """Draft a spec the way the offline strategist assembles one (profile=None: drafters must not use it)."""
    base = DNA[TaskType(task)]
    metric = metric or base.metric
    dna = base.model_copy(update={"metric": metric, "lower_is_better": get_metric(metric).lower_is_better})
    n_train = n_train or int(np.clip(round(190 - 110 * difficulty), 50, 200))
    ctx = DraftContext(dna=dna, profile=None, domain=DOMAIN, rng=stream(rng_seed, dna.seed_id, 0, "draft"),  # type: ignore[arg-type]
                       difficulty=difficulty, challenges=challenges, n_train=n_train, n_test=n_test)
    d = draft(ctx)
    classes = d.target.classes
    grading = GradingSpec(
        metric=metric, id_column=d.id_column, target_columns=d.target.columns,
        submission_columns=tuple(classes) if get_metric(metric).kind == "class_probabilities" else d.target.columns,
        classes=classes)
    return TaskSpec(
        seed_id=dna.seed_id, index=0, rng_seed=rng_seed, dna=dna,
        domain=DomainRef(key=DOMAIN.key, title=DOMAIN.title, sector=DOMAIN.sector, entity=DOMAIN.entity),
        title=d.title, story=DOMAIN.render_story(target=", ".join(d.target.columns)), modality=Modality.AUDIO,
        task_type=dna.task_type, grading=grading, columns=d.columns, target=d.target, n_train=n_train,
        n_test=n_test, difficulty=difficulty, challenges=challenges, rule=d.rule)
