"""Issue 16's clause defects read in the documents of all 19 text domains: a clause that says something of its word
only a word of another kind bears ("the hospital is what confused me", "Can anyone explain a hospital", "the wrong
amount makes my phone useless"), a key that holds its own negation turned round ("it has been recognised not"), a
participle said of the wrong subject ("he has been rifled", "it was sentenced"), and the clause families the scan
found besides (a plural after "there was", "that tyres", "eDR flagged", "a delete account", "restaurants nearby
deserves", "honestly, I am dizzy, honestly, I am sore").

`count_clauses` reads each by rules and tables of its own (not `kinds.py`'s); `test_no_clause_defect_in_any_domain`
renders one slot per domain (its own label, five classes at most) and one more per domain with a fine label (40
classes), 29 slots of 400 documents, and every count must be 0. Counted over those same slots on the code before this
change (c8ee30a): 372 kind mismatches, 84 thing participles after a person, 6 person participles after "it", 68
plurals after "there was/is", 26 "that" before a plural, 118 acronyms lowered, 25 "a"/"an" before a verb phrase, 99
sentences with one clause frame twice; these slots draw no "not_recognised" nor "restaurants_nearby" (29 slots drafted
from another stream held 23 negations after their participle and 11 plural keys with a singular verb), which
`test_keys_that_hold_a_negation_or_an_adverb_read_in_order` renders on purpose."""

from __future__ import annotations

import dataclasses
import functools
import re
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sandmle_core.catalog import load_catalog
from sandmle_core.metrics import get_metric
from sandmle_core.modalities.base import DraftContext
from sandmle_core.modalities.text import KIT as text
from sandmle_core.modalities.text.kinds import (
    AMOUNT,
    BUYER,
    CARE,
    CAUSE,
    FAULT,
    FINDING,
    HISTORY,
    INTAKE,
    MEDICATION,
    PART,
    PERSON,
    PLACE,
    PROCEDURE,
    TREATMENT,
    fits,
    fitting,
    noun_kind,
    untag,
)
from sandmle_core.modalities.text.nouns import is_plural, with_article, written
from sandmle_core.modalities.text.phrases import template_words, voice_for
from sandmle_core.modalities.text.registers import REGISTERS
from sandmle_core.modalities.text.render import render_documents
from sandmle_core.modalities.text.surface import uncapital
from sandmle_core.modalities.text.wordclass import PARTICIPLE, PERSONAL, STATE, word_class
from sandmle_core.slots import stream
from sandmle_core.spec import Challenge, ColumnKind, DomainRef, GradingSpec, Modality, TaskType
from sandmle_core.taskspec import SeedDNA, TaskSpec


def _table(words: str) -> frozenset[str]:
    return frozenset(words.split())


_PEOPLE = _table("""actor advisor ambassador assistant attendant author babysitter barrister batsman binmen bowler
boxer broker butler cardholder cardiologist chemist cheerleader choreographer defendant defender dermatologist designer
detective director donor doorman driver employee employer fielder filmmaker fraudster freeloader goalkeeper guitarist
housekeeper hunter illustrator insurer keeper killer linesman manager midfielder minister narrator partner payee peer
pharmacist physiotherapist player porter prosecutor protagonist provider publisher receptionist recipient recruiter
referee retailer rider scammer seller senator sender singer slacker specialist stranger striker supplier teammate
waiter members beneficiary neighbour neighbours staff nurse doctor teacher tutor landlord tenant police officer witness
thief astronauts archbishop clergy jury judge researchers patients voters victim suspect pupils students surgeons
ceo""")
_PLACES = _table("""airport alley apartment barn beach building cellar centre church cinema clinic country driveway
farm flat garage garden gym hospital hotel house kitchen lane loft motorway office park pavement playground pool
residence restaurant road room school shop square stadium station store street temple theatre toilet town tunnel
underpass venue village yard""")
_AMOUNTS = _table("""allowance amount apr balance bill budget charge charges commission cost credit debit deposit
dividend excess fare fee fees gigabytes grade installment invoice loan marks money mortgage overdraft overpayment
payment penalty percentage points premium price principal rate refund reimbursement rent repayment salary score tariff
wages""")
_PARTS = _table("""actuator aileron antenna armrest brake carpet galley lavatory oven seat spoiler strut tank tread
wheel bearing belt bushing contactor coupling fuse gearbox hose nipple pulley pump radiator relay seal shaft valve
hmi fan""")
_CARE = _table("""antihistamine cling_film epipen gtn_spray ice_pack inhaler_use nebuliser oral_rehydration reliever
salbutamol strapping sumatriptan flucloxacillin levetiracetam trimethoprim warfarin boiling_water chip_pan fatty_meal
glass hot_oil kettle knife paracetamol peanuts shellfish steam takeaway cast cautery crisis_team ecg_monitor
nasal_packing peak_flow steristrips stroke_call sutures toxbase_check troponin urine_dip x-ray applied_dressing dressing
antibiotics_given antibiotics tablets_taken tablets pills_taken pills""")
_FOUND = _table("""muscle_use bitten_tongue consolidation crackles crepitus guarding hemiparesis neglect nitrites sats
shortened_leg sign tenderness rovsing mcburney gcs_14 fast_test cardiac_history migraine_history epilepsy
tissue_soaked soaked_tissues controlled_bleeding deformity tender_abdomen wound_edges marked_margin
externally_rotated rotated_leg""")
_SIGN = "found"  # the reader's kind of a sign found on examination or a history known (`_FOUND`)
"""A reader's tables of the catalog's people, places, sums and machine components (heads), kept apart from
`kinds.py`'s, and of what a triage patient took, takes, blames or is sent for (`_CARE`) and of what the nurse
finds or knows of them (`_FOUND`), by the last one or two words."""

_X = r"((?:[a-z]+ ){0,2}[a-z]+)"
_L = r"([a-z ]+?)(?=[.,;:]|$)"  # a main clause's words, to its first comma
_PRESUPPOSING = [  # a clause that says something of its word, and the kinds of word it cannot hold
    (rf"\bthe {_X} (?:is|are) (?:what confused me|where I lost track)", {PERSON, PLACE}),
    (rf"\bthe {_X} (?:was|were) barely covered in the notes", {PERSON, PLACE, AMOUNT}),
    (rf"\bthe {_X} took me all evening", {PERSON, PLACE}),
    (rf"\b(?:Can anyone explain|I am stuck on|I am confused by) {_L}", {PERSON, PLACE}),
    (rf"\bthe {_X} makes? my phone useless", {PERSON, PLACE, AMOUNT}),
    (rf"\bthe {_X} (?:has|have) never been fixed", {PERSON, PLACE, AMOUNT}),
    (rf"\bthe {_X} still shows? online", {PERSON, PLACE}),
    (rf"\bI was told the {_X} would be fixed", {PERSON, PLACE, AMOUNT}),
    (rf"\bthe {_X} (?:was|were) not me", {PERSON, PLACE}),
    (rf"\bthe {_X} appeared on [A-Z]\w+day", {PERSON, PLACE}),
    (rf"\bthe {_X} (?:is|are) (?:blocking the pavement|still there this morning)", {PERSON, AMOUNT}),
    (rf"\bthe {_X} (?:has|have) happened before", {PERSON, PLACE, AMOUNT}),
    (rf"\bthe {_X} started after the roadworks", {PERSON, PLACE}),
    (rf"\bthe {_X} (?:is|are) worse in the kitchen", {PERSON, PLACE, AMOUNT}),
    (rf"\bcritics said the {_X} had been handled badly", {PERSON, PLACE}),
    (rf"\bthe {_X} (?:is|are) only the beginning", {PERSON}),
    (rf"\bnobody trusts the {_X}", {PLACE, AMOUNT}),
    (rf"\ball roads lead back to the {_X}", {PERSON, AMOUNT}),
    (rf"\bthe {_X} could decide this one", {PERSON}),
    (rf"\bwhat a game the {_X} (?:is|are) having", {PLACE, AMOUNT}),
    (rf"\bI have had the {_X} before", {PERSON, PLACE, AMOUNT}),
    (rf"\bthe {_X} (?:is|are) (?:what worries me|what I need sorted)", {PERSON}),
    (rf"\breplays show (?:that|the) {_X} clearly", {PERSON}),
    (rf"\b(?:you can see|my photo shows) the {_X}", {AMOUNT}),
    (rf"\bthe {_X} (?:is|are) clear from the first wear", {PERSON, PLACE, AMOUNT}),
    (rf"\bthe {_X} (?:is|are) on my video camera", {AMOUNT}),
    (r"(?:^|[.;] |, )([A-Za-z ,]+?) (?:was|were) announced on", {PERSON}),
    (rf"\bFigures released at [0-9:]+ showed {_L}", {PERSON, PLACE}),
    (r"\bOfficials (?:confirmed|gave details of) ([a-z ,]+?) on [A-Z]", {PERSON}),
    (rf"\b(?:help me with|I need help with|Please help with|Mainly it is|Since [0-9:]+ there (?:has|have) been) "
     rf"{_L}", {PERSON, PLACE}),
    (r"\bThere is an issue with (?:an? |the )?([a-z]+(?: [a-z]+)?)(?=[.,;:]|$| and)", {PERSON, PLACE}),
    (rf"\bCan someone look at {_L}", {PERSON}),
    (rf"\b(?:Special mention for|Worth mentioning:) {_L}", {AMOUNT}),
    (rf"\bthe {_X} deserves? a mention", {AMOUNT}),
    (rf"\bThe details include {_L}", {PLACE}),
    # a log finds a fault, and a component faulty: "Seat found on the walkaround", "Nipple reported at 20:00"
    (r"\bFound (?!no |on |during )([a-z ,]+?)(?<! damaged) (?:during the daily check|at the drive end)", {PART}),
    (r"(?:^|[.;] |(?:Later|Then|Also|also|then), )(?:[LR]/H )?(?!(?:then |also )?(?:no |checked|without |faulty ))"
     r"([a-z][a-z ]*?)"
     r"(?<! gave out) (?:found on (?:the walkaround|inspection)|"
     r"noted in the climb|reported at [0-9]|at seat [0-9]|at station [0-9]|traced after)", {PART}),
    # a triage patient presents with a complaint, not with a medicine or its cause: "Presents with salbutamol this
    # morning", "Kettle noted on assessment", "States warfarin began at home"
    (r"\b(?:Presents with ([a-z ,]+?) this morning|Complains of ([a-z ,]+?) since yesterday\b(?! evening)|"
     r"Reports ([a-z ,]+?) this morning|States ([a-z ,]+?) began at home|no ([a-z]+(?: [a-z]+)?) on examination)",
     {CARE}),
    (r"(?:^|[.;,] |\band |(?:Later|Then|Also|also|then), )(?!(?:no|without|never|not) )([A-Za-z][a-z]*(?: [a-z]+)?) "
     r"(?:noted on assessment|since yesterday evening|for [0-9]+ days|(?:was|were) ruled out|to be reassessed|"
     r"handed over to the nurse)", {CARE}),
    # nor with a sign the nurse finds or a history: "Presents with guarding this morning", "Reports rovsing"
    (r"\b(?:Presents with ([a-z ,']+?) this morning|Complains of ([a-z ,']+?) since yesterday\b(?! evening)|"
     r"Reports ([a-z ,']+?) this morning|States ([a-z ,']+?) began at home)", {_SIGN}),
    (r"(?:^|[.;,] |\band |(?:Later|Then|Also|also|then), )(?!(?:no|without|never|not) )([A-Za-z][a-z]*(?: [a-z]+)?) "
     r"(?:since yesterday evening|for [0-9]+ days)", {_SIGN}),
]
_THING_PARTICIPLES = _table("""rifled flicked palmed parried tipped trapped mistimed raised clipped hooked narrated
enchanted amplified inserted unlimited compressed unpatched misconfigured clicked dropped frozen""")
_PERSON_PARTICIPLES = _table("""subbed withdrawn introduced hauled denied arrested sentenced acquitted pickpocketed
stranded possessed bitten poisoned stalked reanimated costumed caped""")
_FRAME = re.compile(r"(?:^|, |; |and |but )((?:honestly, |right now )?(?:I am|it was|it has been|it got|it seems|it is|"
                    r"I was|I got|he is|he has been|someone is|everyone is|noted as|described as|I want to|"
                    r"I would like to|I can)) (?!about|writing|having|stuck|confused|disputing|asking|a |an |the )\w+",
                    re.IGNORECASE)


