"""How a noun is written in a sentence: with "a"/"an" when it is one countable thing, and whether a common word is a
number or a time, which no frame of context can hold.

A bare singular noun in a first-person or narrated sentence reads as a word list, not as English: "there is contract",
"I noticed leak". `with_article` writes "a contract", "an invoice", but keeps plurals ("sea views", "binmen",
"mice"), mass nouns ("rent", "flooding", "money", "software", "availability"), phrases that are no noun ("money
back", "pitch black", "cancel card") and abbreviations read as letters ("an MRI" is "an mri", "a gps") right, and
writes "the" before the names that take it ("the periodic table", "the subjunctive").
A note's telegraphic style ("Reported leak at 04:00") keeps its bare nouns: only voices with `articles` ask.

Numbers, weekdays and time words ("two", "week", "tuesday") are common words of many domains, but written as a
document's context ("On two, week, tuesday: ...") they read as noise, so `is_when` lets `render` leave them out.
Only the wording depends on this module: units, rules and oracles do not.
"""

from __future__ import annotations

import re

from sandmle_core.modalities.text.wordclass import (
    ACTION,
    FINITE,
    INTRANSITIVE,
    MANNER,
    NOUN,
    PARTICIPLE,
    PERSONAL,
    STATE,
    word_class,
)

__all__ = ["WRITTEN", "definite", "is_name", "is_plural", "is_superlative", "is_when", "takes_no_determiner",
           "with_article", "written"]

_MASS = frozenset({
    "potential",  # a listing's "with potential" (was the state "It is potential")
    "advice", "amnesia", "anaphylaxis", "angina", "anorexia", "asphalt", "asthma", "audio", "bandwidth", "bleach",
    "blood", "bloodwork", "bokeh", "broadband", "cash", "cashmere", "chaos", "cheese", "chlorine", "cholesterol",
    "coffee", "confusion", "congestion", "conservation", "construction", "corrosion", "coverage", "credit",
    "crepitus", "cuisine", "damp", "data", "daylight", "debris", "deforestation", "delamination", "denim",
    "depreciation", "diarrhoea", "diesel", "documentation", "dosage", "dysphasia", "dysuria", "eczema", "elasticity",
    "electricity", "epilepsy", "equilibrium", "equipment", "evidence", "evolution", "exposure", "fame", "fatigue",
    "feedback", "fibre", "food", "footage", "fraud", "friction", "frost", "fuel", "furniture", "garbage", "garlic",
    "grease", "grime", "graffiti", "haematuria", "hail", "hair", "halon", "heating", "help", "hemiparesis",
    "hydration", "ice", "income", "inflation", "infantry", "information", "insurance", "jaundice", "legislation",
    "lightning", "lingerie", "litter", "love", "luck", "luggage", "magic", "metabolism", "milk", "moderation",
    "momentum", "money", "mould", "music", "nausea", "navigation", "neglect", "noise", "oil", "oxygen", "paperwork",
    "parking", "phlegm", "poetry", "pollution", "pressure", "productivity", "quarantine", "rain", "rainfall",
    "research", "resistance", "respiration", "revenue", "rent", "rice", "rubbish", "rubble", "safety", "salt",
    "sediment", "sludge", "slush", "smoke", "snow", "software", "firmware", "sputum", "steam", "stock", "stuff",
    "sulphur", "sunscreen", "sunshine", "surveillance", "tarmac", "tea", "terror", "thrust", "traffic", "trash",
    "travel", "urgency", "vermin", "warmth", "water", "weather", "wildlife", "wind", "wool", "work", "worship",
    "french", "spanish", "german", "python", "github", "linkedin", "duolingo", "figma", "postgres", "lightroom",
    "broadway", "wimbledon", "shakespeare", "plato", "kant", "freud", "socrates", "descartes", "dickens", "maslow",
    "piaget", "milgram", "versailles", "transylvania", "nosferatu", "toxbase", "skydrol", "salbutamol",
    "paracetamol", "warfarin", "trimethoprim", "flucloxacillin", "levetiracetam", "sumatriptan", "troponin",
    "photography", "typography", "historiography", "physics", "robotics",
    "acreage", "occupancy", "unemployment", "cybersecurity", "intelligence", "synthesis", "replication",
    "behaviour", "maintenance", "whitespace", "waste", "vocabulary", "gum", "control", "paint", "normalisation",
    "authorization", "authorisation", "wifi", "demand", "damage", "refuse", "glass", "use",
})
"""Nouns of the catalog that take no "a": uncountable things, languages, names, medicines."""

