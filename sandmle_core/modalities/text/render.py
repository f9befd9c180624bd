"""Rendering token units as a document: notes and messages written by a small sentence grammar, not token lists.

The hidden model (`TextRule`) and its exact posterior work on token units; this module only decides how a unit
sequence reads. Units are cut into sentences (`sentence_range` units each) and every sentence is written from the
templates of its voice (`voices.py`: notes, first-person messages, remarks):

- own, confuser and distractor words ("signal") fill the slots of a main clause ("{L} was reported at {T}", "Noticed
  {A} after {R}"), verbatim, so bag-of-words models still see them; the verb agrees with them ("sea views were
  noted"); words of kinds no clause holds together take one clause per kind ("Would suit a family; offered with X");
- a negated word keeps a negation cue next to it ("no X", "not X", "without X", "there was no X"), so a word bigram
  still tells it from the word itself; a typed document's opening negations follow its first main clause;
- a unit already seen earlier in the document (a Polya-urn copy, or a fresh draw of the same word) is, in a typed
  voice, a noun used once more in a fresh clause of the voice's `echo` ("tyre rechecked after rectification", "the
  warranty is what worries me"), never a statement about how often it came up ("X came up three more times", "still
  no X"); later returns, and the returns of negations and non-nouns, are left out; the remarks re-mention as before;
- clauses are joined by the voice's connectives ("; also", ", but"), and some sentences open with one ("Later,");
- a signal word that is not a noun (`wordclass`: "lazy", "bounced", "repay", "hopefully") never fills a noun's slot:
  it gets a clause of its own from the voice ("I am grateful", "it was bounced", "I would like to repay it": a verb
  with its object), and its negation and re-mentions are "not lazy", "will not repay it", "still lazy", "repay it
  again" (not "no lazy", "more lazy"); a key that holds its own negation ("not recognised", "no service") is negated
  by saying the opposite ("recognised after all"), not "never not recognised";
- in a voice with `articles`, a singular countable noun takes "a"/"an" ("there is a contract", `nouns.with_article`);
- function words ("the", "and", "by" ...) are absorbed by the templates, which bring their own; in a voice with a
  domain register (`registers.py`) the domain's other common words are written in the document's opening or closing
  sentence when one of them fits ("Crew report after sector 2 of 4", `phrases.settings`) and left out otherwise;
  elsewhere they are kept, when they are nouns, as a short context phrase in a frame ("On the crew and flight: ...";
  the remarks keep "(crew, flight)"), at most three per sentence, numbers and times left out, and a document of
  context words alone is written as a sentence of the voice ("Asking about town"), never as a bare list.

A template whose own words are part of the rule's signal vocabulary is left out, so wording never adds a class's
word to every document. Vocabulary keys read as words (underscores become spaces); no word is repeated three or more
times in a row, and a clause never starts with the word the text before it ends with ("knee. Knee again"). Every
choice comes from the rng handed in (the synthesizer's own "text-render" stream), so the unit draws, the oracle and
the files stay deterministic.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields

import numpy as np

from sandmle_core.modalities.text.adverbs import own_class
from sandmle_core.modalities.text.clauses import (
    OPPOSITES,
    again_clauses,
    agreement,
    be,
    changed_forms,
    described_clauses,
    form,
    negated_forms,
    shown_word,
    unsaid,
    with_subject,
)
from sandmle_core.modalities.text.drafter import FILLER_WORDS
from sandmle_core.modalities.text.kinds import fits, fitting, noun_kind, untag
from sandmle_core.modalities.text.nouns import definite, says, takes_no_determiner, with_article
from sandmle_core.modalities.text.phrases import clear_of as _clear_of
from sandmle_core.modalities.text.phrases import (
    context_after,
    context_phrase,
    entities,
    framed_sentences,
    remark_places,
    take_context,
    template_words,
    voice_for,
)
from sandmle_core.modalities.text.surface import (
    CONJUNCTIONS,
    WORD,
    asked,
    capital,
    first_word,
    join_clauses,
    last_word,
    listing,
    no_triples,
    pick,
    prose,
    repeated_phrase,
    triple_repeats,
    uncapital,
)
from sandmle_core.modalities.text.voices import LINKING, MESSAGE, NOTE, REMARK, Voice
from sandmle_core.modalities.text.wordclass import ACTION, FINITE, NOUN, word_class

__all__ = ["FUNCTION_WORDS", "MESSAGE", "NOTE", "REMARK", "Voice", "render_documents", "repeated_phrase",
           "triple_repeats", "voice_for"]

FUNCTION_WORDS = frozenset(FILLER_WORDS) | frozenset((
    "a", "an", "any", "also", "around", "as", "been", "but", "by", "can", "could", "do", "does", "from", "had", "has",
    "have", "he", "her", "here", "his", "how", "i", "into", "is", "it", "its", "just", "more", "must", "my", "or",
    "other", "our", "really", "she", "so", "still", "than", "their", "there", "they", "too", "very", "was", "we",
    "well", "what", "when", "who", "why", "would", "you",
))
"""Common words a template absorbs (it brings its own function words): never printed on their own."""

# unit kinds
_FUNCTION, _CONTEXT, _SIGNAL, _NEGATED = 0, 1, 2, 3

_MAX_CONTEXT = 3
"""At most this many distinct context words per sentence (more would read as a list again; they carry no signal)."""

_MAX_FRAMES = 1
"""At most this many sentences of a typed voice's document frame context words; later ones are left out (they carry
no signal, and "(about the check) ... (about the date) ... (regarding the charge)" reads as a loop)."""

_MERGE_WORDS = 12
"""A sentence without a main clause (only negations and re-mentions) joins the sentence before it when that one is
shorter than this many words: "No sea views." alone reads as a fragment."""

_EMPTY = "Nothing further to add"  # the sentence of a document whose units are all function words

_OWN_NEGATIONS = ("not_", "never_", "no_", "cannot_")
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
def _unit_kinds(texts: Sequence[str], n_common: int) -> list[int]:
    """The kind of every unit: common units are function or context words, then signal words, then negations."""
    kinds = []
    for i, text in enumerate(texts):
        if i < n_common:
            kinds.append(_FUNCTION if text in FUNCTION_WORDS else _CONTEXT)
        else:
            kinds.append(_NEGATED if " " in text else _SIGNAL)
    return kinds


def _fits(templates: Sequence[str], kinds: Sequence[str]) -> bool:
    """Whether one of a voice's main clauses (`Voice.one`, `Voice.many`) fits words of all these `kinds`."""
    return any(all(fits(t, k) for k in kinds) for t in templates)


