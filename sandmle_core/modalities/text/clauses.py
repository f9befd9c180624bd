"""The clauses a document's words take besides its main clause: a negation, a re-mention, a word that is not a noun.

`render` writes each sentence's main clause from its voice's templates; the forms here say the rest: how a voice with
typed slots negates a word that is not a noun ("not lazy", not "no lazy"), a verb ("will not repay it"), an inflected
verb ("nobody comes on") or a key that holds its own negation (its opposite: "recognised after all"); how a unit that
comes back is re-mentioned in the remarks voice (a typed voice uses a word again in a fresh clause instead:
`render._echo`), never in the same words as its last re-mention, a non-noun short ("still lazy", "repay it again");
how a subject agrees with its verb ("teenagers come back"); and which of the voice's clauses a non-noun word of each
class takes (`wordclass`). Only the wording depends on this module.

Imports: the text package's voices, nouns, surface and word classes only.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sandmle_core.modalities.text.adverbs import OWN, OWN_CHANGED, OWN_NEGATED, own_key
from sandmle_core.modalities.text.kinds import PART, fitting, noun_kind, untag
from sandmle_core.modalities.text.nouns import (
    is_name,
    is_plural,
    is_superlative,
    takes_no_determiner,
    with_article,
    written,
)
from sandmle_core.modalities.text.surface import LEANING, last_word, listing
from sandmle_core.modalities.text.voices import Voice, is_clause_phrase
from sandmle_core.modalities.text.wordclass import (
    ACTION,
    FEELING,
    FINITE,
    INTRANSITIVE,
    MANNER,
    MODAL,
    NOUN,
    PARTICIPLE,
    PERSONAL,
    PLACED,
    STATE,
    is_noun,
    modal_opposite,
    with_object,
)

__all__ = [
    "ACTION_NEGATED",
    "AFFIRMED",
    "FINITE_NEGATED",
    "NOT_NOUN_NEGATED",
    "OPPOSITES",
    "again_clauses",
    "agreement",
    "be",
    "changed_forms",
    "clauses_of",
    "described_clauses",
    "form",
    "form_at",
    "negated_forms",
    "shown_word",
    "subject_frame",
    "unsaid",
    "with_subject",
]

_WORD = re.compile(r"[a-z0-9']+")

NOT_NOUN_NEGATED = ("not {X}", "not {X}", "not {X} at all")
_PARTICIPLE_NEGATED = ("not {X}", "never {X}", "not {X} at all")
_NOTE_NOT_NEGATED = ("not {X}",)
"""How a voice with typed slots negates a word that is not a noun ("not lazy", not "no lazy"): an adjective "not
lazy" or "not lazy at all", a participle also "never authorised"; a note, a log or an alert only "not faint" (its
"never faint", "not worn at all", "never outbound" before 2026-12-07 read as speech), and a verb "would not recline"
("would never recline" before)."""
_NOT_NOUN_AGAIN_NEGATED = ("still not {X}", "not {X} again")
"""How such a word is negated again."""
ACTION_NEGATED = ("will not {X}", "would not {X}", "would never {X}")
_ACTION_AGAIN_NEGATED = ("still will not {X}", "would still not {X}")
_NOTE_ACTION_NEGATED = ("would not {X}", "will not {X}")
"""A verb (its object already written: "repay it") negated with what makes it a clause ("will not repay it"), not
"not repay"; the cue stays next to the word."""
_MANNER_AGAIN = ("the answer is still {X}", "again the answer is {X}")
"""An adverb or greeting said again ("the answer is still tonight"): alone before a tag ("tonight, as before") it
read as a clause of one word, and its whole clause again as a stutter."""
_NOT_NOUN_AGAIN = ((("{X} again", "{X} once more"), ("{X} again and again", "{X} more than once")),
                   (("still {X}", "{X} all the same"), ("{X} every time", "{X} throughout")))
"""A verb or participle said again ("repay it again", "bounced more than once"); a state or feeling ("still lazy",
"lazy every time"), not its whole clause once more ("I am lazy, and I am lazy again")."""
FINITE_NEGATED = ("nobody {X}", "no one {X}")
_FINITE_AGAIN_NEGATED = ("still nobody {X}",)
"""An inflected verb's negation has a subject ("nobody comes on", not "not comes on")."""
_INTRANSITIVE_NEGATED = ("it has not {X}", "it has never {X}", "it still has not {X}")
"""A verb that takes no object negated in the active perfect ("it has not arrived"), not "not arrived"."""
_MANNER_NEGATED = ('no one said "{X}"', 'no one mentioned "{X}"')
"""An adverb or greeting negated as a word nobody said, in quotes (no one said "hopefully"): "not instead", "never
thanks" are no English, and the cue stays next to the word; unquoted ("no one said whatever", "no one mentioned
thrice") it read as the speaker's own adverb."""
_PLACED_NEGATED = ("not {X}",)
"""An adverb of place or time negated as English does ("not upstairs", "not today"), not as a word no one said."""
AFFIRMED = ("{X} after all", "{X} in the end")
AFFIRMED_AGAIN_X = ("{X} after all, again",)
"""How a key that holds its own negation ("not recognised", "never came") is negated: by its opposite."""