_MASS_MORE = frozenset({
    "abuse", "access", "adhesive", "adolescence", "air", "aircon", "airflow", "algebra", "art", "barley",
    "biodiversity", "brick", "calculus", "chemistry", "clergy", "coingestion", "comfort", "concrete", "condensate",
    "condensation", "conduct", "consumption", "content", "coolant", "copd", "countryside", "custody",
    "differentiation", "diplomacy", "distance", "dns", "drift", "elastic", "energy", "epistaxis", "espionage",
    "ethernet", "fibrillation", "filling", "finding", "focus", "force", "fur", "gangland", "gdp", "gravity", "grip",
    "grout", "health", "heat", "heritage", "jewellery", "kyc", "land", "latency", "literature", "logic", "loot", "lte",
    "lubrication", "memory", "mitochondria", "nfc", "nonsense", "nutrition", "permission", "persistence",
    "pain", "photosynthesis", "pneumonia", "power", "pronunciation", "protection", "radiation", "recursion", "reflux",
    "rehydration", "relief", "roadkill", "scope", "silver", "ski", "skin", "skincare", "soil", "speech", "sql", "ssh",
    "staff", "static", "stoichiometry", "storage", "stowage", "support", "taxis", "tcp", "tennis", "tlc", "transport",
    "triage", "udp", "urine", "viscosity", "wartime", "wheat", "whiplash", "worth",
})
"""More uncountable heads, from a read of every catalog noun the generator gave "a"/"an" (2026-12-05: "a rude
staff", "a value", "a transport", "an aircon")."""

_BARE = frozenset({
    "shutter speed",
    "abusive", "adobe illustrator", "ants on the desk", "apple pay", "apps time out",
    "at the junction", "at the weekend", "atm swallowed card", "attachment theory", "away tickets for sale", "been",
    "bill does not match", "blocking the whole lane", "blood from nostril", "bloody awful", "bloody hell",
    "blurred vision", "bulky", "but", "by", "by the bus stop", "can you share the link", "car hire", "card inactive",
    "charged a fee", "charged twice for one month", "child nearly fell in", "cling film",
    "construction noise from seven", "could", "customer service", "cyclist came off", "d day", "debris on the road",
    "delay repay", "demand a full refund", "did you book direct", "did you email the teacher", "did you get the bonus",
    "did you get the surge", "did you read the article", "did you report it", "did you run it",
    "did you watch the finale", "discriminatory", "display blank", "disputing with my bank", "downtown",
    "droppings behind the fridge", "electrical", "enable card", "end my contract", "escalate this", "expect a refund",
    "eye rolling at check in", "face id", "from", "gift aid", "going to the ombudsman", "google pay", "have",
    "have you asked your nurse", "have you tried a new sim", "he", "holy crap", "how", "hydraulic fluid", "iaw",
    "in my opinion", "in my view", "in town", "insects in the kitchenette", "into", "invoice did not match", "is",
    "it", "just", "keep number", "landing gear", "last known well", "last season", "last summer", "last week",
    "leaf blowers at dawn", "leaning forward", "leaving bank", "leaving for another network", "litter everywhere",
    "locker hire", "loud music every night", "loud music next door", "low carb", "lunar", "machine kept card",
    "marginal utility", "mcburney", "mi6", "misc", "money back or else", "moved house", "moving house",
    "near the church", "near the school", "needles in the park", "next door", "next saturday", "next time",
    "next week", "nothing loads on four g", "ohms law", "oil pressure low", "on arrival", "on the corner",
    "on the phone", "opposite the park", "other", "outside number twelve", "own front door", "oxygen low",
    "pages will not load", "paid twice this month", "past", "period charm", "phone will not charge",
    "porting my number", "profane", "read the article", "refund the difference", "reply to", "reported before",
    "requester received loan", "requester received meal", "requester received upgrade", "requests per second",
    "respiratory", "road works everywhere", "room service", "rubbish bags torn open", "ruined the show",
    "sack the lot of them", "same amount", "season two", "send me my pac code", "ser estar", "severely abusive",
    "shouting after midnight", "shouting in the corridor", "signal drops at night", "since last week", "since monday",
    "spare us", "speak to a manager", "spoilt our holiday", "staff attitude", "still waiting for an answer",
    "switching provider", "system pressure low", "than", "thanks in advance", "they", "tickets at face value",
    "to be honest", "toilet inop", "traffic noise all night", "tu vous", "two factor", "unlock new card",
    "up the town", "value", "verify identity", "voltage low", "walking after dinner", "want to cancel", "we",
    "week three", "weight bearing", "were you at the game", "what", "what a joke", "what the hell", "when", "who",
    "why", "would", "year six", "you", "you make a fair point",
})
"""Catalog keys written without an article in a noun slot: names ("apple pay", "face id"), places read as
names ("downtown"), phrases that are no noun ("at the junction", "when", "loud music every night"), and uncountable
phrases whose head is counted in other keys ("customer service" but "a music service", "cling film" but "a film",
"blurred vision", "landing gear")."""

