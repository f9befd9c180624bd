"""Text modality: drafting from a catalog domain, deterministic synthesis, the exact oracle, and the ladder (on a
synthetic environment and on the real `docstrings` seed)."""

from __future__ import annotations

import itertools
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError
from scipy.stats import kendalltau

from sandmle_core.catalog import load_catalog
from sandmle_core.errors import SpecError
from sandmle_core.grading import constant_submission, grade_submission
from sandmle_core.ladder import LadderConfig, LadderScript, ladder_for
from sandmle_core.ladder.configs import config_from_spec
from sandmle_core.metrics import get_metric
from sandmle_core.modalities.base import DraftContext, class_count_range
from sandmle_core.modalities.text import KIT as text
from sandmle_core.modalities.text import render, synthesizer
from sandmle_core.modalities.text.ladder import scripts
from sandmle_core.modalities.text.render import MESSAGE, triple_repeats, voice_for
from sandmle_core.modalities.text.rule import NEGATION, TextRule
from sandmle_core.slots import SlotStreams, stream
from sandmle_core.spec import Challenge, DomainRef, GradingSpec, Modality, TaskType
from sandmle_core.taskspec import SeedDNA, TaskSpec

# its seconds in `make test` (2026-12-06): scheduled with the heavy modules, so it never runs last, alone
pytestmark = pytest.mark.heavy(48)

DOCSTRING_CLASSES = ("numpy", "pandas", "scipy", "sklearn", "matplotlib")


def _dna(metric: str = "macro_f1", task_type: TaskType = TaskType.MULTICLASS) -> SeedDNA:
    return SeedDNA(seed_id="docstrings", modality=Modality.TEXT, task_type=task_type, metric=metric,
                   lower_is_better=get_metric(metric).lower_is_better, label_cardinality=5, min_class_share=0.1383,
                   feature_mix={"text": 1})


def _context(difficulty: float, seed: int = 7, challenges: tuple[Challenge, ...] = (), metric: str = "macro_f1",
             domain=None, task_type: TaskType = TaskType.MULTICLASS) -> DraftContext:
    return DraftContext(dna=_dna(metric, task_type), profile=None,  # type: ignore[arg-type]
                        domain=domain or load_catalog().get("hospital_triage"),
                        rng=stream(seed, "docstrings", 0, "draft"), difficulty=difficulty, challenges=challenges,
                        n_train=150, n_test=300)


def _spec(difficulty: float, seed: int = 7, challenges: tuple[Challenge, ...] = (), metric: str = "macro_f1",
          n_train: int = 150, n_test: int = 300, domain=None) -> TaskSpec:
    """A TaskSpec built the way the offline strategist's draft_spec builds one."""
    ctx = _context(difficulty, seed, challenges, metric, domain=domain)
    draft = text.draft(ctx)
    classes = draft.target.classes
    grading = GradingSpec(
        metric=metric, id_column=draft.id_column, target_columns=draft.target.columns,
        submission_columns=tuple(classes) if get_metric(metric).kind == "class_probabilities" and classes
        else draft.target.columns,
        classes=classes,
    )
    domain = ctx.domain
    return TaskSpec(
        seed_id="docstrings", index=0, rng_seed=seed, dna=ctx.dna,
        domain=DomainRef(key=domain.key, title=domain.title, sector=domain.sector, entity=domain.entity),
        title=draft.title, story=domain.render_story(target=", ".join(draft.target.columns)),
        modality=Modality.TEXT, task_type=TaskType.MULTICLASS, grading=grading, columns=draft.columns,
        target=draft.target, n_train=n_train, n_test=n_test, difficulty=difficulty, challenges=challenges,
        rule=draft.rule,
    )


