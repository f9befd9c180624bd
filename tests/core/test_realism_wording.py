"""How the task paragraph words a target (issue 16): a bare catalog description takes "the", and a unit the
description already names is not repeated ("The target is the days from logging to closure, in days")."""

from __future__ import annotations

import pandas as pd
import pytest

from sandmle_core.agents.offline.strategist import OfflineStrategist
from sandmle_core.agents.offline.writer import definite, render_description
from sandmle_core.profile import TaskProfile, profile_seed
from sandmle_core.seeds import get_bundled_seed


@pytest.mark.parametrize(("phrase", "written"), [
    ("loss expected if the transaction is approved", "the loss expected if the transaction is approved"),
    ("the plan agreed at the end of the visit", "the plan agreed at the end of the visit"),
    ("what happened to the appointment", "what happened to the appointment"),
    ("1 if the loan defaulted", "1 if the loan defaulted"),
    ("HbA1c at the next annual review", "the HbA1c at the next annual review"),
])
def test_a_bare_target_description_takes_the(phrase, written):
    assert definite(phrase) == written


def _task_paragraph(description: str, unit: str | None) -> str:
    profile = TaskProfile.model_validate(profile_seed(get_bundled_seed("diamonds")).model_dump())
    spec = OfflineStrategist().draft_spec("diamonds", profile, 0, 3)
    spec = spec.model_copy(update={"target": spec.target.model_copy(update={"description": description,
                                                                            "unit": unit})})
    sample = pd.DataFrame({spec.grading.id_column: [1], spec.target.columns[0]: [0.0]})
    return next(line for line in render_description(spec, sample).splitlines() if "The target is" in line)


def test_a_unit_the_description_names_is_not_repeated():
    assert "The target is the days from logging to closure." in _task_paragraph("days from logging to closure", "days")
    assert "The target is the loss expected if the card is approved, in USD." in _task_paragraph(
        "loss expected if the card is approved", "USD")


@pytest.mark.parametrize(("description", "task", "phrase"), [
    ("the clean page, pixel by pixel (grey levels, 0 = black ink, 1 = white paper)", "regression",
     "the clean page, pixel by pixel"),  # was cut inside the parenthesis: "... pixel by pixel (grey levels"
    ("coach-assessed fitness level, 1 (beginner) to 7 (elite)", "ordinal", "the coach-assessed fitness level"),
    ("blade findings visible in the image (several can show at once)", "multilabel",
     "the set of blade findings visible in the image (several can show at once)"),  # one aside, not two
    ("tests ordered during the visit", "multilabel",
     "the set of tests ordered during the visit (each label yes or no)"),
])
def test_the_story_names_the_target_without_its_scale_or_a_second_aside(description, task, phrase):
    from sandmle_core.agents.offline.strategist import _target_phrase
    from sandmle_core.spec import TaskType

    assert _target_phrase(description, TaskType(task)) == phrase


def test_a_multilabel_image_finding_is_not_said_twice():
    """"the set of blade finding findings": the label already names a finding."""
    import numpy as np

    from sandmle_core.catalog import load_catalog
    from sandmle_core.modalities.image.multilabel import draft_target

    domain = next(d for d in load_catalog().domains if d.key == "wind_farm")
    target = draft_target(domain.image, 6, 0, np.random.default_rng(0))[0]
    assert target.description.startswith("blade findings visible"), target.description


def test_a_graded_image_task_grades_what_its_domain_can_grade():
    """Issue 16: aptos' shape read "a food delivery platform ... wants to tell the severity grade of the findings
    visible in the image" of a dish photograph. Only domains whose catalog says what they grade host a graded image
    task, and the target says what is graded."""
    from sandmle_core.catalog import load_catalog
    from sandmle_core.errors import SpecError
    from sandmle_core.modalities import domains_for
    from sandmle_core.modalities.image.ordinal import draft_target
    from sandmle_core.spec import Modality, TaskType

    hosts = domains_for(load_catalog(), Modality.IMAGE, TaskType.ORDINAL, 5)
    keys = {d.key for d in hosts}
    assert len(keys) >= 10 and not keys & {"food_delivery", "wildlife_monitoring", "air_quality", "river_quality"}
    for domain in hosts:
        classes, target, title = draft_target(domain, 5)
        assert classes == ("0", "1", "2", "3", "4") and target.description.startswith(domain.image.grade.description)
        assert title.endswith(f"{domain.image.grade.title} Grading") and "findings" not in target.description
    food = next(d for d in load_catalog().domains if d.key == "food_delivery")
    with pytest.raises(SpecError, match="grades nothing in its images"):
        draft_target(food, 5)


def test_each_flag_column_of_a_text_task_says_which_flag_it_marks():
    """"1 when `billing_error` applies to the ticket text" named the column by its own name again."""
    from tests.core.modalities.test_text_multilabel import FLAGGED, _spec

    for key in FLAGGED:
        spec = _spec(key)
        for column, meaning in zip(spec.target.columns, spec.target.descriptions, strict=True):
            assert meaning.startswith(f"1 if {column.replace('_', ' ')} is among the "), meaning
            assert meaning.endswith(", else 0") and f"`{column}`" not in meaning, meaning


def test_a_graph_story_says_which_nodes_before_its_target():
    """ "the task is to tell whether the cell was flagged congested in the last capacity review for the others" read as
    a review of the others: which nodes are meant now comes before the target's phrase, in both framings."""
    from sandmle_core.catalog import load_catalog
    from sandmle_core.modalities.graph import _story

    stories = [_story(d) for d in load_catalog().domains if d.graph is not None]
    assert len(stories) >= 10
    for story in stories:
        assert "{target} for the" not in story and "{target} from" in story, story


def test_accuracy_speaks_of_free_text_only_where_the_target_has_no_class_set():
    """An 11-class image task's Evaluation read "Without a class set (free text, e.g. text normalization) it is exact
    string match": a class target reads accuracy's label sentence alone, a free-text target (text normalization) the
    whole explanation."""
    profile = TaskProfile.model_validate(profile_seed(get_bundled_seed("digits")).model_dump())
    spec = OfflineStrategist().draft_spec("digits", profile, 0, 3)
    assert spec.grading.metric == "accuracy" and spec.target.classes
    sample = pd.DataFrame({spec.grading.id_column: ["a"], spec.target.columns[0]: [spec.target.classes[0]]})

    def evaluation(s) -> str:
        return next(line for line in render_description(s, sample).splitlines() if "scored with" in line)

    assert evaluation(spec).endswith("The share of rows whose predicted label equals the true label.")
    free = spec.model_copy(update={"target": spec.target.model_copy(update={"classes": None})})
    assert "Without a class set (free text, e.g. text normalization) it is exact string match" in evaluation(free)