_DEFINITE = frozenset({
    "chain rule", "french revolution", "imparfait", "industrial revolution", "irs", "kgb", "mediterranean",
    "osi model", "passé composé", "periodic table", "ph scale", "preterite", "product rule", "right iliac fossa",
    "right upper quadrant", "subjunctive",
})
"""Keys that take "the" ("the periodic table", "the KGB", "the subjunctive"), not "a"."""

_MASS_ENDINGS = ("ing", "ness", "ism", "ware", "wear", "osis", "itis", "phobia", "ology")
"""Endings of uncountable nouns ("flooding", "dizziness", "software", "beachwear", "osmosis", "pathology")."""

_COUNTED = frozenset({
    "booking", "building", "meeting", "wedding", "ceiling", "painting", "filling", "fitting", "listing", "reading",
    "setting", "warning", "crossing", "landing", "sibling", "string", "king", "thing", "ring", "wing", "spring",
    "sling", "bearing", "bushing", "coupling", "earring", "opening", "pudding", "offering", "ending", "feeling",
    "finding", "hearing", "recording", "saying", "shooting", "stabbing", "drawing", "stocking",
    "diagnosis", "prognosis", "apology", "witness", "business", "harness", "fortress", "mattress",
})
"""Nouns with a mass noun's ending that are counted ("a booking", "a diagnosis", "a business")."""

_PLURALS = frozenset({"people", "police", "mice", "geese", "feet", "teeth", "children", "cattle", "data", "media",
                      "criteria"})
_NOT_MEN = frozenset({"abdomen", "specimen", "amen", "omen", "stamen", "regimen", "semen", "hymen"})
"""Irregular plurals ("a binmen" read wrong): these, and words in -men but for the singulars listed."""
_SINGULAR_S = frozenset({"chaos", "physics", "news", "mathematics", "economics", "diabetes", "measles", "series",
                         "species", "gps", "tcas", "fms", "ops", "overseas", "indoors", "upstairs"})
"""Heads in -s that take a singular verb ("the chaos changes everything", "the GPS was ruled out") or are no noun."""

_MASS_PHRASES = frozenset({"free will", "real life", "deep space", "extra time"})
_NOT_HEADS = frozenset({"back", "around", "up", "down", "behind", "online", "away", "over", "black", "free", "built",
                        "plated", "resistant", "proof", "fell", "wrongly", "onside", "offside"})
"""Last words that are no noun ("money back", "pitch black", "water resistant"): the phrase takes no "a"."""
_VERBS_FIRST = frozenset({"activate", "cancel", "close", "delete", "reset", "replace", "upload", "download", "change",
                          "freeze", "raise", "track", "switch", "shut", "renew", "update", "block", "unblock"})
"""First words that make a key a verb phrase ("cancel card", "reset password"): no "a" before it."""

