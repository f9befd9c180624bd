"""The sequence-to-sequence modality: text normalization, written tokens → their spoken form (mle-bench's
text-normalization-challenge shape), in English and in Russian.

`rule` holds the hidden sentence grammar and verbalizer conventions (`Seq2SeqRule`), `verbalize` reads numbers,
dates, times, money and measures aloud, `grammar` writes sentences of semiotic tokens, `drafter` draws a rule for a
catalog domain, `synthesizer` writes the token tables, `ladder` (with `ladder_body`) the solution scripts. `KIT` is
what the registry sees. The kit never claims a seed from its column kinds: a seed is sequence-to-sequence when its
Task DNA says so (the profiler finds a target that rewrites a public text column).

Imports: `sandmle_core.modalities.base`, the shared vocabulary, and its own modules.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sandmle_core.modalities.base import ModalityKit, framing_variant, lower_first
from sandmle_core.modalities.seq2seq import drafter, ladder, synthesizer
from sandmle_core.modalities.seq2seq.rule import Seq2SeqRule
from sandmle_core.spec import Challenge, Modality, TaskType

if TYPE_CHECKING:
    import pandas as pd

    from sandmle_core.catalog.schema import Domain
    from sandmle_core.profile import FeatureProfile
    from sandmle_core.taskspec import TaskSpec

__all__ = ["KIT"]


def _detects(kinds: Sequence[str]) -> bool:
    return False  # column kinds cannot tell a rewrite task: the Task DNA does


def _hosts(domain: Domain, task_type: TaskType, min_classes: int) -> bool:
    return (domain.speech is not None or domain.text is not None) and task_type == TaskType.TRANSDUCTION


def _profile_details(train: pd.DataFrame, public: Sequence[FeatureProfile], n_test: int) -> dict[str, Any]:
    """The language of the seed's written tokens: Russian when a fifth of them hold Cyrillic letters."""
    col = "before" if "before" in train.columns else next((f.name for f in public if f.kind == "text"), None)
    if col is None:
        return {}
    cyrillic = train[col].astype(str).str.contains("[а-яА-ЯёЁ]").mean()
    return {"token_column": col, "language": "ru" if cyrillic > 0.2 else "en"}


def _row_entity(domain: Domain) -> str:
    return "written token"


def _row_noun(spec: TaskSpec) -> str:
    return "one token of a sentence"


def _data_files(spec: TaskSpec, files: list[str]) -> list[str]:
    note = ("- `class` (train.csv only) — the token's semiotic class (PLAIN, PUNCT, CARDINAL, DATE, ...), given for "
            "training; test.csv does not have it. `id` is `<sentence_id>_<token_id>`; sentences are whole, tokens "
            "in order. Scoring is token accuracy: the share of test tokens whose predicted `after` equals the "
            "expected spoken form exactly.")
    return [*files[:2], note, *files[2:]]


def _story(domain: Domain) -> str:
    """A text-normalization framing: a synthetic voice must say every written token (numbers, dates, amounts,
    abbreviations) the way a person would; the domain gives the sentences and who speaks them."""
    if domain.speech is not None:
        sentence = domain.speech.sentence
    else:  # the drafter writes the domain's documents (see drafter.py): a screen reader speaks them
        sentence = f"{domain.text.document}, read aloud by a screen reader" if domain.text else "a sentence read aloud"
    org = domain.organisation
    if framing_variant(domain, 2) == 0:
        return (f"Each sentence here is {sentence}. Before a synthetic voice can speak it, every written token "
                f"must become words: {lower_first(org)} wants to predict {{target}}, so that numbers, dates, amounts "
                "and abbreviations sound the way a person would say them.")
    return (f"Numbers, dates, times, amounts and abbreviations trip up a text-to-speech voice. {org} wants to "
            f"predict {{target}} for every token of {sentence}, so that the voice reads it as a person would.")


KIT = ModalityKit.assemble(
    drafter, synthesizer, ladder, modality=Modality.SEQ2SEQ, rule_model=Seq2SeqRule, test_rows=(150, 400),
    extra_challenges=(Challenge.LABEL_NOISE,), detects=_detects, hosts=_hosts, task_type=TaskType.TRANSDUCTION,
    profile_details=_profile_details, row_entity=_row_entity, row_noun=_row_noun, data_files=_data_files,
    story_template=_story)