def _kinds(phrase: str) -> set[str | None]:
    """The kinds of a listing's nouns ("tenants and house prices": a person and no kind), each by its head or its
    head's singular; a phrase's head is before its first preposition ("a transfer to another provider": no person)."""
    items = [re.split(r" (?:to|of|for|from|with|in|on|at) ", item)[0].split()
             for item in re.split(r",? and |, ", phrase.lower()) if item.strip()]
    return {CARE if "_".join(w[-2:]) in _CARE or w[-1] in _CARE else
            _SIGN if "_".join(w[-2:]) in _FOUND or w[-1] in _FOUND else
            next((k for k, t in ((PERSON, _PEOPLE), (PLACE, _PLACES), (AMOUNT, _AMOUNTS), (PART, _PARTS))
                  if w[-1] in t or (w[-1].endswith("s") and w[-1][:-1] in t)), None) for w in items}


def count_clauses(docs: list[str]) -> Counter:
    """How many of each clause defect `docs` hold (see the module docstring), by the reader's tables above."""
    out: Counter = Counter()
    for doc in docs:
        out["kind_mismatch"] += sum(bool(_kinds(next(g for g in m.groups() if g is not None)) & banned)
                                    for pattern, banned in _PRESUPPOSING
                                    for m in re.finditer(pattern, doc, re.IGNORECASE))
        out["negation_after"] += len(re.findall(r"\b(?:been|was|were|is|got|it|he) \w+(?:ed|en|wn) not\b|"
                                                r"\b(?:been|got) (?:not|never)\b", doc))
        out["thing_participle_of_a_person"] += sum(
            m.group(2) in _THING_PARTICIPLES for m in re.finditer(
                r"\b(he|she|someone|everyone|they) (?:has been|have been|is|was|were|are|got) (?:not |never )?(\w+)",
                doc))
        out["person_participle_of_a_thing"] += sum(m.group(1) in _PERSON_PARTICIPLES for m in re.finditer(
            r"\b[Ii]t (?:has been|is|was|got|was later) (?:not |never )?(\w+)", doc))
        out["there_was_plural"] += len(re.findall(r"\b[Tt]here was (?!no\b)[a-z ,]+? and [a-z ]+ on our floor", doc))
        out["there_was_plural"] += len(re.findall(r"\b[Tt]here (?:was|is|has been) (?!a |an |no )[a-z]+[^siu']s\b",
                                                  doc))
        out["that_plural"] += len(re.findall(r"\b(?:recorded|saw|showing|show) that [a-z]+s\b", doc))
        out["lowered_acronym"] += len(re.findall(r"(?:^|[ ,(])(?!eSIM)[a-z][A-Z]{2,}\b|\b[lr]/H\b", doc))
        out["article_before_verb"] += len(re.findall(r"\b(?:a|an) (?:cannot|forgot|can't|won't|not|never|delete|"
                                                     r"parked|lost in) ", doc))
        out["plural_key_singular_verb"] += len(re.findall(r"\b[a-z]+s (?:nearby|outside|overnight|behind|online) "
                                                          r"(?:is|deserves|makes|has|was|suits|adds|changes)\b", doc))
        for sentence in re.split(r"(?<=[.!?]) ", doc):
            frames = [f.lower() for f in _FRAME.findall(sentence)]
            out["frame_twice"] += len(frames) != len(set(frames))
    return out


@pytest.mark.parametrize("kind, sentence", [  # read in the 29 slots' documents before this change
    ("kind_mismatch", "Without hospital, and the hospital is what confused me."),
    ("kind_mismatch", "Can anyone explain a hospital."),
    ("kind_mismatch", "Mainly it is a wrong amount, and the wrong amount makes my phone useless."),
    ("kind_mismatch", "A storm warning and a senator were announced on Wednesday."),
    ("kind_mismatch", "Found tank during the daily check."),
    ("kind_mismatch", "Figures released at 15:00 showed a jury."),
    ("kind_mismatch", "Special mention for money; the price deserves a mention."),
    ("kind_mismatch", "Could someone help me with a specialist."),
    ("kind_mismatch", "I need help with a residence, and no overdraft."),
    ("kind_mismatch", "The details include a car park and a badger."),
    ("kind_mismatch", "Later, actuator and overhead bin noted in the climb; seat found on the walkaround."),
    ("kind_mismatch", "Machine 3 stopped. Nipple reported at 20:00."),
    ("kind_mismatch", "Presents with salbutamol this morning."),
    ("kind_mismatch", "Severe pain. Later, kettle noted on assessment."),
    ("kind_mismatch", "States warfarin began at home; no epipen on examination."),
    ("kind_mismatch", "Cough and inhaler use since yesterday evening."),
    ("kind_mismatch", "Complains of TOXBASE since yesterday; cast noted on assessment."),
    ("kind_mismatch", "Reports rovsing this morning. Guarding for 3 days."),
    ("kind_mismatch", "States cardiac history began at home."),
    ("negation_after", "First a QR code, then a nano SIM, and it has been recognised not."),
    ("negation_after", "It has been not recognised."),
    ("thing_participle_of_a_person", "A strike from the visitors, he has been rifled."),
    ("person_participle_of_a_thing", "It was sentenced."),
    ("there_was_plural", "There was restaurants nearby on our floor."),
    ("there_was_plural", "Today there was hours."),
    ("there_was_plural", "There is youths, and also spray paint."),
    ("there_was_plural", "Since 10:05 there has been readings."),
    ("that_plural", "Without police reference, and my dashcam recorded that tyres."),
    ("lowered_acronym", "On review, cOPD and crackles noted on assessment."),
    ("article_before_verb", "There is an issue with a delete account."),
    ("plural_key_singular_verb", "Never any breakfast, the restaurants nearby deserves a mention."),
    ("frame_twice", "Honestly, I am dizzy, honestly, I am sore, no swelling at all."),
])
def test_clause_counters_find_each_defect(kind: str, sentence: str) -> None:
    found = count_clauses([sentence])
    assert found[kind] >= 1 and +found == Counter({kind: found[kind]}), found


