"""A document that says it had a thing and also that it had none: the token model draws a class's word and another
class's negated word independently, so one document may hold both ("wheeze noted on assessment ... no wheeze",
"Noted as slurred, not slurred at all", "no pulse ... Then pulse for 2 days"): 250 of the 11,600 documents of the
29 text slots did on 2026-12-06. The negation is now said as a change, after the word ("no wheeze any more", "no
longer slurred") or before it ("no pulse at first"), its cue still next to a noun.

Counted here for the words whose negation the renderer writes with a cue of its own (nouns and the adjectives and
participles said of a thing or a person). A word that ends a longer key of its domain ("apartment", "micro apartment")
counts too: a document that says the longer key had the word ("a micro apartment ... without an apartment", 1 of the
11,600 on 2026-12-07); a word inside a longer key anywhere else ("belt", "belt buckle") is left out, as the count cannot
tell the two apart. Words are read as the documents write them (`nouns.written`:
"double" is a "double payment", "interest_charged" "interest charges").
"""

from __future__ import annotations

import re
from collections import Counter

from sandmle_core.catalog import load_catalog
from sandmle_core.modalities.text.adverbs import own_class
from sandmle_core.modalities.text.nouns import written
from sandmle_core.modalities.text.wordclass import ACTION, FEELING, NOUN, PARTICIPLE, PERSONAL, STATE, word_class
from tests.core.modalities.test_text_kinds import corpus

_CUE = r"\b(?:no|without an?|without|never any|never|not|denies|nothing to do with an?|nothing to do with)"
_CHANGED = r"(?! at first| to begin with| any more)"


def _contradictions(docs: list[str], words: dict[str, list[str]]) -> list[tuple[str, str]]:
    """(word, document) for every document that negates a word with a plain cue and says it elsewhere without one,
    alone or as the end of a longer key (`words`: each word's longer keys that end with it)."""
    out = []
    for doc in docs:
        low = doc.lower()
        for w, longer in words.items():
            plain = re.compile(rf"{_CUE} {re.escape(w)}\b{_CHANGED}")
            negated = "|".join(re.escape(k) for k in [w, *longer])
            if plain.search(low) and re.search(rf"\b{re.escape(w)}\b", re.sub(rf"{_CUE} (?:{negated})\b", "", low)):
                out.append((w, doc))
                break
    return out


def test_a_word_the_document_says_it_had_is_negated_as_a_change() -> None:
    domains = {d.key: d for d in load_catalog().domains if d.text is not None}
    slots = corpus()
    found, changed = [], 0
    for slot, docs in slots.items():
        text = domains[slot.rsplit("-", 1)[0]].text
        vocabulary = (text.fine.classes if slot.endswith("-40") else text.classes).values()  # 40: the fine label
        keys = [k for ws in vocabulary for k in ws]
        spaced = {written(k).lower() for k in keys}  # as the documents write them ("double" a "double payment")
        words = {w: [o for o in spaced if o != w and o.endswith(f" {w}")]
                 for k in keys if len(w := written(k).lower()) > 3
                 and own_class(k, word_class(k)) in (NOUN, STATE, PARTICIPLE, FEELING, PERSONAL)
                 and not any(w != o and re.search(rf"\b{re.escape(w)}\b", o) and not o.endswith(f" {w}")
                             for o in spaced)}
        found += [(slot, *hit) for hit in _contradictions(docs, words)]
        changed += sum(bool(re.search(r"\b(?:at first|any more|no longer)\b", d)) for d in docs)
    assert not found, (len(found), [f[:2] for f in found], found[:3])
    assert changed > 100  # the change is written, not the documents left without the word


