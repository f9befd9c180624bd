"""Domain phrases of the text voices: the entities and numbers a kind of document carries, the sentences that set a
document in its domain, and the voice of each domain's documents.

A voice (`voices.py`) says how a note, a message or a listing is written; a domain's register (`registers.py`)
says what a person in that domain writes around the words that matter: an aircraft log entry opens with "Crew
report after sector 2 of 4" and closes with "P/N 3321-07 fitted, tested ok", a listing with a guide price and a
floor area, a commentary line with the minute and the score. These sentences are the same for every class (a
template holding a word of the rule's vocabulary is left out, `render._clear_of`), so they carry no signal; they
are where a document's context words are written, when one of them fits (a document whose context units hold
"crew" opens with a phrase that says "crew"), and context words no phrase fits are left out, never listed in a
bracket. Entity slots ({P} a part number, {PRICE} a price, {SCORE} a score ...) are filled from uniforms the
renderer draws from its own rng, so the files stay deterministic.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import fields, replace
from typing import Any

from sandmle_core.modalities.text.nouns import is_when
from sandmle_core.modalities.text.registers import REGISTERS
from sandmle_core.modalities.text.surface import WORD, capital, first_word, last_word, listing, pick, uncapital
from sandmle_core.modalities.text.voices import COMMENTARY, LISTING, MESSAGE, NEWS, NOTE, SYNOPSIS, Voice

__all__ = ["clear_of", "context_after", "context_phrase", "entities", "framed_sentences", "remark_places", "settings",
           "take_context", "template_words", "voice_for"]

_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = ("January", "March", "April", "May", "June", "July", "August", "September", "October", "November")
_STREETS = ("Mill Way", "Station Avenue", "Church Street", "Ash Lane", "Victoria Crescent", "Elm Grove",
            "Queens Avenue", "Hill Street", "Meadow Close", "King Street")
_CITIES = ("Lisbon", "Leeds", "Brussels", "Glasgow", "Lyon", "Dublin", "Turin", "Bristol")
_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
_PLANS = ("Flex", "Essentials", "Value", "Pay Monthly", "Premium")
_TYPES = ("semi-detached house", "terraced house", "flat", "detached house", "maisonette", "cottage")
_NUMBERS = ("two", "three", "four", "five")


def _pick(items: Sequence[str]) -> Callable[[float], str]:
    return lambda u: items[min(int(u * len(items)), len(items) - 1)]


def _digits(low: int, high: int, fmt: str = "{}") -> Callable[[float], str]:
    return lambda u: fmt.format(low + min(int(u * (high - low + 1)), high - low))


def _letters(k: int) -> Callable[[float], str]:
    return lambda u: "".join(_LETTERS[int(u * 23 ** (i + 1)) % 23] for i in range(k))


def _score(u: float) -> str:
    home, away = int(u * 3), int(u * 7) % 3
    return f"{home}-{away}"


_ENTITY: dict[str, Callable[[float], str]] = {
    "T": lambda u: f"{int(u * 24):02d}:{int(u * 240) % 12 * 5:02d}", "D": _pick(_DAYS), "N": _digits(2, 5),
    "E": _digits(1, 2), "M": _digits(2, 89), "SIDE": _pick(("L/H", "R/H")),
    "P": lambda u: f"{1000 + int(u * 8900)}-{int(u * 977) % 90 + 10}", "REF": _digits(10000, 99999),
    "ACC": _digits(1000, 9999), "SEAT": lambda u: f"{3 + int(u * 30)}{'ACDF'[int(u * 97) % 4]}",
    "REG": lambda u: "G-" + _letters(4)(u), "AGE": _digits(19, 88), "PAIN": _digits(3, 9), "CAT": _digits(2, 4),
    "BED": _digits(1, 14), "MC": _digits(3, 12), "SHIFT": _pick(("early", "late", "night")),
    "HOST": _digits(1100, 4899, "WS-{}"),
    "IP": lambda u: f"10.{int(u * 250)}.{int(u * 7919) % 250}.{int(u * 104729) % 250}",
    "AMT": lambda u: f"{10 + int(u * 480)}.{int(u * 9973) % 100:02d}", "HN": _digits(2, 148),
    "STREET": _pick(_STREETS), "ORD": _digits(100000, 999999, "#{}"), "MONTH": _pick(_MONTHS),
    "YRS": _digits(3, 15), "PLAN": _pick(_PLANS), "MPH": _pick(("20", "30", "40", "50", "60")),
    "PLATE": lambda u: f"{_letters(2)(u)}{10 + int(u * 60)} {_letters(3)(u * 0.7)}",
    "TRK": lambda u: f"JD{int(u * 10 ** 9):09d}", "CITY": _pick(_CITIES), "YEAR": _digits(1962, 2019),
    "BEDS": _pick(_NUMBERS), "TYPE": _pick(_TYPES), "AREA": _digits(48, 210), "PRICE": _digits(165, 895, "{},000"),
    "EPC": _pick(("B", "C", "D")), "SCORE": _score, "LEFT": _digits(3, 25), "RT": _digits(88, 142),
    "EPS": _digits(6, 10), "WEEK": _digits(2, 10), "STARS": _digits(2, 5), "MIN": _digits(5, 40),
}
"""Every entity slot and how a uniform fills it ("T" a time of day, "P" a part number, "PRICE" a guide price)."""

_KEYS = list(_ENTITY)
_SLOT = re.compile(r"\{([A-Z][A-Z0-9]*)\}")
_ANY_SLOT = re.compile(r"\{@?[\w ]+\}")  # a slot, or a template's kind tag ("{@not person place}": `kinds`)


def entities(template: str, u: Sequence[float]) -> str:
    """`template` with its entity slots filled, each kind of slot from its own uniform of `u` (so an opening and a
    closing tell the same score); other slots ({L}, {X}, {be} ...) are left for the sentence grammar."""
    def value(m: re.Match[str]) -> str:
        fill = _ENTITY.get(m.group(1))
        return m.group(0) if fill is None else fill(u[_KEYS.index(m.group(1)) % len(u)])

    return _SLOT.sub(value, template)


def _choose(options: tuple[str, ...], context: Sequence[str], u: float, chance: float, fit: float) -> str | None:
    """With probability `fit`, a phrase that says one of the document's context words (any phrase some of them
    fit), if there is one; else, with probability `chance`, any phrase; None when no phrase is written. The fitting
    phrases are preferred at most twice as often as a uniform choice would take them: one opening that held a common
    word ("Booked a weekend away with my husband") opened 180 of a slot's 400 documents before 2026-12-07."""
    fits = [o for o in options if set(context) & template_words((o,))]
    # the fitting phrases' whole share (their own part, then their place in the uniform rest of the chance) is at most
    # twice a uniform choice's, 2 * chance * share; from half the phrases fitting on, no uniform rest is left
    share = len(fits) / max(len(options), 1)
    fit = min(fit, chance * share / (1 - share) if share < 0.5 else 2 * chance * share)
    if fits and u < fit:
        return fits[min(int(u / fit * len(fits)), len(fits) - 1)]
    if not options or u >= chance:
        return None
    low = fit if fits else 0.0  # the rest of the chance picks among every phrase alike (it picked only the last
    # ones: with the first of three openings fitting at 0.23 of a 0.35 chance, the second was never written)
    return options[min(int((u - low) / (chance - low) * len(options)), len(options) - 1)]


