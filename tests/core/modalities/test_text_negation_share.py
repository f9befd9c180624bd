"""How often a document says what a thing is not. A triage note, a maintenance log entry or an alert summary lists
its pertinent negatives as a matter of routine ("no wheeze", "no leak found", "no egress observed"); a customer's
message, a review, a listing or a news paragraph rarely does. Every voice used to negate another class's signal word
at one rate (7 % of a document's units plus 2 % times the difficulty), so four of five documents of every domain
negated something and half negated two things or more ("no pashmina as far as I can see, without sandals"): the
drafter now gives the other voices half the base rate (3.5 % plus the same 2 % times the difficulty, `drafter._rule`),
the notes keep theirs, and a negation is still a confuser a bag of words misreads.
"""

from __future__ import annotations

import re
import statistics

from sandmle_core.catalog import load_catalog
from sandmle_core.modalities.text.phrases import voice_for
from tests.core.modalities.test_text_kinds import corpus

_CUE = re.compile(r"\b(?:no|not|never|without|nobody|denies|nothing to do with)\b", re.IGNORECASE)


def _share_negating_twice(docs: list[str]) -> float:
    return sum(len(_CUE.findall(doc)) >= 2 for doc in docs) / len(docs)


def test_the_voices_other_than_a_note_negate_twice_in_fewer_documents() -> None:
    voices = {d.key: voice_for(d.text.document).name for d in load_catalog().domains if d.text is not None}
    shares: dict[bool, list[float]] = {True: [], False: []}
    for slot, docs in corpus().items():
        shares[voices[slot.rsplit("-", 1)[0]] == "note"].append(_share_negating_twice(docs))
    notes, others = statistics.fmean(shares[True]), statistics.fmean(shares[False])
    assert len(shares[True]) == 6 and len(shares[False]) == 23
    # measured 2026-12-07: notes 0.39 both ways; the other voices 0.49 before, 0.26 now
    assert others <= 0.32 < notes, (notes, others)


def test_a_note_says_what_was_ruled_out_in_a_notes_words() -> None:
    """A triage note, a maintenance log and an alert summary wrote "without X" ("Stoppage traced to the valve ...
    without grease", in 6-22 % of those slots' documents before 2026-12-07): a customer's turn of phrase. A triage
    note "denies" a complaint now; the logs and alerts say "no X found/seen/observed", "checked, no X" or "X was ruled
    out"."""
    voices = {d.key: voice_for(d.text.document).name for d in load_catalog().domains if d.text is not None}
    notes = {slot: docs for slot, docs in corpus().items() if voices[slot.rsplit("-", 1)[0]] == "note"}
    assert len(notes) == 6
    assert not [d for docs in notes.values() for d in docs if re.search(r"\bwithout\b", d)]
    triage = [d for slot, docs in notes.items() if slot.startswith("hospital_triage") for d in docs]
    assert sum(bool(re.search(r"\b[Dd]enies \w", d)) for d in triage) > 0.05 * len(triage)



def _by_voice() -> dict[str, list[str]]:
    voices = {d.key: voice_for(d.text.document).name for d in load_catalog().domains if d.text is not None}
    out: dict[str, list[str]] = {}
    for slot, docs in corpus().items():
        out.setdefault(voices[slot.rsplit("-", 1)[0]], []).extend(docs)
    return out


def test_a_customer_says_what_the_matter_is_not() -> None:
    """A customer's message negated another class's word as an absence said for its own sake ("without a fax",
    "never a syllabus", "no pashmina as far as I can see": 565, 420 and 563 of the 6,400 message documents before
    2026-12-07); it now says what the matter is not, as one does when it might be taken for it ("nothing to do with
    a bill", "no scammer involved")."""
    messages = _by_voice()["message"]
    assert len(messages) == 6400
    for unmotivated in (r"\bnever (?:a|an|any) ", r"\bwithout (?:a|an) ", r"\bas far as I can see\b"):
        assert not [d for d in messages if re.search(unmotivated, d)], unmotivated
    for motivated in (r"\bnothing to do with \w", r"\bno [\w' -]+ involved\b"):
        assert sum(bool(re.search(motivated, d)) for d in messages) > 0.03 * len(messages), motivated


def test_a_note_negates_a_state_or_a_verb_plainly() -> None:
    """A note, a log or an alert wrote a word that is not a noun as speech does ("never faint", "not worn at all",
    "would never recline": 82 of its 2,400 documents held a "never", 95 a "not ... at all" before 2026-12-07); it
    writes "not faint", "would not recline". A key that holds its own "never" ("it never ran starved") is the key's."""
    notes = _by_voice()["note"]
    assert len(notes) == 2400
    assert not [d for d in notes if re.search(r"\bnot [\w-]+ at all\b", d)]
    assert not [d for d in notes if re.search(r"\bnever\b", d.replace("never ran", ""))]
    assert sum(bool(re.search(r"\bnot [a-z]", d)) for d in notes) > 0.02 * len(notes)