def _main_clauses(voice: Voice, signal: list[str], kinds: Sequence[str], u: list[float], used: set | None) -> list:
    """The sentence's nouns in one main clause, or one per kind ("Would suit a family; offered with a nursery", not "A
    family, plus a nursery") when no clause of the voice holds all their kinds and one holds each."""
    groups = {k: [w for w, k2 in zip(signal, kinds, strict=True) if k2 == k] for k in dict.fromkeys(kinds)}
    if len(groups) < 2 or _fits(voice.one, kinds) or not all(_fits(voice.one, [k]) for k in groups):
        return [_main_clause(voice, signal, kinds, u, used)] if signal else []
    mains = [_main_clause(voice, words, [k] * len(words), u, used) for k, words in groups.items()]
    return ["; ".join([mains[0], *map(uncapital, mains[1:])])]


def _main_clause(voice: Voice, signal: list[str], kinds: Sequence[str], u: list[float], used: set[str] | None) -> str:
    """The main clause of nouns of `kinds`: a template of the voice that fits them, not one used before."""
    many = len(signal) >= 2 and ((u[0] < 0.4 and _fits(voice.many, kinds)) or not _fits(voice.one, kinds))
    template = pick(fitting(voice.many if many else voice.one, kinds), u[1], used)
    if used is not None:
        used.add(template)
    rest = signal[1:] if many else []
    return entities(untag(template), u[2:]).format(
        L=listing(signal), DL=listing([definite(w) for w in signal]), A=signal[0], R=listing(rest) if rest else "",
        T=f"{int(u[2] * 24):02d}:{int(u[3] * 12) * 5:02d}", N=2 + int(u[2] * 4), D=_DAYS[int(u[2] * 7) % 7],
        M=1 + int(u[3] * 90), Rbe=be(rest), **agreement(signal[:1] if many else signal))