_TIMES = {2: "twice", 3: "three times", 4: "four times"}
"""How often a word came up again ({n}, the remarks voice's "{X}, twice over"); more than four is "many times"."""
_MORE = {2: "twice more", 3: "three more times", 4: "four more times"}
"""How often a word came up again after a verb of mention ({k}: "X came up three more times", not "X three times
more", which reads as a multiplier); more than four is "several more times"."""


def be(items: list[str]) -> str:
    """The verb that agrees with a list of words: "were" for two or more, or one that reads as a plural ("sea
    views", "bond yields"; not "whiplash", "glass", "virus", "analysis")."""
    if len(items) != 1:
        return "were"
    return "were" if is_plural(items[0]) else "was"


def agreement(items: list[str]) -> dict[str, str]:
    """The agreement slots of a subject: {be} "was"/"were", {is} "is"/"are", {has} "has"/"have", {s} a present
    verb's "s" or ""."""
    plural = be(items) == "were"
    return {"be": be(items), "is": "are" if plural else "is", "has": "have" if plural else "has",
            "s": "" if plural else "s"}


def form(options: Sequence[str], u: float, word: str, before: str, avoid: str = "", n: str = "", k: str = "",
         articles: bool = False) -> str:
    """The option picked by `u`, written for `word` — or the next one that does not start with the word `before`
    ends with ("no fracture again, again no fracture", "knee. Knee again" read as stutters) and is not `avoid` (the
    word's last re-mention: "more acl ... more acl" read as a loop). `articles`: the voice writes its nouns with
    their articles (a message, not a telegraphic note), so one countable thing after "without" takes one too."""
    return form_at(options, u, word, before, avoid, n, k, articles)[1]


def form_at(options: Sequence[str], u: float, word: str, before: str, avoid: str = "", n: str = "",
            k: str = "", articles: bool = False) -> tuple[int, str]:
    """`form`'s choice with the index in `options` of the option it wrote."""
    start = min(int(u * len(options)), len(options) - 1)
    last = last_word(before)
    agree = agreement([word])
    order = [(start + i) % len(options) for i in range(len(options))]
    placed = [_negation_placed(options[i].replace("the {X}", "{X}") if is_name(word) else options[i], word)
              for i in order]  # "Freud is where I lost track", not "the Freud"
    written = [(i, template.format(X=shown, n=n, k=k, **agree))
               for i, (template, shown) in zip(order, [_counted(*p) for p in placed] if articles else placed,
                                               strict=True)]
    for i, text in written:
        if _WORD.findall(text.lower())[:1] != [last] and text != avoid:
            return i, text
    return next(((i, text) for i, text in written if text != avoid), written[0])


_AUXILIARY = re.compile(r"\b(?:(has|have|had) been|got) \{X\}")
"""An auxiliary before the word's slot: a key that holds its own negation ("not recognised") after it read as a
foreigner's English ("it has been not recognised", "it got not recognised")."""


_ONE_OF = re.compile(r"\b(?:without|nothing to do with) \{X\}")
"""A slot that takes one countable thing with its article ("without a slot", "nothing to do with a refund"), where
"no {X}" takes it bare."""


