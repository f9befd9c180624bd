"""The text modality: multi-class document classification from a per-class token model.

`rule` holds the hidden token model (`TextRule`), `drafter` draws it from a domain's text vocabulary,
`synthesizer` samples documents and scores them exactly under the rule (the oracle), `ladder` writes the solution
scripts. `KIT` is what the registry sees.

Imports: `sandmle_core.modalities.base`, the shared vocabulary, and its own modules (the heavy ones when used).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from sandmle_core.modalities.base import Draft, DraftContext, ModalityKit, SynthesisResult
from sandmle_core.modalities.text.rule import TextRule
from sandmle_core.spec import Challenge, ColumnKind, Modality, TaskType

if TYPE_CHECKING:
    import pandas as pd

    from sandmle_core.catalog.schema import Domain
    from sandmle_core.envfolder import EnvFolder
    from sandmle_core.ladder import LadderConfig, LadderScript
    from sandmle_core.profile import FeatureProfile
    from sandmle_core.taskspec import TaskSpec

__all__ = ["KIT", "TextKit"]


class TextKit(ModalityKit):
    """Documents of one free-text column (plus an optional word count), a class label per document."""

    modality = Modality.TEXT
    rule_model = TextRule
    test_rows = (150, 400)
    extra_challenges = (Challenge.DISTRACTOR_TOKENS, Challenge.LABEL_NOISE, Challenge.TRAIN_TEST_SHIFT)
    ladder_column = ("text_column", ColumnKind.TEXT)

    def detects(self, kinds: Sequence[str]) -> bool:
        return "text" in kinds and len(kinds) <= 2  # a document, with at most one side column

    def profile_details(self, train: pd.DataFrame, public: Sequence[FeatureProfile], n_test: int) -> dict[str, Any]:
        col = next(f.name for f in public if f.kind == "text")
        words = train[col].astype(str).str.split().str.len()
        return {"text_column": col, "median_words": float(np.median(words))}

    def hosts(self, domain: Domain, task_type: TaskType, min_classes: int) -> bool:
        return domain.text is not None and task_type == TaskType.MULTICLASS and len(domain.text.classes) >= min_classes

    def draft(self, ctx: DraftContext) -> Draft:
        from sandmle_core.modalities.text.drafter import draft

        return draft(ctx)

    def synthesize(self, spec: TaskSpec, folder: EnvFolder | Path, *, n_train: int | None = None,
                   n_test: int | None = None) -> SynthesisResult:
        from sandmle_core.modalities.text.synthesizer import synthesize

        return synthesize(spec, folder, n_train=n_train, n_test=n_test)

    def ladder(self, config: LadderConfig) -> list[LadderScript]:
        from sandmle_core.modalities.text.ladder import scripts

        return scripts(config)


KIT = TextKit()
