"""The register of each domain's documents: what a person in that domain writes around the words that matter.

One entry per catalog text domain, keyed by a phrase of its document's description (`phrases.voice_for` matches
it) and holding overrides of its voice's templates (`voices.Voice`): `one`/`many` main clauses in the domain's own
words, `negated` negations as the domain writes them (the cue "no"/"without" always next to the word, or "... ruled
out" after it), `echo` the fresh clause that uses a word again ("Tyre changed; tyre pressure checked after", never
"tyre again" or "tyre came up twice more"), and `opening`/`closing` sentences that set the document in its domain,
with entity slots ({P} part number, {PRICE}, {SCORE} ...: `phrases.entities`). A main clause or an echo that says
something of its word only a word of some kinds bears carries a kind tag (`kinds`: "{@not person place}Can anyone
explain {L}", "{@amount}the {X} was not me"); the untagged echoes of a domain fit any of its nouns ("I have
screenshots of the {X}"), so a word of no fitting kind still gets a clause that reads. A template holding a word of
the rule's vocabulary is left out at render time, so none of these carries a class's word.
"""

from __future__ import annotations

__all__ = ["REGISTERS"]

_PART_NEGATED = ("{@part}{X} not faulty", "{@part}{X} not damaged")
"""A log's negation of a component (`kinds.PART`): the part is there and sound, not absent ("no galley evident",
"checked, no seat", "without transformer" before 2026-12-07); the cue stays next to the word, and no word of the
logs' vocabularies ("tested", "checked", "fault found") is written by the form."""


def _log_negated(seen: str) -> tuple[str, ...]:
    """A maintenance log's negations, "no {X} <seen>" in the log's own word ("seen", "evident"): a component is sound
    (`_PART_NEGATED`), anything else absent or ruled out."""
    return ("{@not part}no {X}", "{@not part}no {X}", "{@not part}no {X} found", "{@not part}no {X} " + seen,
            "{@not part}checked, no {X}", "{X} {be} ruled out", *_PART_NEGATED)


_MESSAGE_NEGATED = ("no {X}", "no {X}", "there {be} no {X}", "no {X} at all", "no {X} involved",
                    "nothing to do with {X}")
"""A customer's negations: what the matter is not, said because it might be taken for it ("no scammer involved",
"nothing to do with a family plan"), not a thing's absence said for its own sake ("without a fax", "never a
syllabus", "no pashmina as far as I can see" before 2026-12-07)."""