_SETTINGS_FOR_FULL_CHANCE = 3
"""A voice writes an opening (a closing) at its full chance when it has at least this many to choose from; with
fewer (the others left out as holding the rule's signal words, `clear_of`) each is written no more often than one
of three would be: a 40-class card-fraud slot kept one of its three openings, "Dear team, I am writing about my card
ending 5121", and opened 146 of its 400 documents with it before 2026-12-07."""


def _share(options: tuple[str, ...]) -> float:
    return min(1.0, len(options) / _SETTINGS_FOR_FULL_CHANCE)


def settings(voice: Voice, context: Sequence[str], u: Sequence[float], empty: bool,
             bare: bool = False) -> tuple[str, str]:
    """A document's opening and closing sentences ("" when none): most documents have one of the two, fewer both
    (each is class-neutral wording, which a small training set would otherwise fit as noise); a setting that holds
    one of the document's `context` words is preferred; an `empty` document (no sentence of its own) always opens
    with one, a `bare` one (negations alone) with an opening when the voice has one. Uses u[0] and u[1] to choose,
    the rest for the entities."""
    opening = _choose(voice.opening, context, u[0], 1.0 if empty or bare else 0.35 * _share(voice.opening),
                      1.0 if empty else 0.0 if bare else 0.7)  # a bare document's: any of them alike
    rest = [w for w in context if w not in template_words((opening or "",))]
    closing = _choose(voice.closing, rest, u[1], (0.15 if opening else 0.5) * _share(voice.closing),
                      0.35 if opening else 0.8)
    if empty and opening is None:
        opening, closing = closing, None
    return tuple(entities(s, u[2:]) + "." if s else "" for s in (opening, closing))  # type: ignore[return-value]


_VOICES = (("commentary", COMMENTARY), ("listing", LISTING), ("synopsis", SYNOPSIS), ("article", NEWS),
           ("news", NEWS))
"""A word of a document's description that picks a voice of its own, in this order."""

_MESSAGE_WORDS = ("message", "chat", "complaint", "post", "review", "ticket", "comment", "contact", "email",
                  "policyholder", "resident")
"""Words of a document's description that make it a message (first person) rather than a note."""


def voice_for(document: str) -> Voice:
    """The voice of a domain's documents, from the description of its text column ("a message a patient sends
    ..."), with the register of the domain whose description it is, if any (its own main clauses, negations,
    re-mentions and settings)."""
    words = set(re.findall(r"[a-z]+", document.lower()))
    voice = next((voice for word, voice in _VOICES if word in words), None)
    if voice is None:
        voice = MESSAGE if words & set(_MESSAGE_WORDS) else NOTE
    register = next((r for key, r in REGISTERS if key in document.lower()), None)
    return replace(voice, **register) if register else voice


