"""Exporting a corpus for its consumers: SandMLE's training code, mle-bench's registry, and RL trainers.

Three layouts, each built from the corpus' accepted environments (published under `envs/` and not marked otherwise
by the manifest or their validation report), in sorted id order, byte for byte the same for the same corpus:

- `sandmle` — what SandMLE's released training code reads: `<out>/<id>/prepared/public/` holding description.md,
  the public data, sample_submission.csv, evaluator.py and answer.csv, plus `<out>/ok_competitions_sanity.json`
  (the accepted ids) and `ok_competitions_sanity_random_64.json` (a seeded sample of at most 64 of them). The
  evaluator reads `answer.csv` next to itself, so the answers sit where an agent can read them:
  `ANSWERS_EXPOSED_WARNING` says so and callers must show it.
- `mlebench` — an overlay for an mle-bench checkout plus its data directory:
  `<out>/mlebench/competitions/<id>/{config.yaml, description.md, grade.py, prepare.py, leaderboard.csv,
  checksums.yaml}` and `<data_dir>/<id>/prepared/{public,private}` (`data_dir` defaults to `<out>/data`).
  config.yaml uses the registry's keys and path rules: description relative to the repository root,
  dataset paths relative to the data directory, grader and preparer as `module:function` strings.
- `tasks` — one Parquet row per environment for trainers: id, description, paths, metric, direction,
  thresholds, difficulty, seed and modality.

An export is written into a temporary sibling and renamed into place, so a crash never leaves half an export.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import random
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import yaml

from sandmle_core.consume.registry import accepted_environments
from sandmle_core.envfolder import EnvFolder
from sandmle_core.errors import SandmleError
from sandmle_core.layout import Environment

__all__ = [
    "ANSWERS_EXPOSED_WARNING",
    "LAYOUTS",
    "TASKS_SCHEMA",
    "ExportError",
    "ExportResult",
    "export_corpus",
    "export_mlebench",
    "export_sandmle",
    "export_tasks",
]

log = logging.getLogger(__name__)

LAYOUTS = ("sandmle", "mlebench", "tasks")
ANSWERS_EXPOSED_WARNING = (
    "the sandmle layout puts each task's answers (prepared/public/answer.csv) in the public folder, next to "
    "evaluator.py, where an agent can read them: use it only with a training harness that keeps the agent out "
    "of that folder, never for evaluation"
)
_ENV_ANSWERS_LINE = f"ANSWERS = {EnvFolder(Path()).answers.as_posix()!r}"  # as render_evaluator_py writes it
_RUNTIME_ERROR_LINE = "class SubmissionError(Exception):"
_MLEBENCH_ERROR_BASE = '''# mle-bench logs its InvalidSubmissionError as an invalid submission, others as grader bugs.
try:
    from mlebench.grade_helpers import InvalidSubmissionError as _InvalidSubmissionBase
except ImportError:  # graded outside mle-bench
    _InvalidSubmissionBase = Exception


class SubmissionError(_InvalidSubmissionBase):'''
_PREPARE_PY = '''"""Preparer of this sandmle environment (mle-bench contract): its data ships already prepared.

The public and private folders were written by `sandmle export --layout mlebench`; there is no raw Kaggle download
to prepare from. `prepare` only checks that the prepared files are in place.
"""

from pathlib import Path


def prepare(raw: Path, public: Path, private: Path):
    missing = [str(p) for p in (public / "sample_submission.csv", private / "answers.csv") if not p.is_file()]
    if missing:
        raise FileNotFoundError(f"this synthetic competition ships prepared data; missing: {missing}")
'''
_CHECKSUM_EXTS = ("csv", "json", "jsonl", "parquet", "bson")  # what mle-bench's generate_checksums covers


class ExportError(SandmleError):
    """An export cannot be written (output exists, empty corpus, unknown layout)."""


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote."""

    layout: str
    out: Path
    env_ids: list[str]
    data_dir: Path | None = None
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"layout": self.layout, "out": str(self.out), "environments": len(self.env_ids),
                "data_dir": None if self.data_dir is None else str(self.data_dir), "env_ids": self.env_ids,
                "warnings": self.warnings}


