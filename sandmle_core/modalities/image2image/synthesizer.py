"""Synthesizing an image-to-image environment in mle-bench's denoising-dirty-documents layout.

`synthesize` renders the pages of a `PageRule` and writes, under `prepared/public/`: `train/<id>.png` (dirty scans),
`train_cleaned/<id>.png` (their clean targets), `test/<id>.png` (dirty scans to clean), and the page tables
`train.csv` (id, image, value = the clean page's path) and `test.csv` (id, image). The private answers hold one row
per test pixel, `id = <page>_<row>_<col>` counted from 1 and `value` its clean grey level in [0, 1], exactly the
rows mle-bench grades by RMSE; the oracle submission is the rule's page without the scan grain. Page ids, layouts
and pixels come from the slot's streams (`SlotStreams`), one stream per page, so the same spec gives byte-identical
files at any size and a page does not change when more pages are drawn.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from PIL import Image

from sandmle_core.envfolder import EnvFolder
from sandmle_core.errors import SpecError
from sandmle_core.modalities.base import SynthesisResult
from sandmle_core.modalities.image2image.render import clean_page, dirty_page, target_page
from sandmle_core.modalities.image2image.rule import PageRule
from sandmle_core.slots import SlotStreams

if TYPE_CHECKING:
    from sandmle_core.taskspec import TaskSpec

__all__ = ["CLEAN_DIR", "IMAGE_COLUMN", "TEST_DIR", "TRAIN_DIR", "pixel_rows", "prior_submission", "synthesize"]

TRAIN_DIR, CLEAN_DIR, TEST_DIR = "train", "train_cleaned", "test"
IMAGE_COLUMN = "image"
DECIMALS = 6


def pixel_rows(page_ids: list[str], pages: list[np.ndarray], id_column: str, value_column: str) -> pd.DataFrame:
    """One row per pixel: id `<page>_<row>_<col>` (from 1, row-major) and the grey level in [0, 1]."""
    ids: list[str] = []
    values: list[np.ndarray] = []
    for page_id, page in zip(page_ids, pages, strict=True):
        h, w = page.shape
        rows, cols = np.divmod(np.arange(h * w), w)
        ids += [f"{page_id}_{r + 1}_{c + 1}" for r, c in zip(rows.tolist(), cols.tolist(), strict=True)]
        values.append(np.round(page.reshape(-1).astype(np.float64) / 255.0, DECIMALS))
    return pd.DataFrame({id_column: ids, value_column: np.concatenate(values) if values else []})


def _save(array: np.ndarray, path: Path) -> None:
    Image.fromarray(array).save(path, format="PNG", optimize=False, compress_level=6)


def _fresh(folder: Path) -> Path:
    if folder.exists():
        shutil.rmtree(folder)  # stale pages of an earlier, larger run must not linger
    folder.mkdir(parents=True)
    return folder


def synthesize(spec: TaskSpec, folder: EnvFolder | Path, *, n_train: int | None = None,
               n_test: int | None = None) -> SynthesisResult:
    """Write the pages, the page tables, the per-pixel answers and the oracle submission of a page spec.

    Args:
        spec: an image-to-image spec (its rule is a `PageRule`).
        folder: the environment folder to write under.
        n_train, n_test: pages to draw instead of the spec's micro sizes (full-scale runs).

    Returns:
        The folder, the page counts, and figures for validation.json (layout counts, pixel rows, RMSE of the raw
        scans against the targets).

    Raises:
        SpecError: when the spec's rule is not a page rule.
    """
    rule = spec.rule
    if not isinstance(rule, PageRule):
        raise SpecError(f"the image-to-image synthesizer needs a page rule, the spec has a {rule.kind} rule")
    n_train = spec.n_train if n_train is None else n_train
    n_test = spec.n_test if n_test is None else n_test
    n = n_train + n_test
    streams = SlotStreams.of(spec)
    ids = [str(i) for i in streams("synth", "ids").choice(np.arange(1, 4 * n + 1), size=n, replace=False)]
    layouts = streams("synth", "layouts").choice(len(rule.layouts), size=n, p=np.array(rule.layout_weights))
    folder = EnvFolder.of(folder)
    folder.make_data_dirs()
    dirs = {d: _fresh(folder.public / d) for d in (TRAIN_DIR, CLEAN_DIR, TEST_DIR)}
    g, value = spec.grading, spec.target.columns[0]
    targets, oracles, raw_error = [], [], []
    for i, page_id in enumerate(ids):
        rng = streams("synth", "page", i)
        clean = clean_page(rule, rule.layouts[int(layouts[i])], rng)
        target, scan = target_page(clean, rule, rng), dirty_page(clean, rule, rng)
        raw_error.append(float(np.mean((scan.astype(float) - target.astype(float)) ** 2)) / 255.0**2)
        if i < n_train:
            _save(scan, dirs[TRAIN_DIR] / f"{page_id}.png")
            _save(target, dirs[CLEAN_DIR] / f"{page_id}.png")
        else:
            _save(scan, dirs[TEST_DIR] / f"{page_id}.png")
            targets.append(target)
            oracles.append(np.round(clean * 255.0).astype(np.uint8))
    train_ids, test_ids = ids[:n_train], ids[n_train:]
    train = pd.DataFrame({g.id_column: train_ids, IMAGE_COLUMN: [f"{TRAIN_DIR}/{i}.png" for i in train_ids],
                          value: [f"{CLEAN_DIR}/{i}.png" for i in train_ids]})
    test = pd.DataFrame({g.id_column: test_ids, IMAGE_COLUMN: [f"{TEST_DIR}/{i}.png" for i in test_ids]})
    train.sort_values(g.id_column, kind="stable").to_csv(folder.train, index=False)
    test.sort_values(g.id_column, kind="stable").to_csv(folder.test, index=False)
    pixel_rows(test_ids, targets, g.id_column, value).to_csv(folder.answers, index=False)
    pixel_rows(test_ids, oracles, g.id_column, value).to_csv(folder.oracle_submission, index=False)
    stats = {
        "page_size": [rule.height, rule.width],
        "layout_counts": {name: int((layouts == k).sum()) for k, name in enumerate(rule.layouts)},
        "test_pixel_rows": n_test * rule.height * rule.width,
        "raw_scan_rmse": round(float(np.sqrt(np.mean(raw_error))), 4),
    }
    return SynthesisResult(folder=folder, n_train=n_train, n_test=n_test, stats=stats)


def prior_submission(spec: TaskSpec, folder: EnvFolder | Path) -> pd.DataFrame:
    """The uninformed submission: every test pixel at the mean grey level of the training targets."""
    folder = EnvFolder.of(folder)
    g = spec.grading
    train = pd.read_csv(folder.train, dtype=str)
    total = count = 0.0
    for rel in train[spec.target.columns[0]]:
        with Image.open(folder.public / rel) as im:
            pixels = np.asarray(im.convert("L"), dtype=np.float64) / 255.0
        total, count = total + float(pixels.sum()), count + pixels.size
    answers_ids = pd.read_csv(folder.answers, usecols=[g.id_column], dtype=str)[g.id_column]
    return pd.DataFrame({g.id_column: answers_ids, g.submission_columns[0]: round(total / max(count, 1.0), DECIMALS)})