def _run_ladder(ladder: list[LadderScript], public: Path, answers: Path, grading: GradingSpec, work: Path,
                levels: tuple[int, ...] | None = None, seed: int = 0) -> dict[int, float]:
    """Run scripts as standalone subprocesses (cwd with a `public` symlink) and grade each submission."""
    work.mkdir(parents=True, exist_ok=True)
    (work / "public").symlink_to(public.resolve())
    env = {**os.environ, "SANDMLE_SEED": str(seed), "OMP_NUM_THREADS": "1"}
    scores = {}
    for script in ladder:
        if levels is not None and script.level not in levels:
            continue
        (work / script.filename).write_text(script.source)
        (work / "submission.csv").unlink(missing_ok=True)
        done = subprocess.run([sys.executable, script.filename], cwd=work, env=env, capture_output=True, text=True,
                              timeout=300)
        assert done.returncode == 0, f"level {script.level} failed:\n{done.stderr[-2000:]}"
        scores[script.level] = grade_submission(work / "submission.csv", answers, grading)
    return scores


# ---------------------------------------------------------------- rule and draft


def test_rule_rejects_inconsistent_values() -> None:
    spec = _spec(0.5)
    good = spec.rule.model_dump()
    with pytest.raises(ValidationError, match="priors"):
        TextRule(**{**good, "priors": {c: 0.5 for c in spec.rule.classes}})
    with pytest.raises(ValidationError, match="negation token"):
        TextRule(**{**good, "common": (*spec.rule.common, NEGATION)})
    with pytest.raises(ValidationError, match="exactly the classes"):
        TextRule(**{**good, "length_bias": {"other": 0.5}})
    with pytest.raises(ValidationError, match="too little room"):
        TextRule(**{**good, "signal_rate": 0.6, "negation_rate": 0.35})


def test_draft_follows_dna_domain_and_difficulty() -> None:
    easy, hard = text.draft(_context(0.1)), text.draft(_context(0.9))
    vocab = load_catalog().get("hospital_triage").text
    low, high = class_count_range(5)
    for d in (easy, hard):
        rule = d.rule
        assert isinstance(rule, TextRule) and rule.kind == "text"
        assert low <= len(d.target.classes) <= min(high, len(vocab.classes))
        assert d.target.classes == rule.classes and set(rule.classes) <= set(vocab.classes)
        assert d.columns[0].name == vocab.column and d.columns[0].kind == "text"
        assert d.target.columns == (vocab.label,)
        assert rule.distractor_rate == 0 and rule.label_noise == 0 and rule.test_length_scale == 1.0
        for word, pair in rule.confusers.items():
            assert all(word in rule.signal[c] for c in pair)
        assert len(rule.model_dump_json()) < 4000
    assert hard.rule.signal_rate < easy.rule.signal_rate
    assert hard.rule.vague_share > easy.rule.vague_share and hard.rule.negation_rate > easy.rule.negation_rate
    assert text.draft(_context(0.1)) == easy  # same rng seed, same draft

    tough = text.draft(_context(0.7, challenges=(Challenge.DISTRACTOR_TOKENS, Challenge.LABEL_NOISE,
                                                 Challenge.TRAIN_TEST_SHIFT, Challenge.CLASS_IMBALANCE)))
    assert tough.rule.distractor_rate > 0 and tough.rule.label_noise > 0 and tough.rule.test_length_scale < 1
    assert min(tough.rule.priors.values()) < 0.6 / len(tough.rule.classes)


def test_draft_rejects_unsupported_inputs() -> None:
    triage = load_catalog().get("hospital_triage")
    with pytest.raises(SpecError, match="no text vocabulary"):
        text.draft(_context(0.5, domain=triage.model_copy(update={"text": None})))
    with pytest.raises(SpecError, match="multi-class, binary or multi-label"):
        text.draft(_context(0.5, task_type=TaskType.ORDINAL))
    with pytest.raises(SpecError, match="no multi-label text vocabulary"):  # triage has no flags
        text.draft(_context(0.5, task_type=TaskType.MULTILABEL))
    with pytest.raises(SpecError, match="does not grade a binary"):  # binary: a label or the positive probability
        text.draft(_context(0.5, task_type=TaskType.BINARY, metric="multiclass_log_loss"))
    with pytest.raises(SpecError, match="does not grade"):
        text.draft(_context(0.5, metric="rmse"))


