"""Adverbs and pronouns that tell a domain's classes apart ("upstairs", "without", "still", "someone") take clauses
of their own (`adverbs.py`), not a manner clause: the 2,121 + 1,566 documents read on 2026-12-05 held "The short
answer is upstairs.", "In a word, without.", "The short answer is nothing and upstairs" (94 + 42 + 30 sentences in
the water utility's slots alone).

The documents are `test_text_odd_keys`'s: 300 bursty documents in the voice of each of the 19 catalog text domains,
drawn from the domain's signal keys and their negations. The words looked for are a reader's list (the catalog's
class words that answer no "what"/"how"), not the module's table.
"""

from __future__ import annotations

import re

import pytest

from sandmle_core.catalog import load_catalog
from sandmle_core.modalities.text import voices
from sandmle_core.modalities.text.adverbs import OWN, own_class, own_key
from sandmle_core.modalities.text.clauses import clauses_of, negated_forms
from sandmle_core.modalities.text.wordclass import MANNER, word_class
from tests.core.modalities.test_text_odd_keys import _documents, _table

_NO_ANSWER = _table("""abroad barely behind beyond deliberately earlier elsewhere indoors instead marginally nearby
never nothing nowhere overnight overseas someone still thrice twice upstairs where without""")
"""Words no manner clause takes ("the short answer is upstairs", "in a word, without")."""

_MANNER_FRAMES = sorted({t for v in vars(voices).values() if isinstance(v, voices.Voice) for t in v.manners})


def _manner_slots(doc: str) -> list[str]:
    """The words in the manner clauses' slots of `doc` (every word of a listed slot: "nothing and upstairs")."""
    words: list[str] = []
    for frame in _MANNER_FRAMES:
        pattern = re.escape(frame).replace(r"\{X\}", r"([a-z\"' ]+?)") + r"(?=[.,;]|$)"
        for m in re.finditer(pattern, doc, re.IGNORECASE):
            words += re.split(r",? and |, | ", m.group(1).lower())
    return words


@pytest.fixture(scope="module")
def documents() -> list[str]:
    domains = [d for d in load_catalog().domains if d.text is not None]
    return [doc for k, domain in enumerate(domains) for doc in _documents(domain, 50 + k)]


def test_no_manner_clause_holds_a_word_that_answers_nothing(documents: list[str]) -> None:
    held = [w for doc in documents for w in _manner_slots(doc) if w in _NO_ANSWER]
    assert not held, held[:10]
    assert any(_manner_slots(doc) for doc in documents)  # the frames are still written, for "hopefully" and the like


def test_the_words_are_still_written_in_their_own_clauses(documents: list[str]) -> None:
    joined = " ".join(documents).lower()
    for clause in ("the taps are worse upstairs", "we are without it", "still waiting", "i got another one instead",
                   "running behind", "it happened twice", "that was not done deliberately",
                   "nothing comes out", "not upstairs"):
        assert clause in joined, clause


def test_a_number_word_of_a_class_is_said_as_a_quantity_not_as_a_thing() -> None:
    """The water utility's "zero" (no water) and the card dispute's "two" (a duplicate charge) were nouns in a main
    clause: "The issue at our address involves a zero", "This concerns a two", "no two as far as I can see"."""
    catalog = {d.key: d for d in load_catalog().domains}
    domains = [d for d in catalog.values() if d.text is not None]
    for key, word in (("water_utility", "zero"), ("card_fraud", "two")):
        k = domains.index(catalog[key])
        joined = " ".join(_documents(catalog[key], 50 + k)).lower()
        things = re.findall(rf".{{30}}\b(?:a|the|no) {word}\b.{{0,20}}", joined)
        assert not things, (key, things[:5])
        assert any(t.replace("{X}", word).lower() in joined for t in OWN[word]), key


def test_the_own_clauses_replace_the_voices_manner_clauses() -> None:
    assert word_class("upstairs") == MANNER and own_class("upstairs", MANNER) == "phrased:upstairs"
    assert own_class("hopefully", MANNER) == MANNER and own_key(MANNER) == ""
    for voice in (voices.MESSAGE, voices.NOTE):
        assert clauses_of(voice, own_class("without", MANNER)) == OWN["without"]
        assert clauses_of(voice, MANNER) == voice.manners
    assert negated_forms(voices.MESSAGE, own_class("upstairs", MANNER)) == ("not {X}",)  # place: "not upstairs"
    assert negated_forms(voices.MESSAGE, own_class("still", MANNER)) == ("I am not {X} waiting",)
    assert negated_forms(voices.MESSAGE, own_class("instead", MANNER))[0].startswith("no one said")
    assert all("{X}" in t for ts in OWN.values() for t in ts)


_SAID_OF_PEOPLE = _table("""aggressive attentive careless courteous dismissive friendly helpful impatient polite rude
unprofessional welcoming""")
"""Adjectives the catalog's hotel staff and courier classes are told by: said of the people the writer dealt with."""


def test_adjectives_of_behaviour_are_said_of_the_people_not_of_the_writer_or_a_thing(documents: list[str]) -> None:
    words = "|".join(sorted(_SAID_OF_PEOPLE))
    wrong = re.compile(rf"\b(?:I am|I was|it is|it was|it seems|it got|it has been)(?: not| never)? (?:{words})\b",
                       re.IGNORECASE)
    found = [m.group(0) for doc in documents for m in wrong.finditer(doc)]
    assert not found, sorted(set(found))[:10]
    joined = " ".join(documents).lower()
    assert "the person who dealt with me was not helpful" in joined or "the person who dealt with me was helpful" \
        in joined
