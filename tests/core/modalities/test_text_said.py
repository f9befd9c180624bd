"""An insult always insults (`TextRule.always_said`, the insults seed's class 1): a comment of an always-said class
that holds none of the class's own phrases is drawn again, and the oracle conditions on it. Before 2026-12-07 about a
fifth of the insults acceptance comments held context phrases alone ("Not sure about the pharmacy. Thinking about
my meter.") and about a third of those were labelled insults, at the class's prior.
"""

from __future__ import annotations

import numpy as np
import pytest

from sandmle_core.agents.offline.strategist import OfflineStrategist
from sandmle_core.modalities.text import synthesizer
from sandmle_core.modalities.text.voices import SAID_REMARK
from sandmle_core.profile import profile_seed
from sandmle_core.seeds import load_seed
from sandmle_core.slots import stream
from tests.core.modalities.test_text import _reference_posterior
from tests.fixtures.mlebench import write_competition

COMP = "detecting-insults-in-social-commentary"


@pytest.fixture(scope="module")
def rule(tmp_path_factory):
    paths = write_competition(COMP, tmp_path_factory.mktemp("insults"), "split")
    spec = OfflineStrategist().draft_spec(COMP, profile_seed(load_seed(paths["competition"], data_dir=paths["data"])),
                                          1, 5)
    assert spec.rule.always_said == ("1",)
    return spec.rule


def test_every_insult_says_one_and_the_oracle_knows_it(rule):
    model = synthesizer._Model(rule)
    part = synthesizer._sample(rule, model, 1500, stream(3, "said"), 1.0, stream(4, "said"), SAID_REMARK)
    y, post = part["y"], part["post"]
    lacking = synthesizer._lacking(model.own[1], part["units"], part["doc"], len(y))
    assert not (lacking & (y == 1)).any()  # no insult without an insulting phrase
    assert 0.05 < lacking.mean() < 0.6  # ordinary comments stay ordinary, and they are never insults to the oracle
    assert np.all(post[lacking, 1] == 0.0)
    assert abs(post[:, 1].mean() - (y == 1).mean()) < 0.03  # calibrated: the condition's weight is right
    texts = [[] for _ in y]
    for unit, doc in zip(part["units"].tolist(), part["doc"].tolist(), strict=True):
        texts[doc].append(model.texts[unit])
    for i in range(40):  # the exact posterior, recomputed from the documented semantics
        assert np.allclose(post[i], _reference_posterior(rule, texts[i], 1.0), atol=1e-9), i


def test_the_share_of_documents_that_say_one_is_that_of_the_draws(rule):
    """The closed form of P(a document of the class says one of its words) against 200,000 unconditioned draws."""
    model, rng = synthesizer._Model(rule), stream(5, "said")
    low, high = rule.length_range
    n = 200_000
    y = np.ones(n, dtype=np.int64)
    lengths = low + rng.binomial(high - low, model.bias[1], size=n)
    vague = (rng.random(n) < rule.vague_share).astype(np.int64)
    units, doc, _ = synthesizer._draw_units(model, rule, y, vague, lengths, rng)
    drawn = 1.0 - synthesizer._lacking(model.own[1], units, doc, n).mean()
    assert abs(np.exp(synthesizer.log_said(model, rule, 1, low, high)) - drawn) < 0.005, drawn


def test_always_said_names_classes_of_the_rule(rule):
    with pytest.raises(ValueError, match="always_said must name classes"):
        rule.model_validate({**rule.model_dump(), "always_said": ("2",)})
    assert "always_said" not in rule.model_copy(update={"always_said": ()}).model_dump()  # unset: hashes unchanged


def test_a_class_that_almost_never_says_its_words_is_refused_not_looped(rule):
    """A rule (a backend's draft, a config edited by hand) whose always-said class draws its own words almost never
    stops with a generation error after a bounded number of redraws."""
    from sandmle_core.errors import GenerationError

    rare = rule.model_copy(update={"signal_rate": 1e-4, "distractor_rate": 0.0, "length_range": (3, 4)})
    with pytest.raises(GenerationError, match="must say one of its words in every document"):
        synthesizer._sample(rare, synthesizer._Model(rare), 60, stream(6, "said"), 1.0, stream(7, "said"), SAID_REMARK)


@pytest.mark.parametrize("domain_key", ["news_publisher", "hotel_bookings"])
def test_a_flagged_comment_says_something_flaggable_and_the_oracle_knows_it(domain_key):
    """jigsaw's shape: before 2026-12-07, 7–19 % (by slot) of the comments flagged toxic held no phrase of any of
    their labels. Now a document that carries labels holds a phrase of one of them; one without any label phrase is
    unflagged to the oracle, and the oracle's marginals stay calibrated."""
    from sandmle_core.modalities.text import multilabel
    from tests.core.modalities.test_text_multilabel import _spec

    rule = _spec(domain_key).rule
    assert rule.always_said == rule.classes
    model = multilabel._SetModel(rule)
    part = multilabel._sample(rule, model, 3000, 3, stream(8, "said"), 1.0, stream(9, "said"), stream(10, "said"))
    truth, units, doc = part["truth"], part["units"], part["doc"]
    sets = multilabel._set_index(model, truth)
    for s, own in model.own.items():  # a phrase of one of the document's own labels, not of another label
        assert not ((sets == s) & synthesizer._lacking(own, units, doc, len(sets))).any(), model.names[s]
    silent = synthesizer._lacking(synthesizer.own_words(rule, model.texts, list(rule.classes)), units, doc, len(sets))
    assert 0.2 < silent.mean() < 0.95  # ordinary comments stay ordinary
    assert not truth[silent].any() and np.all(part["marginal"][silent] == 0.0)
    assert np.abs(part["marginal"].mean(axis=0) - truth.mean(axis=0)).max() < 0.03


def test_the_share_of_a_label_sets_documents_that_say_one_is_that_of_the_draws():
    """The closed form for a label set (a phrase of either of two labels) against 200,000 unconditioned draws."""
    from sandmle_core.modalities.text import multilabel
    from tests.core.modalities.test_text_multilabel import _spec

    rule = _spec("news_publisher").rule
    model, rng = multilabel._SetModel(rule), stream(11, "said")
    s = next(i for i, row in enumerate(model.sets) if row.sum() == 2)
    low, high = rule.length_range
    n = 200_000
    y = np.full(n, s, dtype=np.int64)
    lengths = low + rng.binomial(high - low, model.bias[s], size=n)
    vague = (rng.random(n) < rule.vague_share).astype(np.int64)
    units, doc, _ = synthesizer._draw_units(model, rule, y, vague, lengths, rng)
    drawn = 1.0 - synthesizer._lacking(model.own[s], units, doc, n).mean()
    assert abs(np.exp(synthesizer.log_said(model, rule, s, low, high)) - drawn) < 0.005, drawn
