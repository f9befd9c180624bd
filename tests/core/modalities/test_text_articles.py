"""Uncountable nouns, names and phrases that are no noun take no "a" (`nouns.with_article`): the documents read on
2026-12-05 held "We noticed a rude staff during our stay", "Special mention for a value", "What stood out was a
transport", "We noticed a downtown", "without a custody", "An LTE, plus a new SIM" (252 of 4,677 documents of two
72-environment corpora). A read of all 3,159 catalog nouns the generator gave "a"/"an" found 328 such keys.

The documents are `test_text_odd_keys`'s: 300 bursty documents in the voice of each of the 19 catalog text domains.
The phrases looked for are a reader's list, not the module's tables.
"""

from __future__ import annotations

import re

import pytest

from sandmle_core.catalog import load_catalog
from sandmle_core.modalities.text.nouns import is_plural, with_article, written
from tests.core.modalities.test_text_odd_keys import _documents

_NO_ARTICLE = ("rude staff", "unhelpful staff", "staff", "value", "transport", "aircon", "downtown", "custody", "lte",
               "switching provider", "customer service", "room service", "jewellery", "cloud storage", "latency")
"""Keys a careful editor writes without "a"/"an" ("rude staff", "value", "custody", "LTE")."""


@pytest.fixture(scope="module")
def documents() -> list[str]:
    domains = [d for d in load_catalog().domains if d.text is not None]
    return [doc for k, domain in enumerate(domains) for doc in _documents(domain, 50 + k)]


def test_no_uncountable_noun_takes_a_or_an(documents: list[str]) -> None:
    pattern = re.compile(r"\b(?:a|an) (?:" + "|".join(map(re.escape, _NO_ARTICLE)) + r")\b", re.IGNORECASE)
    found = [m.group(0) for doc in documents for m in pattern.finditer(doc)]
    assert not found, sorted(set(found))


def test_the_keys_are_still_written_and_countable_nouns_keep_their_article(documents: list[str]) -> None:
    joined = " ".join(documents).lower()
    assert sum(f" {key}" in joined for key in _NO_ARTICLE) >= 5  # the keys are still in the documents
    assert len(re.findall(r"\b(?:a|an) [a-z]+", joined)) > 1_000


@pytest.mark.parametrize(("key", "written"), [
    ("rude staff", "rude staff"), ("value", "value"), ("at the junction", "at the junction"),
    ("periodic table", "the periodic table"), ("subjunctive", "the subjunctive"), ("contract", "a contract"),
    ("aircon", "aircon"), ("oxygen mask", "an oxygen mask"), ("apple pay", "apple pay"),
    # heads that are uncountable in one key and counted in others keep their article where counted
    ("customer service", "customer service"), ("service", "a service"), ("music service", "a music service"),
    ("cling film", "cling film"), ("film", "a film"), ("weight bearing", "weight bearing"), ("bearing", "a bearing"),
    ("p value", "a p value"), ("value", "value"),
])
def test_with_article(key: str, written: str) -> None:
    assert with_article(key) == written


@pytest.mark.parametrize(("key", "phrase", "plural"), [
    # keys that are no noun alone ("There was no mind", "a double", "a question about update details")
    ("mind", "a change of mind", False), ("double", "a double payment", False), ("another", "another item", False),
    ("update_details", "an update of my details", False), ("change_address", "a change of address", False),
    ("extension_of_time", "an extension of time", False),  # the head of "X of Y" is X
    # heads in -s that take a singular verb ("the chaos change everything" was written)
    ("chaos", "chaos", False), ("physics", "physics", False), ("gps", "a GPS", False), ("tyres", "tyres", True),
    # catalog keys that read oddly as written before 2026-12-07: "a speed shutter", "lamp dead", "d day", "an amber",
    # "passe compose", "a declined till", "signal stuck"
    ("shutter_speed", "shutter speed", False), ("lamp_dead", "a dead lamp", False),
    ("d_day", "D-Day landings", True), ("amber", "an amber light", False),
    ("passe_compose", "the passé composé", False), ("till_declined", "a refusal at the till", False),
    ("signal_stuck", "a stuck signal", False),
    ("iso", "an ISO setting", False),  # a camera setting: "an iso" before 2026-12-07
])
def test_keys_written_as_nouns_with_the_verb_of_their_head(key: str, phrase: str, plural: bool) -> None:
    assert with_article(written(key)) == phrase and is_plural(written(key)) is plural