def _sentence(voice: Voice, signal: list[str], negated: list[str], again: list[str], context: list[str],
              u: list[float], after: str, described: Sequence[str] = (), used: set[str] | None = None,
              kinds: Sequence[str] = ()) -> str:
    """One sentence from its parts and six uniforms: the main clause from a template, negations and re-mentions as
    follow-up clauses, the context words placed around it, maybe an opener (never in a first sentence; always when
    the sentence would start with the word the one before it, `after`, ends with). Returns "" when there is nothing
    to say. Main clauses fit their words' `kinds` (`_main_clauses`: not "Can anyone explain a hospital")."""
    clauses = _main_clauses(voice, signal, kinds, u, used)
    clauses += described  # the words that are not nouns, each in a clause of its own ("I am grateful")
    if voice.states and (negated or again):  # one clause in prose, "no X and still no Y": a list of verbless
        clauses.append(prose(negated + again))  # fragments ("no X, again no Y, Z came up") read as notes
    else:
        clauses += [", ".join(part) for part in (negated, again) if part]
    if not clauses and voice.list_context:
        return remark_places(voice, context, "", u[1]) if context else ""
    if not clauses:
        return pick(voice.aside, u[1]).format(C=capital(", ".join(context)), c=context_phrase(voice, context, True)) \
            if context else ""
    text = join_clauses(voice.joins, clauses, u[3])
    if context and voice.list_context:
        text = remark_places(voice, context, text, u[4])
    elif context:
        place = pick(voice.places, u[4])
        if ":" in text and ":" in place:  # one colon per sentence ("Seen on the first check: X" already has one)
            place = voice.places[0]
        phrase = context_phrase(voice, context)
        text = place.format(C=capital(phrase), c=phrase, S=text if place.startswith("{S}") else uncapital(text))
    stutters = bool(after) and first_word(text) == last_word(after)
    short = bool(voice.states) and len(WORD.findall(text.lower())) <= 2  # "Again movie." reads as a fragment
    openers = voice.openers if after else (*(o for o in voice.openers if o not in LINKING), *voice.first_openers)
    opener = pick(openers, u[5]) if openers and ((after and ((u[4] < 0.3 and not context) or stutters)) or short) \
        else ""
    opener = "" if first_word(text) in CONJUNCTIONS and not short else opener  # not "Then and yes, ..."
    opener = opener or ("Then " if stutters else "")
    return opener + uncapital(text) if opener else text


@dataclass
class _Units:
    """What `_document` reads for every unit: its kind, its word as written, and the renderer's draws."""

    kinds: list[int]
    shown: list[str]
    own_words: set[str]
    flat: list[int]
    unit_u: list[float]
    nouns: list[bool]
    """Whether each unit's word fills a noun's slot (always, for a voice without typed slots)."""
    texts: list[str]
    """Each unit's vocabulary key (without its "no"), for its word class."""
    affirmed: frozenset[int]
    """Negated units whose key holds its own negation ("no not_recognised"): written as the opposite, shown without
    the "not"."""
    articles: bool
    """Whether the voice writes "a"/"an" before a singular countable noun."""
    typed: bool
    """Whether the voice has typed slots (all but the remarks of whole phrases, whose documents stay as they were:
    their returns are not folded, their numbers not left out)."""
    finite: frozenset[int]
    """Units whose key is an inflected verb ("comes on", "fell"): negated with a subject, "nobody comes on"."""
    classes: list[str]
    """Each unit's word class (`NOUN` throughout for a voice without typed slots)."""
    noun_kinds: list[str]
    """Each unit's noun kind (`kinds.noun_kind`: a person, a place, an amount, or "" when none is known)."""
    max_context: int  # context words per sentence: `_MAX_CONTEXT` in a typed voice; two whole phrases in the remarks

    def had(self, begin: int, end: int) -> set[str]:
        """The words the units from `begin` to `end` say the writer had (signal words, not negations)."""
        return {self.texts[u] for u in self.flat[begin:end] if self.kinds[u] == _SIGNAL}