def test_a_change_is_not_said_in_the_sentence_that_says_the_word() -> None:
    """ "It is quiet, no longer quiet", "It seems loud, but no longer loud": 19 sentences of the 29 slots on
    2026-12-07 said a state's change in the sentence that affirmed it (a follow-up joined to the sentence before, or
    the word said again). A state, participle or feeling said in the last two sentences changes "at first" then, in the
    past when it takes a subject ("it was not quiet at first", not "it is"), and "to begin with" after "at"."""
    together, changed = [], 0
    for slot, docs in corpus().items():
        for doc in docs:
            for sentence in re.split(r"(?<=[.!?])\s+", doc):
                for m in re.finditer(r"\bno longer (\w+)", sentence):
                    together += [(slot, sentence)] if re.search(rf"\b{m.group(1)}\b", sentence[:m.start()]) else []
                changed += bool(re.search(r"\b(?:it is|i am|it seems) not \w+ at first|\bat at\b", sentence, re.I))
    assert not together, (len(together), together[:5])
    assert not changed


def test_no_entity_value_is_a_class_word_of_its_domain() -> None:
    """An entity slot's values ("Hello, {PLAN} customer here", "A {BEDS}-bedroom {TYPE}", "on {STREET}") are drawn
    for every class alike; one that is a class word of its domain ("Unlimited" of a mobile plan change, "bungalow" of
    a retirement sale, "Park Lane" of a parking claim) put that class's word in every document that used it."""
    from dataclasses import fields

    from sandmle_core.modalities.text import phrases

    found = {}
    for domain in load_catalog().domains:
        if domain.text is None:
            continue
        voice = phrases.voice_for(domain.text.document)
        templates = [t for f in fields(voice) if isinstance(getattr(voice, f.name), tuple)
                     for t in getattr(voice, f.name) if isinstance(t, str)]
        slots = {s for t in templates for s in re.findall(r"\{([A-Z][A-Z0-9]*)\}", t)} & set(phrases._ENTITY)
        values = {phrases._ENTITY[s](u / 2000) for s in slots for u in range(2000)}
        words = {w for v in values for w in re.findall(r"[a-z]+", v.lower())}
        vocab = {t for ws in domain.text.classes.values() for k in ws for t in k.split("_")}
        if words & vocab:
            found[domain.key] = sorted(words & vocab)
    assert not found, found


_CHANGES = ("the second person i spoke to was not", "the drinks were not", "not all of it was done",
            r"will not \w+ \w+ any more", r"would not \w+ \w+ at first")


def test_a_word_with_clauses_of_its_own_or_a_verb_is_negated_of_another_or_as_a_change() -> None:
    """"The person who dealt with me was aggressive, the person who dealt with me was not aggressive", "what we paid
    was cheap, what we paid was not cheap", "I want to refer them, but I would not refer them": a word with clauses
    of its own (`adverbs.OWN`) or a verb said and negated in one document by the same clause turned round (10 of the
    11,600 documents of `corpus()` before 2026-12-06). It is now said of someone or something else, or as a change of
    mind ("the second person I spoke to was not aggressive", "the drinks were not cheap", "I will not refer them any
    more"), its cue still next to the word."""
    from sandmle_core.modalities.text.adverbs import OWN, OWN_NEGATED
    from tests.core.modalities.test_text_kinds import _bursty_documents

    found, changed = [], Counter()
    for domain, words in (("parcel_delivery", ["aggressive", "careless", "rude", "photo_proof"]),
                          ("hotel_bookings", ["cheap", "attentive", "tasty", "towels"]),
                          ("motor_claims", ["deliberately", "hail"]),
                          ("outpatient_noshow", ["reschedule", "refer", "capsules"])):
        for doc in (d.lower() for d in _bursty_documents(domain, words, seed=11)):
            for w in (w for w in words if w in OWN_NEGATED):
                turned = OWN_NEGATED[w][0].format(X=w)
                if turned in doc and any(c.format(X=w) in doc.replace(turned, "") for c in OWN[w]):
                    found.append((w, doc))
            for w in (w for w in words if word_class(w) == ACTION):
                if (re.search(rf"\b(?:will not|would not|would never) {w} \w+\b(?! at first| any more)", doc)
                        and re.search(rf"\b(?:can|want to|would like to|need to) {w}\b", doc)):
                    found.append((w, doc))
            changed.update(p for p in _CHANGES if re.search(p, doc))
    assert not found, (len(found), found[:3])
    assert all(changed[p] >= 3 for p in _CHANGES), changed
