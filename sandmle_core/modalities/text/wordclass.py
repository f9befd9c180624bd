"""The word class of a vocabulary key, so the sentence grammar puts each word in a slot that fits it.

The catalog's text vocabularies mix nouns ("sea_views", "whiplash") with adjectives and participles ("lazy",
"haunted", "insured"), verbs ("complain", "repay", "comes_on") and adverbs ("hopefully", "quickly"). A template slot
that expects a noun ("I want to report {L}", "The film follows {L}") reads wrong with any of the others ("I want to
report grateful"), so `render` asks this module which class a word is and writes the non-nouns in clauses of their
own ("I am grateful", "I want to repay", "hopefully, if possible"). Only how a document reads depends on it: the
units, the rule and the oracle do not.

Classes are read from the word's ending (participles in -ed, adverbs in -ly, adjectives in -ous, -ful, -less,
-able/-ible, verbs in -ify and -alise), from its prefix (un- before an adjective or participle: "unlit", "unfair"), and
from the tables below, which list the catalog's words that the rules miss or get wrong (irregular participles and past
tenses, base verbs without a telling ending: "solve", "renew"); `tests/core/modalities/test_text_wordclass.py` and
`test_text_mend.py` check every catalog word against them. A key of several words ("card_declined", "sea_views") is a
noun phrase unless listed, unless it opens with "not"/"never" ("not_recognised" is a participle, written "it was not
recognised"), or unless it is a participle with an adverb or a second participle ("marked_delivered", "charged_twice").
"""

from __future__ import annotations

__all__ = ["ACTION", "FEELING", "FINITE", "INTRANSITIVE", "MANNER", "MODAL", "NOUN", "NOUN_ENDINGS", "PARTICIPLE",
           "PERSONAL", "PLACED", "STATE", "is_noun", "modal_opposite", "with_object", "word_class"]

NOUN, STATE, PARTICIPLE, FEELING = "noun", "state", "participle", "feeling"
ACTION, FINITE, MANNER, PERSONAL = "action", "finite", "manner", "personal"
INTRANSITIVE, MODAL = "intransitive", "modal"
"""A noun phrase; an adjective ("urgent", "quirky"); a past participle, said of a thing ("bounced", "rifled"); how a
person feels ("grateful", "hoping"); a verb's base form ("repay"); a verb already inflected, which needs a subject
("comes on", "broke in"); an adverb ("hopefully"); a past participle said of a person ("booked", "arrested"); the
past participle of a verb that takes no object ("vanished", "arrived"); a verb after "cannot", which needs a subject
("cannot find": "I cannot find it")."""

_PERSONAL = frozenset({
    "booked", "subbed", "introduced", "withdrawn", "denied", "hauled", "arrested", "sentenced", "acquitted",
    "charged", "overcharged", "billed", "pickpocketed", "possessed", "bitten", "poisoned", "stalked", "reanimated",
    "costumed", "caped", "knocked_unconscious", "shouted_at", "sworn_at",
})
"""Participles of the catalog said of a person, not a thing ("he has been booked", "a man was arrested", "I was
billed"): a voice writes them with a person as the subject, the others with a thing ("that one was rifled")."""

_INTRANSITIVE_PAST = frozenset({
    "vanished", "disappeared", "arrived", "occurred", "happened", "stalled", "died", "expired", "fallen", "collapsed",
    "emerged", "evaporated", "failed", "gone", "lapsed", "perished", "arisen", "elapsed",
})
"""Past participles of verbs that take no object: nothing is done to the thing, so no passive holds them ("it was
vanished", "it has been arrived"); a voice writes them in the active perfect ("it has vanished", "it has fallen":
the participle, which is not always the past tense, "fell")."""

_FEELINGS = frozenset({
    "grateful", "thankful", "hungry", "lazy", "curious", "hoping", "struggling", "craving", "honest", "desperate",
    "tired", "impatient", "anxious", "nervous", "broke", "lonely", "grumpy", "sick", "hungover", "elderly",
    "entitled", "insured", "dizzy", "drowsy", "nauseous", "nauseated", "lightheaded", "dazed", "bored", "helpful",
    "polite", "loyal", "careful", "careless", "trying", "wondering", "young", "old", "sore", "weak", "numb",
    "disgruntled", "distressed", "starved", "dehydrated", "stranded", "skint", "worried", "recovering",
    "alone", "fed",
})
"""States of the person who writes ("I am grateful"), not of a thing."""

