"""The image modality: multi-class classification of procedural grayscale PNGs (plus capture-setting metadata).

`rule` holds the hidden per-class patterns and nuisance model (`ImageRule`), `drafter` draws it from a domain's
image vocabulary, `synthesizer` renders the images and writes the tables, `ladder` writes the solution scripts.
`KIT` is what the registry sees.

Imports: `sandmle_core.modalities.base`, the shared vocabulary, and its own modules (the heavy ones when used).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sandmle_core.modalities.base import Draft, DraftContext, ModalityKit, SynthesisResult
from sandmle_core.modalities.image.rule import ImageRule
from sandmle_core.spec import Challenge, ColumnKind, Modality, TaskType

if TYPE_CHECKING:
    import pandas as pd

    from sandmle_core.catalog.schema import Domain
    from sandmle_core.envfolder import EnvFolder
    from sandmle_core.ladder import LadderConfig, LadderScript
    from sandmle_core.profile import FeatureProfile
    from sandmle_core.taskspec import TaskSpec

__all__ = ["ID_COLUMN", "IMAGE_COLUMN", "IMAGE_DIR", "KIT", "ImageKit"]

IMAGE_COLUMN = "image"
ID_COLUMN = "image_id"
IMAGE_DIR = "images"


class ImageKit(ModalityKit):
    """One PNG per row, named by the image column, under `prepared/public/images/`."""

    modality = Modality.IMAGE
    rule_model = ImageRule
    test_rows = (100, 250)
    extra_challenges = (Challenge.NUISANCE_VARIATION, Challenge.LABEL_NOISE)
    ladder_column = ("image_column", ColumnKind.IMAGE)

    def detects(self, kinds: Sequence[str]) -> bool:
        return "image" in kinds

    def profile_details(self, train: pd.DataFrame, public: Sequence[FeatureProfile], n_test: int) -> dict[str, Any]:
        return {"image_column": next((f.name for f in public if f.kind == "image"), None)}

    def hosts(self, domain: Domain, task_type: TaskType, min_classes: int) -> bool:
        return (domain.image is not None and task_type == TaskType.MULTICLASS
                and len(domain.image.classes) >= min_classes)

    def draft(self, ctx: DraftContext) -> Draft:
        from sandmle_core.modalities.image.drafter import draft

        return draft(ctx)

    def synthesize(self, spec: TaskSpec, folder: EnvFolder | Path, *, n_train: int | None = None,
                   n_test: int | None = None) -> SynthesisResult:
        from sandmle_core.modalities.image.synthesizer import synthesize

        return synthesize(spec, folder, n_train=n_train, n_test=n_test)

    def ladder(self, config: LadderConfig) -> list[LadderScript]:
        from sandmle_core.modalities.image.ladder import scripts

        return scripts(config)

    def data_files(self, spec: TaskSpec, files: list[str]) -> list[str]:
        line = (f"- `{IMAGE_DIR}/` — one PNG per row; the `{IMAGE_COLUMN}` column holds its path relative to the "
                "data folder.")
        return [*files[:2], line, *files[2:]]


KIT = ImageKit()