# ---------------------------------------------------------------- synthesis


def test_synthesis_is_deterministic_and_well_formed(tmp_path: Path) -> None:
    spec = _spec(0.5, challenges=(Challenge.LABEL_NOISE,))
    first = text.synthesize(spec, tmp_path / "a")
    second = text.synthesize(spec, tmp_path / "b")
    files = ["public/train.csv", "public/test.csv", "private/answers.csv", "private/oracle_submission.csv"]
    for name in files:
        assert (tmp_path / "a" / "prepared" / name).read_bytes() == (tmp_path / "b" / "prepared" / name).read_bytes()
    assert first.n_train == spec.n_train and second.n_test == spec.n_test

    train = pd.read_csv(first.folder.public / "train.csv")
    test = pd.read_csv(first.folder.public / "test.csv")
    answers = pd.read_csv(first.folder.answers)
    features = [c.name for c in spec.columns]
    assert list(train.columns) == ["id", *features, *spec.target.columns]
    assert list(test.columns) == ["id", *features]
    assert len(train) == spec.n_train and set(answers["id"]) == set(test["id"])
    assert not set(train["id"]) & set(test["id"])
    assert set(train[spec.target.columns[0]]) <= set(spec.rule.classes)
    note = train[spec.columns[0].name]
    # a note is at least one clause of three words ("Rash was noted.": numbers, times and returns of a word add no
    # words of their own since the word classes' mend)
    assert note.str.split().str.len().min() >= 3 and note.str.endswith(".").all() and note.nunique() == len(note)
    assert first.stats["label_flips_train"] > 0

    oracle = grade_submission(first.folder.oracle_submission, first.folder.answers, spec.grading)
    prior = grade_submission(constant_submission(test, spec.grading, train), answers, spec.grading)
    assert oracle > prior + 0.3

    # the training rows do not depend on the test size; any size works
    bigger = text.synthesize(spec, tmp_path / "c", n_test=500)
    assert (bigger.folder.public / "train.csv").read_bytes() == (first.folder.public / "train.csv").read_bytes()
    assert len(pd.read_csv(bigger.folder.answers)) == 500
    with pytest.raises(SpecError, match="at least 1"):
        text.synthesize(spec, tmp_path / "d", n_train=0)


def test_synthesis_of_50000_documents(tmp_path: Path) -> None:
    # how fast is a benchmark figure (`make bench`, micro-vs-full), never a timed test
    spec = _spec(0.4, challenges=(Challenge.DISTRACTOR_TOKENS,))
    result = text.synthesize(spec, tmp_path, n_train=50_000, n_test=2_000)
    assert len(pd.read_csv(result.folder.public / "train.csv")) == 50_000


def _reference_posterior(rule: TextRule, units: list[str], scale: float) -> np.ndarray:
    """The rule's class posterior of one document's units, recomputed unit by unit from the documented semantics."""
    classes = list(rule.classes)
    share = {c: {w: x / sum(rule.signal[c].values()) for w, x in rule.signal[c].items()} for c in classes}

    def others(c: str, w: str) -> float:
        return sum(share[o].get(w, 0.0) for o in classes if o != c) / (len(classes) - 1)

    zipf = np.array([1.0 / (r + 1) ** rule.common_zipf for r in range(len(rule.common))])
    common = dict(zip(rule.common, zipf / zipf.sum(), strict=True))
    d, g, r = rule.distractor_rate, rule.negation_rate, rule.repeat_rate
    low = max(1, round(rule.length_range[0] * scale))
    high = max(low + 1, round(rule.length_range[1] * scale))
    n = len(units)
    log_post = []
    for c in classes:
        kinds = []
        vague = rule.signal_rate * rule.vague_scale
        for weight, s in ((1 - rule.vague_share, rule.signal_rate), (rule.vague_share, vague)):
            total = math.log(weight) if weight > 0 else -math.inf
            for t, u in enumerate(units):
                if u.startswith(NEGATION + " "):
                    p = g * others(c, u.split()[1])
                elif u in common:
                    p = (1 - s - d - g) * common[u]
                else:
                    p = s * share[c].get(u, 0.0) + d * others(c, u)
                like = p if t == 0 else (1 - r) * p + r * units[:t].count(u) / t
                total += math.log(like) if like > 0 else -math.inf
            kinds.append(total)
        q = rule.length_bias[c]
        mixed = np.logaddexp(*kinds)
        if c in rule.always_said:  # never without one of its words; else weighed by 1 / P(a document says one)
            mixed = mixed - math.log(_said_share(rule, c, low, high)) if set(units) & set(rule.signal[c]) else -math.inf
        log_post.append(mixed + (n - low) * math.log(q) + (high - n) * math.log(1 - q) + math.log(rule.priors[c]))
    log_post = np.array(log_post) - max(log_post)
    return np.exp(log_post) / np.exp(log_post).sum()