_LETTERS = frozenset({
    "acl", "adf", "apr", "apu", "atm", "cv", "cvr", "dme", "dns", "dx", "edp", "egpws", "egt", "fdr", "fms", "fqi",
    "gcu", "gdp", "gps", "hmi", "idg", "ife", "ils", "irs", "kgb", "kyc", "lte", "ltv", "mi6", "mri", "n1", "nd",
    "nfc", "otp", "pbe", "pfd", "plc", "ptu", "rdp", "roi", "sql", "ssh", "tcp", "tlc", "udp", "usb", "vhf", "sms",
})
"""Abbreviations read letter by letter: their article follows the first letter's name ("an mri", "a gps")."""

WRITTEN = {"reply_to": "reply-to address", "weeks_parked": "parked for weeks",
           # not "a speed shutter", "lamp dead", "d day", "an amber", "passe compose", "a declined till"
           "lamp_dead": "dead lamp", "d_day": "D-Day landings", "amber": "amber light",
           "passe_compose": "passé composé", "till_declined": "refusal at the till", "iso": "ISO setting",
           "someone_elses": "someone else's order", "lost_stolen": "lost or stolen",
           "mind": "change of mind", "impulse": "impulse buy", "another": "another item", "powers": "power button",
           "double": "double payment", "space": "parking space", "change_address": "change of address",
           "update_details": "update of my details", "spray": "spray paint", "rain_exposed": "rain damage",
           "unattended": "left unattended", "quality": "quality problem",
           # a verb and its object, as the thing done: "I am writing about change pin" read as a command
           "activate_card": "card activation", "activate_in_app": "activation in the app",
           "activate_new_card": "new card activation", "add_money": "money top-up",
           "cancel_account": "account cancellation", "cancel_card": "card cancellation", "change_pin": "PIN change",
           "close_account": "closure of my account", "delete_account": "account deletion",
           "download_statement": "statement download", "enable_card": "request to enable my card",
           "export_transactions": "transaction export", "forgot_password": "forgotten password",
           "forgot_pin": "forgotten PIN", "freeze_card": "card freeze", "freeze_membership": "membership freeze",
           "raise_limit": "higher limit", "replace_card": "card replacement", "reset_password": "password reset",
           "shut_account": "account shutdown", "switch_banks": "transfer to another provider",
           "switch_card_on": "card switch-on", "switch_plan": "switch of plan", "track_card": "card tracking",
           "unlock_new_card": "new card unlock", "update_address": "address update", "upload_id": "ID upload",
           "verify_identity": "check of my identity", "view_pin": "PIN lookup", "withdraw_cash": "withdrawal of cash",
           "left_card": "forgotten card", "moved_house": "house move", "moving_house": "upcoming move",
           "leaving_bank": "decision to leave", "keep_number": "wish to keep my number",
           "submit_late": "late submission", "expand_brackets": "expanding brackets", "hit_head": "blow to the head",
           "took_pills": "pills", "pinching_nose": "nose pinching", "walking_bent": "stooped walk",
           "leaning_forward": "forward lean", "shortness": "shortness of breath", "proof_funds": "proof of funds",
           "buy_to_let": "buy-to-let", "interest_charged": "interest charges",
           "ohms_law": "Ohm's law", "newtons_laws": "Newton's laws", "externally_rotated": "externally rotated leg",
           "two_factor": "two-factor code", "partial_thickness": "partial-thickness burn",
           "flesh_eating": "flesh-eating horde", "rain_soaked": "rain-soaked street",
           "double_parked": "double-parked car", "closing": "closing of my account",
           # triage tests asked for ("TOXBASE check requested") and signs found on examination, by their names
           # ("Presents with murphys sign", "Reports rovsing")
           "toxbase": "TOXBASE check", "xray_requested": "X-ray",
           "murphys_sign": "positive Murphy's sign", "rovsing": "positive Rovsing's sign",
           "mcburney": "tenderness at McBurney's point", "fast_positive": "positive FAST test",
           "rebound": "rebound tenderness", "accessory_muscles": "accessory muscle use",
           "right_iliac_fossa": "right iliac fossa tenderness",
           "right_upper_quadrant": "right upper quadrant tenderness", "pen_outline": "redness outlined in pen",
           "tissue_soaked": "blood-soaked tissues",
           # triage keys that name no complaint alone ("Inhaler since yesterday evening", "pulse was ruled out",
           # "Presents with trigger", "Reports appendix this morning")
           "dark_room": "light sensitivity", "trigger": "trigger exposure", "ligament": "ligament pain",
           "household_contacts": "unwell household contacts", "several_episodes": "repeated vomiting",
           "weight_bearing": "pain on weight bearing", "appendix": "appendix pain", "gallbladder": "gallbladder pain",
           "inhaler": "inhaler use", "pulse": "fast pulse", "oxygen": "low oxygen", "bowel": "bowel changes",
           "prostate": "prostate trouble", "catheter": "catheter problem", "vision": "blurred vision",
           "tonic_clonic": "tonic-clonic seizure", "shoulder_tip": "shoulder tip pain",
           "under_ribs": "pain under the ribs", "cough_tenderness": "tenderness on coughing",
           "word_finding": "word-finding difficulty", "low_grade_fever": "low-grade fever",
           # what was taken or done as the thing itself ("Presents with tablets taken this morning", "States applied
           # dressing began at home"): what was swallowed, a first aid tried, a medicine taken (`kinds`)
           "tablets_taken": "tablets", "dressing_applied": "dressing", "antibiotics_given": "antibiotics",
           # a phrasal noun or an age group, hyphenated as English writes it ("a cut off" read as a verb)
           "over_55s": "over-55s", "cut_off": "cut-off", "add_on": "add-on", "sign_in": "sign-in",
           "drop_off": "drop-off", "kick_off": "kick-off", "sell_off": "sell-off", "tap_in": "tap-in",
           "pay_per_view": "pay-per-view",
           "give_way_sign": "give-way sign", "sign_knocked_down": "knocked-down sign",
           "select_statement": "SELECT statement"}