@pytest.mark.parametrize("sentence", [
    "Without hospital, and I have asked the tutor about the hospital.", "Can anyone explain a theory.",
    "Mainly it is a wrong amount, and the wrong amount is not what I agreed to.", "It has not been recognised.",
    "A storm warning was announced on Wednesday.", "A strike from the visitors, that one was rifled.",
    "Found a leak during the daily check; checked, no tank found on the walkaround.", "Faulty nipple found on "
    "inspection.",
    "A man was sentenced.", "There were restaurants nearby on our floor.", "My dashcam recorded the tyres.",
    "On review, COPD and crackles noted on assessment; also, EDR flagged a login.", "There is an issue with delete "
    "account.", "The restaurants nearby deserve a mention.", "Honestly, I am dizzy and sore, no swelling at all.",
])
def test_clause_counters_pass_good_sentences(sentence: str) -> None:
    assert not +count_clauses([sentence]), count_clauses([sentence])


def _spec(domain, classes: int, seed: int, difficulty: float) -> TaskSpec:
    """A slot of `domain` drafted as the offline strategist drafts one (its own label, or its fine label above 12
    classes)."""
    metric = "macro_f1" if classes <= 12 else "multiclass_log_loss"
    dna = SeedDNA(seed_id="kinds", modality=Modality.TEXT, task_type=TaskType.MULTICLASS, metric=metric,
                  lower_is_better=get_metric(metric).lower_is_better, label_cardinality=classes, min_class_share=0.02,
                  feature_mix={"text": 1})
    challenges = (Challenge.DISTRACTOR_TOKENS,)
    draft = text.draft(DraftContext(dna=dna, profile=None, domain=domain,  # type: ignore[arg-type]
                                    rng=stream(seed, "kinds", 0, "draft"), difficulty=difficulty,
                                    challenges=challenges, n_train=200, n_test=200))
    labels = draft.target.classes
    grading = GradingSpec(metric=metric, id_column=draft.id_column, target_columns=draft.target.columns,
                          submission_columns=tuple(labels) if get_metric(metric).kind == "class_probabilities"
                          and labels else draft.target.columns, classes=labels)
    return TaskSpec(seed_id="kinds", index=0, rng_seed=seed, dna=dna,
                    domain=DomainRef(key=domain.key, title=domain.title, sector=domain.sector, entity=domain.entity),
                    title=draft.title, story=domain.render_story(target=", ".join(draft.target.columns)),
                    modality=Modality.TEXT, task_type=TaskType.MULTICLASS, grading=grading, columns=draft.columns,
                    target=draft.target, n_train=200, n_test=200, difficulty=difficulty, challenges=challenges,
                    rule=draft.rule)


@functools.cache
def corpus() -> dict[str, list[str]]:
    """The public documents of 29 slots: every catalog text domain at its own label (five classes at most, seed
    3 + its index), and every domain with a fine label once more at 40 classes (seed 100 + its index)."""
    out: dict[str, list[str]] = {}
    work = Path(tempfile.mkdtemp())
    domains = [d for d in load_catalog().domains if d.text is not None]
    for k, domain in enumerate(domains):
        jobs = [(min(5, len(domain.text.classes)), 3 + k, 0.3)] + ([(40, 100 + k, 0.6)] if domain.text.fine else [])
        for classes, seed, difficulty in jobs:
            spec = _spec(domain, classes, seed, difficulty)
            folder = text.synthesize(spec, work / f"{domain.key}-{classes}").folder
            columns = [c.name for c in spec.columns if c.kind == ColumnKind.TEXT]
            out[f"{domain.key}-{classes}"] = [v for part in (folder.public / "train.csv", folder.public / "test.csv")
                                              for v in pd.read_csv(part, dtype=str)[columns].stack()]
    return out


def test_no_clause_defect_in_any_domain() -> None:
    slots = corpus()
    assert len(slots) == 29 and len({k.rsplit("-", 1)[0] for k in slots}) == 19
    defects = count_clauses([d for docs in slots.values() for d in docs])
    assert not +defects, dict(defects)


def test_kinds_and_tags() -> None:
    assert [noun_kind(k) for k in ("physiotherapist", "hospital", "wrong_amount", "theory", "rude staff")] == [
        PERSON, PLACE, AMOUNT, "", PERSON]
    assert fits("{X} again", PERSON) and fits("{@person}the {X} left", PERSON) and not fits("{@person}x", "")
    assert not fits("{@not person place}x", PLACE) and fits("{@not person place}x", "")
    assert fits("{@not place}x", AMOUNT)
    assert fitting(("{@not person}a", "{@amount}b", "c"), [PERSON]) == ("c",)
    assert fitting(("{@amount}b", "{@place}c"), [PERSON]) == ("{@amount}b", "{@place}c")  # none fits, none untagged
    assert untag("{@not person place}the {X} is") == "the {X} is" and template_words(("{@not person}the {X}",)) == {
        "the"}


def test_every_tag_of_the_registers_names_known_kinds() -> None:
    """A tag that names no kind would silently leave its template out (or in) for every word."""
    for _, register in REGISTERS:
        for templates in register.values():
            for t in templates:
                tag = re.match(r"\{@(?:not )?([a-z ]+)\}", t)
                assert tag is None or set(tag.group(1).split()) <= {PERSON, PLACE, AMOUNT, BUYER, FAULT, PART,
                                                                     TREATMENT, MEDICATION, INTAKE, CAUSE,
                                                                     PROCEDURE, FINDING, HISTORY, CARE}, t
                assert "{@" not in untag(t), t


def test_the_word_fixes() -> None:
    assert written("not_recognised") == "not recognised" and written("mirror_snapped") == "snapped mirror"
    assert word_class("parked_for_months") == word_class("lost_in_post") == PARTICIPLE
    assert word_class("booked") == word_class("arrested") == PERSONAL and word_class("rifled") == PARTICIPLE
    # adjectives written in a noun's frames: "Complains of tender since yesterday", "a sweeping throughout"
    assert word_class("tender") == word_class("grand") == word_class("sweeping") == STATE
    assert is_plural("restaurants nearby") and not is_plural("money back")
    assert [uncapital(t) for t in ("EDR flagged", "L/H steering", "It was", "I noticed", "A leak")] == [
        "EDR flagged", "L/H steering", "it was", "I noticed", "a leak"]


def _bursty_documents(domain: str, words: list[str], seed: int) -> list[str]:
    """300 documents of a domain's voice, each drawing its units from 4 of the words and their negations."""
    voice = voice_for(load_catalog().get(domain).text.document)
    texts = ["week", "the", *words, *[f"no {w}" for w in words]]
    rng = np.random.default_rng(seed)
    lengths = rng.integers(6, 20, size=300)
    units = np.concatenate([rng.choice(rng.choice(len(texts), size=4), size=int(k)) for k in lengths])
    return render_documents(texts, 2, units, lengths, (2, 5), np.random.default_rng(seed + 1), voice)


def test_a_forum_post_never_asks_to_explain_a_place_or_a_person() -> None:
    """Bursty forum posts of people, places, sums and topics: every echo and main clause fits its word."""
    docs = _bursty_documents("online_learning", ["hospital", "teammate", "recruiter", "wrong_amount", "grade",
                                                  "theory", "chapter", "deadline"], seed=4)
    assert not +count_clauses(docs), count_clauses(docs)
    assert any("has not replied to my messages" in d for d in docs)  # a person's own echo is written


def test_a_hotel_review_puts_no_place_person_dish_or_sum_in_the_room() -> None:
    """The hotel review's main clauses said "The room had a station", "There were attractions on our floor", "On
    arrival we found the price" (a station, a receptionist, an omelette or the price in the room or on the floor);
    its frames now hold any of its words, and a sum is not found on arrival."""
    words = ["station", "attractions", "receptionist", "omelette", "price", "pillows", "shower", "downtown"]
    docs = _bursty_documents("hotel_bookings", words, seed=6)
    joined = " ".join(docs)
    assert not re.findall(r"The room had|on our floor", joined)
    assert not re.findall(r"On arrival we found (?:the |a |an )?(?:price|prices)\b", joined)
    assert "Special mention for" in joined and "On arrival we found" in joined


_GENERIC = ("My problem is", "Please help with", "I am having trouble with", "Mainly it is", "I have been dealing with",
            "Since [0-9:]+ there")
"""The first-person message's main clauses read in the claim forms and returns as "My problem is a bay", "Please help
with a badger and a glass", "I am having trouble with graffiti", "Since 04:25 there has been a texture"."""


@pytest.mark.parametrize(("domain", "words", "own"), [
    ("motor_claims", ["bay", "badger", "glass", "graffiti", "whiplash", "youths", "police_reference"], "My claim"),
    ("ecommerce_returns", ["texture", "counterfeit", "mind", "battery", "sleeves", "courier"], "sending it back"),
    ("water_utility", ["pavement", "verge", "hydrant", "sediment", "meter", "zero"], "someone to check"),
    ("city_311", ["sofa", "rusting", "towing", "binmen", "music", "pothole"], "someone deal with"),
    ("bank_churn", ["scammer", "postcode", "overdraft", "payee", "update_details"], "I need help with"),
    ("outpatient_noshow", ["physiotherapist", "biopsy", "refill", "fatigue", "availability"], "I wanted to ask"),
])
def test_a_domain_register_writes_its_own_main_clauses(domain: str, words: list[str], own: str) -> None:
    """Six first-person domains open their sentences in their own words, which hold any of their nouns."""
    docs = _bursty_documents(domain, words, seed=9)
    joined = " ".join(docs)
    assert not [g for g in _GENERIC if re.search(rf"(?:^|\. ){g}", joined)], domain
    assert own in joined and not +count_clauses(docs), count_clauses(docs)