def _said_share(rule: TextRule, c: str, low: int, high: int) -> float:
    """P(a document of class `c` holds one of its own words), position by position: the first unit is fresh, a later
    one a copy of an earlier unit or fresh, and only a fresh draw can bring the first own word."""
    k = len(rule.classes)
    share = {w: x / sum(rule.signal[c].values()) for w, x in rule.signal[c].items()}
    total = 0.0
    others = {w: sum(rule.signal[o].get(w, 0.0) / sum(rule.signal[o].values()) for o in rule.classes if o != c)
              / (k - 1) for w in share}
    vague = rule.signal_rate * rule.vague_scale
    for weight, s in ((1 - rule.vague_share, rule.signal_rate), (rule.vague_share, vague)):
        q = sum(s * share[w] + rule.distractor_rate * others[w] for w in share)
        for n in range(low, high + 1):
            none = 1.0 - q
            for _ in range(1, n):
                none *= rule.repeat_rate + (1 - rule.repeat_rate) * (1 - q)
            total += weight * math.comb(high - low, n - low) * rule.length_bias[c] ** (n - low) * (
                1 - rule.length_bias[c]) ** (high - n) * (1 - none)
    return total


def _test_units(spec: TaskSpec, n_test: int) -> tuple[list[list[str]], list[str]]:
    """The token units and the rendered text of every test document, drawn again from the slot's streams."""
    streams = SlotStreams.of(spec)
    model = synthesizer._Model(spec.rule)
    part = synthesizer._sample(spec.rule, model, n_test, streams("synth", "text", "test"), spec.rule.test_length_scale,
                               streams("text-render", "test"), voice_for(spec.columns[0].description))
    units: list[list[str]] = [[] for _ in range(n_test)]
    for unit, doc in zip(part["units"].tolist(), part["doc"].tolist(), strict=True):
        units[doc].append(model.texts[unit])
    return units, part["documents"].tolist()


def test_oracle_is_the_exact_posterior_of_the_rule(tmp_path: Path) -> None:
    spec = _spec(0.6, challenges=(Challenge.DISTRACTOR_TOKENS, Challenge.TRAIN_TEST_SHIFT),
                 metric="multiclass_log_loss", n_test=40)
    result = text.synthesize(spec, tmp_path)
    test = pd.read_csv(result.folder.public / "test.csv")
    oracle = pd.read_csv(result.folder.oracle_submission).set_index("id")
    classes = list(spec.rule.classes)
    assert list(oracle.columns) == classes
    assert np.allclose(oracle.sum(axis=1), 1.0, atol=1e-6)
    units, documents = _test_units(spec, 40)
    assert documents == test[spec.columns[0].name].tolist()  # the units below are those of the published texts
    for doc_id, doc_units in zip(test["id"], units, strict=True):
        expected = _reference_posterior(spec.rule, doc_units, spec.rule.test_length_scale)
        expected = np.maximum(expected, 1e-6) / np.maximum(expected, 1e-6).sum()
        assert np.allclose(oracle.loc[doc_id, classes].to_numpy(dtype=float), expected, atol=2e-6), doc_id


