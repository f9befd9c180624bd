"""Ordinal image environments (aptos2019-blindness-detection's shape): grades told by lesions whose count and size
grow with the grade, a difficulty knob that makes adjacent grades overlap, and one slot built end to end from the
lite fixture (K=1): accepted under quadratic weighted kappa with the ladder's order kept (Kendall tau >= 0.8), its
GX contracts met and a planted fault rejected, and a byte-identical rebuild."""

from __future__ import annotations

import json
from itertools import pairwise

import numpy as np
import pandas as pd
import pytest
import yaml
from pydantic import ValidationError
from sandmle.data_contracts import check_environment

from sandmle_core.catalog import load_catalog
from sandmle_core.catalog.schema import IMAGE_STORY
from sandmle_core.layout import Corpus, hash_files, read_environment
from sandmle_core.modalities.base import DraftContext
from sandmle_core.modalities.image.drafter import draft
from sandmle_core.modalities.image.ordinal import add_lesions
from sandmle_core.modalities.image.rule import LesionRule
from sandmle_core.pipeline import analyze_seed, plan_slots, read_profile, run_slot
from sandmle_core.seeds import seed_refs
from sandmle_core.slots import stream
from sandmle_core.spec import Modality, TaskType
from sandmle_core.taskspec import SeedDNA, TaskSpec
from tests.fixtures.mlebench import write_competition
from tests.fixtures.rebuild import clean_copy

pytestmark = pytest.mark.slow
APTOS = "aptos2019-blindness-detection"
RNG = 5
DNA = SeedDNA(seed_id=APTOS, modality=Modality.IMAGE, task_type=TaskType.ORDINAL, metric="quadratic_weighted_kappa",
              lower_is_better=False, label_cardinality=5, min_class_share=0.05, missing_rate=0.0,
              feature_mix={"image": 1})


def _draft(difficulty: float, rng_seed: int = 1, domain: str = "hospital_triage"):
    ctx = DraftContext(dna=DNA, profile=None, domain=load_catalog().get(domain),  # type: ignore[arg-type]
                       rng=stream(rng_seed, APTOS, 0, "draft"), difficulty=difficulty, challenges=(), n_train=100,
                       n_test=100)
    return draft(ctx)


def test_grades_share_one_pattern_and_lesions_grow_with_the_grade():
    easy, hard = _draft(0.1), _draft(0.9)
    assert easy.target.classes == ("0", "1", "2", "3", "4") and "grade" in easy.target.columns[0]
    assert len(set(easy.rule.patterns)) == 1  # the grade is in the lesions only
    lesions = easy.rule.lesions
    assert all(b > a for a, b in pairwise(lesions.mean_counts))
    assert hard.rule.lesions.count_spread > lesions.count_spread  # the noise knob follows the difficulty
    with pytest.raises(ValidationError, match="grow with the grade"):
        LesionRule(mean_counts=(1.0, 3.0, 2.0), count_spread=0.2, radius=0.07, depth=0.4, bright_share=0.0)
    # on blank images, a higher grade darkens more pixels (more and larger spots), from the batch's own stream
    grades = np.repeat(np.arange(5), 200)
    blank = np.full((len(grades), 32, 32), 200, dtype=np.uint8)
    dark = (add_lesions(blank, grades, lesions.model_copy(update={"bright_share": 0.0}), stream(3, "l")) < 180)
    per_grade = [float(dark[grades == g].mean()) for g in range(5)]
    assert all(b > a for a, b in pairwise(per_grade)), per_grade
    again = add_lesions(blank, grades, lesions.model_copy(update={"bright_share": 0.0}), stream(3, "l"))
    assert np.array_equal(again < 180, dark)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("aptos")
    paths = write_competition(APTOS, root / "mlebench", "split")
    ref = seed_refs([str(root / "mlebench" / "competitions" / APTOS)], data_dir=paths["data"])[0]
    out = root / "corpus"
    seed_id, profile = analyze_seed(ref, out)
    job = plan_slots(seed_id, read_profile(profile), 1, RNG, out)[0]
    result = run_slot(job)
    return ref, out, result