def _echo(voice: Voice, units: _Units, unit: int, u: float, echoed: set[str], before: str,
          sentence_u: list[float]) -> list[str]:
    """A unit a typed voice already wrote, used again: a noun in a fresh clause of the voice ("the warranty is what
    worries me", "tyre rechecked after rectification"), never "warranty again" or "warranty came up twice more",
    never in a clause the document used before (`echoed`, updated here), and only in one that fits its kind
    (`kinds.fits`: not "the hospital is what confused me"); a negation, a word that is not a noun and a key that
    holds its own negation are not said again ([])."""
    fresh = [t for t in voice.echo if t not in echoed and fits(t, units.noun_kinds[unit])]
    if units.kinds[unit] != _SIGNAL or not units.nouns[unit] or not fresh or units.texts[unit].startswith(
            _OWN_NEGATIONS) or takes_no_determiner(units.texts[unit]):  # not "the another"
        return []
    echoed.add(pick := fresh[min(int(u * len(fresh)), len(fresh) - 1)])
    return [form((entities(untag(pick), sentence_u),), 0.0, units.shown[unit], before)]


def _negation(voice: Voice, units: _Units, unit: int, u: float, before: list[str], had: tuple[set, set, set],
              alone: bool = False) -> str:
    """A negated unit's clause after the text `before` ends with; a verb's with its subject ("I will not migrate"); a
    word the document says it `had` (so far; anywhere; in this sentence or the one before) as a change; `alone` as a
    sentence: "there was no X"."""
    cls, key = units.classes[unit], units.texts[unit]
    said = [says(words, key) for words in had]
    changed = units.typed and said[1] and unit not in units.affirmed and changed_forms(
        cls, key, not said[0], voice, recent=said[2])
    if not changed and unsaid(voice, key, unit in units.affirmed):  # a remark's clause: quoted, not "no want to cancel"
        return form(voice.unsaid, u, units.shown[unit], (before or [""])[-1])
    forms = changed or negated_forms(voice, cls, unit in units.affirmed, key, alone)
    clause = form(forms, u, units.shown[unit], (before or [""])[-1], articles=units.articles)
    return with_subject(voice, cls, clause) if units.typed and cls == ACTION else clause