"""Keys as a sentence writes them: one that ends in a preposition ("no reply to was found" left it dangling), a
time before its participle ("there is weeks parked": a participle phrase, "it has been parked for weeks"), a
possessive without its noun ("no someone elses": "not someone else's order"), two participles ("it was lost
stolen": "lost or stolen"), a word that is no noun alone ("There was no mind", "a double", "I have a question about
update details": "change of mind", "double payment", "update of my details")."""

_NAMES = {"french": "French", "spanish": "Spanish", "german": "German", "python": "Python", "github": "GitHub",
          "linkedin": "LinkedIn", "duolingo": "Duolingo", "figma": "Figma", "postgres": "Postgres",
          "lightroom": "Lightroom", "broadway": "Broadway", "wimbledon": "Wimbledon", "shakespeare": "Shakespeare",
          "plato": "Plato", "kant": "Kant", "freud": "Freud", "socrates": "Socrates", "descartes": "Descartes",
          "dickens": "Dickens", "maslow": "Maslow", "piaget": "Piaget", "milgram": "Milgram",
          "versailles": "Versailles", "transylvania": "Transylvania", "nosferatu": "Nosferatu", "skydrol": "Skydrol",
          "michelin": "Michelin"}
"""Names, written with their capital ("no shakespeare at all", "I am stuck on freud" before 2026-12-06); a name
said again takes no "the" (`is_name`: "Freud is where I lost track", not "the freud is")."""
_NAME_FORMS = frozenset(_NAMES.values())
_CAPITALS = {"esim": "eSIM", "mi6": "MI6", "n1": "N1", "topup": "top-up", "xray": "X-ray", "pin": "PIN", "id": "ID",
             "eta": "ETA", "epipen": "EpiPen", **_NAMES}
_WORD_ABBREVIATIONS = frozenset({"iban", "tcas", "ecam", "sim", "isa", "puk", "eicas"})
"""Abbreviations read as a word ("a SIM", "an IBAN"), written in capitals like those read letter by letter."""
_LETTERS_TOO = frozenset({"amm", "ceo", "csv", "dna", "ecb", "ecg", "gcs", "gtn", "pdf", "qr", "tls", "tv", "uv",
                          "hf", "ac", "pac", "ip", "rfid", "copd"})
"""More abbreviations read letter by letter ("a UV lamp", "an RFID"), as `_LETTERS`."""
_TAIL_PARTICIPLES = frozenset({"stolen", "broken", "lost", "missing", "pending", "leaking", "gushing", "bubbling",
                               "ringing", "failing", "bleeding", "popping", "clogging", "arcing", "hunting", "stuck"})
