"""Binary text tasks (detecting insults: a document, AUC on the positive class): the text family drafts two of a
domain's text classes as 0/1, its oracle writes the positive-class posterior, and its ladder the positive-class
probability, which grades; a binary text seed graded by accuracy gets labels."""

from __future__ import annotations

import pandas as pd
import pytest

from sandmle_core.catalog import load_catalog
from sandmle_core.envfolder import EnvFolder
from sandmle_core.grading import grade_submission
from sandmle_core.ladder import ladder_for
from sandmle_core.ladder.configs import config_from_spec
from sandmle_core.metrics import get_metric
from sandmle_core.modalities.base import DraftContext, headline
from sandmle_core.modalities.text import KIT as text
from sandmle_core.slots import stream
from sandmle_core.spec import DomainRef, GradingSpec, Modality, TaskType
from sandmle_core.taskspec import SeedDNA, TaskSpec
from tests.core.test_binary_label_metrics import _run


def _spec(metric: str, seed: int = 11) -> TaskSpec:
    dna = SeedDNA(seed_id="insults", modality=Modality.TEXT, task_type=TaskType.BINARY, metric=metric,
                  lower_is_better=get_metric(metric).lower_is_better, label_cardinality=2, min_class_share=0.3,
                  feature_mix={"text": 1})
    domain = load_catalog().get("hospital_triage")
    ctx = DraftContext(dna=dna, profile=None, domain=domain, rng=stream(seed, "insults", 0, "draft"),  # type: ignore[arg-type]
                       difficulty=0.4, challenges=(), n_train=150, n_test=200)
    draft = text.draft(ctx)
    grading = GradingSpec(metric=metric, id_column=draft.id_column, target_columns=draft.target.columns,
                          submission_columns=draft.target.columns, classes=draft.target.classes)
    return TaskSpec(
        seed_id="insults", index=0, rng_seed=seed, dna=dna,
        domain=DomainRef(key=domain.key, title=domain.title, sector=domain.sector, entity=domain.entity),
        title=draft.title, story=domain.render_story(target=draft.target.columns[0]), modality=Modality.TEXT,
        task_type=TaskType.BINARY, grading=grading, columns=draft.columns, target=draft.target, n_train=150,
        n_test=200, difficulty=0.4, challenges=(), rule=draft.rule)


def test_binary_draft_is_two_vocabulary_classes_as_0_and_1():
    spec = _spec("auc")
    assert spec.rule.classes == ("0", "1") and spec.target.classes == ("0", "1")
    assert spec.target.columns[0].startswith("is_") and spec.target.positive_class == "1"
    assert set(spec.rule.signal) == {"0", "1"} and all(len(words) >= 4 for words in spec.rule.signal.values())
    assert _spec("auc") == spec  # same slot, same draft
    negative, positive = (headline(c.replace("_", " ")) for c in spec.target.description.split("'")[3:0:-2])
    assert spec.title == f"{spec.domain.title}: {positive} vs. {negative} in the Triage Note", spec.title


@pytest.mark.parametrize("metric", ["auc", "accuracy"])
def test_binary_oracle_and_ladder_grade(tmp_path, metric):
    spec = _spec(metric)
    folder = tmp_path / "env"
    text.synthesize(spec, folder)
    env = EnvFolder.of(folder)
    column = spec.grading.submission_columns[0]
    train = pd.read_csv(env.train, dtype=str)
    assert set(train[column]) == {"0", "1"}
    oracle = grade_submission(env.oracle_submission, env.answers, spec.grading)
    answers = pd.read_csv(env.answers, dtype=str)[column]
    floor = 0.5 if metric == "auc" else float(answers.value_counts(normalize=True).max())  # a constant's score
    assert oracle > floor + 0.2
    (tmp_path / "work").mkdir()
    (tmp_path / "work" / "public").symlink_to(env.public.resolve())
    scripts = ladder_for(config_from_spec(spec))
    # AUC: word bigrams (level 4) tell "no hip" from "hip"; accuracy: the prior (level 0) shows the label output
    submission = _run(scripts[4] if metric == "auc" else scripts[0], tmp_path / "work")
    if metric == "accuracy":
        assert set(submission[column]) <= {"0", "1"}
    else:
        assert submission[column].astype(float).between(0, 1).all()
    score = grade_submission(tmp_path / "work" / "submission.csv", env.answers, spec.grading)
    if metric == "auc":
        assert floor + 0.1 < score <= oracle + 0.05  # a fitted model rises above a constant, not above the oracle
    else:
        assert score == pytest.approx(floor)  # the majority class