_NOUN_ENDINGS = frozenset({
    "bed", "footbed", "bleed", "nosebleed", "crossbleed", "crossfeed", "family", "assembly", "gully", "monopoly",
    "rally", "supply", "need", "seed", "shed", "speed", "feed", "hundred",
    # -ous, -ful, -less, -able/-ible nouns
    "deductible", "executable", "timetable", "vegetable", "constable", "convertible", "collectible", "handful",
    "mouthful", "spoonful", "wireless",
})
"""Words whose ending (-ed, -ly) would make them a state or a manner but which are nouns."""

_STATES = frozenset({
    # adjectives and participles the -ed rule does not catch
    "aggressive", "agricultural", "annual", "archival", "asthmatic", "attentive", "baggy", "basic", "biliary",
    "biometric", "breathable", "breathless", "broken", "careful", "careless", "clammy", "cloudy", "comfy",
    "convenient", "cosy", "courteous", "crossbody", "culinary", "curious", "cynical", "defective", "delicious",
    "different", "dirty", "dismissive", "dizzy", "drowsy", "dry", "dusty", "earthy", "epigastric", "excessive",
    "exertional", "expensive", "fancy", "faulty", "filthy", "floral", "frozen", "grateful", "helpful",
    "hilarious", "hungry", "hydraulic", "identical", "impatient", "incontinent", "industrial", "integral",
    "intentional", "international", "itchy", "laid", "lazy", "loose", "loyal", "medieval", "metallic", "milky",
    "mistaken", "murky", "musty", "nauseous", "noisy", "offensive", "oppressive", "orthopaedic", "overpaid",
    "packable", "paranormal", "pathetic", "periumbilical", "permanent", "pleuritic", "polite", "postictal",
    "prestigious", "pricey", "puffy", "quadratic", "quirky", "reliable", "ridiculous", "rural", "rusty",
    "seedy", "sent", "shadowy", "shameful", "spacious", "special", "spotless", "stationary", "stolen", "structural",
    "suprapubic", "sweaty", "taken", "tasty", "thankful", "typical", "uneven", "unprofessional", "unusable",
    "urgent", "urinary", "usual", "various", "volumetric", "walkable", "watery", "yellowish", "elderly", "friendly",
    "ghostly", "monthly", "neighbourly", "quarterly", "scaly", "smelly", "wobbly", "cheap", "free", "spare", "new",
    "honest", "old", "sick", "sore", "numb", "weak", "late", "early", "wet", "cold", "hot", "rude", "slow", "quick",
    "fast", "loud", "dark", "bright", "fresh", "stiff", "pale", "swollen", "warm", "safe", "weird", "mild", "severe",
    "stable", "generous", "good", "great", "ideal", "modern", "serviceable", "worse", "better", "best", "young",
    "local", "medium", "close", "near", "outside", "overall", "right", "left", "first", "last", "mine", "tight",
    "soft", "hard", "flat", "empty", "full", "busy", "sticky", "blurry", "faint", "grumpy", "lonely", "anxious",
    "nervous", "desperate", "broke", "tired", "poor", "rich", "single", "entire", "bigger", "simple", "worst",
    "owed", "abdominal", "alpine", "awkward", "bespoke", "brown", "yellow", "cheaper", "compact", "dead",
    "deliberate", "due", "dystopian", "totalitarian", "european", "fake", "feeble", "foreign", "incorrect",
    "irregular", "large", "small", "narrow", "overdue", "quiet", "short", "spectacular", "stale",
    "teenage", "tranquil", "undercover", "outbound", "wrong", "clean", "fair", "familiar", "showerproof", "tender",
    "grand", "sweeping", "snug", "counterfeit", "orange", "crushing", "gaping", "radiating", "one_sided",
    "water_resistant", "moisture_wicking", "gold_plated", "rfid_blocking",
    # -ing words that are adjectives or a verb in progress, not a gerund ("signs of bruising" reads; these do not)
    "amazing", "boring", "exciting", "disturbing", "misleading", "missing", "bumbling", "blistering", "welcoming",
    "struggling", "hoping", "trying", "craving", "recurring", "pending", "overhanging", "malfunctioning",
    "shambling", "celebrating", "relocating", "departing", "returning", "leaving", "visiting", "moving", "working",
    "running", "wondering", "overflowing", "pioneering",
    # phrases that are states ("weeks_parked" is written "parked for weeks": `nouns.WRITTEN`)
    "weeks_parked", "burnt_out", "mixed_up", "rolled_over", "painted_over", "running_out", "topped_up", "padded_back",
})
"""Adjectives, participles and -ing words of the catalog that are not nouns (the -ed ones are found by ending)."""