def test_a_card_dispute_puts_only_sums_on_the_account() -> None:
    """"There is a quality on my account", "My banking app shows a courier": a transaction's frames hold a sum only."""
    docs = _bursty_documents("card_fraud", ["quality", "courier", "seller", "refund", "credit", "cash"], seed=3)
    joined = " ".join(docs)
    assert not re.findall(r"(?:There (?:is|was) |banking app shows )(?:an? )?(?:quality|courier|seller)", joined)
    assert "quality problem" in joined and "My dispute is about" in joined and "on my account" in joined
    assert not +count_clauses(docs)


def test_a_listing_joins_with_with_only_a_noun() -> None:
    """The listing's connective ", with" was written before clauses: "Benefits from a utility, with presented as
    spacious", "Highlights include lettings, with it is secluded"."""
    docs = _bursty_documents("housing_market", ["garden", "barn", "spacious", "secluded", "quiet", "tenanted",
                                                "auction", "lettings"], seed=5)
    joined = " ".join(docs)
    assert not re.findall(r", with (?:presented|described|it|recently|buyers|owners)\b", joined)
    assert re.search(r", with (?:a|no|an) ", joined)
    # nor before a change ("It is quiet, with no longer quiet": 2 of the 29 slots' documents before 2026-12-07)
    assert not [d for docs in corpus().values() for d in docs if ", with no longer" in d]


def test_a_courier_shouts_at_a_person_and_a_dead_item_is_not_working() -> None:
    """Read in the documents of 2026-12-05: "it has been shouted", "not shouted at all", "The delivery came with rain
    exposed" (a parcel's driver conduct), "It seems working" (a defective item's return), "It has been swerved" (a
    driver who swerved), and a parcel left "at" a place written as a thing it came with."""
    catalog = load_catalog()
    assert "shouted_at" in catalog.get("parcel_delivery").text.classes["driver_conduct"]
    assert "not_working" in catalog.get("ecommerce_returns").text.classes["defective"]
    joined = " ".join(_bursty_documents("parcel_delivery", ["shouted_at", "rain_exposed", "flat_number", "late"],
                                        seed=3)).lower()
    assert re.search(r"\bi (?:was|got|have been) (?:never |not )?shouted at\b", joined)
    assert not re.search(r"\b(?:it|that one) (?:was|got|has been) shouted", joined) and " at at all" not in joined
    assert "rain damage" in joined and "rain exposed" not in joined
    joined = " ".join(_bursty_documents("parcel_delivery", ["unattended", "doorstep", "gate", "waited", "balcony"],
                                        seed=3)).lower()  # "it got unattended", "It has been waited", "today there
    # was a doorstep", "The delivery came with a gate"
    assert "left unattended" in joined and "i have waited long enough" in joined and "they left it by the" in joined
    assert not re.search(r"left it by an? ", joined)  # the writer's own gate or balcony, not "by a balcony"
    assert not re.search(r"(?:got|been|was) (?:never |not )?(?:unattended|waited)|there was an? (?:doorstep|gate)|"
                         r"came with an? (?:doorstep|gate|balcony)", joined)
    joined = " ".join(_bursty_documents("motor_claims", ["swerved", "dog", "deer"], seed=3)).lower()
    assert "i never swerved" in joined and "been swerved" not in joined
    joined = " ".join(_bursty_documents("ecommerce_returns", ["not_working", "faulty", "battery"], seed=3)).lower()
    assert "it is not working" in joined and not re.search(r"it (?:is|seems) working(?! after all| in the end)",
                                                           joined)


def test_a_hotel_review_says_its_adjectives_of_the_food_the_price_the_room_and_the_place() -> None:
    """"It seems delicious", "It seems cheap. Then it is loud", "honestly, it is comfy": a review's adjectives said of
    nothing; they are said of what they describe, negated with their cue next to the word."""
    words = ["tasty", "delicious", "cheap", "pricey", "spotless", "noisy", "cosy", "convenient", "towels"]
    joined = " ".join(_bursty_documents("hotel_bookings", words, seed=3)).lower()
    assert not re.search(r"\bit (?:is|seems|was) (?:not |never )?(?:" + "|".join(words) + r")\b", joined)
    for said in ("the food was tasty", "the rate we paid was pricey", "the bedroom was spotless",
                 "the location was not", "the food was not delicious"):
        assert said in joined, said
    assert not re.search(r"\b(?:breakfast|stay|price) was\b|our room was|room rate", joined)  # the hotel's words


@pytest.mark.parametrize("domain", ["mobile_churn", "hotel_bookings", "football_analytics", "news_publisher"])
def test_keys_that_hold_a_negation_or_an_adverb_read_in_order(domain: str) -> None:
    """Keys the 29 slots above happen not to draw, rendered in bursty documents of a domain's voice: "not_recognised"
    stays "not recognised" ("it has not been recognised", never "recognised not" or "been not"), "restaurants_nearby"
    is a plural ("there were restaurants nearby"), participles take the subject they are said of."""
    docs = _bursty_documents(domain, ["not_recognised", "restaurants_nearby", "rifled", "booked", "arrested",
                                      "parked_for_months", "overcharged", "delete_account", "wrong_amount", "hospital",
                                      "teammate"], seed=8)
    assert not +count_clauses(docs), count_clauses(docs)
    joined = " ".join(docs).lower()
    assert "not recognised" in joined and "recognised not" not in joined and "no parked" not in joined


def test_words_read_on_2026_12_06_are_said_of_what_they_are() -> None:
    """"It is potential." (a listing's fixer-upper), "honestly, it is multiple" (a duplicate charge), "I am disputing a
    stranger" (a card dispute's person), "My issue is a hospital", "Question about a hospital this week" (a course
    forum's family emergency, now "I had to be at the hospital this week")."""
    listing = " ".join(_bursty_documents("housing_market", ["potential", "renovation", "tlc"], seed=3)).lower()
    assert "potential" in listing and not re.search(r"\b(?:it is|seems|a) potential\b", listing)
    card = " ".join(_bursty_documents("card_fraud", ["multiple", "stranger", "duplicate"], seed=3)).lower()
    assert "multiple times" in card and not re.search(r"\b(?:it is|it seems|it was) multiple\b", card)
    assert "stranger" in card and "disputing a stranger" not in card
    forum = " ".join(_bursty_documents("online_learning", ["hospital", "tutor", "deadline"], seed=3)).lower()
    assert "hospital" in forum and not re.search(r"my issue is an? (?:hospital|tutor)\b", forum)
    assert not re.search(r"(?:question about|trouble with) an? hospital", forum) and "at the hospital" in forum


_IMPERATIVES = frozenset({"activate", "add", "cancel", "change", "close", "delete", "download", "enable", "expand",
                          "export", "forgot", "freeze", "hit", "keep", "raise", "replace", "reset", "shut", "submit",
                          "switch", "took", "track", "unlock", "update", "upload", "verify", "view", "withdraw",
                          "renew", "block", "unblock", "moved", "leaving", "pinching", "walking", "leaning"})
"""Verbs (base forms, a few past forms and participles) that open a catalog key as a command or a clause: "I am
writing about change pin", "there was no submit late"."""
_ATTRIBUTIVE = frozenset({"close_reading", "track_jacket", "walking_trail", "walking_distance", "leaning_tree"})
"""Keys whose first word is an adjective or a noun's modifier there ("a close reading", "a track jacket")."""


def test_a_key_that_opens_with_a_verb_is_written_as_the_thing_done() -> None:
    """Every catalog text key opening with a verb is written as a noun phrase ("change_pin" -> "a PIN change",
    "submit_late" -> "a late submission"), never as the command ("I am writing about change pin"), and the phrasal
    nouns hyphenated ("a cut-off", "an add-on"): 549 such phrases in the 11,600 documents of `corpus()` before
    2026-12-06, 0 after."""
    keys = {w for d in load_catalog().domains if d.text is not None
            for w in (*d.text.common, *(k for ws in d.text.classes.values() for k in ws),
                      *(k for ws in (d.text.fine.classes.values() if d.text.fine else ()) for k in ws))}
    led = sorted(k for k in keys if k.split("_")[0] in _IMPERATIVES and "_" in k and k not in _ATTRIBUTIVE)
    assert len(led) >= 40
    commands = [k for k in led if written(k).split(" ")[0].lower() in _IMPERATIVES and " of " not in written(k)]
    assert not commands, commands  # "a change of address" is a noun
    docs = {domain: " ".join(_bursty_documents(domain, words, seed=5)).lower() for domain, words in (
        ("bank_churn", ["change_pin", "cancel_card", "forgot_pin", "switch_banks", "view_pin", "moved_house"]),
        ("online_learning", ["submit_late", "expand_brackets", "deadline"]),
        ("mobile_churn", ["switch_plan", "keep_number", "add_on"]), ("water_utility", ["cut_off", "meter"]))}
    for domain, joined in docs.items():
        raw = [k for k in [*led, "cut_off", "add_on"] if re.search(rf"\b{k.replace('_', ' ')}\b", joined)]
        assert not raw, (domain, raw)
    assert "a pin change" in docs["bank_churn"] and "a late submission" in docs["online_learning"]
    assert "a cut-off" in docs["water_utility"] and "an add-on" in docs["mobile_churn"]


