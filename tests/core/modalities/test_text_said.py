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
    assert abs(np.exp(model.log_said(rule, 1, low, high)) - drawn) < 0.005, drawn


def test_only_a_class_of_a_single_label_rule_is_always_said(rule):
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