def _check_free(out: Path, force: bool) -> None:
    if out.exists() and not force and not (out.is_dir() and not any(out.iterdir())):
        raise ExportError(f"{out}: already exists (use force to replace it)")


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    elif path.exists():
        path.unlink()


def _write_atomically(out: Path, force: bool, write: Callable[[Path], None]) -> None:
    """Run `write(tmp)` on a fresh sibling path of `out`, then move it to `out` (replacing it when `force`)."""
    _check_free(out, force)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.partial-{uuid.uuid4().hex[:8]}")
    try:
        write(tmp)
        if out.exists():
            old = out.with_name(f".{out.name}.old-{uuid.uuid4().hex[:8]}")
            os.rename(out, old)
            os.rename(tmp, out)
            _remove(old)
        else:
            os.rename(tmp, out)
    finally:
        _remove(tmp)


def _done(on_env: Callable[[str], None] | None, env_id: str) -> None:
    if on_env is not None:
        on_env(env_id)


def _require(envs: list[Environment], corpus_root: str | Path) -> list[Environment]:
    if not envs:
        raise ExportError(f"{corpus_root}: the corpus has no accepted environment to export")
    return envs


def _sandmle_evaluator(env: Environment) -> str:
    """The environment's evaluator.py, reading `answer.csv` next to itself (re-rendered if it was not generated)."""
    text = (env.root / "evaluator.py").read_text()
    if text.count(_ENV_ANSWERS_LINE) == 1:
        return text.replace(_ENV_ANSWERS_LINE, "ANSWERS = 'answer.csv'")
    log.warning("%s: evaluator.py is not sandmle's template; re-rendering it from the grading spec", env.env_id)
    from sandmle_core.grading import render_evaluator_py  # scikit-learn: not before `sandmle export` checks its input

    return render_evaluator_py(env.grading, env.thresholds, answers_relpath="answer.csv")


def export_sandmle(corpus_root: str | Path, out: str | Path, force: bool = False,
                   sample_seed: int = 0, on_env: Callable[[str], None] | None = None) -> ExportResult:
    """Write SandMLE's task layout (answers in the public folder: see `ANSWERS_EXPOSED_WARNING`).

    Args:
        corpus_root: the corpus.
        out: the folder to create (SandMLE's `SANDMLE_SYN_DATA_ROOT`).
        force: replace `out` when it exists.
        sample_seed: seed of the 64-task sample list.
        on_env: called with each environment's id once it is written (progress).

    Raises:
        ExportError: `out` exists, or the corpus has no accepted environment.
        EnvironmentFormatError: an environment is broken.
    """
    envs = _require(accepted_environments(corpus_root), corpus_root)
    ids = [env.env_id for env in envs]

    def write(tmp: Path) -> None:
        for env in envs:
            public = EnvFolder(tmp / env.env_id).public
            shutil.copytree(env.public_dir, public)
            shutil.copyfile(env.description_path, public / "description.md")
            (public / "evaluator.py").write_text(_sandmle_evaluator(env))
            shutil.copyfile(env.answers_path, public / "answer.csv")
            _done(on_env, env.env_id)
        (tmp / "ok_competitions_sanity.json").write_text(json.dumps(ids, indent=2) + "\n")
        sample = sorted(random.Random(sample_seed).sample(ids, min(64, len(ids))))
        (tmp / "ok_competitions_sanity_random_64.json").write_text(json.dumps(sample, indent=2) + "\n")

    target = Path(out)
    _write_atomically(target, force, write)
    return ExportResult("sandmle", target, ids, warnings=[ANSWERS_EXPOSED_WARNING])


def _mlebench_grade_py(env: Environment) -> str:
    """The environment's grade.py, raising mle-bench's InvalidSubmissionError when mle-bench is importable."""
    text = (env.root / "grade.py").read_text()
    if text.count(_RUNTIME_ERROR_LINE) != 1:
        log.warning("%s: grade.py is not sandmle's template; copied as is", env.env_id)
        return text
    return text.replace(_RUNTIME_ERROR_LINE, _MLEBENCH_ERROR_BASE)


def _checksums(folder: Path) -> dict[str, str]:
    """md5 of the files directly under `folder`, as mle-bench's `generate_checksums` computes them."""
    return {p.name: hashlib.md5(p.read_bytes()).hexdigest()
            for ext in _CHECKSUM_EXTS for p in sorted(folder.glob(f"*.{ext}")) if p.is_file()}