_ACTIONS = frozenset({
    "employ", "repay", "waive", "complain", "insist", "lend", "keep", "owe", "expect", "expand", "forward",
    "appreciate", "follow", "know", "look", "want", "start", "do", "help", "hope", "like", "thank", "apologise",
    "beg", "promise", "borrow", "share", "pay", "return", "cover", "inspire",
    "replace", "deserve", "recommend", "crave", "solve", "understand", "explain", "activate", "collaborate",
    "migrate", "cancel", "join", "postpone", "terminate", "rebook", "recline", "refer", "refinance", "refuel",
    "regrade", "renew", "reschedule", "recognise", "recognize", "subscribe", "unsubscribe",
})
"""Verbs of the catalog in their base form ("I want to repay"); "refuse" is the rubbish a bin crew collects."""

_INTRANSITIVE = frozenset({"complain", "insist", "apologise", "collaborate", "migrate", "subscribe", "unsubscribe",
                           "hope", "look", "start", "help", "beg", "promise", "know", "expand", "recline", "refinance",
                           "refuel", "join", "pay", "return", "do"})
_OBJECTS = {"employ": "staff", "lend": "a hand", "thank": "you", "inspire": "others", "refer": "them",
            "expect": "more", "borrow": "some", "recommend": "them", "follow": "up"}
"""What a verb of the catalog takes after it ("I will deserve" read as if cut off): "it" unless listed here, nothing
for the intransitive ones."""

_FINITE = frozenset({"comes_on", "makes_way", "broke_in", "overslept", "forgot", "denies", "states", "triggered",
                     "restarted", "told", "said", "stayed", "offers", "does", "has", "had", "came", "went",
                     # inflected verbs whose -s or irregular past the endings cannot tell from a noun
                     "celebrates", "examines", "explores", "investigates", "portrays", "overheats", "freezes",
                     "fell", "swore", "threw", "withdrew", "woke", "vomited_twice"})
"""Verbs already inflected: they need a subject ("he comes on", "someone broke in"). Not "stole": the catalog's
"stole" is a scarf."""
_FINITE_OBJECTS = {"threw": "it"}
"""Inflected verbs that take an object ("someone threw it": "nobody threw" read as cut off)."""

_MANNERS = frozenset({
    "anyway", "someday", "nearby", "now", "maybe", "whatever", "hopefully", "kindly", "quickly", "barely",
    "basically", "deliberately", "honestly", "marginally", "obviously", "asap", "definitely", "approximately",
    "sadly", "unfortunately", "highly", "really", "very", "throughout", "again", "also", "away", "today",
    "tomorrow", "yesterday", "tonight", "soon", "already", "please", "thanks", "hello", "hi", "dear", "regards",
    "sorry", "ok", "nil", "according", "regarding", "since", "during", "near", "around", "someone", "anyone",
    "everyone", "everything", "nobody", "nothing", "here", "there", "otherwise", "whenever", "myself",
    "always", "never", "abroad", "behind", "beyond", "earlier", "elsewhere", "indoors", "instead", "nowhere",
    "overnight", "overseas", "still", "thrice", "twice", "upstairs", "where", "without", "bonjour", "gracias", "hola",
    "merci",
})
"""Adverbs, greetings and other words that fill no noun's slot ("hopefully", "thanks", "yesterday")."""
PLACED = frozenset({"abroad", "earlier", "elsewhere", "indoors", "nearby", "now", "overnight", "overseas", "soon",
                    "today", "tomorrow", "tonight", "upstairs", "yesterday", "here", "there", "someday", "once",
                    "twice", "thrice", "always", "again"})
"""Adverbs of place, time and how often that "not" negates as English does ("not upstairs", "not today", "not
twice"), where an adverb of manner or a greeting cannot take it ("not hopefully", "not thanks"; they were "no one
said twice", "no one said someday")."""

_PARTICIPLES = frozenset({
    "lit", "lost", "known", "shown", "grown", "blown", "thrown", "flown", "drawn", "torn", "worn", "sworn", "bitten",
    "written", "hidden", "withdrawn", "stuck", "struck", "built", "burnt", "bent", "spent", "hung", "shut", "split",
    "paid", "made", "done", "seen", "heard", "found", "held", "kept", "left", "met", "read", "sold", "won",
})
"""Irregular past participles (the -ed rule misses them); "un" before one is a participle too ("unlit", "unpaid")."""

_PREPOSITIONS = frozenset({"on", "for", "in", "at", "to", "by", "from", "into", "off", "over", "under", "with"})
"""A participle before one of these opens a participle phrase, not a noun phrase ("lost in post", "parked for
months": not "a lost in post", "no parked for months")."""