def _counted(template: str, word: str) -> tuple[str, str]:
    """`template` and `word` with the article a countable singular noun needs after "without" or "nothing to do
    with" ("without a slot", "nothing to do with a booking"; "without pills", "without availability" stay bare)."""
    if not _ONE_OF.search(template) or not is_noun(word):
        return template, word
    return template, with_article(word)


def _negation_placed(template: str, word: str) -> tuple[str, str]:
    """`template` and `word` with the negation of a word that opens with one ("not", "never") where English puts it,
    when the template has an auxiliary before the word's slot: "has not been {X}", "has never been {X}", "did not get
    {X}", "never got {X}", and the word without it. Else both as they are."""
    head, _, rest = word.partition(" ")
    if head not in ("not", "never") or not rest or not _AUXILIARY.search(template):
        return template, word

    def placed(m: re.Match[str]) -> str:
        if m.group(1):
            return f"{m.group(1)} {head} been {{X}}"
        return "did not get {X}" if head == "not" else "never got {X}"

    return _AUXILIARY.sub(placed, template), rest


def again_clauses(voice: Voice, mentions: list[tuple[int, bool, str, float]], before: str, said: dict[int, str],
           nouns: Sequence[bool] = (), returns: dict[int, int] | None = None,
           affirmed: frozenset[int] = frozenset(), finite: frozenset[int] = frozenset(),
           classes: Sequence[str] = ()) -> list[str]:
    """The re-mention clauses of one sentence: one per distinct unit, in order of first mention. A unit said once
    takes a form unlike its last re-mention (`said`, updated here); one said two or more times (in this sentence, or
    in the document: `returns`) is written once with how often ("X came up twice more"); an `affirmed` unit (a
    negated key that holds its own negation) as its opposite again, a negated `finite` verb with "nobody"; a word
    that is not a noun in its class's clause again ("I am grateful again", "it is free again and again"), its word
    class read from `classes`."""
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
            forms = _not_noun_again(voice, classes[unit] if classes else STATE, negated, times)
        elif negated and unsaid(voice, word):
            forms = voice.unsaid_again
        else:
            forms = voice.again_negated if negated else voice.repeated if times > 1 else voice.again
        text = form(forms, u, word, clauses[-1] if clauses else before, said.get(unit, ""),
                    _TIMES.get(times, "many times"), _MORE.get(times, "several more times"))
        said[unit] = text
        clauses.append(text)
    return clauses


def _not_noun_again(voice: Voice, cls: str, negated: bool, times: int) -> tuple[str, ...]:
    """The re-mention forms of a word of class `cls` that is not a noun."""
    if negated:
        return _ACTION_AGAIN_NEGATED if cls == ACTION else _NOT_NOUN_AGAIN_NEGATED
    if cls == MANNER:
        return _MANNER_AGAIN
    return _NOT_NOUN_AGAIN[cls in (STATE, FEELING)][times > 1]


def changed_forms(cls: str, key: str = "", first: bool = False, voice: Voice | None = None, recent: bool = False
                  ) -> tuple[str, ...]:
    """The negation of a word the document also says it had ("wheeze noted ... no wheeze"; 250 of 11,600 documents
    of the 29 text slots held one, 2026-12-06): said as a change, after it ("no wheeze any more", "no longer slurred")
    or, `first`, before it ("no pulse at first ... pulse for 2 days"), the cue still next to a noun; a verb with its
    object as a change of mind ("I would not reschedule it at first", "I will not refer them any more"), a word with
    clauses of its own by `OWN_CHANGED` ("the second person I spoke to was not rude"); () for a word class whose
    negation keeps its own form (an inflected verb, an adverb) and a `key` that takes no "no" ("another item"). A
    component in a `voice` that negates one as sound (a log's `{@part}` forms) changes as one: "fan no longer faulty",
    not "no fan any more". A state, a participle or a feeling said `recent`ly (in the negation's sentence or the one
    before, which a follow-up may be joined to) changes before it: "It is quiet, no longer quiet" contradicted itself
    (19 sentences of the 29 slots, 2026-12-07), "it was not quiet at first" does not; a noun's "knee pain this
    morning; no knee pain any more" is the change it says."""
    if cls == NOUN and takes_no_determiner(key):
        return ()
    if cls == NOUN and voice is not None and noun_kind(key) == PART and any(f.startswith("{@part}")
                                                                           for f in voice.negated):
        return ("{X} not faulty at first",) if first else ("{X} no longer faulty",)
    if cls == NOUN:
        return ("no {X} at first",) if first else ("no {X} any more",)
    if cls in (STATE, PARTICIPLE, FEELING, PERSONAL):  # not "shouted at at first"
        return (("not {X} to begin with" if key.replace("_", " ").endswith(" at") else "not {X} at first",)
                if first or recent else ("no longer {X}",))
    if cls == ACTION:
        return ("would not {X} at first",) if first else ("will not {X} any more",)
    changed = OWN_CHANGED.get(own_key(cls))
    return (changed[0] if first else changed[1],) if changed else ()


