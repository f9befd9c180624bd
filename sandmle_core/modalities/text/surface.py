"""The surface of a rendered document: words, listings, capitals, how a sentence's clauses are joined, and the check
for a word or phrase said three or more times in a row (`render.py` writes the documents; the realism checks count
with the same patterns)."""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["CONJUNCTIONS", "LEANING", "WORD", "asked", "capital", "first_word", "join_clauses", "last_word", "listing",
           "no_triples", "pick", "prose", "repeated_phrase", "triple_repeats", "uncapital"]

WORD = re.compile(r"[a-z0-9']+")
"""A word as the renderer counts it (lower case, digits and apostrophes kept)."""

# a phrase of one to three words three or more times in a row ("more acl, more acl, more acl"): the realism check's
# pattern (`agents/realism.py`), which counts documents that hold one
_PHRASE = re.compile(r"\b((?:[^\W\d_]+\W+){1,2}?[^\W\d_]+)\b(?:\W+\1\b){2,}", re.IGNORECASE)


def triple_repeats(text: str) -> int:
    """How many times a word (case-insensitive, punctuation ignored) follows two copies of itself in `text`."""
    words = WORD.findall(text.lower())
    return sum(1 for i in range(2, len(words)) if words[i] == words[i - 1] == words[i - 2])


def repeated_phrase(text: str) -> str | None:
    """The first phrase of one to three words that `text` says three or more times in a row, or None."""
    match = _PHRASE.search(text)
    return match.group(0) if match else None


def listing(items: list[str]) -> str:
    """"a", "a and b", "a, b and c"."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def no_triples(text: str) -> str:
    """Break any run of three equal words (case-insensitive) by a connective: the renderer's last safety net."""
    if not triple_repeats(text):
        return text
    out: list[str] = []
    last: list[str] = []  # the words written so far, lowercased
    for token in text.split(" "):
        words = WORD.findall(token.lower())
        if words and len(last) >= 2 and last[-1] == last[-2] == words[0]:
            connective = "then" if words[0] == "and" else "and"
            out.append(connective)
            last.append(connective)
        out.append(token)
        last.extend(words)
    return " ".join(out)


def first_word(text: str) -> str:
    words = WORD.findall(text.lower())
    return words[0] if words else ""


def last_word(text: str) -> str:
    words = WORD.findall(text.lower())
    return words[-1] if words else ""


def uncapital(text: str) -> str:
    """The text as it reads after an opener or a context phrase ("I" and a word with capitals after its first letter
    stay as they are: "I noticed", "EDR flagged", "L/H steering", not "eDR flagged", "l/H steering")."""
    head = text.split(" ", 1)[0]
    return text if head == "I" or any(c.isupper() for c in head[1:]) else text[:1].lower() + text[1:]


CONJUNCTIONS = frozenset(("and", "but", "while", "also", "then", "with", "without"))
"""Words a clause may open with that a connective must not precede ("but and yes", "Then and", "with without")."""
_NOT_AFTER_WITH = frozenset(("again", "still", "not", "never", "without", "more", "further", "the", "it", "presented",
                             "described", "recently", "buyers", "owners", "in"))
"""Words a clause may open with that the listing's connective ", with" must not precede ("with again no lift", "with
the garden adds to the appeal", "with presented as spacious", "with it is secluded": a clause, not a noun)."""


_LEANING_CUES = ("without", "never", "nothing to do with")
LEANING = re.compile(rf"(?:{'|'.join(_LEANING_CUES)}) (?!again\b)", re.IGNORECASE)
"""A negation (a clause, or a form's template) that leans on the clause before it: "without a knit", "never a tankini",
"never large", "nothing to do with a refund" read as fragments alone or after a semicolon. A remark's own "never"
("never, twice over", "never again") stands as it was written."""


DISTRIBUTING = re.compile(rf"(?:{'|'.join((*_LEANING_CUES, 'denies'))}) (?!again\b)", re.IGNORECASE)
"""A negation a following "and" would extend to the next item: the leaning ones and a note's "denies" ("denies rash
and swelling to be reassessed" read as denying the swelling too). "Denies rash." stands as a sentence of its own."""