_NOT_TAIL_PARTICIPLES = frozenset({"related", "sided", "plated", "reached", "agreed", "parked", "rotated", "soaked",
                                   "exposed", "delivered", "speed"})  # "shutter speed" is no "speed shutter"
_NEGATIONS = frozenset({"not", "never", "no", "cannot"})
"""A key "noun participle" ("mirror snapped", "tap leaking") is written participle first, as English names the thing
("a snapped mirror", "a leaking tap"); a compound adjective ("meal related", "rain soaked"), a state that is no
attribute ("limit reached") and a negation ("not recognised", not "recognised not") keep their order."""


def is_name(shown: str) -> bool:
    """Whether a word as written is a name (`_NAMES`: "Freud", "GitHub"), which takes no "the"."""
    return shown in _NAME_FORMS


def _capitalised(word: str) -> str:
    if word in _CAPITALS:
        return _CAPITALS[word]
    return word.upper() if word in _LETTERS or word in _LETTERS_TOO or word in _WORD_ABBREVIATIONS else word


def written(key: str) -> str:
    """A noun key as a sentence writes it: `WRITTEN`'s forms, abbreviations in capitals ("an LTE", "a GPS"), and a
    noun with its participle after it turned round ("mirror_snapped" -> "snapped mirror"); underscores as spaces."""
    if key in WRITTEN:
        return WRITTEN[key]
    words = key.split("_")
    tail = len(words) == 2 and (words[1] in _TAIL_PARTICIPLES or (words[1].endswith("ed") and len(words[1]) > 4))
    if tail and words[0] not in _NEGATIONS and word_class(words[0]) in (NOUN, ACTION) and (
            words[1] not in _NOT_TAIL_PARTICIPLES):
        words = [words[1], words[0]]
    return " ".join(_capitalised(w) for w in words)


def says(had: set[str], key: str) -> bool:
    """Whether a document that `had` these words says it had `key`: the key itself, or a longer key it ends
    ("micro_apartment" had an apartment, "interest_charged" charges: "a micro apartment ... without an apartment" and
    "no charges involved ... interest charges" contradicted themselves)."""
    if key in had:
        return True
    end = f" {written(key).lower()}"
    return any(written(k).lower().endswith(end) for k in had)


_VOWEL_LETTERS = frozenset("aefhilmnorsx")
"""Letters whose names open with a vowel sound ("an f", "an s")."""

_YOU = re.compile(r"^(?:u[nrst]i|u[bcfkls][aeiou]|use|usu|ute|uro|eu|one\b|once\b)")
"""Words that open with a vowel letter but the sound of "y" or "w" ("a unit", "a user", "a euro", "a one-off")."""

_SILENT_H = ("hour", "honest", "honour", "heir")
_DETERMINERS = frozenset({"a", "an", "the", "no", "some", "any", "my", "your", "his", "her", "their", "our", "this",
                          "that", "another", "every", "each", "more", "less", "extra", "someone"})

_LONE_DETERMINERS = frozenset({"another", "every", "each", "someone"})
"""Determiners that take no other before them ("the another", "no another", "no someone else's order" read
wrong)."""


def takes_no_determiner(key: str) -> bool:
    """Whether a noun key opens with a determiner that takes no "the", "a" or "no" before it ("another",
    "another_address": "not another address")."""
    return key.strip().lower().replace(" ", "_").split("_")[0] in _LONE_DETERMINERS


_WHEN = re.compile(
    r"^(?:\d+(?:st|nd|rd|th|s|am|pm)?|zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"twenty|thirty|forty|fifty|hundred|thousand|hundreds|thousands|once|twice|thrice|"
    r"first|second|third|fourth|fifth|last|next|"
    r"(?:mon|tues|wednes|thurs|fri|satur|sun)day|weekend|weekday|"
    r"january|february|march|april|may|june|july|august|september|october|november|december|"
    r"seconds|minutes?|hours?|days?|weeks?|months?|years?|fortnight|decades?|times?|"
    r"morning|afternoon|evening|night|tonight|today|tomorrow|yesterday|midnight|noon|am|pm)$")
