"""The text modality: multi-class, binary or multi-label document classification from a token model, and binary
requests with a metadata record (`text+tabular`, random-acts-of-pizza's shape: `records*.py`).

`rule` holds the hidden token model (`TextRule`), `drafter` draws it from a domain's text vocabulary,
`synthesizer` samples documents and scores them exactly under the rule (the oracle), `render` writes a document's
units as sentences from templates, `ladder` writes the solution scripts; `multilabel` and `multilabel_ladder` add
documents flagged with any set of labels (jigsaw's shape), `keyed` comments that are their own key (detecting
insults' shape). `KIT` is what the registry sees.

Imports: `sandmle_core.modalities.base`, the shared vocabulary, and its own modules.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from sandmle_core.modalities.base import ModalityKit, framing_variant, lower_first
from sandmle_core.modalities.text import drafter, keyed, ladder, synthesizer
from sandmle_core.modalities.text.rule import TextRule
from sandmle_core.spec import Challenge, ColumnKind, Modality, TaskType

if TYPE_CHECKING:
    import pandas as pd

    from sandmle_core.catalog.schema import Domain
    from sandmle_core.profile import FeatureProfile, TaskProfile
    from sandmle_core.taskspec import TaskSpec

__all__ = ["KIT"]


def _detects(kinds: Sequence[str]) -> bool:
    return "text" in kinds and len(kinds) <= 2  # a document, with at most one side column


def _hosts(domain: Domain, task_type: TaskType, min_classes: int) -> bool:
    if task_type == TaskType.BINARY and domain.comments is not None:  # a comment-keyed seed's forums (`_suits`)
        return True
    if domain.text is None:
        return False
    if task_type == TaskType.BINARY:  # two of the domain's text classes, as negative and positive
        return len(domain.text.classes) >= 2
    if task_type == TaskType.MULTILABEL:  # jigsaw: the domain's flag vocabulary, any set of flags per document
        return domain.text.flags is not None and len(domain.text.flags.labels) >= min_classes
    fine = domain.text.fine  # a many-class seed's finer label; no other seed sees it
    if fine is not None and drafter.drafts_fine_label(domain.text, min_classes):
        return task_type == TaskType.MULTICLASS and len(fine.classes) >= min_classes
    return task_type == TaskType.MULTICLASS and len(domain.text.classes) >= min_classes


def _profile_details(train: pd.DataFrame, public: Sequence[FeatureProfile], n_test: int) -> dict[str, Any]:
    col = next(f.name for f in public if f.kind == "text")
    words = train[col].astype(str).str.split().str.len()
    return {"text_column": col, "median_words": float(np.median(words))}


def _suits(domain: Domain, profile: TaskProfile) -> bool:
    """A comment-keyed seed (detecting insults) moves to an online community; a community `_hosts` admitted for a
    binary task only by its comment vocabulary hosts no other binary text seed (their domains stay as before); a
    kept `text+tabular` seed's domains are `hosts_kept`'s alone."""
    if keyed.is_keyed_seed(profile):
        return keyed.hosts(domain)
    kept = ((profile.details or {}).get("dna") or {}).get("modality") not in (None, Modality.TEXT.value)
    return kept or profile.task_type != TaskType.BINARY or domain.text is not None


def _data_files(spec: TaskSpec, files: list[str]) -> list[str]:
    if isinstance(spec.rule, TextRule) and spec.rule.records is not None:  # requests + records (pizza's shape)
        from sandmle_core.modalities.text.records import data_files

        return data_files(spec, files)
    return files


def _hosts_kept(domain: Domain, dna_modality: str) -> bool:
    """A text + metadata seed (binary requests) needs a domain with a requests vocabulary."""
    return dna_modality == "text+tabular" and domain.requests is not None


def _row_noun(spec: TaskSpec) -> str:
    """A row is a document, not the domain's tabular entity (a forum post, not "a student enrolment")."""
    if isinstance(spec.rule, TextRule) and spec.rule.records is not None:
        return f"one request ({spec.columns[0].description}) and its requester's record"
    document = next((c.description for c in spec.columns if c.kind == ColumnKind.TEXT), "a short text")
    return f"one document ({document})"


def _story(domain: Domain) -> str:
    """A text task's framing: who reads these documents, what they want told from them and why. Never the tabular
    story, whose "from account activity and service history" would describe inputs a text task does not ship, nor its
    purpose, which is about another prediction ("so that the renewal budget goes to the pipes most likely to fail"
    for a contact centre's messages, before 2026-12-05)."""
    vocab = domain.text or domain.comments  # a community hosting only comments: its moderation vocabulary
    document, purpose = (vocab.document, vocab.purpose) if vocab is not None else ("a short document", domain.purpose)
    org = domain.organisation
    if framing_variant(domain, 2) == 0:
        return f"{org} wants to tell {{target}} from {document}, so that {purpose}."
    return (f"The only input is {document}. From its words alone, {lower_first(org)} wants to tell {{target}}, "
            f"so that {purpose}.")


KIT = ModalityKit.assemble(
    drafter, synthesizer, ladder, modality=Modality.TEXT, rule_model=TextRule, test_rows=(150, 400),
    extra_challenges=(Challenge.DISTRACTOR_TOKENS, Challenge.LABEL_NOISE, Challenge.TRAIN_TEST_SHIFT),
    detects=_detects, hosts=_hosts, ladder_column=("text_column", ColumnKind.TEXT), profile_details=_profile_details,
    story_template=_story, row_noun=_row_noun, data_files=_data_files, hosts_kept=_hosts_kept, suits=_suits,
    keeps=(("text+tabular", "binary"),))
