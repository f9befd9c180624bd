"""Multi-label text tasks (jigsaw's shape): the text family drafts labels from a domain's flag vocabulary as a tree
(a child label implies its parent), every label column keeps positives and negatives in train and test, documents
carry their labels' phrases (misspelt at the drafted rate), the oracle is each label's exact posterior marginal,
and the ladder writes one probability per label and rises above the label rates."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sandmle_core.catalog import load_catalog
from sandmle_core.envfolder import EnvFolder
from sandmle_core.grading import grade_submission
from sandmle_core.ladder import ladder_for
from sandmle_core.ladder.configs import config_from_spec
from sandmle_core.modalities.base import DraftContext
from sandmle_core.modalities.text import KIT as text
from sandmle_core.modalities.text.multilabel import configurations, misspell
from sandmle_core.modalities.text.rule import TextRule
from sandmle_core.slots import stream
from sandmle_core.spec import DomainRef, GradingSpec, Modality, TaskType
from sandmle_core.taskspec import SeedDNA, TaskSpec
from tests.core.test_binary_label_metrics import _run

FLAGGED = ("news_publisher", "football_analytics", "hotel_bookings", "city_311", "mobile_churn")


def _spec(domain_key: str = "news_publisher", seed: int = 7, n_train: int = 120, n_test: int = 200) -> TaskSpec:
    dna = SeedDNA(seed_id="jigsaw", modality=Modality.TEXT, task_type=TaskType.MULTILABEL,
                  metric="mean_column_auc", lower_is_better=False, label_cardinality=6, feature_mix={"text": 1})
    domain = load_catalog().get(domain_key)
    ctx = DraftContext(dna=dna, profile=None, domain=domain, rng=stream(seed, "jigsaw", 0, "draft"),  # type: ignore[arg-type]
                       difficulty=0.4, challenges=(), n_train=n_train, n_test=n_test)
    draft = text.draft(ctx)
    grading = GradingSpec(metric="mean_column_auc", id_column=draft.id_column, target_columns=draft.target.columns,
                          submission_columns=draft.target.columns)
    return TaskSpec(
        seed_id="jigsaw", index=0, rng_seed=seed, dna=dna,
        domain=DomainRef(key=domain.key, title=domain.title, sector=domain.sector, entity=domain.entity),
        title=draft.title, story=(draft.story_template or "").format(target="the flags"), modality=Modality.TEXT,
        task_type=TaskType.MULTILABEL, grading=grading, columns=draft.columns, target=draft.target,
        n_train=n_train, n_test=n_test, difficulty=0.4, challenges=(), rule=draft.rule)


def test_every_flag_domain_is_hosted_and_drafts_a_label_tree():
    catalog = load_catalog()
    hosts = {d.key for d in catalog.domains if text.hosts(d, TaskType.MULTILABEL, 6)}
    assert set(FLAGGED) <= hosts
    for key in FLAGGED:
        spec = _spec(key)
        rule = spec.rule
        assert isinstance(rule, TextRule) and rule.multilabel
        assert 4 <= len(rule.classes) <= 8 and spec.target.columns == rule.classes
        assert all(0 < rate < 1 for rate in rule.priors.values())
        flags = catalog.get(key).text.flags
        assert all(flags.labels[child].parent == parent for child, parent in rule.parents.items())
        assert _spec(key) == spec  # same slot, same draft


def test_label_sets_respect_the_tree():
    rule = _spec("hotel_bookings", seed=3).rule
    sets, prior = configurations(rule)
    labels = list(rule.classes)
    assert sets[0].sum() == 0 and prior.sum() == pytest.approx(1.0)
    for child, parent in rule.parents.items():
        assert (sets[:, labels.index(parent)] >= sets[:, labels.index(child)]).all()
    roots = [c for c in labels if c not in rule.parents]  # a root off, or on with any subset of its children
    assert len(sets) == np.prod([1 + 2 ** sum(p == r for p in rule.parents.values()) for r in roots])
    assert len({tuple(row) for row in sets.tolist()}) == len(sets)


def test_misspelling_changes_spelling_only_and_is_seeded():
    docs = ["Honestly, stained sheets. No dusty shelves this time, the breakfast."] * 20
    once = misspell(docs, ["stained_sheets", "dusty_shelves"], 0.5, np.random.default_rng(4))
    assert once == misspell(docs, ["stained_sheets", "dusty_shelves"], 0.5, np.random.default_rng(4))
    assert any(d != docs[0] for d in once) and any("the breakfast" in d for d in once)
    assert all(d.endswith("the breakfast.") for d in once)  # neutral phrases are never touched
    assert misspell(docs, ["stained_sheets"], 0.0, np.random.default_rng(4)) == docs


@pytest.mark.parametrize("domain_key", ["news_publisher", "city_311"])
def test_files_labels_oracle_and_ladder(tmp_path, domain_key):
    spec = _spec(domain_key, n_train=60)
    folder = tmp_path / "env"
    result = text.synthesize(spec, folder)
    env = EnvFolder.of(folder)
    labels = list(spec.target.columns)
    train, test, answers = pd.read_csv(env.train), pd.read_csv(env.test), pd.read_csv(env.answers)
    text_col = spec.columns[0].name
    assert list(train.columns) == ["id", text_col, *labels] and list(test.columns) == ["id", text_col]
    assert not set(train["id"]) & set(test["id"])
    for part in (train, answers):  # every column's AUC is defined: positives and negatives in both parts
        counts = part[labels].sum()
        assert (counts >= 2).all() and (counts <= len(part) - 2).all(), counts
        for child, parent in spec.rule.parents.items():  # no noise here: a child always comes with its parent
            assert (part[parent] >= part[child]).all()
    assert result.stats["label_sets"] == len(configurations(spec.rule)[0])
    phrases = {w.replace("_", " ") for words in spec.rule.signal.values() for w in words}
    assert sum(any(p in d.lower() for p in phrases) for d in train[text_col]) > len(train) // 4
    oracle = grade_submission(env.oracle_submission, env.answers, spec.grading)
    assert oracle > 0.75
    (tmp_path / "work").mkdir()
    (tmp_path / "work" / "public").symlink_to(env.public.resolve())
    scripts = ladder_for(config_from_spec(spec))
    assert [s.name for s in scripts] == ["label_rates", "keyword_counts", "tfidf_logreg", "char_ngram_logreg",
                                         "tuned_word_char_logreg", "rank_ensemble"]
    prior = _run(scripts[0], tmp_path / "work")
    assert list(prior.columns) == ["id", *labels]
    assert grade_submission(tmp_path / "work" / "submission.csv", env.answers, spec.grading) == pytest.approx(0.5)
    _run(scripts[4], tmp_path / "work")
    score = grade_submission(tmp_path / "work" / "submission.csv", env.answers, spec.grading)
    assert 0.6 < score <= oracle + 0.05


def test_synthesis_is_deterministic(tmp_path):
    spec = _spec("mobile_churn", n_train=50, n_test=150)
    text.synthesize(spec, tmp_path / "a")
    text.synthesize(spec, tmp_path / "b")
    for name in ("train.csv", "test.csv"):
        assert (tmp_path / "a" / "prepared" / "public" / name).read_bytes() == (
            tmp_path / "b" / "prepared" / "public" / name).read_bytes()
