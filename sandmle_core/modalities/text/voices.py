"""The sentence grammar of text documents: one `Voice` per kind of document, each a set of templates with slots.

A voice holds the main clauses a sentence opens with, the follow-up clauses of negated and re-mentioned words, the
connectives that join clauses and sentences, and the frames that hold the domain's context words. Slots: {L} the
sentence's signal words as a list ("a, b and c"), {DL} the same with "the" ("the gate and the hedge"), {A}/{R} the
first of them and the rest, {X} one word, {T} a time of day, {D} a weekday, {M} a match minute, {N} a small count,
{n} how often a word came up ("twice", "three times": the remarks), {k} the same after a verb of mention ("came up
three more times"), and the agreement slots {be} ("was" / "were"), {is} ("is" / "are"), {s} (a present verb's "s")
and {Rbe} (of {R}), so "sea views were ruled out", "teenagers come back" and "whiplash was ruled out" all read right.
A negation always keeps its cue next to the word ("no X", "without X", "nothing to do with X"; a remark's clause
quoted as unsaid: 'nobody said "want to cancel"'): a word bigram still tells a negated word from the word. Notes,
first-person messages and remarks serve most domains; news paragraphs, film synopses, property listings and match
commentary have voices of their own, with their own numbers (days, minutes). `render` fills the templates; this
module only says what can be written.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

__all__ = ["COMMENTARY", "LINKING", "LISTING", "MESSAGE", "NEWS", "NOTE", "REMARK", "REQUEST", "SAID_REMARK",
           "SYNOPSIS", "Voice", "is_clause_phrase"]


@dataclass(frozen=True)
class Voice:
    """The sentence templates of one kind of document.

    Attributes:
        name: "note" (notes, log entries, alert summaries), "message" (messages, posts, reviews, complaints,
            tickets, a policyholder's or resident's account: written in the first person), "remark" (a comment of
            whole phrases), or a voice of its own kind of document ("news", "synopsis", "listing", "commentary").
        one: templates of a sentence's main clause ({L}, {T}, {N}, {be}).
        many: templates that need two or more signal words ({A}, {R}, {Rbe}).
        negated: a negated word, always with its cue next to it; "no {X}" forms come first and are listed more than
            once, so a word bigram can still learn the negation from a few hundred documents.
        again, again_negated: a re-mention of a word (or a negated word) already written earlier in the document.
        repeated: a word re-mentioned two or more times within one sentence, written once with how often ({n}, or
            {k} after a verb of mention: "X came up three more times"). These three are the remarks voice's only:
            a typed voice uses a word again in an `echo` clause and says a negation once (issue 16); its own
            are kept as the words its templates may write (`render._clear_of`, the tests' template words).
        joins: what joins a main clause to the clauses after it.
        places: where a sentence's context words go: {C}/{c} the context phrase (capitalised or not), {S} the rest.
        aside: a sentence of context words alone ({c}).
        openers: what may open a sentence after the first ("Later,", "Also,"), so sentences do not all start alike.
        list_context: context units are phrases ("the breakfast", "last season"), at most two per sentence, each in a
            place of its own ("The match: ... (the lineup)"; `phrases.remark_places`).
        states, participles, feelings, actions, finite, manners, persons: clauses of a signal word that is not a
            noun (`wordclass`): an adjective ("it is {X}"), a past participle said of a thing ("it was {X}"), how
            the writer feels ("I am {X}"), a verb's base form ("I want to {X}"), an inflected verb ("someone {X}"),
            an adverb ("{X}, if possible"), a past participle said of a person ("I was {X}", "he has been {X}";
            without them, the participles' clauses). A voice without them (the remarks' whole phrases) writes every
            word in its noun slots, and keeps every context word.
        intransitive: clauses of the past participle of a verb that takes no object, in the active perfect ("it
            has {X}": "it has vanished", never "it was vanished"); without them, the participles' clauses.
        modals: clauses of a verb after "cannot", with a subject ("I {X}": "I cannot find it"); the first is also
            its negation's, said the other way round ("I managed to find it after all"); without them, `finite`'s.
        articles: a singular countable noun in a main clause's slot takes "a"/"an" ("There is an issue with a
            contract", not "with contract"); a note's telegraphic style ("Reported leak") and remarks do not.
        echo: a typed voice's re-mention of a noun, a fresh clause that uses the word again ("{X} rechecked after
            rectification", "the {X} {is} what worries me"), never a statement about how often it came up.
        opening, closing: sentences that set a document in its domain (`registers.py`, with entity slots:
            `phrases.entities`), where its context words are written when one fits; a voice with them writes no
            bracketed context frames.
        unsaid, unsaid_again: the remarks' negation of a phrase that is a clause or a thing said to someone, quoted
            as words nobody said ('nobody said "want to cancel"'), and its re-mention.
        said: every phrase of the voice is a thing said to someone (insults, threats): always `unsaid`.
    """

    name: str
    one: tuple[str, ...]
    many: tuple[str, ...]
    negated: tuple[str, ...]
    again: tuple[str, ...]
    again_negated: tuple[str, ...]
    repeated: tuple[str, ...]
    joins: tuple[str, ...]
    places: tuple[str, ...]
    aside: tuple[str, ...]
    openers: tuple[str, ...]
    list_context: bool = False
    states: tuple[str, ...] = ()
    participles: tuple[str, ...] = ()
    feelings: tuple[str, ...] = ()
    actions: tuple[str, ...] = ()
    finite: tuple[str, ...] = ()
    manners: tuple[str, ...] = ()
    persons: tuple[str, ...] = ()
    intransitive: tuple[str, ...] = ()
    modals: tuple[str, ...] = ()
    articles: bool = False
    echo: tuple[str, ...] = ()
    opening: tuple[str, ...] = ()
    closing: tuple[str, ...] = ()
    unsaid: tuple[str, ...] = ()
    unsaid_again: tuple[str, ...] = ()
    said: bool = False
    first_openers: tuple[str, ...] = ()
    """Openers only a document's short first sentence takes, where every one of `openers` links (`LINKING`)."""


LINKING = frozenset({"Also, ", "Then ", "Later, ", "After that, ", "In addition, ", "Further, ", "On top of that, ",
                     "Meanwhile, ", "Soon ", "Separately, ", "Elsewhere, ", "Moments later, ", "And ", "Notably, "})
"""The voices' openers that link a sentence to one before it, which a document's first sentence never takes ("Also,
not indoors." was a whole document before 2026-12-06): a short first sentence takes one of the others ("On review, no
sweating.", "To be clear, not indoors.") or none ("Notably," singles a feature out of those before it: "Notably,
recently gated." opened a listing before 2026-12-07)."""


NOTE = Voice(
    name="note",
    one=("{L} {be} noted", "Reported {L}", "{L} {be} reported at {T}", "Signs of {L} on review",
         "{L} {be} flagged for follow-up", "Seen on the first check: {L}", "{L} logged at {T}",
         "Noticed {L} during the check", "Main finding is {L}", "Looked into {L} first", "Recorded {L} at {T}",
         "Review found {L}"),
    many=("Noticed {A} after {R}", "{A} first, then {R}", "{A} {be} reported along with {R}",
          "{A}, followed by {R}", "{R} {Rbe} noted and {A} {be} flagged", "Started with {A}; {R} followed",
          "{A} seen together with {R}"),
    negated=("no {X}", "no {X}", "no {X} seen", "no {X} {be} found", "no {X} at this point", "{X} {be} ruled out"),
    again=("{X} again", "{X} once more", "{X} seen again", "{X} came up again later", "{X} noted again after that",
           "another mention of {X}", "further {X} noted"),
    again_negated=("still no {X}", "no {X} again", "again no {X}"),
    repeated=("{X} came up {k}", "{X} noted {k}", "{X} mentioned {k}"),
    joins=("; ", ", ", ", and ", "; also "),
    places=("{S} (re {c})", "On {c}: {S}", "{S}, re {c}"),
    aside=("Nothing else on {c}", "Checked {c}, nothing further", "Routine check of {c}"),
    openers=("Later, ", "On review, ", "After that, ", "Also, ", "Then "),
    states=("described as {X}", "noted as {X}", "appeared {X}"),
    participles=("noted as {X}", "confirmed {X}"),
    feelings=("patient feels {X}", "described as {X}"),
    actions=("asked to {X}", "wants to {X}"),
    finite=("someone {X}", "reportedly someone {X}"),  # not "then someone": it opened documents
    manners=("the entry reads {X}", "the note says {X}"),
    modals=("they {X}", "reported they {X}"),
    echo=("{X} to be followed up", "{X} rechecked later", "follow-up booked for {X}", "{X} reviewed before sign-off"),
)

MESSAGE = Voice(
    name="message",
    one=("I am writing about {L}", "I have a question about {L}", "My problem is {L}",
         "{@not person place}There is an issue with {L}", "It is about {L}", "This concerns {L}", "I noticed {L}",
         "{@not person place}Since {T} there {has} been {L}", "This is about {L}",
         "I have been dealing with {L} for {N} days", "{@not person place}Please help with {L}",
         "I want to report {L}", "{@not person place}Mainly it is {L}", "I am having trouble with {L}",
         "{@not person}Can someone look at {L}"),  # not "Please help with a teammate", "Mainly it is a hospital"
    many=("First {A}, then {R}", "I noticed {A} and then {R}", "There {is} {A}, and also {R}", "{A}, plus {R}",
          "It started with {A}, now {R}", "{A} {is} a problem, and {R} too"),
    negated=("no {X}", "no {X}", "no {X} though", "there {be} no {X}", "no {X} at all",
             "no {X} involved", "nothing to do with {X}"),  # what it is not about (`registers._MESSAGE_NEGATED`)
    again=("{X} again", "{X} came up again", "{X} once more", "{X}, as I said", "{X} {is} there again",
           "and yes, {X} again", "{X} {is} back"),
    again_negated=("still no {X}", "no {X} again", "again no {X}"),
    repeated=("{X} came up {k}", "{X} {be} mentioned {k}", "{X} came back {k}"),
    joins=(". ", ", ", ", and ", ", but ", "; "),
    places=("{S} (about {c})", "About {c}: {S}", "{S}, regarding {c}"),
    aside=("Just a note about {c}", "I am writing about {c}", "A quick question about {c}"),
    openers=("Also, ", "And ", "On top of that, ", "Then ", "To be clear, "),
    states=("it is {X}", "it seems {X}", "honestly, it is {X}"),
    participles=("it was {X}", "it has been {X}", "it got {X}"),
    persons=("I was {X}", "I have been {X}", "I got {X}"),
    feelings=("I am {X}", "honestly, I am {X}", "right now I am {X}"),
    actions=("I want to {X}", "I would like to {X}", "I can {X}"),
    finite=("someone {X}", "apparently someone {X}"),  # not "then someone": it opened documents
    manners=("the short answer is {X}", "in a word, {X}"),
    intransitive=("it has {X}", "it has since {X}"),
    modals=("I {X}", "I just {X}"),
    articles=True,
    echo=("the {X} {is} still a problem", "I have tried to sort out the {X} myself",
          "the {X} {is} what worries me most"),
)

REMARK = Voice(
    name="remark",
    one=("{L}", "{L}, frankly", "Honestly, {L}", "Seriously, {L}", "Well, {L}", "{L}, plain and simple"),
    many=("{A}, and {R}", "{A}, then {R}", "First {A}, then {R}", "{A}; also {R}"),
    negated=("no {X}", "no {X}", "no {X} this time"),
    unsaid=('nobody said "{X}"', 'no one is saying "{X}"', 'I never said "{X}"'),
    unsaid_again=('again, nobody said "{X}"', 'still nobody is saying "{X}"'),
    again=("{X} again", "and again, {X}", "{X}, once more", "again {X}"),
    again_negated=("still no {X}", "again no {X}"),
    repeated=("{X}, {n} over", "{X} again and again"),
    joins=(", ", "; ", " - "),
    places=("{C}: {S}", "{C} - {S}", "{S} ({c})"),
    aside=("Not sure about {c}", "A word on {c}", "Thinking about {c}", "So, {c}"),
    openers=("",),
    list_context=True,
)
"""The voice of a multi-label document (a comment, a review, a report) whose units are whole phrases ("you
absolute clown", "stained sheets", "the breakfast"): its templates add little, the phrases carry the meaning. A phrase
that names a thing is negated as one ("no stained sheets"); one that is a clause ("pages will not load", "want to
cancel", `is_clause_phrase`) is quoted as words nobody said (`unsaid`: "nobody said "want to cancel""), never
"no pages will not load" or "never want to cancel". At most two context phrases per sentence, one framing it and one
in an aside ("The match: ... (the lineup)"), each framed once per document, never a list of them ("The transfer window,
the match, the derby.")."""

SAID_REMARK = replace(REMARK, name="said remark", said=True)
"""The remarks of a community whose phrases are all things said to someone (insults, threats, slurs: the news
publisher's and the football forum's moderation flags, every comments vocabulary): every negated phrase is quoted as
unsaid ("nobody said "you muppet"", was "no you muppet", "never useless donkey", "nothing like what the hell")."""

_CLAUSE_WORDS = frozenset((
    "i", "you", "your", "we", "he", "she", "they", "someone", "nobody", "nothing", "no", "not", "never", "will",
    "would", "should", "cannot", "can", "is", "are", "was", "were", "has", "have", "had", "keep", "keeps", "went",
    "appears", "drains", "restarts", "crackles", "drops", "shows", "came", "got", "fell", "called", "apologised",
    "argued", "want", "demand", "expect", "send", "end", "close", "speak", "escalate", "reimburse", "refund",
    "switching", "leaving", "porting", "disputing", "going", "blocking", "charged", "billed", "paid", "ignored",
    "already", "still", "waiting", "else", "out",
))
"""Words that make a remark's phrase a clause, not a thing: a pronoun, an auxiliary or a negation, a verb of the
catalog's phrases ("calls keep dropping", "want to cancel", "argued with us", "charged for roaming"). A thing named
wrongly as a clause is only quoted; a clause named as a thing would be "no pages will not load"."""


def is_clause_phrase(phrase: str) -> bool:
    """Whether a remark's phrase (a vocabulary key, underscores or spaces) is a clause ("pages will not load") rather
    than a thing ("stained sheets"): `_CLAUSE_WORDS`."""
    return any(w in _CLAUSE_WORDS for w in phrase.lower().replace("_", " ").split())


NEWS = Voice(
    name="news",
    one=("Reports of {L} dominated the day", "Officials gave details of {L} on {D}", "News of {L} came on {D}",
         "A statement issued at {T} mentioned {L}", "Sources described {L}", "Officials briefed reporters on {L}",
         "The latest update concerns {L}", "Analysts pointed to {L}", "{L} made the headlines",
         "Attention turned to {L}"),
    many=("{A} came alongside {R}", "After news of {A}, attention turned to {R}", "{A} and {R} were both in the news",
          "Officials linked {A} to {R}"),
    negated=("no {X}", "no {X}", "no {X} yet", "no {X} {be} confirmed", "without {X}"),
    again=("{X} again", "{X} once more", "further {X}", "{X} returned later in the day", "more on {X}",
           "a second mention of {X}"),
    again_negated=("still no {X}", "no {X} again", "again no {X}"),
    repeated=("{X} came up {k}", "{X} {be} mentioned {k}"),
    joins=("; ", ", ", ", and "),
    places=("{S} (in coverage of {c})", "On {c}: {S}"),
    aside=("Coverage of {c} continued", "Questions about {c} remain"),
    openers=("Meanwhile, ", "Later, ", "Separately, ", "Elsewhere, "),
    states=("the mood was {X}", "observers called it {X}", "the response was {X}"),
    participles=("it was {X}", "it was later {X}"),
    persons=("a man was {X}", "a suspect was later {X}"),
    feelings=("residents felt {X}", "the mood was {X}"),
    actions=("officials pledged to {X}", "residents were urged to {X}"),
    finite=("someone {X}", "a witness said someone {X}"),
    manners=("the official line was {X}", "the answer from officials was {X}"),
    intransitive=("it has {X}", "it had {X}"),
    modals=("officials said they {X}", "they {X}, officials said"),
    articles=True,
    echo=("questions about the {X} remain",),
)
"""The first paragraph of a news article: reported speech, days and times."""

SYNOPSIS = Voice(
    name="synopsis",
    one=("A story of {L}", "The film follows {L}", "{L} {be} at the heart of it", "It turns on {L}", "Expect {L}",
         "Told over {N} episodes, it is about {L}", "Centres on {L}", "What follows is {L}", "The plot brings {L}"),
    many=("{A} meet{s} {R}", "When {A} collide{s} with {R}, everything changes", "From {A} to {R}",
          "{A} lead{s} to {R}", "{A}, then {R}"),
    negated=("no {X}", "no {X}", "no {X} here", "no {X} in sight", "without {X}", "no {X} to be found"),
    again=("{X} again", "{X} once more", "{X} {is} never far away", "{X} return{s}", "another turn of {X}",
           "{X} come{s} back"),
    again_negated=("still no {X}", "no {X} again", "again no {X}"),
    repeated=("{X} come{s} back {k}", "{X} return{s} {k}"),
    joins=(", ", "; ", ", and ", ", but "),
    places=("{S} (set among {c})", "{S}, amid {c}"),
    aside=("A tale of {c}", "Set among {c}"),
    openers=("Then ", "Soon ", "Meanwhile, ", "Later, ", "Above all, "),  # the last may open a synopsis
    states=("everyone is {X}", "it turns {X}", "the mood is {X}"),
    participles=("it is {X}", "it is all {X}"),
    persons=("someone is {X}", "everyone is {X}"),
    feelings=("everyone is {X}", "she is {X}"),
    actions=("they must {X}", "someone has to {X}"),
    finite=("the film {X} what really happened", "the series {X} how it began"),  # not "someone explores"
    manners=("the answer, as always, is {X}", "the word is {X}"),
    intransitive=("it has {X}", "everything has {X}"),
    modals=("they {X}", "she {X}"),
    articles=True,
    echo=("the {X} change{s} everything",),
)
"""A catalogue synopsis of a film or series: the plot in the present tense."""

LISTING = Voice(
    name="listing",
    one=("{@not buyer}The property offers {L}", "{@not buyer}Features include {L}", "{@not buyer}Benefits from {L}",
         "{@not buyer}Boasting {L}", "{@not buyer}Highlights include {L}",  # not "A barn throughout"
         "{@place}{L} to the rear", "{@not buyer}Viewing is advised to appreciate {L}",
         "{@not buyer}Offered with {L}", "{@not buyer}Comes with {L}", "{@buyer}Would suit {L}",
         "{@buyer}Likely to appeal to {L}", "{@buyer}Of particular interest to {L}"),  # not "Offers a landlord"
    many=("{@not buyer}{A} with {R}", "{@not buyer}{A}, along with {R}", "{@not buyer}{A}, plus {R}",
          "{@not buyer}Alongside {A}, there {Rbe} {R}"),  # buyers are suited: "Would suit a landlord and tenants"
    negated=("no {X}", "no {X}", "no {X} on site", "no {X} included", "without {X}"),
    again=("{X} again", "{X} again in the details", "further {X}", "{X} once more", "{X}, as noted",
           "{X} upstairs too"),
    again_negated=("still no {X}", "no {X} again", "again no {X}"),
    repeated=("{X} noted {k}", "{X} mentioned {k}"),
    joins=(", ", "; ", ", and ", ", with "),
    places=("{S} (details of {c} on request)", "{S}; ask about {c}"),
    aside=("Details of {c} on request", "Please ask about {c}"),
    openers=("Also, ", "Further, ", "Notably, ", "In addition, "),  # not "Upstairs, would suit a family"
    first_openers=("Newly listed, ",),  # a short first sentence: "Newly listed, boasting income." ("Notably," links)
    states=("presented as {X}", "described as {X}", "it is {X}"),
    participles=("it is {X}", "the property is {X}"),  # not "recently dated", "recently secluded": states
    feelings=("described as {X}", "it is {X}"),
    actions=("buyers can {X}", "owners may {X}"),
    finite=("the vendor {X}", "the agent {X}"),
    manners=("the agent says {X}", "in the agent's words, {X}"),
    intransitive=("it has {X}", "it had {X}"),
    modals=("buyers {X}", "owners {X}"),
    articles=True,
    echo=("the {X} {is} a real selling point",),
)
"""The description of a property in its sales listing: an estate agent's selling phrases."""

COMMENTARY = Voice(
    name="commentary",
    one=("{L} on {M} minutes", "And there's {L}", "{L} from the visitors", "{L} for the home side",
         "Big moment: {L}", "{L}, and the crowd reacts", "{M} minutes gone: {L}", "What a moment, {L}",
         "{L} down the left"),
    many=("{A}, then {R}", "{A} and straight away {R}", "{A} lead{s} to {R}", "{A}, followed by {R}"),
    negated=("no {X}", "no {X}", "no {X} given", "no {X} this time", "without {X}"),
    again=("{X} again", "{X} from the same side", "{X} once more", "{X} again from the same spot",
           "{X} a second time"),
    again_negated=("still no {X}", "no {X} again", "again no {X}"),
    repeated=("{X} come{s} back {k}", "{X} come{s} up {k}"),
    joins=(", ", " - ", ", and ", "; "),
    places=("{S}, eyes on {c}", "On {c}: {S}"),
    aside=("Talk turns to {c}", "All eyes on {c}"),
    openers=("Now ", "Moments later, ", "Then "),
    states=("he is {X}", "they look {X}", "the keeper looks {X}"),
    participles=("that one was {X}", "the ball was {X}"),
    persons=("he has been {X}", "he is {X}"),
    feelings=("he looks {X}", "they look {X}"),
    actions=("he wants to {X}", "they try to {X}"),
    finite=("he {X}", "and he {X}"),
    manners=("the bench says {X}", "the word from the bench is {X}"),
    intransitive=("that one has {X}", "the ball has {X}"),
    modals=("he {X}", "and he {X}"),
    articles=True,
    echo=("replays show that {X} clearly",),
)
"""One line of live match commentary: minutes and the two sides."""

REQUEST = replace(
    MESSAGE,  # first person too: its negations, follow-ups, frames and non-noun clauses
    name="request",
    one=("I am asking for help with {L}", "My request is about {L}", "Could anyone help? It is about {L}",
         "The reason I ask is {L}", "Any help with {L} would mean a lot", "Long story short, there {is} {L}",
         "I would not ask, but there {is} {L}", "This request comes down to {L}", "Asking because of {L}",
         "Since {T} I have been dealing with {L}"),
    many=("First {A}, and now {R}", "Between {A} and {R}, I need a hand", "There {is} {A}, and also {R}",
          "It started with {A}, then {R}"),
    negated=("no {X}", "no {X}", "there {be} no {X}", "no {X} at all", "no {X} involved", "nothing to do with {X}"),
    again=("{X} again", "{X}, as I said", "and yes, {X} again", "{X} once more", "{X} came up again"),
    repeated=("{X} came up {k}", "{X} came back {k}"),
    aside=("This is a request about {c}", "Asking about {c}"),
    openers=("Also, ", "Honestly, ", "And ", "If it helps, ", "To be clear, "),
    actions=("I would like to {X}", "I can {X}", "I will {X}"),
    echo=("the {X} {is} the main reason I am asking", "the {X} {has} made things hard"),
)
"""A request for help on a community board (a meal, a loan, a hand, a machine): the requester asks, in the first
person, and gives the reason."""