def context_phrase(voice: Voice, context: list[str], listed: bool = False) -> str:
    """A sentence's context words as its frame writes them: in a voice with typed slots one noun phrase ("the ball,
    attack and box", not a bare "ball, attack, box"); in the remarks a list with commas (or `listed`, with "and")."""
    if voice.states:  # a note's telegraphic style takes no "the": "(re crew and flight)"
        return ("the " if voice.articles else "") + listing(context)
    return listing(context) if listed else ", ".join(context)


def context_after(voice: Voice, typed: bool, sentences: list[str], carry: list[str], max_context: int) -> None:
    """Context words left after a document's last sentence (in a voice without settings): an aside to that sentence
    if it stays short (in place, on `sentences`)."""
    last = sentences[-1]
    fresh = [w for w in carry if w not in last.lower()][:max_context - 1]
    if fresh and not last.endswith(").") and len(fresh) + last.count(", ") < 2 * max_context:
        tail = voice.places[0] if typed else "{S} ({c})"  # a typed voice's own frame: "(re the crew)"
        sentences[-1] = tail.format(S=last[:-1], c=context_phrase(voice, fresh), C="") + "."


_OPTIONAL = frozenset(("echo", "opening", "closing"))
"""Templates a voice may go without: when all of them hold a signal word, none is written (a setting or a
re-mention is left out), where a main clause's templates are all kept."""

def clear_of(voice: Voice, vocabulary: set[str]) -> Voice:
    """The voice without the templates whose own words are (parts of) signal words of the rule: a template must not
    add a class's word to every document ("I want to report X" where "report" signals test results). A slot whose
    templates all collide keeps them all."""

    def keep(name: str, templates: tuple[str, ...]) -> tuple[str, ...]:
        clear = tuple(t for t in templates if not template_words((t,)) & vocabulary)
        return clear or (() if name in _OPTIONAL else templates)

    return replace(voice, **{f.name: keep(f.name, getattr(voice, f.name)) for f in fields(voice)
                             if isinstance(getattr(voice, f.name), tuple)})


def template_words(templates: Sequence[str]) -> set[str]:
    """The words templates write themselves (their slots left out)."""
    return {w for t in templates for w in WORD.findall(_ANY_SLOT.sub(" ", t).lower())}


def framed_sentences(voice: Voice, sentences: list[str], setting: list[str], doc_u: list[float],
                     bare: bool = False) -> list[str]:
    """A document's sentences between its opening and closing (`phrases.settings`); a setting that would put a word
    twice in a row ("... asked me to report this. This is about ...") is left out. A `bare` document (negations
    alone: "No snow line included.") opens with a setting as an empty one does."""
    opening, closing = settings(voice, setting, doc_u, not sentences, bare)
    if sentences and opening and last_word(opening) == first_word(sentences[0]):
        opening = ""
    if sentences and closing and first_word(closing) == last_word(sentences[-1]):
        closing = ""
    return [t for t in (opening, *sentences, closing) if t]


_DETERMINERS = frozenset(("the", "my", "our", "your", "this", "their", "his", "her"))
"""A context phrase that opens with one of these names a thing ("the match", "my plan"): alone, it takes an aside."""


def remark_places(voice: Voice, context: list[str], text: str, u: float) -> str:
    """A remark's sentence `text` with its context phrases: alone, each a sentence of its own, a thing in one of the
    voice's asides ("Not sure about the match. Fair point"); with a clause, the first framing it ("The match: ...",
    "The match - ...") and the second in an aside ("... (the lineup)"), or the only one in any of the voice's places."""
    if not text:
        first = int(u * len(voice.aside))  # two asides in a row are not alike ("So, the match. So, the derby")
        return ". ".join(capital(voice.aside[(first + k) % len(voice.aside)].format(C=capital(c), c=c))
                         if c.split(" ", 1)[0].lower() in _DETERMINERS else capital(c) for k, c in enumerate(context))
    if len(context) == 1:
        place = pick(voice.places, u)
        return place.format(C=capital(context[0]), c=context[0], S=text if place.startswith("{S}") else uncapital(text))
    frame = pick(tuple(p for p in voice.places if not p.startswith("{S}")), u)
    return frame.format(C=capital(context[0]), S=uncapital(text)) + f" ({context[1]})"


def take_context(units: Any, unit: int, setting: list[str] | None, context: list[str], framed: set[str]) -> None:
    """A context unit of `units` (`render`'s table of a sample's units): kept for a framed document's settings
    (`setting`), or for this sentence's frame (`context`), or left out: a word that is not a noun ("denies",
    "thanks") or is a number or a time ("two", "week") carries no signal and reads as noise in a frame ("On two, week,
    tuesday: ..."); a word the templates use themselves ("again", "noted") would double up; a word already `framed`
    is framed once."""
    word = units.shown[unit]
    if not units.nouns[unit] or (units.typed and is_when(units.texts[unit])):
        return
    if setting is not None:
        setting += [] if word in setting else [word]
    elif (word not in context and word not in units.own_words and len(context) < units.max_context
          and word not in framed):
        context.append(word)
