"""Sequence-to-sequence (text normalization) environments: a verbalizer that reads English and Russian correctly,
drafting within the seed's DNA, byte-reproducible token tables whose train-only `class` never reaches test.csv,
context-dependent readings, and a ladder that climbs."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest
from scipy.stats import kendalltau

from sandmle_core.catalog import load_catalog
from sandmle_core.errors import SpecError
from sandmle_core.grading import grade_submission
from sandmle_core.ladder import SEED_ENV
from sandmle_core.ladder.configs import config_from_spec
from sandmle_core.modalities import domains_for, get_kit
from sandmle_core.modalities.base import DraftContext
from sandmle_core.modalities.seq2seq import verbalize as v
from sandmle_core.modalities.seq2seq.drafter import draft
from sandmle_core.modalities.seq2seq.rule import Seq2SeqRule
from sandmle_core.modalities.seq2seq.synthesizer import synthesize
from sandmle_core.slots import stream
from sandmle_core.spec import Challenge, DomainRef, GradingSpec, Modality, TaskType
from sandmle_core.taskspec import SeedDNA, TaskSpec

DOMAIN = load_catalog().get("hospital_triage")


def make_spec(rng_seed: int, difficulty: float, language: str = "en", challenges: tuple[Challenge, ...] = (),
              n_train: int = 200, n_test: int = 300) -> TaskSpec:
    """Draft a spec the way the offline strategist assembles one (profile=None: the seed id names the language)."""
    seed_id = "text-normalization-challenge-" + ("russian" if language == "ru" else "english") + "-language"
    dna = SeedDNA(seed_id=seed_id, modality=Modality.SEQ2SEQ, task_type=TaskType.TRANSDUCTION, metric="accuracy",
                  lower_is_better=False, feature_mix={"integer": 2, "text": 1})
    ctx = DraftContext(dna=dna, profile=None, domain=DOMAIN, rng=stream(rng_seed, seed_id, 0, "draft"),  # type: ignore[arg-type]
                       difficulty=difficulty, challenges=challenges, n_train=n_train, n_test=n_test)
    d = draft(ctx)
    grading = GradingSpec(metric="accuracy", id_column=d.id_column, target_columns=d.target.columns,
                          submission_columns=d.target.columns)
    return TaskSpec(
        seed_id=seed_id, index=0, rng_seed=rng_seed, dna=dna,
        domain=DomainRef(key=DOMAIN.key, title=DOMAIN.title, sector=DOMAIN.sector, entity=DOMAIN.entity),
        title=d.title, story=DOMAIN.render_story(target="the spoken form"), modality=Modality.SEQ2SEQ,
        task_type=TaskType.TRANSDUCTION, grading=grading, columns=d.columns, target=d.target, n_train=n_train,
        n_test=n_test, difficulty=difficulty, challenges=challenges, rule=d.rule)


# --- the verbalizer ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("n, opts, words", [
    (0, {}, "zero"), (15, {}, "fifteen"), (40, {}, "forty"), (105, {"and": True}, "one hundred and five"),
    (105, {}, "one hundred five"), (2000, {}, "two thousand"), (1999, {}, "one thousand nine hundred ninety nine"),
    (21_007, {"and": True}, "twenty one thousand and seven"), (3_000_001, {}, "three million one")])
def test_english_cardinals(n, opts, words):
    assert v.en_cardinal(n, opts) == words


def test_english_ordinals_years_and_digits():
    assert [v.en_ordinal(n, {}) for n in (1, 2, 3, 5, 12, 20, 21, 100)] == [
        "first", "second", "third", "fifth", "twelfth", "twentieth", "twenty first", "one hundredth"]
    assert [v.en_year(y, {}) for y in (1999, 1905, 1900, 2000, 2008, 2010)] == [
        "nineteen ninety nine", "nineteen o five", "nineteen hundred", "two thousand", "two thousand eight",
        "twenty ten"]
    assert v.en_digits("555-0120", {"zero": "zero"}) == "five five five sil zero one two zero"


def test_russian_cardinals_agreement_and_ordinals():
    assert [v.ru_cardinal(n) for n in (0, 11, 21, 100, 1000, 2021, 5000, 21_000)] == [
        "ноль", "одиннадцать", "двадцать один", "сто", "тысяча", "две тысячи двадцать один", "пять тысяч",
        "двадцать одна тысяча"]
    forms = ("километр", "километра", "километров")
    assert [v.ru_plural(n, forms) for n in (1, 2, 5, 11, 12, 21, 24, 111)] == [
        "километр", "километра", "километров", "километров", "километров", "километр", "километра", "километров"]
    assert v.ru_ordinal(1999) == "тысяча девятьсот девяносто девятый"
    assert v.ru_ordinal(2010, "gen") == "две тысячи десятого"
    assert v.ru_ordinal(3, "neut") == "третье" and v.ru_ordinal(23, "gen") == "двадцать третьего"
    assert v.ru_ordinal(1998, "prep") == "тысяча девятьсот девяносто восьмом"
    assert v.ru_ordinal(2000) == "двухтысячный" and v.ru_ordinal(40) == "сороковой"


# --- draft ---------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("language, rng_seed, difficulty", [("en", 1, 0.1), ("en", 2, 0.9), ("ru", 3, 0.5)])
def test_draft_keeps_the_dna_and_round_trips(language, rng_seed, difficulty):
    spec = make_spec(rng_seed, difficulty, language, (Challenge.LABEL_NOISE,))
    rule = spec.rule
    assert isinstance(rule, Seq2SeqRule) and rule.language == language and rule.label_noise >= 0.08
    assert [c.name for c in spec.columns] == ["sentence_id", "token_id", "before"]
    assert spec.grading.id_column == "id" and spec.target.columns == ("after",) and spec.target.classes is None
    assert TaskSpec.model_validate_json(spec.model_dump_json()) == spec
    assert make_spec(rng_seed, difficulty, language, (Challenge.LABEL_NOISE,)).spec_hash() == spec.spec_hash()


def test_difficulty_is_the_knob_and_foreign_dna_is_refused():
    easy, hard = make_spec(5, 0.1).rule, make_spec(5, 0.9).rule
    assert hard.nonplain_share > easy.nonplain_share and hard.rare_share > easy.rare_share
    assert hard.ambiguous_share > easy.ambiguous_share
    dna = make_spec(5, 0.5).dna.model_copy(update={"task_type": TaskType.MULTICLASS})
    with pytest.raises(SpecError, match="token transduction"):
        draft(DraftContext(dna=dna, profile=None, domain=DOMAIN, rng=stream(0, "x"), difficulty=0.5,  # type: ignore[arg-type]
                           challenges=(), n_train=100, n_test=100))
    assert len(domains_for(load_catalog(), Modality.SEQ2SEQ, TaskType.TRANSDUCTION)) >= 10  # K=10 needs 10


# --- synthesis -----------------------------------------------------------------------------------------------------

def test_synthesis_is_byte_reproducible_and_keeps_class_out_of_test(tmp_path):
    spec = make_spec(11, 0.6, challenges=(Challenge.LABEL_NOISE,))
    first, second = synthesize(spec, tmp_path / "a"), synthesize(spec, tmp_path / "b")
    for name in ("train", "test", "answers", "oracle_submission"):
        assert getattr(first.folder, name).read_bytes() == getattr(second.folder, name).read_bytes(), name
    train = pd.read_csv(first.folder.train, dtype=str, keep_default_na=False)
    test = pd.read_csv(first.folder.test, dtype=str, keep_default_na=False)
    assert list(train.columns) == ["id", "sentence_id", "token_id", "before", "after", "class"]
    assert list(test.columns) == ["id", "sentence_id", "token_id", "before"]  # the train-only class is absent
    assert len(train) == spec.n_train and len(test) == spec.n_test
    assert (train["id"] == train["sentence_id"] + "_" + train["token_id"]).all()
    assert set(train["id"]).isdisjoint(test["id"]) and set(train["sentence_id"]).isdisjoint(test["sentence_id"])
    assert {"PLAIN", "PUNCT", "CARDINAL"} <= set(train["class"])
    assert (train.loc[train["class"] == "PLAIN", "before"] == train.loc[train["class"] == "PLAIN", "after"]).all()
    assert 0.3 < first.stats["copy_accuracy_test"] < 0.95  # normalization matters, plain words dominate
    small = synthesize(spec, tmp_path / "small", n_train=60, n_test=5000)  # any scale
    assert small.n_test == 5000 and len(pd.read_csv(small.folder.test)) == 5000


def test_ambiguous_numbers_read_by_their_context(tmp_path):
    spec = make_spec(12, 0.9, n_train=200, n_test=3000)
    result = synthesize(spec, tmp_path)
    train = pd.read_csv(result.folder.train, dtype=str, keep_default_na=False)
    test = pd.read_csv(result.folder.answers, dtype=str, keep_default_na=False).join(
        pd.read_csv(result.folder.test, dtype=str, keep_default_na=False)[["before"]])
    four = test[test["before"].str.fullmatch(r"1[1-9]\d\d|20\d\d")]
    readings = {(r.before, r.after) for r in four.itertuples()}
    assert len(four) > 20 and len(train) == 200
    years = {b for b, a in readings if a == v.en_year(int(b), {"and": spec.rule.use_and})}
    cardinals = {b for b, a in readings if a == v.en_cardinal(int(b), {"and": spec.rule.use_and})}
    assert years and cardinals  # the same kind of token has two readings: the context decides


def test_oracle_is_short_of_perfect_by_the_annotation_noise(tmp_path):
    scores = []
    for challenges in ((), (Challenge.LABEL_NOISE,)):
        spec = make_spec(14, 0.6, challenges=challenges)
        result = synthesize(spec, tmp_path / str(len(challenges)), n_test=2000)
        score = grade_submission(pd.read_csv(result.folder.oracle_submission, dtype=str, keep_default_na=False),
                                 pd.read_csv(result.folder.answers, dtype=str, keep_default_na=False), spec.grading)
        assert 0.95 < score < 1.0 and score == result.stats["oracle_accuracy_test"], (challenges, score)
        scores.append(score)
    assert scores[1] < scores[0]  # the label-noise challenge adds noise


# --- the ladder ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("language", ["en", "ru"])
def test_ladder_climbs(tmp_path, language):
    spec = make_spec(21, 0.6, language)
    result = synthesize(spec, tmp_path / "env", n_test=600)
    scripts = get_kit(Modality.SEQ2SEQ).ladder(config_from_spec(spec))
    assert len(scripts) == 6
    answers = pd.read_csv(result.folder.answers, dtype=str, keep_default_na=False)
    scores = []
    for script in scripts:
        work = tmp_path / script.name
        work.mkdir()
        (work / "public").symlink_to(result.folder.public)
        (work / "s.py").write_text(script.source)
        run = subprocess.run([sys.executable, "s.py"], cwd=work, capture_output=True, text=True,
                             env={"PATH": "/usr/bin:/bin", SEED_ENV: "0"})
        assert run.returncode == 0, run.stderr[-2000:]
        sub = pd.read_csv(work / "submission.csv", dtype=str, keep_default_na=False)
        scores.append(grade_submission(sub, answers, spec.grading))
    assert kendalltau(range(6), scores).statistic >= 0.8, scores
    assert scores[-1] > scores[0] + 0.1 and scores[-1] > 0.9, scores


@pytest.mark.parametrize("language", ["en", "ru"])
def test_no_spoken_form_is_empty_or_read_as_missing(tmp_path, language):
    """Label noise reads a token's digits: a token without digits keeps its form, so no `after` is ever empty (an
    empty answer would be read back as a missing value by the verifier and by agents)."""
    spec = make_spec(31, 0.9, language, (Challenge.LABEL_NOISE,))
    result = synthesize(spec, tmp_path, n_train=200, n_test=3000)
    for path in (result.folder.train, result.folder.answers):
        assert pd.read_csv(path)["after"].notna().all(), path.name