def prose(items: list[str]) -> str:
    """Follow-up clauses as one list in prose ("no X, no Y and still no Z"); a last one that brings its own
    conjunction ("and yes, X again") after a comma, not "and and yes"; a last one after a negation that leans on
    the clause before it ("without X") or a note's "denies X" after ", and" unless it is a negation of its own, so it
    is not read as negated too: "without balance problems, and tender abdomen was ruled out", not "without balance
    problems and tender abdomen was ruled out" (`DISTRIBUTING`)."""
    if first_word(items[-1]) in CONJUNCTIONS:
        return ", ".join(items)
    if len(items) > 1 and DISTRIBUTING.match(items[-2]) and first_word(items[-1]) not in ("no", "not", "never"):
        return ", ".join(items[:-1]) + ", and " + items[-1]
    return listing(items)


def join_clauses(joins: tuple[str, ...], clauses: list[str], u: float, within: bool = False) -> str:
    """The clauses of a sentence joined by one of a voice's connectives `joins` (a full stop starts a new sentence,
    unless `within`), then commas; a connective that would put a word twice in a row ("shower; shower came back",
    "and and yes") gives way to the next one of the voice, or to ", and then"."""
    options_of = [g for g in joins if not (within and g.endswith(". "))] or [", "]
    start = min(int(u * len(options_of)), len(options_of) - 1)
    glues = [*options_of[start:], *options_of[:start], ", and then "]
    out = capital(clauses[0])
    for k, clause in enumerate(clauses[1:]):
        first = first_word(clause)
        options = glues if k == 0 else [", ", *glues]
        if first in CONJUNCTIONS:  # "and yes, X again" brings its own: not "X, but and yes"
            options = [g for g in options if not WORD.search(g)] or [", "]
        if first in _NOT_AFTER_WITH or clause.lower().startswith("no longer"):
            # not "Offered with a loft, with again no lift", "It is quiet, with no longer quiet"
            options = [g for g in options if last_word(g) != "with"] or [", "]
        if len(WORD.findall(clause.lower())) <= 2 or (k == 0 and len(WORD.findall(out.lower())) <= 2) or (
                first in ("not", "never", "without", "no")):  # neither side a sentence of its own: "... a gale.
            # Not slashed.", "Someone fell. It got ...", "I was charged. Not dry at all.", "Returned. Without a gift.",
            # "It has been returned. No free trial."
            options = [g for g in options if not g.endswith(". ")] or [", "]
        if LEANING.match(clause):  # a negation that leans on the clause before it, after a comma: "I put hood
            # drawstring; without a knit", "trainers; never a tankini" read as fragments
            options = [g for g in options if ";" not in g] or [", "]
        if re.search(r"\bbut\b", out):  # one "but" a sentence: not "I would not ask, but ..., but ..."
            options = [g for g in options if last_word(g) != "but"] or [", "]
        glue = next((g for g in options if last_word(out + g) != first), options[-1])
        out += glue + (capital(clause) if glue.endswith(". ") else clause)
    return out


def pick(options: Sequence[str], u: float, used: set[str] | None = None) -> str:
    """The option `u` picks; with `used` (a document's main clauses so far), the next one not used yet, if any."""
    start = min(int(u * len(options)), len(options) - 1)
    if used is None:
        return options[start]
    return next((o for k in range(len(options)) if (o := options[(start + k) % len(options)]) not in used),
                options[start])


_QUESTION = re.compile(r"(?:^|(?<=[.!?] )|(?<=\n))((?:Did|Do|Does|Have|Has|Can|Could|Would|Will|Are|Is|How|What|Why"
                       r"|Where) you\b[^.?!\n()\-:;,\"]*)\.")


def asked(text: str) -> str:
    """`text` with a sentence that is a commenter's question alone ending in a question mark ("Did you get the
    bonus.", "Have you asked your nurse." in remarks before 2026-12-07); a question framing a clause ("Did you get
    the bonus - ...") is left as it is."""
    return _QUESTION.sub(r"\1?", text)