def _document(voice: Voice, units: _Units, begin: int, bounds: list[int], sentence_u: list[list[float]],
              doc_u: list[float]) -> str:
    """One document: its units from `begin`, cut into sentences at `bounds` (`_sentence`), in its settings if any."""
    framing = units.typed and bool(voice.opening or voice.closing)
    setting: list[str] = []  # the context words of a framed document, in order
    echoed, seen = set(), set()  # the echo templates used so far; the units written
    said: dict[int, str] = {}  # each unit's last re-mention
    returned: set[int] = set()  # units a typed voice used again (once at most): later returns are left out
    sentences: list[str] = []
    carry: list[str] = []  # context words waiting for a sentence to open
    templates: set[str] = set()  # the main clauses written so far ("What a moment, ..." three times read as a loop)
    framed: set[str] = set()  # context words framed already: each once ("(manager) ... (manager)" read as a loop)
    frames, anywhere, main = 0, units.had(begin, begin + bounds[-1]), False  # frames; words it had; a main clause yet
    held, later = [], any(units.kinds[units.flat[i]] == _SIGNAL for i in range(begin + bounds[1], begin + bounds[-1]))
    for s in range(len(bounds) - 1):
        signal, signal_kinds = [], []  # the main clause's nouns, and their kinds (`kinds.noun_kind`)
        negated, negated_at = [], []  # the negations' clauses, and their units with their uniforms
        mentions: list[tuple[int, bool, str, float]] = []
        context: list[str] = []
        pending: list[tuple[str, str, float]] = []  # the words that are not nouns: (class, word, uniform)
        echoes: list[str] = []
        u_s = sentence_u[min(s, len(sentence_u) - 1)]
        known = (units.had(begin, end := begin + bounds[s + 1]), anywhere, units.had(begin + bounds[s - (s > 0)], end))
        for i in range(begin + bounds[s], begin + bounds[s + 1]):
            unit = units.flat[i]
            kind, word = units.kinds[unit], units.shown[unit]
            if kind == _FUNCTION or unit in returned:  # a typed voice uses a word again once, says a negation once
                continue
            if kind == _CONTEXT:
                take_context(units, unit, setting if framing else None, context,
                             framed | ({word} if units.typed and frames >= _MAX_FRAMES else set()))
                continue
            if unit in seen and units.typed:
                returned.add(unit)
                echoes += _echo(voice, units, unit, units.unit_u[i], echoed,
                                (echoes or negated or signal or sentences or [""])[-1], u_s)
                continue
            if unit in seen:
                mentions.append((unit, kind == _NEGATED, word, units.unit_u[i]))
            elif kind == _NEGATED:
                negated.append(_negation(voice, units, unit, units.unit_u[i], negated or signal or sentences, known))
                negated_at.append((unit, units.unit_u[i]))
            elif not units.nouns[unit]:
                pending.append((units.classes[unit], word, units.unit_u[i]))
            else:
                signal.append(with_article(word) if units.articles else word)
                signal_kinds.append(units.noun_kinds[unit])
            seen.add(unit)
        described = described_clauses(voice, pending, (signal or sentences or [""])[-1])
        main = main or bool(signal or described)  # a document of negations alone opens with a setting (`_ending`)
        earlier = [said[m[0]] for m in mentions if m[0] in said]  # these words' last re-mentions
        again = echoes or again_clauses(voice, mentions, (negated or signal or sentences or [""])[-1], said,
                                        units.nouns, {}, units.affirmed, units.finite, units.classes)
        if not (signal or described or negated or again):  # context alone is no sentence: it opens the next one
            carry += [w for w in context if w not in carry]
            continue
        if units.typed and not (signal or described or sentences or again) and later:  # `_held_back`
            held += negated_at
            carry += [w for w in context if w not in carry]
            continue
        if (not (signal or described) and sentences  # a follow-up (a framed voice writes no short sentence)
                and len(sentences[-1].split()) < _MERGE_WORDS * (1 + 2 * framing)
                and not any(text in sentences[-1].lower() for text in earlier)):  # unless it says a word again twice
            carry += [w for w in context if w not in carry]  # of the sentence before ("X was noted, and no Y")
            follow = prose(negated + again) if units.typed else ", ".join(negated + again)
            sentences[-1] = join_clauses(voice.joins, [sentences[-1][:-1], follow], u_s[3], within=True) + "."
            continue
        if units.typed and negated and not (signal or described):  # alone: "it was never broken", not "Then never
            negated[0] = with_subject(voice, units.classes[negated_at[0][0]],  # broken"; "there was no X"
                                      _negation(voice, units, *negated_at[0], sentences, known, alone=True))
        context, carry = (carry + [w for w in context if w not in carry])[:units.max_context], []
        if sentences and context:  # not "... (alert). Alert: ..."
            context = [w for w in context if w != last_word(sentences[-1])]
        sentences.append(_sentence(voice, signal, negated, again, context, u_s, sentences[-1] if sentences else "",
                                   described, templates if units.typed else None, signal_kinds) + ".")
        if held:
            sentences[-1], held = _held_back(voice, units, held, sentences[-1], known, (u_s[3] + 0.5) % 1.0), []
        framed.update(context)  # a context word is framed once per document ("(the match). The match: ...")
        frames += bool(context)
    return _ending(voice, units, sentences, setting if framing else None, carry, frames, sentence_u[0], doc_u, not main)


