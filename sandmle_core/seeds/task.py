"""SeedTask: any mle-bench competition folder, read as paths (cheap), with typed errors naming what is missing.

Two shapes are accepted: a combined folder (`<id>/description.md`, optional `config.yaml`, `<id>/prepared/public`,
`<id>/prepared/private`) — what sandmle writes — and mle-bench's split one, where `config.yaml` and
`description.md` live in `mlebench/competitions/<id>/` and the data in `<data_dir>/<id>/prepared/`
(`load_seed(competition_dir, data_dir=...)`). File names vary between competitions, so train, test, sample
submission and answers are found by name patterns and reported when ambiguous or absent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from sandmle_core.envfolder import shipped_tables
from sandmle_core.errors import SeedError
from sandmle_core.profiling.inventory import is_table, read_table
from sandmle_core.spec import GradingSpec

__all__ = ["SeedTask", "load_seed", "normalize_seed_id", "read_table_file"]



def normalize_seed_id(name: str) -> str:
    """A competition id as the seed id of environment ids: lowercase words joined by `-` (`my_comp.V2` →
    `my-comp-v2`).

    Raises:
        SeedError: when nothing of the name is left (no letter or digit).
    """
    clean = re.sub(r"[^a-z0-9]+", "-", str(name).lower()).strip("-")
    if not clean:
        raise SeedError(name, "cannot form a seed id from this name (it has no letters or digits)")
    return clean


def _tables(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and is_table(p.name))


def _pick(folder: Path, stems: tuple[str, ...], what: str, required: bool = True) -> Path | None:
    tables = _tables(folder) if folder.is_dir() else []
    for stem in stems:
        for path in tables:
            name = path.name.lower()
            if name.split(".")[0] == stem:
                return path
    for stem in stems:
        hits = [p for p in tables if stem in p.name.lower()]
        if len(hits) == 1:
            return hits[0]
    if required:
        shown = ", ".join(p.name for p in tables) or "no data files"
        raise SeedError(folder, f"no {what} file found (looked for {'/'.join(stems)}.*; found: {shown})")
    return None


def read_table_file(path: Path, nrows: int | None = None) -> pd.DataFrame:
    """Read a csv/tsv/parquet/json/zipped-csv table (a zip of media is never read as a table).

    Raises:
        SeedError: naming the file when it cannot be read.
    """
    return read_table(path, nrows)


def _read_text(path: Path) -> str:
    """A seed's text file (description.md, config.yaml), which must be UTF-8.

    Raises:
        SeedError: naming the file when it cannot be read or is not UTF-8 text.
    """
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise SeedError(path, f"not UTF-8 text (byte {exc.start}: {exc.reason}); save it as UTF-8") from exc
    except OSError as exc:
        raise SeedError(path, f"cannot be read: {exc.strerror or exc}") from exc


def _read_config(path: Path) -> dict[str, Any]:
    """A seed's config.yaml: a mapping whose `grader` names the metric (mle-bench) or with a `sandmle.grading` block.

    A truncated file is often still valid YAML (it just ends early), so the keys a seed is graded by are checked
    here rather than found missing later as an "unsupported metric".

    Raises:
        SeedError: naming the file and what is wrong with it.
    """
    try:
        config = yaml.safe_load(_read_text(path))
    except yaml.YAMLError as exc:
        raise SeedError(path, f"not valid YAML: {exc}") from exc
    if not isinstance(config, dict):
        raise SeedError(path, "must hold a mapping (id, grader, dataset, ...); is it empty or truncated?")
    for key in ("grader", "dataset", "sandmle"):
        if config.get(key) is not None and not isinstance(config[key], dict):
            raise SeedError(path, f"`{key}` must be a mapping, got {type(config[key]).__name__}")
    block = config.get("sandmle") or {}
    grader = config.get("grader") or {}
    if not block.get("grading") and not str(grader.get("name") or "").strip():
        raise SeedError(path, "names no grader (grader.name) and has no sandmle.grading block: is it truncated?")
    return config


@dataclass(frozen=True)
class SeedTask:
    """A seed competition: where its files are. Reading data is explicit (`read_train()`, ...)."""

    id: str
    root: Path
    description: str
    config: dict[str, Any]
    public_dir: Path
    private_dir: Path
    train_path: Path | None
    test_path: Path | None
    sample_submission_path: Path | None
    answers_path: Path | None
    grading: GradingSpec | None = None
    hints: dict[str, Any] = field(default_factory=dict)

    def _need(self, path: Path | None, what: str) -> Path:
        if path is None:
            raise SeedError(self.public_dir, f"no {what} table (mle-bench seeds are read through their Task DNA)")
        return path

    def read_train(self, nrows: int | None = None) -> pd.DataFrame:
        return read_table_file(self._need(self.train_path, "train"), nrows)

    def read_test(self, nrows: int | None = None) -> pd.DataFrame:
        return read_table_file(self._need(self.test_path, "test"), nrows)

    def read_sample_submission(self) -> pd.DataFrame:
        return read_table_file(self._need(self.sample_submission_path, "sample submission"))

    def read_answers(self) -> pd.DataFrame:
        if self.answers_path is None:
            raise SeedError(self.private_dir, "this seed has no answers file")
        return read_table_file(self.answers_path)


def load_seed(path: str | Path, data_dir: str | Path | None = None) -> SeedTask:
    """Load a seed from an mle-bench competition folder.

    Args:
        path: the competition folder (with description.md, optional config.yaml and, combined, prepared/).
        data_dir: mle-bench's data directory when the data lives apart: `<data_dir>/<id>/prepared/`.

    Returns:
        The seed, as paths.

    Raises:
        SeedError: naming the file or folder that is missing or unreadable.
    """
    root = Path(path).resolve()
    if not root.is_dir():
        raise SeedError(root, "not a competition folder")
    config_path = root / "config.yaml"
    config = _read_config(config_path) if config_path.is_file() else {}
    raw_id = str(config.get("id") or root.name)
    seed_id = normalize_seed_id(raw_id)
    description_path = root / "description.md"
    if not description_path.is_file():
        raise SeedError(description_path, "missing: a seed needs a description.md")
    prepared = (Path(data_dir).resolve() / raw_id / "prepared") if data_dir else root / "prepared"
    public, private = prepared / "public", prepared / "private"
    if not public.is_dir():
        raise SeedError(public, "missing: the public data folder (prepared/public/) is required")
    answers_name = Path(str((config.get("dataset") or {}).get("answers", ""))).name
    answers = None
    if private.is_dir():
        answers = (private / answers_name) if answers_name and (private / answers_name).is_file() else _pick(
            private, ("answers", "test", "gold_submission", "solution", "private"), "answers", required=False)
    block = config.get("sandmle") or {}
    grading = None
    if isinstance(block, dict) and block.get("grading"):
        try:
            grading = GradingSpec.model_validate(block["grading"])
        except ValueError as exc:
            raise SeedError(config_path, f"invalid sandmle.grading block: {exc}") from exc
    # an exported labels-in-names environment (dogs vs. cats' shape) ships its images instead of train/test tables,
    # one in ranzcr's layout train.csv alone (its test ids are the names in test/)
    spec = block.get("spec") if isinstance(block, dict) else None
    rule = spec.get("rule") if isinstance(spec, dict) else None
    shipped = {Path(t).name for t in shipped_tables(rule)} if grading is not None else set()
    seed = SeedTask(
        id=seed_id,
        root=root,
        description=_read_text(description_path),
        config=config,
        public_dir=public,
        private_dir=private,
        # A bundled seed (with its grading block) has all three; an mle-bench folder may have none of these
        # names (labels.csv, zips of media): its files are found by the profile's inventory instead.
        train_path=_pick(public, ("train", "training"), "train", required="train.csv" in shipped),
        test_path=_pick(public, ("test", "testing"), "test", required="test.csv" in shipped),
        sample_submission_path=_pick(public, ("sample_submission", "samplesubmission", "sample"),
                                     "sample submission", required=grading is not None),
        answers_path=answers,
        grading=grading,
        hints={k: v for k, v in block.items() if k in ("modality", "task_type")} if isinstance(block, dict) else {},
    )
    for table in (seed.train_path, seed.test_path, seed.sample_submission_path):
        if table is not None and read_table_file(table, nrows=5).empty:  # unreadable: a SeedError naming the file
            raise SeedError(table, "has a header but no rows")
    return seed
