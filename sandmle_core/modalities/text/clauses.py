"""The clauses a document's words take besides its main clause: a negation, a re-mention, a word that is not a noun.

`render` writes each sentence's main clause from its voice's templates; the forms here say the rest: how a voice with
typed slots negates a word that is not a noun ("not lazy", not "no lazy"), an inflected verb ("nobody comes on") or a
key that holds its own negation (its opposite: "recognised after all"); how a unit that comes back is re-mentioned,
once, with how often ("X came up twice more"), never in the same words as its last re-mention; and which of the
voice's clauses a non-noun word of each class takes (`wordclass`). Only the wording depends on this module.

Imports: the text package's voices and word classes only.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sandmle_core.modalities.text.voices import Voice
from sandmle_core.modalities.text.wordclass import ACTION, FEELING, FINITE, MANNER, PARTICIPLE, STATE

__all__ = ["AFFIRMED", "FINITE_NEGATED", "NOT_NOUN_NEGATED", "again_clauses", "be", "clauses_of", "form", "last_word"]

_WORD = re.compile(r"[a-z0-9']+")

NOT_NOUN_NEGATED = ("not {X}", "never {X}", "not {X} at all")
_NOT_NOUN_AGAIN = ("{X} again", "{X} once more")
_NOT_NOUN_AGAIN_NEGATED = ("still not {X}", "not {X} again")
_NOT_NOUN_REPEATED = ("{X} again, {n} more",)
"""How a voice with typed slots negates and re-mentions a word that is not a noun ("not lazy", not "no lazy")."""
FINITE_NEGATED = ("nobody {X}", "no one {X}")
_FINITE_AGAIN_NEGATED = ("still nobody {X}",)
"""An inflected verb's negation has a subject ("nobody comes on", not "not comes on")."""
AFFIRMED = ("{X} after all", "{X} in the end")
AFFIRMED_AGAIN_X = ("{X} after all, again",)
"""How a key that holds its own negation ("not recognised", "never came") is negated: by its opposite."""

_TIMES = {2: "twice", 3: "three times", 4: "four times"}
"""How often a word came up again within one sentence ({n}); more than four is "many times"."""


def be(items: list[str]) -> str:
    """The verb that agrees with a list of words: "were" for two or more, or one that reads as a plural ("sea
    views", "bond yields"; not "whiplash", "glass", "virus", "analysis")."""
    if len(items) != 1:
        return "were"
    last = items[0].split(" ")[-1]
    return "were" if last.endswith("s") and not last.endswith(("ss", "us", "is", "ous")) else "was"


def last_word(text: str) -> str:
    words = _WORD.findall(text.lower())
    return words[-1] if words else ""


def form(options: Sequence[str], u: float, word: str, before: str, avoid: str = "", n: str = "") -> str:
    """The option picked by `u`, written for `word` — or the next one that does not start with the word `before`
    ends with ("no fracture again, again no fracture", "knee. Knee again" read as stutters) and is not `avoid` (the
    word's last re-mention: "more acl ... more acl" read as a loop)."""
    start = min(int(u * len(options)), len(options) - 1)
    last = last_word(before)
    written = [options[(start + k) % len(options)].format(X=word, be=be([word]), n=n) for k in range(len(options))]
    for text in written:
        if _WORD.findall(text.lower())[:1] != [last] and text != avoid:
            return text
    return next((text for text in written if text != avoid), written[0])


def again_clauses(voice: Voice, mentions: list[tuple[int, bool, str, float]], before: str, said: dict[int, str],
           nouns: Sequence[bool] = (), returns: dict[int, int] | None = None,
           affirmed: frozenset[int] = frozenset(), finite: frozenset[int] = frozenset()) -> list[str]:
    """The re-mention clauses of one sentence: one per distinct unit, in order of first mention. A unit said once
    takes a form unlike its last re-mention (`said`, updated here); one said two or more times (in this sentence, or
    in the document: `returns`) is written once with how often ("X came up twice more"); an `affirmed` unit (a
    negated key that holds its own negation) as its opposite again, a negated `finite` verb with "nobody"."""
    counts: dict[int, int] = {}
    for unit, _, _, _ in mentions:
        counts[unit] = counts.get(unit, 0) + 1
    for unit in counts:
        counts[unit] = max(counts[unit], (returns or {}).get(unit, 0))
    clauses: list[str] = []
    for unit, negated, word, u in mentions:
        if unit not in counts:
            continue  # already written with its count
        times = counts.pop(unit)
        if unit in affirmed:
            forms = AFFIRMED_AGAIN_X
        elif negated and finite and unit in finite:
            forms = _FINITE_AGAIN_NEGATED
        elif nouns and not nouns[unit]:
            forms = _NOT_NOUN_AGAIN_NEGATED if negated else _NOT_NOUN_REPEATED if times > 1 else _NOT_NOUN_AGAIN
        else:
            forms = voice.again_negated if negated else voice.repeated if times > 1 else voice.again
        text = form(forms, u, word, clauses[-1] if clauses else before, said.get(unit, ""),
                     _TIMES.get(times, "many times"))
        said[unit] = text
        clauses.append(text)
    return clauses


def clauses_of(voice: Voice, cls: str) -> tuple[str, ...]:
    """The voice's clauses for a word of class `cls` that is not a noun."""
    clauses = {STATE: voice.states, PARTICIPLE: voice.participles, FEELING: voice.feelings, ACTION: voice.actions,
               FINITE: voice.finite, MANNER: voice.manners}[cls]
    return clauses or voice.states