REGISTERS: tuple[tuple[str, dict[str, tuple[str, ...]]], ...] = (
    ("technical log", dict(  # aircraft maintenance
        one=("{L} written up at {T}", "{@not part}{SIDE} {L} found on inspection", "{@not part}{L} noted in the climb",
             "{@not part}{L} found on the walkaround", "{@not part}Engine {E} side, {L} found",
             "{@not part}{L} at seat {SEAT}", "{L} written up after landing",
             "{@not part}Found {L} during the daily check",
             # a component is found faulty, not found ("Seat found on the walkaround": `kinds.PART`)
             "{@part}{SIDE} {L} unserviceable on inspection", "{@part}{L} found damaged on the walkaround",
             "{@part}{L} reported inop in the climb", "{@part}Defect on {DL} found during the daily check",
             "{@part}Engine {E} side, {L} found unserviceable", "{@part}{L} inop, written up at {T}"),
        many=("{@not part}{A} found, then {R}", "{A} written up with {R}",
              "{@not part}{SIDE} {A} and {R} found on the walkaround",
              "{@part}{SIDE} {A} and {R} found damaged on the walkaround", "{@part}{A} inop, {R} also written up"),
        negated=_log_negated("evident"),
        echo=("{X} rechecked after rectification", "{X} inspected, no further defect",
              "{X} entered in the tech log", "{X} signed off by the licensed engineer",
              "{X} troubleshot per the fault isolation manual"),
        opening=("Crew report after sector {E} of {N}", "Reported by the captain on arrival at {T}",
                 "Found during the daily inspection at {T}", "Raised on the walkaround of {REG}",
                 "Tech log entry {REF} for {REG}", "Flight crew write-up on landing"),
        closing=("Replaced IAW AMM, ops check ok", "Item deferred IAW MEL, ref {REF}",
                 "Tested ok, aircraft serviceable",
                 "P/N {P} fitted, tested ok", "Nil fault found on ground test", "Left and right sides checked ok"),
    )),
    ("triage nurse", dict(  # hospital triage
        one=("{@not care finding history}Presents with {L} this morning",
             "{@not care finding history}Complains of {L} since yesterday",
             "{@not care finding history}{L} for {N} days", "{@not care finding history}{L} since yesterday evening",
             "{@not care history}{L} noted on assessment", "{@not care finding history}Reports {L} this morning",
             "{@not care finding history}States {L} began at home",
             # a medicine is tried or taken, not presented with, an overdose's tablets swallowed; a cause is what the
             # complaint is put down to, a test asked for, a sign found, a history known ("Presents with salbutamol
             # this morning", "Kettle noted on assessment", "Reports rovsing this morning": `kinds.TREATMENT` ...)
             "{@treatment}{L} before arrival", "{@treatment}{L} tried at home",
             "{@treatment}{L} at home, with little relief", "{@medication}Currently on {L}",
             "{@medication}Already taking {L}", "{@medication}Prescribed {L} by the GP",
             "{@intake}Swallowed {L} at home", "{@intake}Admits to taking {L} earlier today",
             "{@intake}{L} swallowed before arrival", "{@cause}Attributed by the patient to {L}",
             "{@cause}Patient puts it down to {L}",
             "{@cause}{L} thought to be the cause", "{@procedure}{L} requested", "{@procedure}{L} to follow",
             "{@procedure}{L} arranged by the nurse", "{@finding}{L} on examination",
             "{@finding}Examination shows {L}", "{@history}Known {L}", "{@history}{L} on record"),
        many=("{@not care finding history}{A} with {R}", "{@not care finding history}{A}, followed by {R}",
              "{@not care finding history}{A} and now {R}",
              # any two words: a complaint beside what it is put down to ("Hot oil with photophobia"); two, as a
              # template that holds a word of the slot's vocabulary is left out ("in the history": migraine_history)
              "{A}, with {R} also mentioned", "{A}, along with {R}",
              "{@treatment}{A} and {R} before arrival", "{@medication}Currently on {A} and {R}",
              "{@intake}Swallowed {A} and {R} at home",
              "{@cause}Attributed by the patient to {A} and {R}", "{@procedure}{A} and {R} requested",
              "{@finding}Examination shows {A} and {R}", "{@history}Known {A} and {R}"),
        negated=("no {X}", "no {X}", "{@not treatment medication procedure finding}no {X} reported",
                 "{@not care history}no {X} on examination", "{@not history}no {X} today",
                 "{@not care history finding}denies {X}", "{@not care history}{X} {be} ruled out"),
        echo=("{@not care history}{X} to be reassessed in {N} hours", "{X} discussed with the duty doctor",
              "{X} documented on the triage form", "{@not care history}{X} handed over to the nurse in charge"),
        opening=("Arrived by ambulance at {T}", "Self-presented at {T} with family", "Walked in at {T}, alert",
                 "{AGE}-year-old patient, arrived from home", "Brought in by family at {T}"),
        closing=("Obs stable, for review by the duty doctor", "Pain score {PAIN}/10, analgesia given",
                 "Severe discomfort on arrival, settling with analgesia", "Mild distress, observations within range",
                 "Alert and stable, triage category {CAT}", "History taken from patient and family",
                 "To wait in minors, cubicle {BED}"),
    )),
    ("maintenance log", dict(  # machine shop
        one=("{@not part}{L} found on inspection", "{@not part}{L} reported at {T}",
             "{@not part}{L} at station {E} at {T}", "{@not part}Found {L} at the drive end",
             "{@not part}{L} traced after the stoppage", "Stoppage caused by {L}",
             # a component is found faulty, not found ("Nipple reported at 20:00": `kinds.PART`)
             "{@part}Faulty {L} found on inspection", "{@part}{L} reported faulty at {T}",
             "{@part}{L} gave out at station {E} at {T}", "{@part}Found {L} damaged at the drive end",
             "{@part}Stoppage traced to {DL}"),
        many=("{@not part}{A} found, then {R}", "{A} along with {R}", "{@not part}{A} and {R} found at the drive end",
              "{@part}{A} and {R} found damaged at the drive end", "{@part}Faulty {A}, then {R} replaced"),
        negated=_log_negated("seen"),
        echo=("{X} to be checked on the next round", "{X} logged for the next service",
              "{X} reported to the supervisor", "{X} noted on work order {REF}"),  # "shift" once: its opening's
        opening=("Called out by the operator on line {E} at {T}", "Machine {MC} stopped during the {SHIFT} shift",
                 "Work order {REF} raised at {T}", "Found on the weekly inspection of unit {MC}"),
        closing=("Machine restarted and running ok", "Spare taken from stores, work order {REF} closed",
                 "Tested and handed back to production", "Running ok at end of shift", "Issue cleared, line running"),
    )),
    ("security alert", dict(
        one=("{L} detected on {HOST}", "EDR flagged {L} on {HOST}", "{L} from an external source",
             "{L} seen in the proxy logs", "Analyst confirmed {L} on {HOST}", "{L} on {HOST} at {T}"),
        many=("{A} followed by {R}", "{A} with {R} on {HOST}", "{A}, then {R} from the same source"),
        negated=("no {X}", "no {X}", "no {X} observed", "no {X} in the logs", "{X} {be} ruled out"),
        echo=("{X} correlated in the SIEM", "{X} added to the incident timeline", "{X} escalated to tier 2",
              "{X} included in the incident ticket"),
        opening=("Alert {REF} triggered at {T} UTC", "Detection fired for host {HOST}", "Raised by the EDR at {T}",
                 "Severity medium, host {HOST}"),
        closing=("Analyst on shift assigned for review", "Host isolated pending investigation",
                 "Source IP {IP} blocked at the perimeter", "Affected login under review", "Event log exported"),
    )),
    ("support chat", dict(  # bank
        one=("{@not person place}I need help with {L}", "I have a question about {L}", "I am writing about {L}",
             "It is about {L}", "I am contacting you about {L}", "{@not person}Could you check {L} for me",
             "{@not person place}There is an issue with {L}", "{@place}I am moving out of {DL}",
             "{@place}I have just moved from {DL}"),  # not "I need help with a residence"
        many=("I have a question about {A} and {R}", "First {A}, then {R}", "{A}, plus {R}",
              "It is about {A}, and also {R}"),
        negated=_MESSAGE_NEGATED,
        echo=("{@not person}the {X} {is} what I need sorted", "can you look into the {X} for me",
              "the {X} {is} the reason I am writing", "I have already phoned about the {X}",
              "{@amount}the {X} still show{s} on my statement"),
        opening=("Hi, I need some help with my account", "Hello, sorry to bother you this morning",
                 "Hi there, quick question about my current account",
                 "Good morning, I have banked with you for {YRS} years"),
        closing=("Thanks so much for your help", "Account ending {ACC}, if that helps",
                 "Could someone ring me today please",
                 "It is a bit urgent, thanks"),
    )),
    ("disputing a transaction", dict(  # card fraud
        one=("I do not recognise {L}", "{@amount}My banking app shows {L}", "{@not person place}I am disputing {L}",
             "{@amount}There {is} {L} on my account", "This is about {L} that I never authorised",
             "My dispute is about {L}", "This concerns {L}"),  # not "There is a quality on my account"
        many=("{@not person place}I am disputing {A} and {R}", "First {A}, then {R}", "{A}, plus {R}"),
        negated=_MESSAGE_NEGATED,
        echo=("I have screenshots of the {X}", "I only found out about the {X} this week",
              "the {X} {is} part of what I am disputing", "{@amount}the {X} {be} not me",
              "{@amount}the {X} appeared on {D}"),
        opening=("Dear team, I am writing about my card ending {ACC}", "Hello, I checked my statement online yesterday",
                 "A payment of {AMT} pounds on {D} was not made by me"),
        closing=("Please reverse the payment and send me a new card", "Kind regards and thank you",
                 "Thank you for checking",
                 "The shop has not replied"),
    )),
    ("logging a request", dict(  # city 311
        one=("I want to report {L}", "I am reporting {L}", "Residents have noticed {L}",
             "Please could someone deal with {L}", "{@not person}Can someone look at {L}", "I noticed {L}",
             "This request is about {L}"),
        many=("I noticed {A} and then {R}", "{A}, plus {R}", "First {A}, then {R}",
              "I want to report {A} and also {R}"),
        negated=_MESSAGE_NEGATED,
        echo=("neighbours have complained about the {X} too", "the {X} {has} been reported before",
              "the {X} {is} a worry for the whole street", "please deal with the {X} soon"),
        opening=("Outside number {HN} on {STREET}", "Near the bus stop on {STREET}", "On the corner by {HN} {STREET}",
                 "Residents of {STREET} asked me to get in touch"),
        closing=("It has been like this since last week", "Please send someone, thank you",
                 "This is the second time we have reported it", "Urgent please, it is near a school"),
    )),
    ("returns form", dict(  # ecommerce
        one=("I am returning it because of {L}", "The reason I am sending it back is {L}",
             "On the returns form I put {L}", "My return is about {L}", "It comes down to {L}", "This concerns {L}"),
        many=("{A}, plus {R}", "First {A}, then {R}", "The reasons are {A} and {R}", "It comes down to {A} and {R}"),
        negated=_MESSAGE_NEGATED,
        echo=("the {X} {be} the main reason for the return", "I did not expect the {X}",
              "the {X} {is} why I am sending it back", "{@not amount}you can see the {X} in my picture"),
        opening=("Order {ORD} came on {D}", "I received the package yesterday", "Returning this from order {ORD}"),
        closing=("I would like a refund please", "Happy to exchange it", "Sadly it has to go back",
                 "It is back in its box with the label"),
    )),
    ("after the stay", dict(  # hotel review
        one=("We noticed {L} during our stay", "A word about {L}", "What stood out was {L}",
             "{@not fault amount}Special mention for {L}", "{@not fault amount}Worth mentioning: {L}",
             "{@not amount}On arrival we found {L}", "{@fault}We had to complain about {L}",
             "{@fault}We were put off by {L}"),  # not "The room had a station", "Special mention for grime"
        many=("{A} and {R}, both worth a mention", "{A}, plus {R}", "There {be} {A}, and also {R}"),
        negated=_MESSAGE_NEGATED,
        echo=("{@not fault amount}the {X} deserve{s} a mention", "I still think about the {X}",
              "other guests said the same about the {X}", "the {X} {be} what we talked about on the way home",
              "{@fault}the {X} spoilt the first night"),
        opening=("We stayed {N} nights in {MONTH}", "Booked a weekend away with my husband",
                 "Stayed here on a work trip in {MONTH}", "My wife and I stayed for {N} nights"),
        closing=("Overall {STARS} out of 5", "We would definitely stay again", "Good location for a short trip",
                 "Check in was quick and the room was ready"),
    )),
    ("customer-care ticket", dict(  # mobile
        negated=_MESSAGE_NEGATED,
        echo=("I reported the {X} last week", "your shop staff were puzzled by the {X}",
              "the {X} {is} why I am thinking of leaving", "nobody has explained the {X} to me",
              "{@amount}the {X} {is} not what I agreed to"),
        opening=("Hello, {PLAN} customer here", "Hello, customer for {YRS} years here",
                 "Pay monthly customer for {YRS} years", "Mobile ending {ACC}"),
        closing=("Please help, thanks", "Fix this soon or I will leave",
                 "I have been a customer since {YEAR}", "My details are on file",
                 "Ticket ref {REF} from my last call",
                 "Why is this taking so long"),
    )),
    ("claim form", dict(  # motor claims: not "Please help with a badger", "I have a question about a bay", "I want
        # to report a car park"
        one=("My claim mentions {L}", "{@not place}I want to report {L}", "{@not place}I noticed {L}",
             "{@not place}{L} {be} involved", "On the form I listed {L}", "{@not place}I should mention {L}",
             "{@not place}The details include {L}", "{@place}It happened at {DL}", "{@place}It was left at {DL}"),
        many=("First {A}, then {R}", "{@not place}I noticed {A} and then {R}", "{A}, plus {R}",
              "{@not place}The details include {A} and {R}", "On the form I listed {A} and {R}"),
        negated=_MESSAGE_NEGATED,
        echo=("{@not person place amount}the {X} caused most damage", "my dashcam recorded the {X}",
              "a witness saw the {X} too", "{@not amount}I have photos showing the {X}"),
        opening=("I was driving home from work at around {T}", "It happened yesterday on {STREET}",
                 "My vehicle was outside my home all night", "I was doing about {MPH} mph at the time"),
        closing=("My registration is {PLATE}", "Damage photos are attached", "I have swapped details with them",
                 "Front wing and side panel are damaged"),
    )),
    ("discussion forum", dict(  # online learning
        one=("{@not person place}I am stuck on {L}", "{@not place}Has anyone else had trouble with {L}",
             "{@not place}Question about {L} this week", "{@not person place}I am confused by {L}",
             "{@not person place}Can anyone explain {L}", "{@not person place}My issue is {L}",
             "{@place}I had to be at {DL} this week", "This is about {L}"),  # not "Question about a hospital"
        negated=_MESSAGE_NEGATED,
        echo=("{@not person place}the {X} {is} what confused me",
              "{@not person place amount}the {X} {is} where I lost track",
              "{@not person place amount}the {X} {be} barely covered in the notes",
              "{@not person place}the {X} took me all evening", "I have asked the tutor about the {X}",
              "the {X} {is} what my question is about", "others on the course have asked about the {X} too",
              "{@person}the {X} {has} not replied to my messages"),
        opening=("Hi everyone, I am struggling with week {WEEK} of the course", "Hi all, quick question about unit {N}",
                 "Hello, anyone else on the {MONTH} intake"),
        closing=("Any ideas would really help", "Thanks, I appreciate any help",
                 "Tagging the tutor in case it is known",
                 "Wondering if other students had the same"),
    )),
    ("patient portal", dict(  # outpatient
        one=("I have a question about {L}", "I am writing about {L}", "I wanted to ask about {L}",
             "This message is about {L}", "{@not person place}Could someone help me with {L}",
             "I need some advice about {L}", "{@person}I have a question for {DL}", "{@person}Could I see {DL} sooner",
             "{@not person}I have not heard back about {L}"),
        many=("I have a question about {A} and also {R}", "First {A}, then {R}", "{A}, plus {R}"),
        negated=_MESSAGE_NEGATED,
        echo=("{@not person}the {X} {is} what worries me", "the {X} {be} discussed at my last visit",
              "{@not person place amount}I have had the {X} before", "my GP mentioned the {X} too",
              "could someone tell me more about the {X}"),
        opening=("Hello doctor, this is about my visit last week", "Hi, I have a question before my visit on {D}",
                 "Hello, following up on my visit on {D}", "Hi, my appointment reference is {REF}",
                 "Hello, I am booked in at {T} on {D}"),
        closing=("Thanks and kind regards", "Kindly reply through the portal", "Happy to wait for a call from the team",
                 "I can send more details if needed", "Sorry for the long message",
                 "Thanks, I can come in tomorrow if needed",
                 "Could the team call me back today"),
    )),
    ("tracking page", dict(  # parcel delivery
        one=("{@not place}My complaint is about {L}", "{@not place}The problem was {L}",
             "{@not place}Today there {be} {L}", "{@not place}I want to complain about {L}",
             "{@not place}The delivery came with {L}", "{@place}They left it by {DL}",
             "{@place}The parcel ended up by {DL}", "{@place}I found it by {DL}"),  # not "The problem was a porch"
        negated=_MESSAGE_NEGATED,
        echo=("{@not amount}the {X} {is} on my video camera", "I have told the sender about the {X} as well",
              "the {X} {is} the reason for this complaint", "please look into the {X}",
              "{@person}the {X} did not even knock"),
        opening=("Tracking ref {TRK}", "The app says my parcel arrived at {T}",
                 "I was at home all day waiting for the driver"),
        closing=("I would like a refund or a new delivery", "Please pass this on to the courier",
                 "The sender says to contact you", "Please sort this out today"),
    )),
    ("water utility", dict(
        one=("{@not place}I want to report {L}", "{@not place}I noticed {L}", "Can someone look at {L}",
             "{@not place}I am writing about {L}", "{@not place}This concerns {L}", "We need someone to check {L}",
             "{@not place}The issue at our address involves {L}", "{@place}Water is seeping up through {DL}",
             "{@place}There is a leak under {DL}"),  # not "I noticed a pavement"
        many=("First {A}, then {R}", "{@not place}I noticed {A} and then {R}", "{A}, plus {R}", "{A}, and also {R}"),
        negated=_MESSAGE_NEGATED,
        echo=("our neighbour noticed the {X} too", "I mentioned the {X} when I called",
              "the {X} {is} the main problem for us", "{@not person place amount}the {X} started after the roadworks",
              "{@amount}the {X} {is} far higher than usual"),
        opening=("Since this morning at our house on {STREET}", "Customer account {ACC}, property on {STREET}",
                 "We have had a problem since {D}"),
        closing=("Our neighbour has the same problem", "Can someone look at it today",
                 "We reported it last week as well",
                 "Please call me on the number on my account"),
    )),
    ("news article", dict(
        one=("Reports of {L} dominated the day", "{@not person}Officials gave details of {L} on {D}",
             "News of {L} came on {D}", "A statement issued at {T} mentioned {L}",
             "Sources described {L}", "Officials briefed reporters on {L}", "The latest update concerns {L}",
             "Analysts pointed to {L}", "{L} made the headlines", "Attention turned to {L}"),
        echo=("the {X} {is} expected to dominate this week", "critics were quick to comment on the {X}",
              "questions about the {X} remain", "readers wrote in about the {X}"),
        opening=("An announcement came late on {D}", "Ministers met in {CITY} on {D}",
                 "Figures were published at {T} on {D}", "Two people familiar with talks spoke to reporters",
                 "News broke early on {D}", "According to officials, talks ran late on {D}",
                 # more settings of the domain's common words: one opening that holds "people" opened 124 of the
                 # 400 documents of a news slot before 2026-12-07 (`phrases.settings` prefers a setting that holds
                 # a context word, and "people" is one of the commonest)
                 "Local people gathered in the town centre on {D}", "People in the area were told of the plans on {D}",
                 "The story broke in the local paper on {D}", "Community leaders met on {D}",
                 "Plans for the area were published on {D}", "Crowds of people lined the road on {D}"),
        closing=("A spokesperson said more details would follow", "A government response is expected next week",
                 "Talks are due to resume next week", "First-quarter figures are due next month"),
    )),
    ("sales listing", dict(
        echo=("{@not buyer}the {X} {is} a real selling point", "{@not buyer}the {X} add{s} real appeal",
              "{@not person}the {X} suit{s} a growing household", "{@buyer}the agent expects interest from the {X}"),
        opening=("A {BEDS}-bedroom {TYPE} of {AREA} m2 at {PRICE} pounds",
                 "Guide price {PRICE} pounds for this {BEDS}-bedroom {TYPE}",
                 "Close by the town centre, a {BEDS}-bedroom {TYPE}"),
        closing=("Viewing highly recommended", "Viewings by appointment with the agent",
                 "EPC rating {EPC}, freehold", "Kitchen and bathroom in good condition throughout",
                 "A modern kitchen with dining space", "Main bathroom refitted during {YEAR}",
                 "Light and generous rooms throughout", "Ideal for first-time buyers", "Close by local shops",
                 "Well presented and ready for a new owner"),
    )),
    ("catalogue synopsis", dict(
        # what a plot does with its thing, fitting most ("the galaxy will not stay buried" fitted few nouns)
        echo=("the {X} change{s} everything", "nobody talks about the {X}", "everything comes back to the {X}",
              "{@not person}the {X} {is} only the beginning", "{@person}nobody trusts the {X}",
              "{@place}all roads lead back to the {X}"),
        opening=("Set in a small town in {YEAR}", "Over one long summer in {CITY}",
                 "In {YEAR}, a young woman comes home"),
        closing=("Runs {RT} minutes", "Season {N}, in {EPS} episodes",
                 "A tale of friends, family and the past"),
    )),
    ("match commentary", dict(
        echo=("the {X} {has} changed this game", "{@not person}replays show the {X} clearly",
              "the {X} will be talked about", "{@not person}the {X} could decide this one",
              "{@person}what a game the {X} {is} having", "everyone will remember the {X}"),
        opening=("{M} minutes gone and it is {SCORE}", "Second half started at {SCORE}",
                 "Into added time at {SCORE}", "Still {SCORE} at the half hour", "Away side restart after the break",
                 "Home side pressing early", "Both teams trading passes around midfield", "Crowd at full voice already",
                 "Few chances yet this half", "Away team sitting deep at the back"),
        closing=("The home fans are standing now", "The manager is out of his technical area",
                 "With {LEFT} minutes left it is {SCORE}", "Away fans are making themselves heard",
                 "Their captain is urging his team forward", "Both sides look tired in midfield",
                 "This crowd wants more from this half"),
    )),
)
"""(a phrase of the domain's document description, the overrides of its voice)."""