def _mlebench_config(env: Environment) -> dict[str, Any]:
    cid = env.env_id
    # mle-bench names data files relative to its data directory, which holds one EnvFolder-shaped folder per id
    rel = EnvFolder(Path(cid))
    sample = rel.public / env.sample_submission_path.name  # the seed's own name when it has one (insults')
    dataset = {"answers": rel.answers.as_posix(), "sample_submission": sample.as_posix()}
    if env.folder.gold_submission.is_file():
        dataset["gold_submission"] = rel.gold_submission.as_posix()
    return {
        "id": cid,
        "name": env.config.name,
        "competition_type": env.config.competition_type,
        "awards_medals": env.config.awards_medals,
        "prizes": None,
        "description": f"mlebench/competitions/{cid}/description.md",
        "dataset": dataset,
        "grader": {"name": env.grading.metric, "grade_fn": f"mlebench.competitions.{cid}.grade:grade"},
        "preparer": f"mlebench.competitions.{cid}.prepare:prepare",
        "sandmle": env.config.sandmle.model_dump(mode="json", exclude={"hashes"}),
    }


def export_mlebench(corpus_root: str | Path, out: str | Path, data_dir: str | Path | None = None,
                    force: bool = False, on_env: Callable[[str], None] | None = None) -> ExportResult:
    """Write the corpus as mle-bench competitions (registry files + prepared data).

    Args:
        corpus_root: the corpus.
        out: the folder to create; competitions go to `<out>/mlebench/competitions/<id>/`.
        data_dir: mle-bench's data directory for `<id>/prepared/{public,private}`; default `<out>/data`.
            When given, it must not exist yet (or be empty) unless `force`.
        force: replace `out` (and `data_dir`) when they exist.
        on_env: called with each competition's id once its registry files are written (progress).

    Raises:
        ExportError: an output exists, or the corpus has no accepted environment.
        EnvironmentFormatError: an environment is broken.
    """
    envs = _require(accepted_environments(corpus_root), corpus_root)
    target = Path(out)
    separate = data_dir is not None and Path(data_dir).resolve() != (target / "data").resolve()

    def write_data(root: Path) -> None:
        for env in envs:
            out = EnvFolder(root / env.env_id)
            shutil.copytree(env.public_dir, out.public)
            shutil.copytree(env.private_dir, out.private)
            shutil.copyfile(env.description_path, out.public / "description.md")  # as `mlebench prepare`

    def write(tmp: Path) -> None:
        competitions = tmp / "mlebench" / "competitions"
        for env in envs:
            comp = competitions / env.env_id
            comp.mkdir(parents=True)
            config = _mlebench_config(env)
            (comp / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True, width=120))
            shutil.copyfile(env.description_path, comp / "description.md")
            (comp / "grade.py").write_text(_mlebench_grade_py(env))
            (comp / "prepare.py").write_text(_PREPARE_PY.replace("sample_submission.csv",
                                                                 env.sample_submission_path.name))
            shutil.copyfile(env.leaderboard_path, comp / "leaderboard.csv")
            checksums = {"public": _checksums(env.public_dir), "private": _checksums(env.private_dir)}
            (comp / "checksums.yaml").write_text(yaml.safe_dump(checksums, sort_keys=True))
            _done(on_env, env.env_id)
        if not separate:
            write_data(tmp / "data")

    _check_free(target, force)
    if separate:
        _write_atomically(Path(data_dir), force, write_data)  # type: ignore[arg-type]
    _write_atomically(target, force, write)
    return ExportResult("mlebench", target, [env.env_id for env in envs],
                        data_dir=Path(data_dir) if separate else target / "data")  # type: ignore[arg-type]