def _ending(voice: Voice, units: _Units, sentences: list[str], setting: list[str] | None, carry: list[str],
            frames: int, first_u: list[float], doc_u: list[float], bare: bool = False) -> str:
    """In a framed voice's `setting` (`bare`: negations alone), or with the `carry` context words unless framed once."""
    if setting is not None:
        sentences = framed_sentences(voice, sentences, setting, doc_u, bare)
    elif not (units.typed and frames >= _MAX_FRAMES):
        if carry and sentences:
            context_after(voice, units.typed, sentences, carry, units.max_context)
        elif carry:
            sentences.append(_sentence(voice, [], [], [], carry[:units.max_context], first_u, "") + ".")
    return (asked if voice.list_context else str)(no_triples(" ".join(sentences) if sentences else _EMPTY + "."))


def _held_back(voice: Voice, units: _Units, held: list, sentence: str, known: tuple, u: float) -> str:
    """`sentence` with the negations `held` before it as a follow-up ("Officials briefed reporters on a match; no
    robbery", not "No robbery yet. ..."): a non-noun keeps a subject not said yet ("A net, he is not subbed at all")."""
    follow: list[str] = []
    for unit, x in held:
        follow.append(with_subject(voice, units.classes[unit], _negation(voice, units, unit, x, [sentence], known),
                                   " ".join([sentence, *follow])))
    return join_clauses(voice.joins, [sentence[:-1], prose(follow)], u, within=True) + "."


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
    voice = _clear_of(voice, {part for t in texts[n_common:] if " " not in t for part in t.split("_")})
    own_words = template_words([t for f in fields(voice) if isinstance(getattr(voice, f.name), tuple)
                                 for t in getattr(voice, f.name)])
    keys = [t.split(" ", 1)[-1] for t in texts]
    affirmed = frozenset(i for i, t in enumerate(texts) if " " in t and voice.states and (
        (keys[i].startswith(_OWN_NEGATIONS) and keys[i].count("_") >= 1) or keys[i] in OPPOSITES))
    # the word of a unit (without its "no"; a negated "not_recognised" shows "recognised", "never" its opposite)
    classes = [own_class(k, word_class(k)) if voice.states else NOUN for k in keys]
    shown = [shown_word(k, classes[i], i in affirmed, bool(voice.states)) for i, k in enumerate(keys)]
    per_doc = int(lengths.max(initial=1) // sentence_range[0]) + 2
    cuts = np.cumsum(rng.integers(sentence_range[0], sentence_range[1] + 1, size=(n, per_doc)), axis=1).tolist()
    sentence_u = rng.random((n, per_doc, 6)).tolist()
    nouns = [c == NOUN for c in classes]
    table = _Units(_unit_kinds(texts, n_common), shown, own_words, units.tolist(), rng.random(len(units)).tolist(),
                   nouns, keys, affirmed, voice.articles, bool(voice.states),
                   frozenset(i for i, k in enumerate(keys) if classes[i] == FINITE), classes,
                   [noun_kind(k) for k in keys], _MAX_CONTEXT if voice.states else 2)
    doc_u = rng.random((n, 8)).tolist()  # drawn last: the other draws stay as they were
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64).tolist()
    return [_document(voice, table, starts[d], [0, *[c for c in cuts[d] if c < int(lengths[d])], int(lengths[d])],
                      sentence_u[d], doc_u[d]) for d in range(n)]
