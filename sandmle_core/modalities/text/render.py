"""Rendering token units as a document: short free-text notes built from sentence templates, not a list of tokens.

The hidden model (`TextRule`) and its exact posterior work on token units; this module only decides how a unit
sequence reads. Units are cut into sentences (`sentence_range` units each, as before) and every sentence is written
from a template with slots:

- own, confuser and distractor words ("signal") fill the slots of a template ("Noticed X after Y", "Y and Z
  reported", "X logged at 14:05"), verbatim, so bag-of-words models still see them;
- a negated word keeps a negation cue next to it ("no X", "not X", "without X", "X ruled out"), so a word bigram
  still tells it from the word itself;
- a unit already seen earlier in the document (a Polya-urn copy, or a fresh draw of the same word) is re-mentioned in
  a trailing clause of its sentence ("X again", "still no X"), not as a run of copies;
- function words ("the", "and", "by" ...) are absorbed by the templates, which bring their own; the domain's other
  common words are kept as a short context phrase ("Patient, yesterday: ..."), at most three per sentence.

The templates come in two voices, picked from the description of the text column: notes (triage notes, log entries,
alert summaries, listings) and first-person messages (portal messages, chats, posts, reviews, tickets). A template
whose own words are part of the rule's signal vocabulary is left out, so wording never adds a class's word to every
document. Vocabulary keys read as words (underscores become spaces); no word is repeated three or more times in a
row, and a clause never starts with the word the text before it ends with ("knee. Knee again"). Every choice comes
from the rng handed in (the synthesizer's own "text-render" stream), so the unit draws, the oracle and the files stay
deterministic.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from sandmle_core.modalities.text.drafter import FILLER_WORDS

__all__ = ["FUNCTION_WORDS", "MESSAGE", "NOTE", "REMARK", "Voice", "render_documents", "triple_repeats", "voice_for"]

FUNCTION_WORDS = frozenset(FILLER_WORDS) | frozenset((
    "a", "an", "any", "also", "around", "as", "been", "but", "by", "can", "could", "do", "does", "from", "had", "has",
    "have", "he", "her", "here", "his", "how", "i", "into", "is", "it", "its", "just", "more", "must", "my", "or",
    "other", "our", "really", "she", "so", "still", "than", "their", "there", "they", "too", "very", "was", "we",
    "well", "what", "when", "who", "why", "would", "you",
))
"""Common words a template absorbs (it brings its own function words): never printed on their own."""

# unit kinds
_FUNCTION, _CONTEXT, _SIGNAL, _NEGATED = 0, 1, 2, 3


@dataclass(frozen=True)
class Voice:
    """The sentence templates of one kind of document.

    Attributes:
        name: "note" (notes, log entries, summaries, write-ups, listings) or "message" (messages, posts, reviews,
            complaints, tickets: written in the first person).
        one: templates of a sentence's main clause; {L} lists its signal words, {T} is a time of day, {N} a small
            number.
        many: templates that need two or more signal words: {A} the first, {R} the others as a list.
        negated: a negated word, always with its cue ("no", "not", "without", "never", "ruled out") next to it;
            four in seven start with "no" (listed twice), so a word bigram can still learn the negation from a
            few hundred documents.
        again, again_negated: a re-mention of a word (or a negated word) already written earlier in the document.
        places: where a sentence's context words go: {C}/{c} the context phrase (capitalised or not), {S} the rest.
        list_context: context units are phrases ("the breakfast", "last season"), always listed with commas.
    """

    name: str
    one: tuple[str, ...]
    many: tuple[str, ...]
    negated: tuple[str, ...]
    again: tuple[str, ...]
    again_negated: tuple[str, ...]
    places: tuple[str, ...]
    list_context: bool = False


NOTE = Voice(
    name="note",
    one=("{L} noted", "Reported {L}", "{L} reported", "{L} observed", "Signs of {L}", "Mentions {L}", "{L} flagged",
         "Seen: {L}", "{L} at {T}", "{L} logged at {T}", "{N} separate reports of {L}", "Noticed {L}",
         "Main issue: {L}", "{L} came up", "Looked into {L}"),
    many=("Noticed {A} after {R}", "{A} first, then {R}", "{A} was reported along with {R}", "{A}, followed by {R}",
          "{R} noted, {A} flagged", "Started with {A}; {R} followed"),
    negated=("no {X}", "no {X}", "no {X} seen", "no {X} seen", "not {X}", "without {X}", "{X} ruled out"),
    again=("{X} again", "{X} once more", "{X} seen again", "{X} mentioned again", "more {X}", "again {X}",
           "further {X}"),
    again_negated=("still no {X}", "no {X} again", "again no {X}"),
    places=("{C}: {S}", "{S} ({c})", "{C} - {S}"),
)

MESSAGE = Voice(
    name="message",
    one=("Writing about {L}", "Question about {L}", "My problem is {L}", "There is an issue with {L}",
         "It is about {L}", "Regarding {L}", "I noticed {L}", "Since {T} there has been {L}", "This is about {L}",
         "{N} times now: {L}", "Please help with {L}", "I want to report {L}", "Mainly {L}"),
    many=("First {A}, then {R}", "I noticed {A} and then {R}", "{A}, and also {R}", "{A}, plus {R}",
          "It started with {A}, now {R}"),
    negated=("no {X}", "no {X}", "no {X} though", "no {X} though", "not {X}", "without {X}", "never {X}"),
    again=("{X} again", "again {X}", "{X} once more", "{X}, as I said", "more {X}"),
    again_negated=("still no {X}", "no {X} again", "again no {X}"),
    places=("{C} - {S}", "{S} ({c})", "{C}. {S}"),
)

REMARK = Voice(
    name="remark",
    one=("{L}", "{L}, frankly", "Honestly, {L}", "Seriously, {L}", "Well, {L}", "{L}, plain and simple"),
    many=("{A}, and {R}", "{A}, then {R}", "First {A}, then {R}", "{A}; also {R}"),
    negated=("no {X}", "no {X}", "no {X} this time", "never {X}", "not {X}", "nothing like {X}"),
    again=("{X} again", "and again, {X}", "{X}, once more", "again {X}"),
    again_negated=("still no {X}", "again no {X}"),
    places=("{C}: {S}", "{C} - {S}", "{S} ({c})"),
    list_context=True,
)
"""The voice of a multi-label document (a comment, a review, a report) whose units are whole phrases ("you
absolute clown", "stained sheets", "the breakfast"): its templates add little, the phrases carry the meaning."""

_MESSAGE_WORDS = ("message", "chat", "complaint", "post", "review", "ticket", "comment", "contact", "email")
"""Words of a document's description that make it a message (first person) rather than a note."""


def voice_for(document: str) -> Voice:
    """The voice of a domain's documents, from the description of its text column ("a message a patient sends ...")."""
    words = set(re.findall(r"[a-z]+", document.lower()))
    return MESSAGE if words & set(_MESSAGE_WORDS) else NOTE


_MAX_CONTEXT = 3
"""At most this many distinct context words per sentence (more would read as a list again; they carry no signal)."""

_EMPTY = "Nothing further to add"
"""The sentence of a document whose units are all function words."""

_WORD = re.compile(r"[a-z0-9']+")


def _clear_of(voice: Voice, vocabulary: set[str]) -> Voice:
    """The voice without the templates whose own words are (parts of) signal words of the rule: a template must not
    add a class's word to every document ("I want to report X" where "report" signals test results). A slot whose
    templates all collide keeps them all."""

    def keep(templates: tuple[str, ...]) -> tuple[str, ...]:
        clear = tuple(t for t in templates if not _template_words((t,)) & vocabulary)
        return clear or templates

    return replace(voice, one=keep(voice.one), many=keep(voice.many), negated=keep(voice.negated),
                   again=keep(voice.again), again_negated=keep(voice.again_negated), places=keep(voice.places))


def _template_words(templates: Sequence[str]) -> set[str]:
    """The words templates write themselves (their slots left out)."""
    return {w for t in templates for w in _WORD.findall(re.sub(r"\{\w\}", " ", t).lower())}


def triple_repeats(text: str) -> int:
    """How many times a word (case-insensitive, punctuation ignored) follows two copies of itself in `text`."""
    words = _WORD.findall(text.lower())
    return sum(1 for i in range(2, len(words)) if words[i] == words[i - 1] == words[i - 2])


def _unit_kinds(texts: Sequence[str], n_common: int) -> list[int]:
    """The kind of every unit: common units are function or context words, then signal words, then negations."""
    kinds = []
    for i, text in enumerate(texts):
        if i < n_common:
            kinds.append(_FUNCTION if text in FUNCTION_WORDS else _CONTEXT)
        else:
            kinds.append(_NEGATED if " " in text else _SIGNAL)
    return kinds


def _listing(items: list[str]) -> str:
    """"a", "a and b", "a, b and c"."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _pick(options: Sequence[str], u: float) -> str:
    return options[min(int(u * len(options)), len(options) - 1)]


def _last_word(text: str) -> str:
    words = _WORD.findall(text.lower())
    return words[-1] if words else ""


def _form(options: Sequence[str], u: float, word: str, before: str) -> str:
    """The option picked by `u`, written for `word` — or the next one that does not start with the word `before`
    ends with ("no fracture again, again no fracture", "knee. Knee again" read as stutters)."""
    start = min(int(u * len(options)), len(options) - 1)
    last = _last_word(before)
    for k in range(len(options)):
        text = options[(start + k) % len(options)].format(X=word)
        if _WORD.findall(text.lower())[:1] != [last]:
            return text
    return options[start].format(X=word)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _no_triples(text: str) -> str:
    """Break any run of three equal words (case-insensitive) by a connective: the renderer's last safety net."""
    if not triple_repeats(text):
        return text
    out: list[str] = []
    last: list[str] = []  # the words written so far, lowercased
    for token in text.split(" "):
        words = _WORD.findall(token.lower())
        if words and len(last) >= 2 and last[-1] == last[-2] == words[0]:
            connective = "then" if words[0] == "and" else "and"
            out.append(connective)
            last.append(connective)
        out.append(token)
        last.extend(words)
    return " ".join(out)


def _sentence(voice: Voice, signal: list[str], negated: list[str], again: list[str], context: list[str],
              u: list[float]) -> str:
    """One sentence from its parts and four uniforms: the main clause from a template, negations and re-mentions
    as trailing clauses, the context words placed around it. Returns "" when there is nothing to say."""
    clauses = []
    if signal:
        many = len(signal) >= 2 and u[0] < 0.4
        template = _pick(voice.many if many else voice.one, u[1])
        time = f"{int(u[2] * 24):02d}:{int(u[3] * 12) * 5:02d}"
        clauses.append(template.format(L=_listing(signal), A=signal[0], R=_listing(signal[1:]) if many else "",
                                       T=time, N=2 + int(u[2] * 4)))
    if negated:
        clauses.append(", ".join(negated))
    if again:
        clauses.append(", ".join(again))
    if not clauses:
        return _capital((", " if voice.list_context else " ").join(context)) if context else ""
    body = _capital(clauses[0]) + "".join(("; " if u[3] < 0.5 else ", ") + c for c in clauses[1:])
    if not context:
        return body
    phrase = ", ".join(context) if voice.list_context or u[0] < 0.3 else " ".join(context)
    place = _pick(voice.places, u[3])
    if ":" in body and ":" in place:  # one colon per sentence ("Seen: X" already has one)
        place = "{S} ({c})"
    if place.startswith("{C} ") or place.startswith("{C}:"):  # the context phrase opens the sentence
        body = body[:1].lower() + body[1:] if not body.startswith("I ") else body
    return place.format(C=_capital(phrase), c=phrase, S=body)


def render_documents(texts: Sequence[str], n_common: int, units: np.ndarray, lengths: np.ndarray,
                     sentence_range: tuple[int, int], rng: np.random.Generator, voice: Voice = NOTE) -> list[str]:
    """The documents of a sample as text.

    Args:
        texts: the unit strings (common words, then signal words, then "no <word>" negations), as in the model.
        n_common: how many of `texts` are common words.
        units: the unit indices of all documents, flat in document order.
        lengths: units per document.
        sentence_range: (min, max) units per sentence.
        rng: the render stream; it is the only source of the choices made here.
        voice: the templates (`voice_for` the text column's description).
    """
    n = len(lengths)
    kinds = _unit_kinds(texts, n_common)
    voice = _clear_of(voice, {part for t in texts[n_common:] if " " not in t for part in t.split("_")})
    own_words = _template_words((*voice.one, *voice.many, *voice.negated, *voice.again, *voice.again_negated,
                                 *voice.places))
    shown = [t.split(" ", 1)[-1].replace("_", " ") for t in texts]  # the word of a unit (without its "no")
    s_low, s_high = sentence_range
    per_doc = int(lengths.max(initial=1) // s_low) + 2
    cuts = np.cumsum(rng.integers(s_low, s_high + 1, size=(n, per_doc)), axis=1).tolist()
    sentence_u = rng.random((n, per_doc, 4)).tolist()
    unit_u = rng.random(len(units)).tolist()
    flat = units.tolist()
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64).tolist()
    documents = []
    for d in range(n):
        begin, length = starts[d], int(lengths[d])
        seen: set[int] = set()
        sentences: list[str] = []
        bounds = [0, *[c for c in cuts[d] if c < length], length]
        for s in range(len(bounds) - 1):
            signal: list[str] = []
            negated: list[str] = []
            again: list[str] = []
            context: list[str] = []
            for i in range(begin + bounds[s], begin + bounds[s + 1]):
                unit, kind, word = flat[i], kinds[flat[i]], shown[flat[i]]
                if kind == _FUNCTION:
                    continue
                if kind == _CONTEXT:  # a word the templates use themselves ("again", "noted") would double up
                    if word not in context and word not in own_words and len(context) < _MAX_CONTEXT:
                        context.append(word)
                    continue
                before = (negated or signal or sentences or [""])[-1]  # the text the new item will follow
                if unit in seen:
                    forms = voice.again_negated if kind == _NEGATED else voice.again
                    again.append(_form(forms, unit_u[i], word, again[-1] if again else before))
                elif kind == _NEGATED:
                    negated.append(_form(voice.negated, unit_u[i], word, before))
                else:
                    signal.append(word)
                seen.add(unit)
            if sentences and context:  # not "... (alert). Alert: ..."
                context = [w for w in context if w != _last_word(sentences[-1])]
            if not (signal or negated or again) and 0 < len(context) < _MAX_CONTEXT and sentences:
                last = sentences[-1]  # a word or two of context: an aside to the last sentence, if it stays short
                fresh = [w for w in context if w not in last.lower()]
                held = last[last.rfind("(") + 1:-2].split() if last.endswith(").") else []
                if len(held) + len(fresh) <= _MAX_CONTEXT + 1:
                    if fresh:
                        aside = ", ".join(fresh)
                        sentences[-1] = f"{last[:-2]}, {aside})." if held else f"{last[:-1]} ({aside})."
                    continue
            sentence = _sentence(voice, signal, negated, again, context, sentence_u[d][min(s, per_doc - 1)])
            if sentence:
                sentences.append(sentence + ".")
        documents.append(_no_triples(" ".join(sentences) if sentences else _EMPTY + "."))
    return documents
