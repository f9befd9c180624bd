"""The kind of thing a noun names (a person, a place, an amount), so a clause that presupposes a kind holds only words
of that kind.

A register's templates say something of their word: "the {X} is what confused me" presupposes a topic, "the {X} makes
my phone useless" a fault, "the {X} was not me" a transaction. Filled with a word of another kind they read wrong
("the hospital is what confused me", "the wrong amount makes my phone useless"). So a template may carry a kind tag
before its text, `{@person}` (its word must be a person) or `{@not person place}` (its word must not be a person or a
place); an untagged template fits any noun of its domain. `fitting` keeps the templates whose tag admits every word
of a clause, and `untag` drops the tag before the template is filled. Words no table lists have no kind: they fit
untagged templates and those that only exclude kinds, so a word a new domain adds falls back to the neutral ones.

Kinds are read from a noun's head (the last word of its written form before any preposition, or its singular: a
"transfer to another provider" is a transfer, "moving_house" an "upcoming move") in the tables below, hand-made over
the catalog's vocabularies (`tests/core/modalities/test_text_kinds.py` reads the documents with tables of its own).
Only the wording depends on this module: the units, the rule and the oracle do not.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from sandmle_core.modalities.text.nouns import written

__all__ = ["AMOUNT", "BUYER", "CARE", "CARE_KINDS", "CAUSE", "FAULT", "FINDING", "HISTORY", "INTAKE", "MEDICATION",
           "PART", "PERSON", "PLACE", "PROCEDURE", "TREATMENT", "fits", "fitting", "noun_kind", "untag"]

PERSON, PLACE, AMOUNT, BUYER, FAULT, PART = "person", "place", "amount", "buyer", "fault", "part"
TREATMENT, MEDICATION, CAUSE, PROCEDURE = "treatment", "medication", "cause", "procedure"
FINDING, HISTORY, INTAKE = "finding", "history", "intake"
CARE = "care"
"""Not a kind but a tag's name for the five a triage note has, takes, blames or asks for and does not present with
(`CARE_KINDS`): `{@not care}Presents with {L}`."""
CARE_KINDS = frozenset({TREATMENT, MEDICATION, INTAKE, CAUSE, PROCEDURE})

_PEOPLE = frozenset({
    "actor", "advisor", "ambassador", "archbishop", "assistant", "astronauts", "attendant", "author", "babysitter",
    "barrister", "batsman", "beneficiary", "binmen", "bowler", "boxer", "broker", "butler", "cardholder",
    "cardiologist", "chemist", "cheerleader", "choreographer", "clergy", "concierge", "consultant", "courier",
    "defector", "defendant", "defender", "dermatologist", "designer", "detective", "director", "doctor", "donor",
    "doorman", "driver", "employee", "employer", "fielder", "filmmaker", "fraudster", "freeloader", "goalkeeper",
    "guitarist", "gunslinger", "handler", "headteacher", "hitman", "housekeeper", "hunter", "illustrator", "insurer",
    "keeper", "killer", "linesman", "manager", "members", "midfielder", "minister", "narrator", "naturalist",
    "neighbour", "neighbours", "nurse", "officer", "operator", "partner", "payee", "peer", "pharmacist",
    "physiotherapist", "player", "police", "porter", "prosecutor", "protagonist", "provider", "publisher",
    "receptionist", "recipient", "recruiter", "referee", "retailer", "rider", "safecracker", "scammer", "seller",
    "senator", "sender", "singer", "slacker", "sommelier", "sorcerer", "specialist", "staff", "stranger", "striker",
    "supplier", "sweeper", "teacher", "teammate", "thief", "tutor", "user", "waiter", "warden", "witness",
    # a news article's people ("Figures released at 15:00 showed a jury" before 2026-12-06)
    "candidate", "ceo", "commuter", "envoy", "forecaster", "graduate", "judge", "jury", "meteorologist", "negotiator",
    "patient", "pupil", "researcher", "student", "surgeon", "suspect", "trader", "umpire", "victim", "voter",
})
"""Heads that name a person or people ("physiotherapist", "old provider", "rude staff")."""

_PLACES = frozenset({
    "airport", "alley", "apartment", "bakery", "balcony", "barn", "beach", "boutique", "building", "cellar", "centre",
    "church", "cinema", "clinic", "country", "doorstep", "driveway", "farm", "flat", "forecourt", "garage", "garden",
    "gate", "gym", "hedge", "hospital", "hotel", "house", "kiosk", "kitchen", "lane", "loft", "motorway", "office",
    "park", "pavement", "pharmacy", "playground", "pool", "porch", "residence", "restaurant", "road", "room", "school",
    "shop", "square", "stadium", "station", "store", "street", "supermarket", "temple", "theatre", "town", "tunnel",
    "underpass", "venue", "verge", "village", "yard",
})
"""Heads that name a place ("hospital", "new home" is not one: "home" is left out, as "dead zone" and "bar" are)."""

_AMOUNTS = frozenset({
    "allowance", "amount", "apr", "balance", "bill", "budget", "charge", "charges", "commission", "cost", "credit",
    "debit", "deposit", "dividend", "excess", "fare", "fee", "fees", "gigabytes", "grade", "income", "installment",
    "invoice", "loan", "marks", "money", "mortgage", "overdraft", "overpayment", "payment", "penalty", "percentage",
    "points", "premium", "price", "principal", "rate", "refund", "reimbursement", "rent", "repayment", "returns",
    "roi", "salary", "score", "tariff", "wages", "yield",
})
"""Heads that name a sum or a figure ("wrong amount", "monthly fee", "grade")."""

_BUYERS = frozenset({"buyer", "buyers", "developers", "family", "investor", "investors", "landlord", "landlords",
                     "over_55s", "tenant", "tenants"})
"""Heads (or whole keys) that name the people a property is sold or let to (`BUYER`): a listing offers them nothing
("The property offers a landlord", "Highlights include tenants", "A family throughout"); it would suit them. Every
tag that names people names them too."""

_FAULTS = frozenset({"cockroach", "construction", "earplugs", "grime", "hair", "mould", "noise", "snoring", "stained",
                     "stained_sheets", "stains", "walls"})
"""Heads of what a guest complains of (`FAULT`): a review gives them no praise ("Special mention for grime", "the
stains deserve a mention"). No other register names the kind, so elsewhere they read as before."""

_PARTS = frozenset({
    # aircraft (technical log)
    "accumulator", "actuator", "aileron", "antenna", "armrest", "autopilot", "brake", "carpet", "coffee_maker",
    "compressor", "control_column", "cowling", "display", "elevator", "fan_blade", "filter", "flap", "fms", "galley",
    "gear", "gps", "ife", "igniter", "lavatory", "nacelle", "nose_wheel", "oven", "overhead_bin", "pfd", "radio",
    "reading_light", "reservoir", "rudder", "seat", "slat", "spool", "spoiler", "stabilizer", "starter",
    "static_port", "strut", "sump", "tank", "transponder", "tray_table", "tread", "tyre", "vent", "wheel",
    "wheel_well", "yoke",
    # machine shop (maintenance log)
    "bearing", "belt", "breaker", "bushing", "cable", "chiller", "contactor", "controller", "coupling", "cylinder",
    "dispenser", "fan", "fuse", "gearbox", "heat_exchanger", "hmi", "hose", "nipple", "oiler", "plc", "pulley",
    "pump", "radiator", "relay", "seal", "shaft", "thermostat", "transformer", "valve",
})
"""Whole keys or heads that name a component of a machine or an aircraft (`PART`): a log does not find a component
("Found tank during the daily check", "Seat found on the walkaround", "Nipple reported at 20:00"), it finds one
faulty or unserviceable. Only the two maintenance registers name the kind (checked last, so no word of another kind
changes); elsewhere a part reads as a word of no kind."""

_TREATMENTS = frozenset({"antihistamine", "cling_film", "dressing", "epipen", "gtn_spray", "ice_pack", "inhaler",
                         "inhaler_use", "nebuliser", "oral_rehydration", "reliever", "salbutamol", "strapping",
                         "sumatriptan"})
"""Whole keys or heads that name a medicine or first aid a patient tried before arrival (`TREATMENT`): a triage note
does not say the patient "presents with salbutamol" or "reports an ice pack this morning" (the 40-class triage
documents before 2026-12-07); it says they tried it at home."""

_MEDICATIONS = frozenset({"antibiotics", "flucloxacillin", "levetiracetam", "trimethoprim", "warfarin"})
"""Heads that name a medicine a patient takes regularly or was prescribed (`MEDICATION`): "Currently on warfarin", not
"States warfarin began at home"."""

_INTAKES = frozenset({"paracetamol", "pills", "tablets"})
"""Heads that name what a patient swallowed in excess (`INTAKE`): an overdose's tablets are taken, not blamed
("Tablets thought to be the cause", "Attributed by the patient to paracetamol" before 2026-12-07): "Swallowed
paracetamol at home", "Admits to taking pills earlier today"."""

_CAUSES = frozenset({"boiling_water", "chip_pan", "fatty_meal", "glass", "hot_oil", "kettle", "kitchen_knife", "knife",
                     "peanuts", "shellfish", "steam", "takeaway"})
"""Whole keys or heads that name what a patient says brought the complaint on (`CAUSE`): not a complaint ("Complains
of a kettle since yesterday", "Peanuts noted on assessment" before 2026-12-07); the note attributes the complaint to
it."""

_PROCEDURES = frozenset({"cast", "cautery", "crisis_team", "ecg_monitor", "nasal_packing", "peak_flow", "steristrips",
                         "stroke_call", "sutures", "toxbase_check", "troponin", "urine_dip", "x_ray"})
"""Whole keys or heads that name a test, a procedure or a team the department asks for (`PROCEDURE`): "Troponin
requested", not "States troponin began at home" or "Reports crisis team this morning". Only the triage register
names these five kinds (checked last, as `PART`, so no word of another kind changes); elsewhere they read as words of
no kind."""

_FINDINGS = frozenset({"accessory_muscle_use", "bitten_tongue", "blood_soaked_tissues", "consolidation",
                       "controlled_bleeding", "crackles", "crepitus", "deformity", "externally_rotated_leg", "gcs_14",
                       "guarding", "hemiparesis", "marked_margin", "neglect", "nitrites", "positive_fast_test",
                       "positive_murphy's_sign", "positive_rovsing's_sign", "redness_outlined", "sats",
                       "shortened_leg", "tender_abdomen", "tenderness", "wound_edges"})
"""Whole keys or heads that name a sign the nurse finds on examination (`FINDING`): "Positive Murphy's sign on
examination", "Guarding noted on assessment", not "Presents with guarding this morning" or "Reports rovsing"; nor
"Deformity for 2 days", "Tender abdomen for 3 days" or "Externally rotated for 5 days" (2026-12-07)."""

_HISTORIES = frozenset({"cardiac_history", "epilepsy", "migraine_history"})
"""Whole keys that name a patient's history (`HISTORY`): "Known epilepsy", "Cardiac history on record", not
"Cardiac history for 3 days". Only the triage register names these two kinds and the five above."""

_PREPOSITIONS = frozenset({"of", "to", "for", "from", "with", "in", "on", "at"})
"""Where a written key's head ends ("a transfer to another provider", "a dip in the road": `noun_kind`)."""

_TAG = re.compile(r"^\{@(not )?([a-z ]+)\}")


@functools.cache  # read per negated noun as well as per slot's vocabulary
def noun_kind(key: str) -> str:
    """The kind of a noun key by the head of its written form (`nouns.written`, to its first preposition): `BUYER`,
    `PERSON`, `PLACE`, `AMOUNT`, `FAULT`, `PART`, `TREATMENT`, `MEDICATION`, `INTAKE`, `CAUSE`, `PROCEDURE`, `FINDING`,
    `HISTORY`, or "" when no table lists it.

    Args:
        key: a vocabulary key ("wrong_amount", "physiotherapist") or its written form ("wrong amount").

    Returns:
        The kind's name, or "" (a word of no known kind: it fits the templates that require no kind).
    """
    # as a sentence writes it ("moving_house" is an "upcoming move", "payment_declined" a "declined payment"), to its
    # first preposition ("a transfer to another provider" is a transfer, "a dip in the road" no place)
    words = written(key.strip().lower().replace(" ", "_").replace("-", "_")).lower().replace("-", "_").split()
    words = words[:next((i for i, w in enumerate(words) if i and w in _PREPOSITIONS), len(words))]
    if not words:
        return ""
    whole, head = "_".join(words), words[-1]
    # the whole key first ("over_55s"), then its head and the head's singular ("tenants", "hospitals", "fees")
    for word in (whole, head, head[:-1] if head.endswith("s") else head):
        kind = next((kind for kind, table in ((BUYER, _BUYERS), (PERSON, _PEOPLE), (PLACE, _PLACES),
                                              (AMOUNT, _AMOUNTS), (FAULT, _FAULTS), (PART, _PARTS),
                                              (TREATMENT, _TREATMENTS), (MEDICATION, _MEDICATIONS),
                                              (INTAKE, _INTAKES), (CAUSE, _CAUSES), (PROCEDURE, _PROCEDURES),
                                              (FINDING, _FINDINGS), (HISTORY, _HISTORIES))
                     if word in table), "")
        if kind:
            return kind
    return ""


def fits(template: str, kind: str) -> bool:
    """Whether a word of `kind` ("" for none known) fits `template`'s tag: any word fits an untagged template; a
    `{@k ...}` tag admits the kinds it names, a `{@not k ...}` tag every kind but those (`CARE` names five)."""
    tag = _TAG.match(template)
    if tag is None:
        return True
    named = set(tag.group(2).split())
    named |= {BUYER} if PERSON in named else set()  # buyers are people to every tag that names people
    named |= CARE_KINDS if CARE in named else set()
    return kind not in named if tag.group(1) else kind in named


def fitting(templates: Sequence[str], kinds: Sequence[str]) -> tuple[str, ...]:
    """The templates every word of `kinds` fits; all the untagged ones when none does (an untagged template fits any
    noun)."""
    fit = tuple(t for t in templates if all(fits(t, k) for k in kinds))
    return fit or tuple(t for t in templates if _TAG.match(t) is None) or tuple(templates)


def untag(template: str) -> str:
    """The template without its kind tag, ready to be filled."""
    return _TAG.sub("", template, count=1)
