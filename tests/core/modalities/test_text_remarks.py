"""The remarks voice (multi-label comments and reviews, keyed insults) as an agent reads it: read on 2026-12-06 in the
K=10 acceptance slots, its documents listed context phrases ("The transfer window, the match, the derby.", "(the
minister, the paper)"; 8,994 of 9,105) and negated clauses and insults as if they were things ("No you will pay for
this", "never you absolute clown", "nothing like demand a full refund", "not damn shame", "no someone tripped and
fell").

The documents are the acceptance's own (`test_text_grammar._documents`: same seeds, same rng seed); the phrases looked
for are the catalog's, read by a rule of this test (a phrase with a pronoun, an auxiliary or a verb of its own list
is a clause), not the voice's table.
"""

from __future__ import annotations

import re

import pytest

from sandmle_core.catalog import load_catalog
from sandmle_core.modalities.text import voices
from sandmle_core.modalities.text.clauses import negated_forms, unsaid
from sandmle_core.modalities.text.wordclass import NOUN
from tests.core.modalities.test_text_grammar import _documents

_CLAUSES = re.compile(r"\b(?:i|you|your|we|he|they|someone|nobody|nothing|no|not|will|would|should|cannot|is|was|"
                      r"has|have|keep|keeps|want|demand|expect|send|end|close|speak|escalate|came|got|fell|argued|"
                      r"apologised|went|appears|drains|restarts|crackles|drops|shows|loads)\b")


def _phrases() -> tuple[set[str], set[str], set[str]]:
    """The catalog's remark phrases, as written: (things said to someone: insults, threats, the said flags and every
    comments vocabulary; clauses of the other flags; every common phrase)."""
    said, clauses, common = set(), set(), set()
    for domain in load_catalog().domains:
        flags = domain.text.flags if domain.text is not None else None
        if flags is not None:
            for label in flags.labels.values():
                for p in label.phrases:
                    text = p.replace("_", " ")
                    (said if flags.said else clauses if _CLAUSES.search(text) else set()).add(text)
            common |= {p.replace("_", " ") for p in flags.common}
        if domain.comments is not None:
            said |= {p.replace("_", " ") for p in (*domain.comments.insults, *domain.comments.heated)}
            common |= {p.replace("_", " ") for p in domain.comments.common}
    return said, clauses, common


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    work = tmp_path_factory.mktemp("remarks")
    return [d for family in ("text_multilabel", "text_keyed")
            for _, docs in _documents(family, work / family) for d in docs]


def test_no_clause_or_insult_is_negated_as_a_thing(documents: list[str]) -> None:
    said, clauses, _ = _phrases()
    text = "\n".join(documents).lower()
    cue = r"\b(?:no|never|not|nothing like) "
    wrong = [m.group(0) for p in sorted(said | clauses) for m in re.finditer(cue + re.escape(p) + r"\b", text)]
    assert not wrong, (len(wrong), wrong[:8])
    quoted = [m.group(0) for p in sorted(said | clauses) for m in re.finditer(r'said "' + re.escape(p) + '"', text)]
    assert len(quoted) > 50  # they are still negated, as words nobody said
    assert re.search(r"\bno (?:stained sheets|deep pothole|dirty carpet|thin walls|broken kettle)\b", text)


def test_no_sentence_lists_context_phrases(documents: list[str]) -> None:
    _, _, common = _phrases()
    alts = "|".join(re.escape(p) for p in sorted(common, key=len, reverse=True))
    listed = re.compile(rf"(?:^|[.!?:;(] |\(|\"|\n)(?:{alts}), (?:{alts})\b", re.IGNORECASE)
    lists = [d for d in documents if listed.search(d)]
    assert not lists, (len(lists), lists[:3])
    # a document of context phrases alone says something of a thing ("Not sure about the match"), not "The match."
    bare = re.compile(r'"*(?:(?:the|my|our|your|this|their) [a-z ]+\.\s*(?:\\n)?)+"*', re.IGNORECASE)
    assert not [d for d in documents if bare.fullmatch(d)]
    assert any(re.match(r'"*(?:Not sure about|A word on|Thinking about|So,) (?:the|my|our) ', d) for d in documents)


def test_the_said_voice_quotes_every_negation_and_the_remark_only_clauses() -> None:
    assert unsaid(voices.SAID_REMARK, "stained sheets") and unsaid(voices.REMARK, "pages will not load")
    assert unsaid(voices.REMARK, "want_to_cancel") and not unsaid(voices.REMARK, "stained_sheets")
    assert not unsaid(voices.NOTE, "pages will not load")  # a typed voice negates by word class
    assert not unsaid(voices.REMARK, "not_renewing", affirmed=True)  # written as its opposite
    assert all(not f.startswith(("never {X}", "not {X}", "nothing like")) for f in negated_forms(voices.REMARK, NOUN))
    assert all('"{X}"' in f for f in (*voices.REMARK.unsaid, *voices.REMARK.unsaid_again))
    catalog = {d.key: d for d in load_catalog().domains}
    assert catalog["news_publisher"].text.flags.said and not catalog["hotel_bookings"].text.flags.said


def test_a_commenters_question_alone_ends_with_a_question_mark(documents: list[str]) -> None:
    """ "Did you get the surge.", "Have you asked your nurse." (111 of the 9,105 documents before 2026-12-07) are
    questions: they end with "?" now, and the keyed layout breaks a line after one as after a full stop."""
    bare = re.compile(r"(?:^|[.!?] |\\n|\")((?:Did|Do|Does|Have|Has|Can|Could|Would|Will|Are|Is|How|What|Why|Where) "
                      r"you\b[^.?!\n()\-:;,\"]*)\.")
    assert not [d for d in documents if bare.search(d)]
    asked = [d for d in documents if re.search(r"\b(?:Did|Have|Can) you [a-z ]+\?", d)]
    assert len(asked) > 50
    assert any("?\\n" in d for d in asked)