def test_a_things_word_is_never_said_as_the_writers_feeling() -> None:
    """"Patient feels starved" (a machine shop's lubrication), "Patient feels disgruntled" (an alert summary's leaver),
    "I am weak" (the water pressure) and "I am distressed" (a pair of jeans) were the voices' feeling clauses."""
    for domain, words, wrong in (("cnc_maintenance", ["starved", "grease"], "feels starved"),
                                 ("cyber_security", ["disgruntled", "badge"], "feels disgruntled"),
                                 ("water_utility", ["weak", "meter"], "i am weak"),
                                 ("ecommerce_returns", ["distressed", "jeans"], "i am distressed")):
        joined = " ".join(_bursty_documents(domain, words, seed=6)).lower()
        assert words[0] in joined and wrong not in joined and "i am not " + words[0] not in joined, domain


def test_a_listing_puts_no_person_or_sum_throughout_the_property() -> None:
    """"Outside, tenants throughout", "Cash buyers throughout", "A yield to the rear": a listing's "{L} throughout" and
    "{L} to the rear" are said of the property's parts (buyers, investors and wardens are people, a yield, returns,
    income and ROI are sums since 2026-12-06)."""
    joined = " ".join(_bursty_documents("housing_market", ["tenants", "cash_buyers", "yield", "income", "garden",
                                                           "decking"], seed=7)).lower()
    assert re.search(r"\b(?:garden|decking) (?:throughout|to the rear)", joined)
    assert not re.search(r"\b(?:tenants|cash buyers|yield|income) (?:throughout|to the rear)", joined)


def test_a_card_dispute_never_disputes_a_place() -> None:
    """"I am disputing a kiosk", "I am disputing a petrol station": a dispute is about a payment, a shop is where it
    was made (kiosks, supermarkets, boutiques, pharmacies, forecourts and bakeries are places since 2026-12-06)."""
    card = " ".join(_bursty_documents("card_fraud", ["kiosk", "petrol_station", "supermarket", "receipt_slip"],
                                      seed=9)).lower()
    assert "kiosk" in card and "petrol station" in card
    assert not re.search(r"disputing (?:an? )?(?:kiosk|petrol station|supermarket)", card)


_LEANING = re.compile(r"(?:^|[.!?] )((?:Without|Never an?|Never any)\b[^.!?]*)")


def test_no_negation_stands_as_a_sentence_it_leans_on() -> None:
    """"Without a robbery.", "Never a QR code.", "It was returned. Without a gift.": a negation that leans on a clause
    before it stood as a sentence of its own — 480 sentences in 476 of the 11,600 documents of `corpus()` before
    2026-12-06, 0 after. Alone it is said in a form that stands ("There was no crack.", "No snood at all."); after a
    full stop it joins the clause before it. Football's "yellow" is a card, not a colour ("They look yellow")."""
    slots = corpus()
    leaning = [m.group(1) for docs in slots.values() for doc in docs for m in _LEANING.finditer(doc)]
    assert not leaning, leaning[:5]
    assert sum(re.search(r"(?:^|\. )There was no ", doc) is not None for docs in slots.values() for doc in docs) >= 10
    football = " ".join(slots["football_analytics-5"]).lower()
    assert "yellow card" in football and not re.search(r"\byellow\b(?! card)", football)


def test_a_parcel_complaint_is_about_what_happened_and_the_place_is_where_it_was_left() -> None:
    """"The problem was a porch", "I want to complain about a balcony", "My complaint is about a wrong building": 116
    of the 371 complaint clauses of the 29 slots' parcel documents held a place before 2026-12-06. A place is now
    where the parcel was left or found ("They left it by the porch", "I found it by the wrong building"), and a
    sentence that holds a place and something else lists them ("There is a porch, and also rain damage")."""
    joined = " ".join(_bursty_documents("parcel_delivery", ["porch", "balcony", "wrong_building", "postcode_error",
                                                            "eta"], seed=12)).lower()
    places = r"(?:an? |the )?(?:porch|balcony|wrong building)"
    assert not re.search(rf"\b(?:complain about|problem was|complaint is about|delivery came with) {places}", joined)
    assert re.search(r"\b(?:complain about|problem was|complaint is about) (?:a postcode error|an eta)", joined)
    assert len(re.findall(r"\b(?:left it by|ended up by|found it by) the (?:porch|balcony|wrong building)",
                          joined)) >= 20


def test_a_listing_offers_no_buyer_and_would_suit_one() -> None:
    """"The property offers a landlord", "Highlights include tenants", "Boasting cash buyers", "the tenants add real
    appeal": 158 of the 204 mentions of a buyer in the 29 slots' listings offered the buyer as a feature before
    2026-12-06. Buyers, investors, landlords and tenants are a kind of their own (`kinds.BUYER`): a listing would suit
    them ("Would suit a landlord", "the agent expects interest from the tenants"), and every tag that names people
    names them too, so no other register reads them differently."""
    assert fits("{@person}x", BUYER) and not fits("{@not person}x", BUYER) and not fits("{@buyer}x", PERSON)
    assert noun_kind("cash_buyers") == BUYER and noun_kind("concierge") == PERSON
    assert noun_kind("family") == noun_kind("over_55s") == BUYER  # "A family throughout", "Boasting a family"
    joined = " ".join(_bursty_documents("housing_market", ["cash_buyers", "landlord", "tenants", "garden",
                                                           "concierge", "family", "over_55s"], seed=13)).lower()
    buyer = r"(?:an? |the )?(?:cash buyers|landlord|tenants|family|over-55s)"
    assert not re.search(rf"\b(?:offers|include|benefits from|boasting|offered with|comes with|appreciate) {buyer}\b",
                         joined)
    assert not re.search(rf"\b{buyer} (?:is|are) a real selling point|\b{buyer} adds? real appeal", joined)
    assert not re.search(rf"(?:^|\. ){buyer} (?:throughout|to the rear)", joined)
    assert len(re.findall(rf"\b(?:would suit|likely to appeal to|of particular interest to) {buyer}", joined)) >= 10
    assert re.search(r"\b(?:offers|include|benefits from|boasting|comes with) (?:a |the )?concierge", joined)


def test_no_key_is_a_bare_word_that_says_nothing_of_the_complaint() -> None:
    """"Reports knee and ankle this morning", "Later, no arm" (a triage note), "The problem was a unit", "The problem
    was a window" (a parcel), "it seems moving" (a change of address), "The details include a glass" (a windscreen
    claim), "a buy to let", "It got sent" (a wrong item), "I want to report markings and leaning": keys renamed on
    2026-12-06 to what the writer means ("knee pain", "an ankle injury", "a unit number", "a time window", "a moving
    date", "substituted", "a leaning tree"), "glass" is uncountable and "buy-to-let" hyphenated."""
    bare = {"hospital_triage": {"knee", "ankle", "wrist", "hip", "arm", "chest"},
            "parcel_delivery": {"window", "unit"}, "bank_churn": {"moving"}, "ecommerce_returns": {"sent"},
            "city_311": {"leaning"}}
    for domain, words in bare.items():
        text = load_catalog().get(domain).text
        assert not words & {w for ws in text.classes.values() for w in ws}, domain
    assert with_article(written("buy_to_let")) == "a buy-to-let" and with_article("glass") == "glass"
    slots = corpus()
    assert "knee pain" in " ".join(slots["hospital_triage-5"]).lower()
    assert "a unit number" in " ".join(slots["parcel_delivery-5"]).lower()


def test_a_review_gives_no_special_mention_to_what_a_guest_complains_of() -> None:
    """"Special mention for grime", "Worth mentioning: a cockroach", "the stains deserve a mention": a hotel review's
    praise frames took its complaints before 2026-12-06. What a guest complains of is a kind of its own
    (`kinds.FAULT`), said as a complaint ("We had to complain about a cockroach", "the grime spoilt the first
    night"); praise keeps the rest ("Special mention for the breakfast")."""
    assert noun_kind("cockroach") == FAULT and noun_kind("thin_walls") == FAULT and noun_kind("breakfast") == ""
    joined = " ".join(_bursty_documents("hotel_bookings", ["grime", "cockroach", "stains", "breakfast", "thin_walls"],
                                        seed=14)).lower()
    fault = r"(?:the |a |an )?(?:grime|cockroach|stains|thin walls)"
    assert not re.search(rf"\b(?:special mention for|worth mentioning:) {fault}|\b{fault} deserves? a mention", joined)
    assert len(re.findall(rf"\b(?:complain about|put off by) {fault}|\b{fault} spoilt the first night", joined)) >= 20
    assert re.search(r"\b(?:special mention for|worth mentioning:) (?:the |a )?breakfast", joined)