def test_documents_show_every_signal_word_and_negation(tmp_path: Path) -> None:
    spec = _spec(0.6, challenges=(Challenge.DISTRACTOR_TOKENS,), n_test=60)
    units, documents = _test_units(spec, 60)
    cues = ("no {X}", "not {X}", "without {X}", "never {X}", "denies {X}", "{X} was ruled out", "{X} were ruled out")
    for doc_units, document in zip(units, documents, strict=True):
        lowered = f" {document.lower()} "
        for unit in doc_units:
            word = unit.split(" ", 1)[-1].replace("_", " ")
            if unit.startswith(NEGATION + " "):  # a negated word keeps a negation cue next to it
                assert any(cue.format(X=word) in lowered for cue in cues), (unit, document)
            elif unit not in spec.rule.common:  # a signal word is written verbatim, as a whole word
                assert re.search(rf"(?<![a-z]){re.escape(word)}(?![a-z])", lowered), (unit, document)


def test_rendering_has_a_stream_of_its_own() -> None:
    spec = _spec(0.5, challenges=(Challenge.LABEL_NOISE,))
    streams, model = SlotStreams.of(spec), synthesizer._Model(spec.rule)
    first = synthesizer._sample(spec.rule, model, 80, streams("synth", "text", "train"), 1.0, stream(1, "render"))
    other = synthesizer._sample(spec.rule, model, 80, streams("synth", "text", "train"), 1.0, stream(2, "render"))
    for key in ("y", "noisy", "post", "units", "doc"):  # the wording never moves the units, labels or the oracle
        assert np.array_equal(first[key], other[key]), key
    assert first["documents"].tolist() != other["documents"].tolist()


TEXT_DOMAINS = sorted(d.key for d in load_catalog().domains if d.text is not None)


@pytest.mark.parametrize("difficulty", [0.2, 0.8])
def test_public_text_reads_as_words_in_every_domain(tmp_path: Path, difficulty: float) -> None:
    """Done-when of the text grammar: no generator identifiers (snake_case vocabulary keys) in the public text and
    no word three or more times in a row, over the documents of every catalog domain with a text vocabulary."""
    low = class_count_range(5)[0]
    checked = 0
    for key in TEXT_DOMAINS:
        domain = load_catalog().get(key)
        if len(domain.text.classes) < low:
            continue
        spec = _spec(difficulty, seed=3, challenges=(Challenge.DISTRACTOR_TOKENS,), domain=domain, n_train=200,
                     n_test=150)
        result = text.synthesize(spec, tmp_path / key / str(difficulty))
        for name in ("train.csv", "test.csv"):
            documents = pd.read_csv(result.folder.public / name)[spec.columns[0].name]
            assert not documents.str.contains("_").any(), (key, documents[documents.str.contains("_")].iloc[0])
            repeats = documents.map(triple_repeats)
            assert (repeats == 0).all(), (key, documents[repeats > 0].iloc[0])
            words = documents.str.lower().str.findall(r"[a-z]+")
            share = words.map(lambda w: sum(x in {"the", "of", "from", "by"} for x in w) / max(1, len(w))).mean()
            # function-word units are absorbed: only templates and a document's one context frame bring "the" or
            # "of" ("for the home side", "signs of X"), below the rate of plain English prose (about 11% for these
            # four in the Brown corpus: the 6.9%, of 3.6%, by 0.5%, from 0.4%), not as word salad
            assert share < 0.10, (key, share)
            salad = documents.str.contains(r"\b(?:the|of|from|by|and|with)\s*[,.;:)]", case=False)
            assert not salad.any(), (key, documents[salad].iloc[0])  # a template never ends a clause on one
            doubled = words.map(lambda w: any(a == b for a, b in itertools.pairwise(w))).mean()
            assert doubled < 0.03, (key, doubled)  # not even "knee. Knee again" (words only: "15:15" is a time)
        checked += 1
    assert checked >= 10
    assert triple_repeats("Wheeze wheeze, WHEEZE noted.") == 1 and triple_repeats("no cough, no fever") == 0


