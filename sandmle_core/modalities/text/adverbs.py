"""Clauses of their own for the adverbs and pronouns that tell a domain's classes apart, and for the adjectives said
of the people a customer dealt with.

A class of water-utility contacts is told by "upstairs" (low pressure) and "without" (no water), a late delivery by
"still", a card payment nobody recognises by "someone". The voices' clauses for an adverb of manner ("the short
answer is {X}", "in a word, {X}") fit "hopefully" or "whatever", not these: they wrote "The short answer is
upstairs.", "In a word, without." and "the short answer is nothing and upstairs" (issue 16). Each word here takes a
clause that says what it means in the domain that uses it ("the taps are worse upstairs", "we are without it", "still
waiting") and is written alone in it, never listed with another word of its class. Its negation keeps its cue next
to the word where English has one ("that was not done deliberately"); an adverb of place or time takes "not" as before
("not upstairs"), and the rest are still quoted as a word no one said (`clauses._MANNER_NEGATED`). A word that is
itself a negation ("never", "nothing", "without") is negated by its opposite (`clauses.OPPOSITES`) as before.

An adjective that tells a class by how someone behaved (the hotel staff's "helpful", "polite"; a courier's "rude",
"careless") is said of the person the writer dealt with ("the person who dealt with me was not helpful"): the voices'
clauses for a state or a feeling said it of the writer or of a thing ("I am not helpful at all", "it is rude"). A
hotel review's adjectives of the food, the price, the room and the location are said of those ("the food was tasty",
"the rate we paid was pricey").

The clauses are voice-neutral: the words come from customers' messages, claims and complaints, and the first person
of a message ("we are without it") reads as well in a note's shorthand as "no water" would.

Imports: the standard library only.
"""

from __future__ import annotations

__all__ = ["OWN", "OWN_CHANGED", "OWN_NEGATED", "PHRASED", "own_class", "own_key"]

PHRASED = "phrased:"
"""The prefix of a word's own class (`own_class`): one class per word, so that `render` never lists two of them in
one clause."""

_PEOPLE = ("the person who dealt with me was {X}", "everyone who dealt with us was {X}")
"""The clauses of an adjective said of the people a customer dealt with (hotel staff, a courier): a voice's clauses
for a state or a feeling wrote "I am not helpful at all", "it is rude"."""
_PEOPLE_NEGATED = ("the person who dealt with me was not {X}",)
_PEOPLE_WORDS = ("aggressive", "attentive", "careless", "courteous", "dismissive", "friendly", "helpful", "impatient",
                 "polite", "rude", "unprofessional", "welcoming")
_FOOD = ("the food was {X}", "what we ate was {X}")
_VALUE = ("what we paid was {X}", "the rate we paid was {X}")
_ROOM = ("the bedroom was {X}", "the bedroom we had was {X}")
_PLACE = ("the location was {X}", "getting around was {X}")
"""A hotel review's adjectives said of what they describe, the food, the price, the room or the location: the
voices' clauses wrote "It seems delicious", "It seems cheap. Then it is loud", "honestly, it is comfy". Only words no
other catalog domain uses ("loud" and "dirty" are a street's and a tap's too); the clauses hold no word of the hotel
vocabulary ("breakfast", "room", "stay", "price"), which would add a class's word or repeat a common one."""
_HOTEL = {**dict.fromkeys(("delicious", "tasty"), (_FOOD, "the food was not {X}")),
          **dict.fromkeys(("affordable", "cheap", "expensive", "overpriced", "pricey"),
                          (_VALUE, "what we paid was not {X}")),
          **dict.fromkeys(("dusty", "filthy", "smelly", "unclean", "spotless", "noisy", "comfy", "cosy"),
                          (_ROOM, "the bedroom was not {X}")),
          "convenient": (_PLACE, "the location was not {X}")}

