"""How synthetic documents read (issue 16's grammar): every text family's documents, as the K=10 acceptance drafts
them (same seeds, same rng seed, data only), never say one phrase three times in a row; a many-class seed's
fine-label documents are made of sentences, not fragments; the renderer's agreement, counting and voices."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sandmle_core.agents import get_backend
from sandmle_core.catalog import load_catalog
from sandmle_core.modalities import get_kit
from sandmle_core.modalities.text import clauses, voices
from sandmle_core.modalities.text.render import NOTE, render_documents, repeated_phrase, voice_for
from sandmle_core.pipeline import analyze_seed, read_profile
from sandmle_core.seeds import seed_refs
from sandmle_core.spec import ColumnKind
from sandmle_core.taskspec import TaskSpec

# family: (bundled seed, or the lite fixture competition) — those of `bench/acceptance.py`
FAMILIES = {"text": ("docstrings", None), "text_many": (None, "library-subject-headings"),
            "text_multilabel": (None, "jigsaw-toxic-comment-classification-challenge"),
            "text_keyed": (None, "detecting-insults-in-social-commentary"),
            "text_tabular": (None, "random-acts-of-pizza")}
SLOTS, RNG_SEED = 10, 20261130  # the acceptance's K and rng seed: these are the documents it publishes


def _documents(family: str, work: Path) -> list[tuple[TaskSpec, list[str]]]:
    """Each of the family's K slots drafted as the acceptance drafts it, synthesized (no ladder): its public text."""
    bundled, competition = FAMILIES[family]
    ref = bundled
    if competition is not None:
        from tests.fixtures.mlebench import write_competition

        paths = write_competition(competition, work / "mlebench", "split")
        ref = (seed_refs([str(work / "mlebench" / "competitions" / competition)], data_dir=paths["data"]) or [""])[0]
    seed_id, profile = analyze_seed(ref, work / "corpus")
    strategist = get_backend("offline").strategist
    out = []
    for index in range(SLOTS):
        spec = strategist.draft_spec(seed_id, read_profile(profile), index, RNG_SEED, attempt=1)
        folder = get_kit(spec.modality).synthesize(spec, work / f"slot{index}").folder
        columns = [c.name for c in spec.columns if c.kind == ColumnKind.TEXT]
        docs = [v for part in (folder.train, folder.test) for v in pd.read_csv(part, dtype=str)[columns].stack()]
        out.append((spec, docs))
    return out


_DOUBLE_CONNECTIVE = re.compile(r"\b(?:and|but|while|also|then|with) (?:and|but|while)\b", re.IGNORECASE)


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_no_document_says_a_phrase_three_times_in_a_row(tmp_path: Path, family: str) -> None:
    """Measured before the grammar change on these very slots: 98 of 4,223 documents (text), 60 of 3,925
    (text_many), 126 of 8,434 (text_tabular) held one ("more acl, more acl, more acl"); now none may."""
    slots = _documents(family, tmp_path)
    documents = [d for _, docs in slots for d in docs]
    assert len(documents) > 1000
    assert len({spec.domain.key for spec, _ in slots}) >= 2 or family == "text"
    repeats = [(spec.domain.key, d) for spec, docs in slots for d in docs if repeated_phrase(d)]
    assert not repeats, (len(repeats), repeats[:2])
    doubled = [d for d in documents if _DOUBLE_CONNECTIVE.search(d)]  # 342 of 25,682 before the connective guard
    assert not doubled, (len(doubled), doubled[:2])


_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def test_fine_label_documents_are_sentences_not_fragments(tmp_path: Path) -> None:
    """A many-class seed's documents (the domains' fine labels) are written in sentences. A sentence here is well
    formed when it opens with a capital letter or a digit, ends with a full stop, holds at most one colon and at
    least four words: "Inglenook observed." and "Not slopes." (two words, no subject, no verb) are the telegraphic
    fragments the old renderer wrote in a quarter of its sentences; a main clause of any template has four or more
    words, so only a rare lone negation or re-mention (no sentence before it to join) is shorter."""
    slots = _documents("text_many", tmp_path)
    sentences = []
    for spec, docs in slots:
        fine = load_catalog().get(spec.domain.key).text.fine
        assert fine is not None and spec.target.columns == (fine.label,)  # the fine-label path
        sentences += [s for d in docs for s in _SENTENCE.split(d.strip())]
    assert len(sentences) > 5000
    malformed = [s for s in sentences if not re.match(r"[A-Z0-9]", s) or not s.endswith(".") or s.count(":") > 1]
    assert not malformed, malformed[:3]
    short = [s for s in sentences if len(s.split()) < 4]
    assert len(short) / len(sentences) < 0.05, (len(short), len(sentences), short[:5])


def _render(texts: list[str], n_common: int, units: list[int], seed: int) -> str:
    """One document of the given units, rendered as a note in one sentence (sentence_range wide enough)."""
    return render_documents(texts, n_common, np.array(units), np.array([len(units)]), (50, 50),
                            np.random.default_rng(seed), NOTE)[0]


_META = re.compile(r"\b(?:again|once more|more times|twice more|came up|came back|mentioned|another mention|"
                   r"further)\b", re.IGNORECASE)
"""Statements about how often a word came up ("X came up three more times", "X again", "still no X"): issue 16's
strongest tell of generated text."""