def unsaid(voice: Voice, key: str, affirmed: bool = False) -> bool:
    """Whether a remark's negated phrase is quoted as words nobody said (`Voice.unsaid`): any phrase of a voice whose
    phrases are all said to someone, a clause in any other remarks (`voices.is_clause_phrase`); never a phrase
    that holds its own negation, which is written as its opposite."""
    return bool(voice.unsaid) and not affirmed and (voice.said or is_clause_phrase(key))


def negated_forms(voice: Voice, cls: str, affirmed: bool = False, key: str = "", alone: bool = False
                  ) -> tuple[str, ...]:
    """How a voice negates a word of class `cls` (its vocabulary `key`): a noun by the voice's own forms ("no X"),
    but one that opens with a determiner of its own as "not another" (not "no another"); a verb with what makes it a
    clause, an inflected one with a subject; an adverb as a word no one said, one of place or time with "not" ("not
    upstairs"); a key that holds its own negation (`affirmed`) by its opposite, a "cannot" verb in the voice's clause
    of one ("I managed to find it after all"). A noun's negation that stands `alone` as a sentence takes only the
    forms that can (`_standing`)."""
    forms = _negated_forms(voice, cls, affirmed, key)
    if key.endswith("_at"):  # "shouted at": not "not shouted at at all"
        forms = tuple(f for f in forms if not f.endswith(" at all")) or forms
    return _standing(forms, voice.articles) if alone and cls == NOUN and not affirmed else forms


def _standing(forms: tuple[str, ...], articles: bool) -> tuple[str, ...]:
    """The forms of a noun's negation that stand as a sentence: none that leans on a clause (`surface.LEANING`:
    "Without a robbery.", "Never a QR code."), and in a voice that writes articles (a message, not a note's shorthand)
    no bare "no X" ("No personal loan."); "there is no X" when none is left."""
    kept = tuple(f for f in forms if not LEANING.match(f) and not (articles and f == "no {X}"))
    return kept or ("there {be} no {X}",)


def _negated_forms(voice: Voice, cls: str, affirmed: bool, key: str) -> tuple[str, ...]:
    if affirmed:
        modal = (voice.modals or voice.finite)[:1] if cls == MODAL else ()
        return tuple(f"{m} {tail}" for m in modal for tail in ("after all", "in the end")) or AFFIRMED
    if cls == NOUN and not (voice.states and takes_no_determiner(key)):
        # a register's forms that presuppose a kind ("no salbutamol on examination": `kinds`) hold only its words
        return tuple(untag(f) for f in fitting(voice.negated, [noun_kind(key)]))
    if voice.name == "note" and cls in (NOUN, STATE, PARTICIPLE, FEELING, PERSONAL):
        return _NOTE_NOT_NEGATED
    if voice.name == "note" and cls == ACTION:
        return _NOTE_ACTION_NEGATED
    if own := own_key(cls):  # an adverb of its own ("upstairs", "deliberately": `adverbs`)
        return OWN_NEGATED.get(own) or (_PLACED_NEGATED if own in PLACED else _MANNER_NEGATED)
    if cls == MANNER and key.strip().lower() in PLACED:
        return _PLACED_NEGATED
    return {ACTION: ACTION_NEGATED, FINITE: FINITE_NEGATED, MANNER: _MANNER_NEGATED, PARTICIPLE: _PARTICIPLE_NEGATED,
            PERSONAL: _PARTICIPLE_NEGATED, INTRANSITIVE: _INTRANSITIVE_NEGATED}.get(cls, NOT_NOUN_NEGATED)


