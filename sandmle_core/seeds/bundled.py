"""The bundled seed set: nine real tasks built locally, on first use, as mle-bench competition folders.

Each seed is built from its `SeedSource` into `<cache>/seeds/<id>/` — split with a fixed seed (the last rows of a
time series), described in Kaggle style, with an uninformed sample submission and the answers only under
`prepared/private/`. Building is atomic (a temp folder renamed into place) and safe when several processes ask for
the same seed at once (a file lock); a finished seed is reused until the builder's version changes.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import yaml

from sandmle_core.errors import SeedError
from sandmle_core.seeds.sources import SOURCES, SeedSource
from sandmle_core.seeds.task import SeedTask, load_seed
from sandmle_core.settings import get_settings

__all__ = ["BUILD_VERSION", "build_seed_folder", "bundled_seed_ids", "get_bundled_seed", "resolve_seed"]

BUILD_VERSION = "1"
_STAMP = ".sandmle-seed-version"


def bundled_seed_ids() -> list[str]:
    """Ids of the bundled seeds, in catalogue order."""
    return list(SOURCES)


def _split(source: SeedSource) -> tuple[pd.DataFrame, pd.DataFrame]:
    n_test = max(1, round(len(source.frame) * source.test_share))
    if source.chronological:
        return source.frame.iloc[:-n_test].reset_index(drop=True), source.frame.iloc[-n_test:].reset_index(drop=True)
    # ids were assigned after a fixed shuffle, so the last rows are a random test set
    return source.frame.iloc[:-n_test].reset_index(drop=True), source.frame.iloc[-n_test:].reset_index(drop=True)


def _description(source: SeedSource, train: pd.DataFrame, test: pd.DataFrame) -> str:
    from sandmle_core.metrics import get_metric  # scikit-learn's import (0.7 s) only when a seed is written

    g = source.grading
    metric = get_metric(g.metric)
    rows = [f"| `{g.id_column}` | unique row identifier |"]
    for col in train.columns:
        if col != g.id_column:
            role = " (target; train only)" if col in g.target_columns else ""
            rows.append(f"| `{col}` | {source.columns.get(col, source.columns.get('*', ''))}{role} |")
    files = [f"- `train.csv` — {len(train)} rows with the target.",
             f"- `test.csv` — {len(test)} rows without the target.",
             "- `sample_submission.csv` — a valid submission in the expected format."]
    if source.media:
        files.append(source.media_line)
    cols = ", ".join(f"`{c}`" for c in (g.id_column, *g.submission_columns))
    return "\n\n".join([
        f"# {source.name}",
        "## Overview",
        source.overview,
        "## Data",
        "\n".join(files),
        "| column | meaning |\n|---|---|\n" + "\n".join(rows),
        "## Evaluation",
        f"Submissions are scored with **{metric.title}** ({'lower' if metric.lower_is_better else 'higher'} is "
        f"better). {metric.description}\n\n```\n{metric.formula}\n```",
        "## Submission format",
        f"A CSV with the columns {cols}, one row per id of `test.csv`.",
        f"## Source\n\n{source.source}.",
    ]) + "\n"


def build_seed_folder(source: SeedSource, target: Path) -> Path:
    """Write `source` as an mle-bench competition folder at `target` (which must not exist yet)."""
    g = source.grading
    train, test_full = _split(source)
    public, private = target / "prepared" / "public", target / "prepared" / "private"
    public.mkdir(parents=True)
    private.mkdir(parents=True)
    train.to_csv(public / "train.csv", index=False)
    test_full.drop(columns=list(g.target_columns)).to_csv(public / "test.csv", index=False)
    test_full[[g.id_column, *g.target_columns]].to_csv(private / "answers.csv", index=False)
    from sandmle_core.grading import constant_submission

    constant_submission(test_full[[g.id_column]], g, train[list(g.target_columns)]).to_csv(
        public / "sample_submission.csv", index=False)
    for rel, data in sorted(source.media.items()):
        path = public / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    (target / "description.md").write_text(_description(source, train, test_full))
    config = {
        "id": source.seed_id,
        "name": source.name,
        "competition_type": "simple",
        "awards_medals": False,
        "prizes": None,
        "description": f"{source.seed_id}/description.md",
        "dataset": {"answers": f"{source.seed_id}/prepared/private/answers.csv",
                    "sample_submission": f"{source.seed_id}/prepared/public/sample_submission.csv"},
        "grader": {"name": g.metric, "grade_fn": f"{source.seed_id}/grade.py:grade"},
        "sandmle": {"modality": source.modality.value, "task_type": source.task_type.value,
                    "grading": g.model_dump(mode="json"), "source": source.source},
    }
    (target / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False, width=120))
    from sandmle_core.grading import render_grade_py

    (target / "grade.py").write_text(render_grade_py(g))
    return target


def get_bundled_seed(seed_id: str) -> SeedTask:
    """The bundled seed `seed_id`, built into the cache on first use.

    Raises:
        SeedError: for an unknown id.
    """
    if seed_id not in SOURCES:
        raise SeedError(seed_id, f"not a bundled seed; bundled seeds: {', '.join(SOURCES)}")
    settings = get_settings()
    folder = settings.seeds_dir / seed_id
    stamp = folder / _STAMP
    if stamp.is_file() and stamp.read_text() == BUILD_VERSION:
        return load_seed(folder)
    settings.seeds_dir.mkdir(parents=True, exist_ok=True)
    with open(settings.seeds_dir / f".{seed_id}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (stamp.is_file() and stamp.read_text() == BUILD_VERSION):
            tmp = Path(tempfile.mkdtemp(prefix=f".{seed_id}-", dir=settings.seeds_dir)) / seed_id
            build_seed_folder(SOURCES[seed_id](settings.cache_dir), tmp)
            (tmp / _STAMP).write_text(BUILD_VERSION)
            if folder.exists():
                shutil.rmtree(folder)
            os.rename(tmp, folder)
            shutil.rmtree(tmp.parent, ignore_errors=True)
    return load_seed(folder)


def resolve_seed(ref: str | Path) -> SeedTask:
    """A bundled seed id, the path of a combined competition folder, or a split reference
    (`COMPETITION_DIR --data-dir DATA_DIR`, see `seeds.refs`).

    Raises:
        SeedError: naming what does not exist.
    """
    from sandmle_core.seeds.refs import split_seed_ref

    text, data_dir = split_seed_ref(str(ref))
    if text in SOURCES and data_dir is None:
        return get_bundled_seed(text)
    path = Path(text)
    if path.exists():
        return load_seed(path, data_dir=data_dir)
    raise SeedError(path, f"neither a bundled seed ({', '.join(SOURCES)}) nor a competition folder")