@pytest.mark.parametrize(("domain", "parts", "faults"), [
    ("aircraft_maintenance", ["seat", "tank", "galley", "spoiler", "actuator"], ["leak", "seep", "jam"]),
    ("cnc_maintenance", ["nipple", "bearing", "hose", "radiator", "contactor"], ["overheating", "backlash", "dry"]),
])
def test_a_log_finds_a_component_faulty_not_found(domain: str, parts: list[str], faults: list[str]) -> None:
    """"Found tank during the daily check", "Seat found on the walkaround", "Nipple reported at 20:00": the two
    maintenance logs found a component as they find a fault before 2026-12-06. A component is a kind of its own
    (`kinds.PART`), found faulty, damaged or unserviceable ("Faulty nipple found on inspection", "Seat found damaged
    on the walkaround", "Defect on the spoiler found during the daily check"); a fault is still found as itself."""
    assert {noun_kind(p) for p in parts} == {PART} and {noun_kind(f) for f in faults} == {""}
    docs = _bursty_documents(domain, parts + faults, seed=19)
    assert not count_clauses(docs)["kind_mismatch"], [d for d in docs if count_clauses([d])["kind_mismatch"]][:3]
    joined = " ".join(docs).lower()
    assert len(re.findall(r"\b(?:unserviceable|damaged|faulty|inop|defect on|gave out|traced to)\b", joined)) >= 20
    assert re.search(r"\b(?:leak|seep|jam|overheating|backlash) (?:found|noted|reported|at|traced)\b", joined)


def test_a_key_is_of_the_kind_its_written_form_names() -> None:
    """A key's kind was read from the key's last word before 2026-12-06: "moving_house" (written "an upcoming move")
    was a place ("I have just moved from the upcoming move"), "payment_declined" ("a declined payment") no sum. The
    kind is the written form's, to its first preposition ("a transfer to another provider" is no person)."""
    assert [noun_kind(k) for k in ("moving_house", "moved_house", "switch_banks", "dip_in_the_road")] == [""] * 4
    assert [noun_kind(k) for k in ("payment_declined", "double", "rain_soaked", "sheets_stained", "over_55s")] == [
        AMOUNT, AMOUNT, PLACE, FAULT, BUYER]
    joined = " ".join(_bursty_documents("bank_churn", ["moving_house", "residence", "apartment", "overdraft"],
                                        seed=20)).lower()
    assert not re.search(r"\b(?:moving out of|moved from) the upcoming move", joined)
    assert re.search(r"\b(?:moving out of|moved from) the (?:residence|apartment)", joined)
    assert not re.search(r"\bi need help with (?:a |the )?(?:residence|apartment)", joined)


def test_a_listing_puts_no_barn_throughout_and_no_buyer_upstairs() -> None:
    """"A barn throughout", "TLC throughout", "A marina throughout", "Upstairs, would suit a family": a sales listing
    said any feature "throughout" and opened any sentence "Upstairs," or "Outside," before 2026-12-06. "Throughout"
    is left to the closings that name a finish ("Light and generous rooms throughout"), a place lies to the rear, and
    the openers name no part of the house."""
    words = ["barn", "potential", "family", "landlord", "garden", "marble", "tlc"]
    joined = " ".join(_bursty_documents("housing_market", words, seed=21)).lower()
    assert not re.search(r"\b(?:barn|potential|family|landlord|garden|marble|tlc) throughout", joined)
    assert not re.search(r"\b(?:upstairs|outside), ", joined)
    assert re.search(r"\b(?:a barn|a garden) to the rear", joined)
    assert not re.search(r"\b(?:potential|family|landlord|marble|tlc) to the rear", joined)


def test_a_triage_note_names_the_complaint_not_its_part() -> None:
    """"Balance for 5 days", "Complains of pressure since yesterday", "no balance today", "appeared abdominal", "noted
    as irregular": triage keys that name a body part or a quality of the complaint read as the complaint before
    2026-12-06 (in the 29 slots' triage documents). The catalog names the complaint: balance problems, chest
    pressure, abdominal pain, an irregular heartbeat, slurred speech, a tender abdomen, a facial droop, flank and
    loin pain, urinary symptoms."""
    joined = " ".join(corpus()["hospital_triage-5"])
    assert not re.search(r"\b(?:balance(?! problems)|(?<!chest )pressure)\b", joined, re.IGNORECASE)
    assert not re.search(r"\b(?:appeared|noted as|confirmed|not|never) (?:abdominal|irregular|slurred|tender)\b",
                         joined, re.IGNORECASE)
    assert re.search(r"\bbalance problems\b", joined, re.IGNORECASE)
    assert re.search(r"\bslurred speech\b", joined, re.IGNORECASE)


def test_no_document_opens_with_a_link_to_a_sentence_before_it() -> None:
    """"Also, not indoors." (a whole document), "Then someone threw it. ...", "On review, no guessing; ...", "Later,
    expect scientists": a short first sentence took one of the voice's openers, which link a sentence to the one
    before it, and a message's verb clause read "then someone threw it", in 57 of the 29 slots' 11,600 documents
    before 2026-12-06."""
    links = r"(?:Also|Then|Later|After that|In addition|Further|On top of that|Meanwhile|Soon|" \
            r"Separately|Elsewhere|Moments later)\b"  # not "And": live commentary opens "And there's a save"
    opened = [d for docs in corpus().values() for d in docs if re.match(links, d)]
    assert not opened, opened[:3]


def test_a_join_leaves_no_bare_negation_as_a_sentence_of_its_own() -> None:
    """"It has been returned. No free trial.", "I can solve it. No late submission.": a message's full-stop join left
    a negation of a noun as a sentence of its own before 2026-12-06 (as it did "Not slashed." before that); it joins
    the clause before it now, and a clause that is a sentence still may stand alone."""
    from sandmle_core.modalities.text.surface import join_clauses

    joins = (". ", ", ")
    assert join_clauses(joins, ["it has been returned", "no free trial"], 0.0) == "It has been returned, no free trial"
    assert join_clauses(joins, ["it has been returned", "it was broken"], 0.0) == "It has been returned. It was broken"


def test_a_documentary_synopsis_says_what_the_film_explores() -> None:
    """"Soon someone explores", "then someone examines": a catalogue synopsis wrote a documentary's verbs (explores,
    examines, investigates, portrays) with a vague subject and no object before 2026-12-06; the film or series does
    it now ("The film explores what really happened", "the series examines how it began")."""
    joined = " ".join(_bursty_documents("streaming_service", ["explores", "examines", "investigates", "footage"],
                                        seed=15)).lower()
    assert not re.search(r"\bsomeone (?:explores|examines|investigates)\b", joined)
    assert len(re.findall(r"\bthe (?:film|series) (?:explores|examines|investigates) (?:what|how)\b", joined)) >= 20


def test_a_motor_claim_says_where_it_happened_not_that_it_reports_a_place() -> None:
    """"I want to report a car park", "I noticed a supermarket and then a badger", "the car park caused most damage":
    a claim form's main clauses took places before 2026-12-06; a place is now where it happened or where the car
    was left ("It happened at the car park")."""
    joined = " ".join(_bursty_documents("motor_claims", ["car_park", "supermarket", "badger", "hail"],
                                        seed=16)).lower()
    places = r"(?:a |an |the )?(?:car park|supermarket)"
    assert not re.search(rf"\b(?:want to report|i noticed|should mention) {places}|{places} caused most damage", joined)
    assert len(re.findall(rf"\b(?:happened|was left) at {places}", joined)) >= 20


def test_a_water_leak_comes_up_through_a_place_not_reported_as_one() -> None:
    """"I noticed a pavement", "This concerns a verge", "I want to report a pool": a water utility's leak words
    that name where the water shows were said as the thing reported before 2026-12-06. The pavement and the verge
    are places now ("It is seeping up through the pavement", "There is a leak under the verge"), and a pool of water
    is "standing water", a weak supply's "flow" a "poor flow"."""
    joined = " ".join(_bursty_documents("water_utility", ["pavement", "verge", "standing_water", "poor_flow", "meter"],
                                        seed=17)).lower()
    places = r"(?:a |an )?(?:pavement|verge)\b"
    assert not re.search(rf"\b(?:want to report|i noticed|writing about|this concerns|involves) {places}", joined)
    assert len(re.findall(r"\b(?:seeping up through|leak under) the (?:pavement|verge)", joined)) >= 20
    assert "standing water" in joined and "poor flow" in joined
    water = {w for ws in load_catalog().get("water_utility").text.classes.values() for w in ws}
    assert not {"pool", "flow"} & water


def test_a_name_is_written_with_its_capital_and_without_the() -> None:
    """"No shakespeare at all", "I am stuck on freud", "the freud is where I lost track", "a michelin star": names
    were written in lower case (about 330 in the 29 slots) and took "the" when said again before 2026-12-06."""
    joined = " ".join(_bursty_documents("online_learning", ["freud", "shakespeare", "github", "osmosis"], seed=18))
    assert not re.search(r"\b(?:freud|shakespeare|github)\b", joined)
    assert not re.search(r"\b(?:the|a|an) (?:Freud|Shakespeare|GitHub)\b", joined, re.IGNORECASE)
    assert len(re.findall(r"\b(?:Freud|Shakespeare|GitHub)\b", joined)) >= 100
    assert written("michelin_star") == "Michelin star" and written("eicas") == "EICAS"