def clauses_of(voice: Voice, cls: str) -> tuple[str, ...]:
    """The voice's clauses for a word of class `cls` that is not a noun; an adverb's own (`adverbs`) for its own."""
    if own_key(cls):
        return OWN[own_key(cls)]
    clauses = {STATE: voice.states, PARTICIPLE: voice.participles, FEELING: voice.feelings, ACTION: voice.actions,
               FINITE: voice.finite, MANNER: voice.manners, PERSONAL: voice.persons or voice.participles,
               INTRANSITIVE: voice.intransitive or voice.participles, MODAL: voice.modals or voice.finite}[cls]
    return clauses or voice.states


_BE_FRAME = re.compile(r"^([a-z][a-z ,]*?\b(?:is|was|am|are|were) )\{X\}$", re.IGNORECASE)
_MODAL_FRAME = re.compile(r"^([a-z]+ )(?:can|will|must|may) \{X\}$", re.IGNORECASE)


def subject_frame(voice: Voice, cls: str) -> str:
    """What a negated word that stands as a sentence of its own opens with, from the voice's own clause for its
    class: a subject and "is"/"was" before a state, a participle or a feeling ("it was " never broken, "I am " not
    impatient at all; verbless, "Then never broken." read as a note's shorthand in a customer's message), a subject
    before a verb's negation ("I " will not migrate); "" for a class that carries its own subject or none (a noun:
    "Never an outage.")."""
    if cls == ACTION:
        pattern, templates = _MODAL_FRAME, voice.actions
    elif cls in (STATE, PARTICIPLE, PERSONAL, FEELING):
        pattern, templates = _BE_FRAME, clauses_of(voice, cls)
    else:
        return ""
    return next((m.group(1) for t in templates if (m := pattern.match(t))), "")


def with_subject(voice: Voice, cls: str, clause: str, before: str = "") -> str:
    """`clause` (a negation) opening with the voice's subject for its class, unless it has it already or the text it
    follows (`before`) has it ("It is not working, not spare at all", not "..., it is not spare at all")."""
    frame = subject_frame(voice, cls)
    said = bool(frame) and re.search(rf"\b{re.escape(frame.strip())}\b", before, re.IGNORECASE) is not None
    if clause.endswith((" at first", " to begin with")):  # a change before: "it was not quiet at first", not "it is"
        frame = re.sub(r"\b(?:is|am)\b", "was", re.sub(r"\bare\b", "were", frame))
    return clause if clause.startswith(frame) or said else frame + clause


OPPOSITES = {"never": "it did happen", "nobody": "somebody did", "nothing": "something did",
             "nowhere": "somewhere, it seems", "without": "with it"}
"""What a negated key that is itself a negation says instead ("not never" reads as a stutter)."""


def shown_word(key: str, cls: str, affirmed: bool, typed: bool) -> str:
    """A unit's word as written (without its "no"): a negated key that holds its own negation as its opposite
    ("recognised", "it did happen", "managed to find it"), a verb with its object, a superlative with "the"."""
    if affirmed:
        shown = modal_opposite(key) if cls == MODAL else OPPOSITES.get(key) or key.split("_", 1)[1]
    elif cls in (ACTION, MODAL, FINITE):
        shown = with_object(key)
    else:
        shown = f"the {key}" if typed and cls == STATE and is_superlative(key) else written(key) if typed else key
    return shown.replace("_", " ")


def described_clauses(voice: Voice, pending: list[tuple[str, str, float]], before: str) -> list[str]:
    """The clauses of a sentence's words that are not nouns, one per word class, in order of first mention: words of
    one class share their clause ("I am dizzy, sore and nauseous", "it was crushed and torn"), not "honestly, I am
    dizzy, honestly, I am sore" (each clause picked by its first word's uniform)."""
    out: list[str] = []
    used: set[str] = set()  # two classes may share a clause ("described as dry, described as starved")
    for cls in dict.fromkeys(cls for cls, _, _ in pending):
        words = [w for c, w, _ in pending if c == cls]
        options = tuple(o for o in clauses_of(voice, cls) if o not in used) or clauses_of(voice, cls)
        picked, text = form_at(options, next(x for c, _, x in pending if c == cls), listing(words),
                               (out or [before])[-1])
        out.append(text)
        used.add(options[picked])
    return out