TASKS_SCHEMA = pa.schema([
    ("id", pa.string()),
    ("name", pa.string()),
    ("description", pa.string()),
    ("seed_id", pa.string()),
    ("rng_seed", pa.int64()),
    ("index", pa.int64()),
    ("backend", pa.string()),
    ("modality", pa.string()),
    ("task_type", pa.string()),
    ("domain", pa.string()),
    ("difficulty", pa.float64()),
    ("metric", pa.string()),
    ("direction", pa.string()),
    ("lower_is_better", pa.bool_()),
    ("gold_threshold", pa.float64()),
    ("silver_threshold", pa.float64()),
    ("bronze_threshold", pa.float64()),
    ("median_threshold", pa.float64()),
    ("leaderboard_entries", pa.int64()),
    ("id_column", pa.string()),
    ("submission_columns", pa.list_(pa.string())),
    ("n_train", pa.int64()),
    ("n_test", pa.int64()),
    ("env_dir", pa.string()),
    ("description_path", pa.string()),
    ("public_dir", pa.string()),
    ("sample_submission_path", pa.string()),
    ("evaluator_path", pa.string()),
    ("grade_path", pa.string()),
    ("leaderboard_path", pa.string()),
    ("answers_path", pa.string()),
    ("spec_hash", pa.string()),
    ("data_hash", pa.string()),
])


def _task_row(env: Environment) -> dict[str, Any]:
    block, t, root = env.config.sandmle, env.thresholds, env.root.resolve()
    folder = EnvFolder(root)
    spec = block.spec
    return {
        "id": env.env_id, "name": env.config.name, "description": env.description_path.read_text(),
        "seed_id": block.provenance.seed_id, "rng_seed": block.provenance.rng_seed, "index": block.provenance.index,
        "backend": block.provenance.backend, "modality": block.modality, "task_type": block.task_type,
        "domain": block.domain, "difficulty": float(spec["difficulty"]) if "difficulty" in spec else None,
        "metric": env.grading.metric, "direction": "minimize" if t.lower_is_better else "maximize",
        "lower_is_better": t.lower_is_better, "gold_threshold": t.gold, "silver_threshold": t.silver,
        "bronze_threshold": t.bronze, "median_threshold": t.median, "leaderboard_entries": t.n_entries,
        "id_column": env.grading.id_column, "submission_columns": list(env.grading.submission_columns),
        "n_train": block.sizes.get("train"), "n_test": block.sizes.get("test"),
        "env_dir": str(root), "description_path": str(folder.description),
        "public_dir": str(folder.public), "sample_submission_path": str(folder.sample_submission),
        "evaluator_path": str(folder.evaluator), "grade_path": str(folder.grader),
        "leaderboard_path": str(folder.leaderboard), "answers_path": str(folder.answers),
        "spec_hash": block.spec_hash, "data_hash": block.data_hash,
    }


def export_tasks(corpus_root: str | Path, out: str | Path, force: bool = False,
                 on_env: Callable[[str], None] | None = None) -> ExportResult:
    """Write one Parquet row per accepted environment (`TASKS_SCHEMA`), sorted by id, with absolute paths.

    Raises:
        ExportError: `out` exists, or the corpus has no accepted environment.
        EnvironmentFormatError: an environment is broken.
    """
    envs = _require(accepted_environments(corpus_root), corpus_root)
    rows = []
    for env in envs:
        rows.append(_task_row(env))
        _done(on_env, env.env_id)
    table = pa.Table.from_pylist(rows, schema=TASKS_SCHEMA)
    target = Path(out)
    _write_atomically(target, force, lambda tmp: pq.write_table(table, tmp))
    return ExportResult("tasks", target, [env.env_id for env in envs])


def export_corpus(corpus_root: str | Path, layout: str, out: str | Path, data_dir: str | Path | None = None,
                  force: bool = False, on_env: Callable[[str], None] | None = None) -> ExportResult:
    """Export a corpus in one of `LAYOUTS` (see the module docstring).

    Raises:
        ExportError: unknown layout, `data_dir` given for a layout other than mlebench, existing output, or no
            accepted environment.
        EnvironmentFormatError: the corpus or one of its environments is broken.
    """
    if layout not in LAYOUTS:
        raise ExportError(f"unknown layout {layout!r}; choose one of {', '.join(LAYOUTS)}")
    if data_dir is not None and layout != "mlebench":
        raise ExportError("a data directory applies to the mlebench layout only")
    if layout == "sandmle":
        return export_sandmle(corpus_root, out, force=force, on_env=on_env)
    if layout == "mlebench":
        return export_mlebench(corpus_root, out, data_dir=data_dir, force=force, on_env=on_env)
    return export_tasks(corpus_root, out, force=force, on_env=on_env)