def test_a_triage_note_says_a_medicine_was_tried_and_puts_the_complaint_down_to_its_cause() -> None:
    """"Presents with salbutamol this morning", "Kettle noted on assessment", "States warfarin began at home", "no
    EpiPen on examination", "Complains of cast since yesterday": a triage note said what a patient tried, takes,
    blames or is sent for as it says a complaint before 2026-12-07 (in the 29 slots' triage documents). A medicine or
    first aid is tried before arrival (`kinds.TREATMENT`), a regular one taken (`MEDICATION`), a cause blamed
    (`CAUSE`), a test or a procedure requested (`PROCEDURE`); a complaint still presents."""
    assert [noun_kind(k) for k in ("salbutamol", "ice_pack", "warfarin", "kettle", "peanuts", "troponin", "toxbase",
                                   "xray_requested", "wheeze")] == [
        TREATMENT, TREATMENT, MEDICATION, CAUSE, CAUSE, PROCEDURE, PROCEDURE, PROCEDURE, ""]
    assert fits("{@not care}x", "") and not fits("{@not care}x", MEDICATION) and fits("{@cause}x", CAUSE)
    docs = _bursty_documents("hospital_triage", ["salbutamol", "warfarin", "kettle", "ice_pack", "epipen",
                                                 "troponin", "wheeze", "scald", "palpitations"], seed=22)
    assert not count_clauses(docs)["kind_mismatch"], [d for d in docs if count_clauses([d])["kind_mismatch"]][:3]
    joined = " ".join(docs)
    assert re.search(r"\b(?:salbutamol|ice pack|EpiPen) (?:before arrival|tried at home|at home, with little "
                     r"relief)", joined, re.IGNORECASE)
    assert re.search(r"\b(?:Currently on|Takes|Prescribed) warfarin\b", joined)
    assert re.search(r"\b(?:Attributed by the patient to|Patient puts it down to) (?:a |the )?kettle|\bkettle "
                     r"thought to be the cause", joined, re.IGNORECASE)
    assert re.search(r"\b(?:Presents with|Complains of|Reports) (?:wheeze|scald|palpitations)", joined)
    assert re.search(r"\btroponin (?:requested|to follow|arranged by the nurse)", joined, re.IGNORECASE)
    assert "epipen" not in joined


def test_a_listing_says_a_state_of_the_property_not_that_it_recently_became_one() -> None:
    """"Notably, recently dated.", "Recently secluded; no cash buyers on site", "and recently tenanted": a listing
    wrote every participle of its vocabulary after "recently" (61 documents of the 29 slots before 2026-12-07, all of
    states: dated, secluded, tenanted, terraced, vaulted, thatched), and opened a short first sentence with
    "Notably,", which singles a feature out of others said before it; it takes "Newly listed," now."""
    docs = corpus()["housing_market-5"] + corpus()["housing_market-40"]
    assert not [d for d in docs if re.search(r"\brecently (?!refurbished|renovated|extended|modernised)", d,
                                             re.IGNORECASE)]
    assert not [d for d in docs if d.startswith("Notably,")]
    assert [d for d in docs if d.startswith("Newly listed, ")]  # a short first sentence's own opener
    assert re.search(r"\b(?:the property|it) is (?:dated|secluded|tenanted)\b", " ".join(docs), re.IGNORECASE)


def test_a_triage_note_finds_a_sign_on_examination_and_knows_a_history() -> None:
    """"Presents with crackles this morning", "Reports rovsing this morning", "Guarding for 3 days", "Cardiac history
    for 2 days": a sign the nurse finds and a history the patient has read as complaints before 2026-12-07 (65 of the
    29 slots' triage documents). A sign is found (`kinds.FINDING`: "Positive Murphy's sign on examination", "Examination
    shows guarding"), a history known (`HISTORY`: "Known epilepsy", "Cardiac history on record")."""
    assert [noun_kind(k) for k in ("guarding", "murphys_sign", "rebound", "low_sats", "epilepsy", "cardiac_history",
                                   "road_sign")] == [FINDING, FINDING, FINDING, FINDING, HISTORY, HISTORY, ""]
    # five more on 2026-12-07 ("Deformity for 2 days", "Reports tender abdomen this morning", "Externally rotated
    # for 5 days": 31 clauses of the 29 slots, read by `_FOUND` in `test_no_clause_defect_in_any_domain`)
    assert {noun_kind(k) for k in ("deformity", "tender_abdomen", "wound_edges", "marked_margin",
                                   "externally_rotated")} == {FINDING}
    docs = _bursty_documents("hospital_triage", ["guarding", "murphys_sign", "epilepsy", "cardiac_history", "wheeze",
                                                 "scald"], seed=23)
    assert not count_clauses(docs)["kind_mismatch"], [d for d in docs if count_clauses([d])["kind_mismatch"]][:3]
    joined = " ".join(docs)
    assert re.search(r"\b(?:guarding|positive Murphy's sign) (?:on examination|noted on assessment)|Examination shows "
                     r"(?:guarding|positive Murphy's sign)", joined, re.IGNORECASE)
    assert re.search(r"\bKnown (?:epilepsy|cardiac history)|\b(?:epilepsy|cardiac history) on record", joined,
                     re.IGNORECASE)
    assert not re.search(r"\b(?:epilepsy|cardiac history) (?:today|on examination|to be reassessed)", joined,
                         re.IGNORECASE)


def test_a_triage_note_says_what_was_taken_applied_or_found_not_that_the_patient_presents_with_it() -> None:
    """"Presents with tablets taken this morning", "States applied dressing began at home", "Reports tissue soaked
    this morning", "Antibiotics given for 2 days": five more keys of the triage vocabulary named what was taken, done
    or found as a complaint before 2026-12-07. An overdose's tablets, pills and paracetamol are swallowed
    (`kinds.INTAKE`: "Took tablets at home"; blamed as a cause before, "Tablets thought to be the cause",
    "Attributed by the patient to paracetamol"), a dressing tried before arrival (`TREATMENT`), antibiotics taken
    (`MEDICATION`: "Already taking antibiotics", not "Takes antibiotics regularly"), blood-soaked tissues and
    controlled bleeding found (`FINDING`)."""
    assert [noun_kind(k) for k in ("tablets_taken", "took_pills", "paracetamol", "dressing_applied",
                                   "antibiotics_given", "tissue_soaked", "bleeding_controlled", "tablet")] == [
        INTAKE, INTAKE, INTAKE, TREATMENT, MEDICATION, FINDING, FINDING, ""]
    assert fits("{@intake}x", INTAKE) and not fits("{@not care}x", INTAKE) and not fits("{@cause}x", INTAKE)
    docs = corpus()["hospital_triage-40"]
    assert not [d for d in docs if re.search(r"\b(?:antibiotics given|applied dressing|tablets taken|pills taken|"
                                             r"tissue soaked)\b", d, re.IGNORECASE)]
    assert not count_clauses(docs)["kind_mismatch"], [d for d in docs if count_clauses([d])["kind_mismatch"]][:3]
    joined = " ".join(docs)
    swallowed = r"(?:tablets|pills|paracetamol)"
    assert not re.search(rf"\b(?:Attributed by the patient to|Patient puts it down to) (?:[a-z ]+ and )?{swallowed}\b|"
                         rf"\b{swallowed}(?: and [a-z ]+)? thought to be the cause|\bTakes [a-z ]+ regularly",
                         joined, re.IGNORECASE)
    assert re.search(rf"\b(?:Swallowed|Admits to taking) (?:[a-z ]+ and )?{swallowed}\b|\b{swallowed} swallowed "
                     r"before arrival", joined, re.IGNORECASE)
    assert re.search(r"\bblood-soaked tissues (?:on examination|noted on assessment)|Examination shows blood-soaked "
                     r"tissues", joined, re.IGNORECASE)


_OPENS_NEGATED = re.compile(r"(?:No|Not|Never|Without|Nobody|There (?:was|were) no|It (?:is|was) (?:never|not)|He is "
                            r"not)\b")


@pytest.mark.parametrize(("domain", "word", "negated", "said"), [
    ("news_publisher", "match", "robbery", r"robbery"),
    ("housing_market", "sea_views", "garage", r"garage"),
    ("football_analytics", "volley", "subbed", r"\bhe is (?:not|never) subbed"),
])
def test_a_document_opens_with_its_first_main_clause_not_with_a_negation(domain: str, word: str, negated: str,
                                                                          said: str) -> None:
    """"No robbery yet. Later, officials briefed reporters on a match", "No shutters included. Benefits from a hull
    survey", "He is not subbed at all. A net for the home side": 1,064 of the 11,600 documents of `corpus()` opened
    with a sentence of negations alone before 2026-12-07, most of them with a main clause later. Those negations
    follow the first main clause now ("Officials briefed reporters on a match; no robbery"); a word that is not a
    noun keeps its subject ("A volley for the home side, he is not subbed at all"). A document of negations alone
    still opens with them (240 documents)."""
    voice = voice_for(load_catalog().get(domain).text.document)
    texts = ["week", "the", word, negated, f"no {word}", f"no {negated}"]
    units = np.array([5, 1, 2, 1, 0, 2] * 40)  # "no <negated>", then the word's main clause, per document
    docs = render_documents(texts, 2, units, np.full(40, 6), (1, 2), np.random.default_rng(3), voice)
    assert not [d for d in docs if _OPENS_NEGATED.match(d)], docs[:3]
    assert all(re.search(said, d, re.IGNORECASE) for d in docs), docs[:3]
    opening = sum(bool(_OPENS_NEGATED.match(d)) for docs in corpus().values() for d in docs)
    assert opening < 60, opening  # documents of negations alone in a voice without openings (27 at 2026-12-06;
    # 1,064 before 2026-12-07, 284 before a document of negations alone opened with its setting)