def test_voice_follows_the_kind_of_document() -> None:
    catalog = load_catalog()
    voices = {key: voice_for(catalog.get(key).text.document).name for key in TEXT_DOMAINS}
    assert voices["outpatient_noshow"] == voices["hotel_bookings"] == voices["card_fraud"] == "message"
    assert voices["hospital_triage"] == voices["cnc_maintenance"] == voices["cyber_security"] == "note"
    # a template never brings a signal word of the rule ("report" signals test results in the patient portal)
    clear = render._clear_of(MESSAGE, {"report", "no", "not"})
    assert "I want to report {L}" not in clear.one and set(clear.negated) == {"nothing to do with {X}"}


# ---------------------------------------------------------------- ladder


def test_ladder_rejects_configs_it_cannot_serve() -> None:
    base = {"modality": Modality.TEXT, "task_type": TaskType.MULTICLASS, "metric": "rmse", "metric_kind": "value",
            "id_column": "id", "target_columns": ("y",), "submission_columns": ("y",), "text_column": "text"}
    with pytest.raises(SpecError, match="metric kinds"):
        scripts(LadderConfig(**base))
    with pytest.raises(SpecError, match="text_column"):
        scripts(LadderConfig(**{**base, "metric": "accuracy", "metric_kind": "label", "text_column": None}))


def test_ladder_rises_on_a_synthetic_environment(tmp_path: Path) -> None:
    spec = _spec(0.5, seed=11, challenges=(Challenge.LABEL_NOISE,))
    result = text.synthesize(spec, tmp_path / "env")
    ladder = ladder_for(config_from_spec(spec))
    assert [s.level for s in ladder] == [0, 1, 2, 3, 4, 5]
    for script in ladder:
        for column in (spec.columns[0].name, spec.target.columns[0]):
            assert repr(column) in script.source  # column names are baked in as literals
    scores = _run_ladder(ladder, result.folder.public, result.folder.answers, spec.grading, tmp_path / "run")
    levels = sorted(scores)
    tau = kendalltau(levels, [scores[k] for k in levels]).statistic
    top = scores[levels[-1]]
    assert top > scores[0] + 0.3 and top > scores[1] + 0.15
    assert tau >= 0.6, scores
    assert grade_submission(result.folder.oracle_submission, result.folder.answers, spec.grading) >= top


def test_ladder_serves_class_probabilities_and_subsamples(tmp_path: Path) -> None:
    spec = _spec(0.3, seed=5, metric="multiclass_log_loss")
    result = text.synthesize(spec, tmp_path / "env")
    ladder = ladder_for(config_from_spec(spec))
    scores = _run_ladder(ladder, result.folder.public, result.folder.answers, spec.grading, tmp_path / "run",
                         levels=(0, 3), seed=1)
    assert scores[3] < scores[0] - 0.2  # log loss: lower is better


@pytest.mark.slow
def test_ladder_runs_on_the_real_docstrings_seed(tmp_path: Path) -> None:
    from sandmle_core.seeds.bundled import get_bundled_seed

    seed = get_bundled_seed("docstrings")
    config = LadderConfig(modality=Modality.TEXT, task_type=TaskType.MULTICLASS, metric="macro_f1", metric_kind="label",
                          id_column="id", target_columns=("library",), submission_columns=("library",),
                          classes=DOCSTRING_CLASSES, feature_columns=("text",), text_column="text")
    grading = GradingSpec(metric="macro_f1", id_column="id", target_columns=("library",),
                          submission_columns=("library",), classes=DOCSTRING_CLASSES)
    scores = _run_ladder(scripts(config), seed.public_dir, seed.answers_path, grading, tmp_path, levels=(0, 1, 5))
    assert scores[0] < scores[1] < scores[5]
    assert scores[5] > scores[1] + 0.3 and scores[5] > 0.85