_ADJECTIVE_ENDINGS = ("ous", "ful", "less", "able", "ible")
_VERB_ENDINGS = ("ify", "alise", "alize", "ilise", "ilize", "ogise", "ogize", "gnise", "gnize")
NOUN_ENDINGS = ("tion", "sion", "ment", "ness", "ship", "ity", "ence", "ice", "ism", "hood", "dom")
"""Endings of nouns ("apprentice", "payment") in words of seven letters or more ("twice" is not one): such a word is
never put in a table of verbs, feelings or manners (`test_text_mend` checks the tables)."""


def word_class(key: str) -> str:
    """The class of a vocabulary key (underscores between words): `NOUN`, `STATE`, `PARTICIPLE`, `PERSONAL`,
    `FEELING`, `ACTION`, `FINITE` or `MANNER`.

    Args:
        key: a vocabulary key as the catalog writes it ("sea_views", "lazy", "comes_on").

    Returns:
        One of the module's class names; a key not listed and without a telling ending is a noun.
    """
    word = key.strip().lower().replace(" ", "_")
    for table, name in ((_PERSONAL, PERSONAL), (_INTRANSITIVE_PAST, INTRANSITIVE), (_FEELINGS, FEELING),
                        (_FINITE, FINITE), (_ACTIONS, ACTION), (_MANNERS, MANNER)):
        if word in table:
            return name
    if word in _STATES:
        return PARTICIPLE if word.endswith(("ed", "en")) or word in ("laid", "sent", "broke") else STATE
    head, _, rest = word.partition("_")
    if head == "cannot" and rest:  # "cannot_find": a verb after a modal, never a noun ("no cannot find")
        return MODAL
    if head in ("not", "never") and rest:  # "not_recognised": the class of what it negates
        inner = word_class(rest)
        return NOUN if inner == NOUN else inner
    if rest and rest.split("_")[0] in _PREPOSITIONS and _class_by_form(head) in (PARTICIPLE, INTRANSITIVE):
        return _class_by_form(head)  # "parked_for_months", "covered_in_dust": "it has been parked for months"
    if _class_by_form(head) == PARTICIPLE and (rest == "double" or (
            "_" not in rest and word_class(rest) in (PARTICIPLE, STATE, MANNER))):  # "marked_delivered",
        return PERSONAL if head in _PERSONAL else PARTICIPLE  # "charged_twice": "I was charged twice", not "no
        # marked delivered", "a charged twice"
    if "_" in word or word in _NOUN_ENDINGS:
        return NOUN
    return _class_by_form(word)


def _class_by_form(word: str) -> str:
    """The class a single word's ending or prefix tells (irregular participles included); `NOUN` when none does."""
    if word in _INTRANSITIVE_PAST:
        return INTRANSITIVE
    if word in _PARTICIPLES or (word.endswith("ed") and len(word) > 4):
        return PARTICIPLE
    if word.endswith("ly"):
        return MANNER
    if word.endswith(_ADJECTIVE_ENDINGS) and len(word) > 6:
        return STATE
    if word.endswith(_VERB_ENDINGS) and len(word) > 5:
        return ACTION
    if word.startswith("un") and len(word) > 4:  # "unlit", "unfair", "unpaid": un- before a non-noun
        inner = word_class(word[2:])
        if inner in (STATE, PARTICIPLE, PERSONAL, FEELING):
            return PARTICIPLE if inner == PARTICIPLE else STATE
    return NOUN


def with_object(key: str) -> str:
    """A verb key as a clause writes it, with its object: "repay it", "employ staff", "complain", "cannot find it"
    (underscores as spaces); a key of another class as it is."""
    word = key.strip().lower().replace("_", " ")
    if word_class(key) == FINITE:
        return f"{word} {_FINITE_OBJECTS[word]}" if word in _FINITE_OBJECTS else word
    if word_class(key) == MODAL:
        head, _, verb = word.partition(" ")
        return f"{head} {verb} it" if verb in _MODAL_TRANSITIVE else word
    if word_class(key) != ACTION or word in _INTRANSITIVE:
        return word
    return f"{word} {_OBJECTS.get(word, 'it')}"


_MODAL_TRANSITIVE = frozenset({"find", "open", "see", "use", "access", "afford", "reach", "hear", "read", "fix",
                               "locate", "trust", "load", "remember", "understand", "explain", "repay", "cancel"})
"""Verbs that take an object, after "cannot" ("I cannot find" read as if cut off): written with "it"."""


def modal_opposite(key: str) -> str:
    """A "cannot" key said the other way round, as its negation is written: "managed to find it", "managed to bear
    weight" (not "can find it": "I can find it after all" doubled a first-person "I can" clause)."""
    return with_object(key).replace("cannot ", "managed to ", 1)


def is_noun(key: str) -> bool:
    """Whether a vocabulary key reads as a noun phrase (it fits "an issue with {X}", "there was no {X}")."""
    return word_class(key) == NOUN
