"""The surface of a rendered document: words, listings, capitals and the check for a word or phrase said three or
more times in a row (`render.py` writes the documents; the realism checks count with the same patterns)."""

from __future__ import annotations

import re

__all__ = ["WORD", "capital", "first_word", "listing", "no_triples", "repeated_phrase", "triple_repeats",
           "uncapital"]

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


def uncapital(text: str) -> str:
    """The text as it reads after an opener or a context phrase ("I" stays upper case)."""
    return text if text.startswith("I ") else text[:1].lower() + text[1:]