"""A number, an ordinal, a weekday or month, a unit of time or a time of day."""


def is_when(key: str) -> bool:
    """Whether a vocabulary key is a number or a time ("two", "week", "tuesday", "10am"): no topic of a frame."""
    return bool(_WHEN.match(key.strip().lower()))


def _is_plural(word: str) -> bool:
    """ "views", "tyres", "physics" (uncountable too); not "glass", "virus", "analysis"."""
    return word.endswith("s") and not word.endswith(("ss", "us", "is"))


def is_plural(phrase: str) -> bool:
    """Whether a noun phrase is a plural by its head: "sea views", "binmen", "mice", "restaurants nearby" (an adverb
    after the noun is no head; not "glass", "abdomen")."""
    words = phrase.lower().split(" of ")[0].split(" ")  # "update of my details" is one update
    while len(words) > 1 and word_class(words[-1]) == MANNER:  # "restaurants nearby": its noun is the head
        words.pop()
    head = words[-1]
    if head in _SINGULAR_S:
        return False
    return _is_plural(head) or head in _PLURALS or (head.endswith("men") and head not in _NOT_MEN)


def _article(word: str) -> str:
    """ "a" or "an" before `word` (lower case), by the sound it opens with (a letter before a hyphen by its name: "an
    X-ray", "an e-bike", "a T-shirt")."""
    if word in _LETTERS or word in _LETTERS_TOO or not re.search(r"[aeiouy]", word) or re.match(r"[a-z]-", word):
        return "an" if word[:1] in _VOWEL_LETTERS else "a"
    if word.startswith(_SILENT_H):
        return "an"
    if word[:1] in "aeiou" and not _YOU.match(word):
        return "an"
    return "a"


def with_article(phrase: str) -> str:
    """A noun phrase as a sentence's noun slot writes it: "a contract", "an invoice", "sea views", "rent".

    Args:
        phrase: a vocabulary key as written (underscores already spaces): "contract", "meter box", "sea views".

    Returns:
        The phrase with "a"/"an" in front when its head (last word) is one countable thing, "the" before a key that
        takes it (`_DEFINITE`: "the periodic table"), else the phrase.
    """
    words = phrase.lower().split(" of ")[0].split(" ")  # "change of mind", "extension of time": the head is before "of"
    head = words[-1]
    if phrase.lower() in _DEFINITE:
        return f"the {phrase}"
    mass = head in _MASS or head in _MASS_MORE or phrase.lower() in _BARE or head.endswith("water")
    mass = mass or (head.endswith(_MASS_ENDINGS) and head not in _COUNTED)
    numbered = words[0][:1].isdigit() and words[0] not in _LETTERS  # "24h pharmacy", "3 bedrooms"
    plural = is_plural(head) and head not in _LETTERS and head not in _LETTERS_TOO
    mass = mass or head.endswith(("ability", "ibility")) or " ".join(words[-2:]) in _MASS_PHRASES
    not_noun = head in _NOT_HEADS or (len(words) > 1 and (word_class(head) in (PARTICIPLE, PERSONAL, STATE, MANNER,
                                                                               INTRANSITIVE)
                                                          or words[0] in _VERBS_FIRST or words[0] in _NEGATIONS
                                                          or word_class(words[0]) == FINITE))
    if not head or mass or plural or numbered or not_noun or (
            words[0] in _DETERMINERS and (words[0], len(words)) != ("extra", 2)):  # "an extra fee" ("I want to
        return phrase  # report extra fee"), but "extra time", "extra data"
    return f"{_article(words[0])} {phrase}"


def is_superlative(key: str) -> bool:
    """ "worst", "best", "happiest": a state that takes "the" ("it seems the worst", not "it seems worst")."""
    return key in ("best", "worst", "least", "most") or (key.endswith("iest") and len(key) > 5)


def definite(phrase: str) -> str:
    """A noun phrase as written by `with_article`, with "the" for its article ("a gate" -> "the gate", "bins" -> "the
    bins"): a place the writer means, not any place ("They left it by the gate", not "by a balcony")."""
    bare = re.sub(r"^(?:a|an|the) ", "", phrase)
    return f"the {bare}"
