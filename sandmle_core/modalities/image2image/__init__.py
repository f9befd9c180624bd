"""The image-to-image modality: cleaning dirty document scans, graded per pixel (denoising-dirty-documents shape).

`rule` holds the hidden page and degradation model (`PageRule`), `render` draws and soils the pages, `drafter` draws
the rule from a domain's page vocabulary, `synthesizer` writes mle-bench's `train/`, `train_cleaned/`, `test/`
folders and the per-pixel answers, `ladder` writes the cleaning scripts. `KIT` is what the registry sees; its
`seed_train` reads a real seed's paired folders as a page table, and `prior_submission` writes the per-pixel sample.

Imports: `sandmle_core.modalities.base`, the shared vocabulary, and its own modules.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from sandmle_core.modalities.base import ModalityKit, framing_variant, lower_first
from sandmle_core.modalities.image2image import drafter, ladder, synthesizer
from sandmle_core.modalities.image2image.rule import PageRule
from sandmle_core.modalities.image2image.synthesizer import CLEAN_DIR, IMAGE_COLUMN, TEST_DIR, TRAIN_DIR
from sandmle_core.spec import Challenge, ColumnKind, Modality, TaskType

if TYPE_CHECKING:
    from sandmle_core.catalog.schema import Domain
    from sandmle_core.taskspec import TaskSpec

__all__ = ["KIT", "seed_train"]


def _detects(kinds: Sequence[str]) -> bool:
    return False  # claimed only from a Task DNA (paired image folders), never from column kinds


def _hosts(domain: Domain, task_type: TaskType, min_classes: int) -> bool:
    return domain.pages is not None and task_type == TaskType.PER_PIXEL


def _row_entity(domain: Domain) -> str:
    subject = domain.pages.subject if domain.pages is not None else domain.entity
    return subject.split(" ", 1)[1] if subject.split(" ", 1)[0] in ("a", "an") else subject


def _row_noun(spec: TaskSpec) -> str:
    return "one scanned page (its pixels are graded one by one)"


def _data_files(spec: TaskSpec, files: list[str]) -> list[str]:
    rule = spec.rule
    size = f"{rule.width}x{rule.height}" if isinstance(rule, PageRule) else "small"
    return [
        f"- `train.csv` — {spec.n_train} training pages: `id`, `{IMAGE_COLUMN}` (the dirty scan) and "
        f"`value` (the path of its clean version).",
        f"- `{TRAIN_DIR}/` — the dirty training scans, {size} pixel grayscale PNGs named `<id>.png`.",
        f"- `{CLEAN_DIR}/` — the clean version of every training scan, same names and size.",
        f"- `test.csv` — {spec.n_test} test pages: `id` and `{IMAGE_COLUMN}`.",
        f"- `{TEST_DIR}/` — the dirty test scans to clean.",
        "- `sample_submission.csv` — a valid submission in the expected format (an uninformed baseline): one row "
        "per test pixel, `id` = `<page id>_<row>_<column>` counted from 1, `value` = grey level in [0, 1] "
        "(0 = black, 1 = white).",
    ]


def seed_train(public_dir: Path) -> pd.DataFrame | None:
    """A real seed's training pages as a table (id, image, value = clean path): the dirty pages of `train/` that
    `train_cleaned/` holds a clean version of, or None when the seed has no such paired folders."""
    dirty, clean = public_dir / TRAIN_DIR, public_dir / CLEAN_DIR
    if not dirty.is_dir() or not clean.is_dir():
        return None
    names = sorted(p.name for p in dirty.iterdir() if p.is_file() and (clean / p.name).is_file())
    if not names:
        return None
    return pd.DataFrame({"id": [Path(n).stem for n in names], IMAGE_COLUMN: [f"{TRAIN_DIR}/{n}" for n in names],
                         "value": [f"{CLEAN_DIR}/{n}" for n in names]})


def _story(domain: Domain) -> str:
    """A page-cleaning framing: an organisation digitising its paper archive, whose scans are stained, creased or
    faded; the domain names the documents."""
    subject = domain.pages.subject if domain.pages is not None else "a scanned page"
    org = domain.organisation
    if framing_variant(domain, 2) == 0:
        return (f"{org} is digitising its paper archive, and many scans are stained, creased or faded. Each image is "
                f"{subject}; the task is to recover {{target}}, so that text recognition and the people who read the "
                "archive get a clean page.")
    return (f"Coffee rings, folds, toner streaks and uneven light have spoilt the scans in {lower_first(org)}'s "
            f"archive (each image is {subject}). It wants {{target}} back from every dirty scan, so that the archive "
            "can be searched and read again.")


KIT = ModalityKit.assemble(
    drafter, synthesizer, ladder, modality=Modality.IMAGE_TO_IMAGE, rule_model=PageRule, test_rows=(20, 28),
    extra_challenges=(Challenge.NUISANCE_VARIATION,), detects=_detects, hosts=_hosts,
    ladder_column=("image_column", ColumnKind.IMAGE), task_type=TaskType.PER_PIXEL, row_entity=_row_entity,
    row_noun=_row_noun, data_files=_data_files, prior_submission=synthesizer.prior_submission, seed_train=seed_train,
    story_template=_story)