OWN: dict[str, tuple[str, ...]] = {
    "abroad": ("it happened while {X}", "this was while travelling {X}"),
    "overseas": ("it happened while {X}", "the charges are from {X}"),
    "always": ("{X} the same story", "it {X} happens"),
    "barely": ("it {X} works", "it {X} runs"),
    "behind": ("running {X}", "it came from {X}"),
    "beyond": ("he was just {X}", "he was {X} the last man"),  # not "last defender": a key of its class
    "deliberately": ("someone did it {X}", "that was done {X}"),
    "earlier": ("something {X} would suit", "can it be {X}"),
    "elsewhere": ("I found it {X}", "{X} it is cheaper"),
    "indoors": ("it drops out {X}", "the signal is worse {X}"),
    "instead": ("something else came {X}", "I got another one {X}"),
    "marginally": ("{X} off", "only {X}"),
    "nearby": ("somewhere {X} would do", "anything {X} is fine"),
    "never": ("it {X} happened", "that {X} came"),
    "nobody": ("{X} cares", "{X} answers"),
    "not_here": ("{X} yet", "{X} as of today"),
    "nothing": ("{X} comes out", "we get {X}"),
    "now": ("I need it {X}", "right {X}"),
    "nowhere": ("{X} to be found", "{X} in sight"),
    "otherwise": ("it is fine {X}", "or {X}"),
    "overnight": ("it happened {X}", "it went {X}"),
    "someday": ("I will pay it back {X}", "{X}, maybe"),
    "someone": ("{X} else did it", "that was {X} else"),
    "still": ("{X} waiting", "{X} on its way"),
    "thrice": ("it went through {X}", "it happened {X}"),
    "twice": ("it went through {X}", "it happened {X}"),
    "two": ("it shows up {X} times", "I was billed {X} times for it"),  # not "this concerns a two"
    "multiple": ("it went through {X} times", "I see {X} payments for it"),  # not "honestly, it is multiple"
    "tonight": ("I need it {X}", "it is for {X}"),
    "upstairs": ("the taps are worse {X}", "{X} it is the same"),
    "where": ("I cannot tell {X} it is", "{X} did it go"),
    "whenever": ("{X} it suits", "{X} you can"),
    "without": ("we are {X} it", "we have been {X} it all day"),
    "zero": ("it has gone down to {X}", "we are getting {X} out of any tap"),  # not "the issue involves a zero"
    "myself": ("I would do it {X}", "I can fix it {X}"),
    "swerved": ("I {X} to miss it", "I had {X} just before"),  # not "It has been swerved"
    "waited": ("I have {X} long enough", "I {X} in all day"),  # not "It has been waited"
    # a word of a thing that the voices' feeling clauses said of a person (2026-12-06): "Patient feels starved" in a
    # machine shop's note (lubrication), "Patient feels disgruntled" in an alert summary, "I am weak" of the water
    # pressure, "I am distressed" of a pair of jeans
    "starved": ("it ran {X}", "found running {X}"),  # of oil; "of" would lift the note's share of "the"/"of"
    "disgruntled": ("staff member described as {X}", "the staff member seemed {X}"),
    "weak": ("what comes out is {X}", "it has been {X} for days"),
    "distressed": ("it has a {X} finish", "the {X} look is not what I ordered"),
    **dict.fromkeys(_PEOPLE_WORDS, _PEOPLE),
    **{word: clauses for word, (clauses, _) in _HOTEL.items()},
}
"""A word's clauses ({X}: the word as written), the first chosen by the word's uniform as a voice's are."""

OWN_NEGATED: dict[str, tuple[str, ...]] = {
    "behind": ("not running {X}",),
    "deliberately": ("that was not done {X}",),
    "someone": ("that was not {X} else",),
    "still": ("I am not {X} waiting",),
    "swerved": ("I never {X}",),
    "waited": ("I have not {X} long",),
    "starved": ("it never ran {X}",),
    "disgruntled": ("the staff member was not {X}",),
    "weak": ("what comes out is not {X}",),
    "distressed": ("it does not have a {X} finish",),
    "zero": ("it has not gone down to {X}",),
    "two": ("it does not show up {X} times",),
    "multiple": ("it did not go through {X} times",),
    **dict.fromkeys(_PEOPLE_WORDS, _PEOPLE_NEGATED),
    **{word: (negated,) for word, (_, negated) in _HOTEL.items()},
}
"""The negations with a cue next to the word that read as English; the other words keep theirs (see the module
docstring). "beyond" and "marginally" keep the quoted form: "not beyond the last man" is English, but a cue
right before an adverb is the defect `test_text_odd_keys` counts, and its rule cannot tell the two apart."""


_CHANGED_SUBJECT = {"the food was not {X}": "the starter was not {X}",
                    "what we paid was not {X}": "the drinks were not {X}",
                    "the bedroom was not {X}": "the bathroom was not {X}",
                    "the location was not {X}": "the parking was not {X}"}
OWN_CHANGED: dict[str, tuple[str, str]] = {
    **dict.fromkeys(_PEOPLE_WORDS, ("the first person I spoke to was not {X}",
                                    "the second person I spoke to was not {X}")),
    **{word: (_CHANGED_SUBJECT[negated],) * 2 for word, (_, negated) in _HOTEL.items()},
    "disgruntled": ("the other staff member was not {X}",) * 2,
    "deliberately": ("not all of it was done {X}",) * 2,
    "starved": ("it did not run {X} at first", "it no longer runs {X}"),
    "weak": ("what came out was not {X} at first", "what comes out is no longer {X}"),
}
"""The negation of a word the document also says it had (`clauses.changed_forms`), before it and after it: said of
someone or something else ("the person who dealt with me was rude ... the second person I spoke to was not rude",
"the food was tasty ... the starter was not tasty") or as a change ("it ran starved ... it no longer runs starved"),
not as the same clause turned round ("the person who dealt with me was aggressive, the person who dealt with me was
not aggressive"; "what we paid was cheap, what we paid was not cheap"). The subjects hold no word of the domains that
use these words. The other words keep their negation (their classes' changes, `clauses.changed_forms`)."""


def own_class(key: str, cls: str) -> str:
    """`cls` (the key's `wordclass.word_class`), or the key's own class when it takes clauses of its own."""
    word = key.strip().lower().replace(" ", "_")
    return PHRASED + word if word in OWN else cls


def own_key(cls: str) -> str:
    """The word of an own class (`own_class`); "" for any other class."""
    return cls[len(PHRASED):] if cls.startswith(PHRASED) else ""
