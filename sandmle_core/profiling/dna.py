"""The Task DNA of an mle-bench competition, read from its files — or an explicit `unsupported` verdict.

`read_dna(seed)` finds the sample submission, the label table (whatever its name) and the test table, reads the
grader name through `mlebench_graders` (never a guess), and records modality (image, text, tabular, audio,
multimodal `image+tabular`/`text+tabular`, `image-to-image`, `sequence-to-sequence`), task type, id and target
columns, class count, per-column roles and the columns only train has (possible label leaks). Whether sandmle can
generate the seed is the modality registry's call: a modality or task type no registered kit keeps makes the DNA
`supported=False` with the reason — never a silent change of modality.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict

from sandmle_core.errors import SeedError
from sandmle_core.mlebench_graders import UnsupportedMetric, lookup_grader, metric_for_grader
from sandmle_core.profiling.inventory import Inventory, read_table, take_inventory
from sandmle_core.profiling.roles import column_role
from sandmle_core.profiling.verdict import support_verdict

__all__ = ["SeedTables", "TaskDNA", "find_tables", "read_dna"]

_READ_ROWS = 50_000


class TaskDNA(BaseModel):
    """What a seed asks of a solution, and whether sandmle can generate environments that keep it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    seed_id: str
    modality: str
    task_type: str
    grader_name: str
    metric: str | None
    lower_is_better: bool | None
    id_column: str
    target_columns: tuple[str, ...]
    submission_columns: tuple[str, ...]
    passthrough_columns: tuple[str, ...] = ()
    label_column: str | None = None  # the train column holding the class when answers are one column per class
    n_classes: int | None = None
    classes: tuple[str, ...] | None = None
    column_roles: dict[str, str] = {}
    train_only_columns: tuple[str, ...] = ()
    n_train: int = 0
    n_test: int = 0
    files: dict[str, Any] = {}
    ids_restart: bool = False  # train ids are 1..n and test ids 1..m again, so they overlap (nomad2018)
    supported: bool = True
    reason: str | None = None


class SeedTables:
    """The seed's sample submission, label table and test table (paths; any may be None but the sample)."""

    def __init__(self, sample: Path, train: Path | None, test: Path | None):
        self.sample, self.train, self.test = sample, train, test


def _named(paths: list[str], *words: str) -> list[str]:
    return [p for p in paths if any(w in Path(p).name.lower() for w in words)]


def find_tables(public: Path, private: Path, inv: Inventory) -> SeedTables:
    """Sample submission, train (or labels) and test tables among the public tables.

    Raises:
        SeedError: when no sample submission exists (the submission format cannot be known).
    """
    samples = _named(inv.tables, "sample")
    if not samples and private.is_dir():
        samples = [f"../private/{p.name}" for p in sorted(private.iterdir()) if "sample" in p.name.lower()]
    if not samples:
        raise SeedError(public, f"no sample submission found (tables: {', '.join(inv.tables) or 'none'})")
    rest = [p for p in inv.tables if p not in samples and "/" not in p]
    tests = _named(rest, "test")
    trains = [p for p in _named(rest, "train", "label") if p not in tests]
    return SeedTables(public / samples[0], None if not trains else public / trains[0],
                      None if not tests else public / tests[0])


def _pick_train(public: Path, rest: list[str], id_column: str, wanted: tuple[str, ...]) -> Path | None:
    """Among several label tables (ranzcr's train.csv and train_annotations.csv) the one with most wanted columns."""
    best, score = None, -1
    for name in rest:
        cols = set(read_table(public / name, nrows=5).columns)
        hit = len(cols & {id_column, *wanted})
        if hit > score:
            best, score = public / name, hit
    return best


def _id_and_passthrough(sample: pd.DataFrame, test: pd.DataFrame | None) -> tuple[str, tuple[str, ...]]:
    cols = [str(c) for c in sample.columns]
    shared = [c for c in cols if test is not None and c in test.columns]
    if not shared:
        return cols[0], ()
    unique = [c for c in shared if sample[c].notna().all() and sample[c].is_unique]
    named = [c for c in unique if "id" in c.lower().replace("_", " ").split() or c.lower().endswith("id")]
    plain = [c for c in unique if not any(w in c.lower() for w in ("date", "time"))]
    id_column = (named or plain or unique or shared)[0]
    return id_column, tuple(c for c in shared if c != id_column)


def _label_column(train: pd.DataFrame, submission: tuple[str, ...], skip: set[str]) -> str | None:
    for col in train.columns:
        values = set(train[col].dropna().astype(str))
        if col not in skip and values and values <= set(submission):
            return str(col)
    return None


def read_dna(seed_id: str, public: Path, private: Path, config: dict[str, Any], description: str = "") -> TaskDNA:
    """The Task DNA of a competition whose prepared data is in `public`/`private`.

    Raises:
        SeedError: naming the file when the seed cannot be read at all (no sample submission, unreadable table).
    """
    inv = take_inventory(public)
    tables = find_tables(public, private, inv)
    sample = read_table(tables.sample)
    if sample.shape[1] < 2:
        raise SeedError(tables.sample, "a sample submission needs an id column and at least one more")
    test = read_table(tables.test, nrows=_READ_ROWS) if tables.test else None
    id_column, passthrough = _id_and_passthrough(sample, test)
    submission = tuple(str(c) for c in sample.columns if c != id_column and c not in passthrough)
    rest = [p for p in inv.tables if public / p not in (tables.sample, tables.test) and "/" not in p
            and any(w in p.lower() for w in ("train", "label"))]
    train_path = _pick_train(public, rest, id_column, submission) if len(rest) > 1 else tables.train
    train = read_table(train_path, nrows=_READ_ROWS) if train_path else None
    grader = str((config.get("grader") or {}).get("name", ""))
    from sandmle_core.profiling.shape import describe_task

    return describe_task(seed_id=seed_id, inv=inv, sample=sample, train=train, test=test, id_column=id_column,
                         passthrough=passthrough, submission=submission, grader=grader,
                         files={"sample_submission": tables.sample.name,
                                "train": train_path.name if train_path else None,
                                "test": tables.test.name if tables.test else None, **inv.summary()},
                         description=description)


def grader_metric(grader: str, n_submission: int) -> tuple[str | None, str | None]:
    """(metric, None) for a grader name at this submission width, or (None, the unsupported reason)."""
    if not grader:
        return None, "unsupported metric: config.yaml names no grader (grader.name)"
    try:
        metric = metric_for_grader(grader)
    except UnsupportedMetric as exc:
        return None, str(exc)
    from sandmle_core.metrics import get_metric  # scikit-learn (0.7 s): not on the CLI's bad-input path

    alternatives = lookup_grader(grader).alternatives
    if n_submission > 1 and get_metric(metric).kind == "probability" and "mean_column_auc" in alternatives:
        metric = "mean_column_auc"  # several probability columns: the competition averages per column
    return metric, None


def roles_of(frame: pd.DataFrame, columns: list[str], media_stems: frozenset[str]) -> dict[str, str]:
    """Role of each named column of `frame`."""
    lists = frozenset(frame.attrs.get("list_columns", ()))
    return {c: column_role(frame[c], c, lists, media_stems) for c in columns}


__all__ += ["grader_metric", "roles_of", "support_verdict"]