def test_a_document_of_negations_alone_opens_with_its_setting_and_no_setting_opens_most_documents() -> None:
    """"No routing at all. Thanks so much for your help.", "No wartime in sight.": a document of negations alone
    opened with them (284 of the 11,600 documents before 2026-12-07); it opens with one of its voice's openings now,
    any of them alike ("Hello, sorry to bother you this morning. There was no freeze ..."); 27 are left, in voices
    without one ("No snow line included."). And a voice left with one opening (the others hold the rule's signal
    words) wrote it at the whole chance of three: "Dear team, I am writing about my card ending 5121" opened 146 of a
    40-class card-fraud slot's 400 documents; no three words open more than 79 of a slot's now."""
    from sandmle_core.modalities.text.phrases import settings

    voice = voice_for(load_catalog().get("card_fraud").text.document)
    one = dataclasses.replace(voice, opening=voice.opening[:1], closing=())
    opened = [settings(one, [], [u, 0.9, 0.5], empty=False)[0] for u in np.linspace(0, 1, 300, endpoint=False)]
    assert 0.08 < sum(bool(o) for o in opened) / 300 < 0.15  # a third of the chance of three openings (0.35)
    bare = [settings(one, [], [u, 0.9, 0.5], empty=False, bare=True)[0] for u in np.linspace(0, 1, 30, endpoint=False)]
    assert all(bare), bare
    firsts = {slot: Counter(" ".join(d.split()[:3]) for d in docs).most_common(1)[0]
              for slot, docs in corpus().items()}
    assert max(n for _, n in firsts.values()) <= 90, firsts


def test_a_log_says_a_component_is_sound_not_that_there_is_none() -> None:
    """"No lavatory evident", "checked, no radio", "without transformer", "no nose wheel found": a log negated a
    component as if it were absent (259 of the 1,200 documents of the three maintenance slots of `corpus()` before
    2026-12-07). A component is found sound ("radio not faulty", "lavatory not damaged") or ruled out,
    and said again as a change ("fan no longer faulty", not "no fan any more"); a fault or a reading keeps "no" ("no
    EGT evident", "no temperature found")."""
    docs = [d for k in ("aircraft_maintenance-5", "aircraft_maintenance-40", "cnc_maintenance-5") for d in corpus()[k]]
    nouns = [m.group(1).lower().split() for d in docs  # the negated noun, to its head ("nose wheel steering")
             for m in re.finditer(r"\b(?:no|without) (?:[LR]/H )?([A-Za-z]+(?: (?!and|found|seen|evident|at|any)"
                                  r"[a-z]+){0,2})", d)]
    absent = [w for w in nouns if w[-1] in _PARTS or w[-1].rstrip("s") in _PARTS]
    assert not absent, absent[:5]
    joined = " ".join(docs)
    assert re.search(r"\b(?:radio|seat|fan|transformer|lavatory|tank) not (?:faulty|damaged)", joined, re.IGNORECASE)
    assert re.search(r"\bno (?:EGT|temperature|error code)\b", joined)


_BUYER = r"(?:a |an )?(?:family|investors?|landlords?|tenants?)"
_BUYERS_LISTED = re.compile(rf"(?:^|[.;] )(?:{_BUYER}(?: with|, along with|, plus)\b|Alongside [^.;]*there "
                            rf"(?:is|are|was|were) {_BUYER})", re.IGNORECASE)


def test_a_sentence_whose_words_no_one_clause_holds_says_each_kind_in_its_own() -> None:
    """"A family, plus a nursery", "Alongside occupancy, there were tenants", "Ice pack, with turned ankle also
    mentioned", "It started with an incorrect house, now photo proof": a sentence whose nouns are of kinds no main
    clause of the voice holds together (a buyer and a feature, a first aid and a complaint, a place and a problem)
    fell to the voice's generic two-noun clauses (26 of the 800 listings of `corpus()` listed a family, investors,
    landlords or tenants so by `_BUYERS_LISTED` before 2026-12-07, 0 after). It says each kind in its own clause
    now ("Would suit a family; offered with a nursery", "Ice pack before arrival; complains of turned ankle since
    yesterday"), and a listing never lists buyers with "plus"."""
    voice = voice_for(load_catalog().get("housing_market").text.document)
    texts = ["week", "the", "family", "nursery", "no family", "no nursery"]
    docs = render_documents(texts, 2, np.array([2, 3] * 60), np.full(60, 2), (2, 2), np.random.default_rng(5), voice)
    assert all(re.search(r"\b(?:Would suit|Likely to appeal to|Of particular interest to) a family; [a-z ]+ a "
                         r"nursery\b", d) for d in docs), docs[:3]
    listings = corpus()["housing_market-5"] + corpus()["housing_market-40"]
    assert not [d for d in listings if _BUYERS_LISTED.search(d)]
    triage = " ".join(corpus()["hospital_triage-40"])
    assert not re.search(r"\b(?:Ice pack|Salbutamol|Cling film|Hot oil), (?:with|along with) ", triage)


def test_no_opening_sentence_opens_a_large_share_of_a_slots_documents() -> None:
    """"Booked a weekend away with my husband." opened 180 of the 400 documents of the hotel slot before 2026-12-07,
    "Flight crew write-up on landing." 149 of an aircraft slot's, "Two people familiar with talks spoke to reporters."
    124 of a news slot's: a setting that holds one of a document's context words was preferred with probability 0.7
    (`phrases.settings`), and one holding a common word ("husband", "people") took most documents. A fitting setting
    is preferred at most twice as often as a uniform choice would take it now, and the news register has more
    settings of its common words: no first sentence opens more than a fifth of any slot's documents (73 of 400 at
    most, 2026-12-07)."""
    for slot, docs in corpus().items():
        first, count = Counter(d.split(". ")[0] for d in docs).most_common(1)[0]
        assert count <= len(docs) // 5, (slot, first, count)


def test_a_negation_that_leans_on_a_clause_follows_it_after_a_comma_not_a_semicolon() -> None:
    """"On the returns form I put hood drawstring; no cardigan; without a knit.", "The reason I am sending it back is
    trainers; never a tankini": a negation that leans on the clause before it ("without X", "never a X") stood after a
    semicolon as a fragment in 1,258 of the 29 slots' 11,600 documents before 2026-12-07 (943 with "; without", 326
    with "; never"); it follows its clause after a comma now."""
    from sandmle_core.modalities.text.surface import join_clauses

    assert join_clauses(("; ", ", "), ["I put hood drawstring", "without a knit"], 0.0) == (
        "I put hood drawstring, without a knit")
    assert join_clauses(("; ", ", "), ["I put hood drawstring", "no cardigan"], 0.0) == (
        "I put hood drawstring; no cardigan")
    leaning = re.compile(r";(?: also)? (?:without|never) ")
    assert not [d for docs in corpus().values() for d in docs if leaning.search(d)]


def test_a_clause_after_a_leaning_negation_in_a_list_is_not_read_as_negated_too() -> None:
    """"Presents with tightness this morning, without balance problems and tender abdomen was ruled out", "without
    headache and knee pain discussed with the duty doctor": the last of a list of follow-up clauses, joined to a
    "without X" or "never X" by a bare "and", read as a second thing the patient was without — in 575 of the 29 slots'
    11,600 documents before 2026-12-07. It follows after ", and" now, unless it is a negation of its own ("without
    nausea and no wrist injury" reads as two)."""
    from sandmle_core.modalities.text.surface import prose

    assert prose(["no voltage found", "without firmware", "relay was ruled out"]) == (
        "no voltage found, without firmware, and relay was ruled out")
    assert prose(["without nausea", "no wrist injury"]) == "without nausea and no wrist injury"
    assert prose(["no nausea", "tender abdomen was ruled out"]) == "no nausea and tender abdomen was ruled out"
    # a triage note's "denies X" (2026-12-07) distributes over "and" as well: "denies rash and swelling to be
    # reassessed in 3 hours" denied the swelling too
    assert prose(["denies rash", "swelling to be reassessed in 3 hours"]) == (
        "denies rash, and swelling to be reassessed in 3 hours")
    absorbed = re.compile(r"\b(?:without|never|denies) [^,.;]* and [^,.;]* (?:was|were) (?:ruled out|discussed|handed "
                          r"over)|\bdenies [^,.;]* and [^,.;]* to be reassessed")
    assert not [d for docs in corpus().values() for d in docs if absorbed.search(d)]


def test_a_news_paragraph_says_of_its_words_only_what_any_thing_in_the_news_fits() -> None:
    """"Officials confirmed fossils", "Figures released at 01:20 showed a witness appeal", "A synagogue was
    announced on Friday", "Revenue was followed by symptoms", "the fossils drew a sharp response": the news voice's
    clauses each fit one kind of word (a fact, a figure, a plan, an event, a decision), and a news domain's words are
    of every kind (the sections' players, places, diseases, objects); 402 of the two news slots' 800 documents held
    one before 2026-12-07. Its clauses now say what fits anything the news names ("News of a trial came on Sunday",
    "A statement issued at 07:20 mentioned a jury", "readers wrote in about the revenue")."""
    docs = [d for slot, ds in corpus().items() if slot.startswith("news_publisher") for d in ds]
    joined = " ".join(docs)
    assert not re.search(r"Officials confirmed|Figures released at|\b(?:was|were) announced on|\b(?:was|were) "
                         r"followed by|drew a sharp response", joined)
    assert all(re.search(p, joined) for p in (r"News of [a-z]", r"A statement issued at [0-9:]+ mentioned",
                                              r"readers wrote in about the", r"Officials gave details of"))