def test_a_graded_task_tells_what_its_grade_is_for():
    """A site camera's hazards graded 0-4 were "so that safety managers see missing protective gear and unsafe work
    the same day" (the image story's purpose, written for telling the kinds of hazard apart) before 2026-12-07; a
    grade the catalog gives a purpose of its own (`ImageGrade.purpose`, 6 of the 13 graded domains) ends the story on
    it, the others keep the image story's ("so that each wound gets the right care at the first visit")."""
    catalog = load_catalog()
    graded = [d for d in catalog.domains if d.image is not None and d.image.grade is not None]
    own = [d.image.grade.purpose for d in graded if d.image.grade.purpose]
    assert len(graded) >= 10 and len(own) >= 6 and len(set(own)) == len(own)
    assert not set(own) & {d.image.story for d in graded}
    for domain in graded:
        told = _draft(0.3, domain=domain.key).story_template
        expected = domain.image.grade.purpose or IMAGE_STORY.match(domain.image.story).group("purpose")
        assert told and told.split(", so that ", 1)[1].split(".")[0] == expected, (domain.key, told)
    construction = _draft(0.3, domain="construction_projects").story_template
    assert "missing protective gear" not in construction and "most dangerous conditions" in construction


def test_the_aptos_slot_is_accepted_with_its_ladder_order(built):
    _, out, result = built
    assert result.status == "accepted", result
    assert (result.modality, result.task_type, result.metric) == ("image", "ordinal", "quadratic_weighted_kappa")
    assert result.kendall_tau >= 0.8, result
    env_dir = Corpus(out).env_dir(result.env_id)
    env = read_environment(env_dir)
    t = env.config.sandmle.thresholds
    assert 1.0 > t.gold > t.silver > t.bronze > result.sample_score
    spec = TaskSpec.model_validate(env.config.sandmle.spec)
    public = env_dir / "prepared" / "public"
    train = pd.read_csv(public / "train.csv")
    assert set(train[spec.target.columns[0]].astype(str)) == set(spec.target.classes)
    assert (public / train["image"].iloc[0]).read_bytes()[:4] == b"\x89PNG"
    description = (env_dir / "description.md").read_text()
    assert "images/" in description and "grade" in description and "quadratic weighted kappa" in description
    assert "Each image is" in description and "Each row is one image" in description  # a story about images
    checks = {c["name"]: c for c in json.loads((env_dir / "validation.json").read_text())["checks"]}
    assert checks["ladder_order_kept"]["passed"] and checks["thresholds_strictly_monotone"]["passed"]


def test_contracts_hold_and_a_planted_grade_out_of_range_is_rejected(built, tmp_path):
    _, out, result = built
    copy = clean_copy(out, result.env_id, tmp_path)
    spec = yaml.safe_load((copy / "config.yaml").read_text())["sandmle"]["spec"]
    answers_path = copy / "prepared" / "private" / "answers.csv"
    answers = pd.read_csv(answers_path)
    answers.loc[0, spec["target"]["columns"][0]] = 7  # a grade the task does not have
    answers.to_csv(answers_path, index=False)
    failed = {(r["artifact"], r["expectation"].lower().replace("_", "")) for r in check_environment(copy)
              if not r["success"]}
    assert any(a.endswith("answers.csv") and e == "expectcolumnvaluestobeinset" for a, e in failed), failed


def test_the_slot_rebuilds_byte_identical(built, tmp_path):
    ref, out, result = built
    again = tmp_path / "again"
    seed_id, profile = analyze_seed(ref, again)
    job = plan_slots(seed_id, read_profile(profile), 1, RNG, again)[0]
    assert run_slot(job).status == "accepted"
    assert hash_files(Corpus(out).env_dir(result.env_id), exclude=()) == \
        hash_files(Corpus(again).env_dir(result.env_id), exclude=())