def test_a_word_used_again_is_written_once_more_in_a_fresh_clause() -> None:
    """A word the rule repeats is used once more in a clause of the voice ("follow-up booked for inglenook"), never
    with a statement about how often it came up; a negated word is negated once."""
    texts = ["patient", "triage", "onset", "history", "alert", "inglenook", "sea_views", "no inglenook",
             "no sea_views"]
    for seed in range(40):
        text = _render(texts, 5, [5, 0, 5, 5, 5, 6, 1], seed).lower()
        assert text.count("inglenook") == 2, text  # its first mention, then one fresh clause
        assert not _META.search(text) and repeated_phrase(text) is None, text
        negated = _render(texts, 5, [7, 0, 7, 7, 5, 1], seed).lower()
        assert negated.count("inglenook") == 2 and not _META.search(negated), negated  # the word, its negation


_COUNTED = re.compile(r"\b(?:came up|came back|more times|twice more|once more|another mention|again no|still no|"
                      r"(?:seen|noted|again) again|\w+ again(?=[.,;)]))", re.IGNORECASE)
_FRAME = re.compile(r"\((?:re|about|in coverage of|details of|set among) [^)]*\)|"
                    r"(?:^|[.;] )(?:On|About) (?:the )?[a-z]+(?:(?:, | and )[a-z]+)*:|"
                    r", (?:re|regarding|eyes on|amid) [a-z ,]+(?=[.;]|$)", re.IGNORECASE)


def test_documents_say_no_word_counts_and_list_no_context_words(tmp_path: Path) -> None:
    """Issue 16's strongest tells, in the docstrings seed's K=10 acceptance slots (10 domains, 4,223 documents):
    before the domain registers 2,813 documents said how often a word came up ("X came up four more times", "X
    again", "still no X") and 3,529 listed context words in a frame ("(re sector)", "On the fans and pass:"); now
    none does. Every document of a register's domain is written between sentences of its domain."""
    slots = _documents("text", tmp_path)
    documents = [d for _, docs in slots for d in docs]
    counted = [d for d in documents if _COUNTED.search(d)]
    framed = [d for d in documents if _FRAME.search(d)]
    assert not counted and not framed, (len(counted), len(framed), (counted + framed)[:2])
    for spec, docs in slots:  # a register's settings: openings and closings of the domain, with its entities
        settings = {s for d in docs for s in re.split(r"(?<=\.) ", d)[:1] if re.search(r"\d", s)}
        assert len(settings) >= 5 or spec.domain.key == "streaming_service", (spec.domain.key, sorted(settings)[:5])


_BARE_NEGATION = re.compile(r"(?:^|(?<=\. ))(?:(?:Then|Now|Also,|And) )?(?:[Nn]ot|[Nn]ever) (?!an? |any )[a-z ]+\.")


@pytest.mark.parametrize("voice", [voices.MESSAGE, voices.REQUEST], ids=lambda v: v.name)
def test_a_negated_state_alone_in_a_sentence_has_its_subject(voice: voices.Voice) -> None:
    """A negated word that is not a noun, alone in its sentence, in a voice that writes clauses: "It was never
    broken.", "I was never charged.", "I will not migrate." (they were "Then never broken.", "Never charged.",
    "Will not migrate.": a note's shorthand in a customer's message)."""
    common = ["week", "town", "account", "street", "the", "and"]
    signal = ["broken", "charged", "dry", "impatient", "migrate", "outage"]
    texts = [*common, *signal, *[f"no {w}" for w in signal]]
    rng = np.random.default_rng(3)
    lengths = rng.integers(2, 9, size=400)
    units = rng.integers(0, len(texts), size=int(lengths.sum()))
    docs = render_documents(texts, len(common), units, lengths, (1, 4), rng, voice)
    bare = [m.group(0) for d in docs for m in _BARE_NEGATION.finditer(d)]
    assert not bare, (len(bare), bare[:5])
    said = " ".join(docs)
    for framed in ("it was never broken", "I was never charged", "I will not migrate", "it is not dry at all"):
        assert re.search(framed, said, re.IGNORECASE), framed


def test_verbs_agree_with_what_they_report() -> None:
    assert clauses.be(["sea views"]) == clauses.be(["bond yields"]) == clauses.be(["a", "b"]) == "were"
    assert clauses.be(["whiplash"]) == clauses.be(["broken glass"]) == clauses.be(["virus"]) == "was"
    texts = ["patient", "triage", "onset", "history", "alert", "sea_views", "no sea_views"]
    written = {_render(texts, 5, units, seed) for seed in range(60) for units in ([5], [6])}  # the word, negated
    assert any("were" in t for t in written) and not any("sea views was" in t for t in written), written


def test_each_kind_of_document_has_its_voice() -> None:
    voices = {d.key: voice_for(d.text.document).name for d in load_catalog().domains if d.text is not None}
    assert voices["housing_market"] == "listing" and voices["news_publisher"] == "news"
    assert voices["streaming_service"] == "synopsis" and voices["football_analytics"] == "commentary"
    assert voices["motor_claims"] == voices["city_311"] == voices["bank_churn"] == "message"
    assert voices["hospital_triage"] == voices["aircraft_maintenance"] == "note"
