"""The data contract of an environment, as plain values: which expectations each artifact must meet.

Every suite is derived from the environment's `TaskSpec` (columns, kinds, levels, nullability, targets, classes,
grading, sizes) plus the ids of the other artifacts (test ids must be disjoint from train ids — unless the rule
declares the seed's restarting ids, 1..n in each file — and the sample submission and answers must cover exactly the
test ids). Expectations are `Expect` values — a great-expectations class name, its keyword arguments and one sentence
saying why — so this module never imports great-expectations; `data_contracts._gx` turns them into GX expectations
when a suite is run.

Values that name labels (ids, categorical levels, class labels) are compared as text: `prepare_frame` maps them
through the grader's `label_text`, so 1, 1.0 and "1" are the same label here as they are for the grader.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from sandmle_core.envfolder import SAMPLE_SUBMISSION_NAMES, EnvFolder
from sandmle_core.grader_runtime import label_text
from sandmle_core.metrics import get_metric
from sandmle_core.spec import ColumnKind, ColumnSpec, TaskType
from sandmle_core.taskspec import MAX_TRAIN_ROWS, MIN_TRAIN_ROWS, TaskSpec

__all__ = [
    "ANSWERS",
    "ARTIFACTS",
    "FINITE_LIMIT",
    "SAMPLE_SUBMISSION",
    "TEST",
    "TRAIN",
    "Expect",
    "artifact_suites",
    "label_columns",
    "media_files",
    "prepare_frame",
]

# The artifacts, named by their path relative to the environment folder (as reports and check names show them).
_FOLDER = EnvFolder(Path("."))
TRAIN = _FOLDER.relpath(_FOLDER.train)
TEST = _FOLDER.relpath(_FOLDER.test)
SAMPLE_SUBMISSION = _FOLDER.relpath(_FOLDER.public / SAMPLE_SUBMISSION_NAMES[0])  # a seed's own name: read in place
ANSWERS = _FOLDER.relpath(_FOLDER.answers)
ARTIFACTS: tuple[str, ...] = (TRAIN, TEST, SAMPLE_SUBMISSION, ANSWERS)

# |x| above this is not a plausible value of any column (and it excludes inf): the fallback range of numeric columns
# whose hidden rule declares no range of its own, and the range of regression targets and submitted values.
FINITE_LIMIT = 1e9
NUMERIC_DTYPES = ("int64", "int32", "Int64", "Int32", "float64", "float32", "Float64", "Float32")
INTEGER_DTYPES = ("int64", "int32", "Int64", "Int32")
_CSV_NAMES = {Path(a).name for a in ARTIFACTS} | set(SAMPLE_SUBMISSION_NAMES)


@dataclass(frozen=True)
class Expect:
    """One expectation: a great-expectations class name (`ExpectColumnValuesToBeUnique`), its kwargs, and why."""

    kind: str
    kwargs: dict[str, Any] = field(default_factory=dict)
    why: str = ""

    @property
    def column(self) -> str | None:
        return self.kwargs.get("column")


def label_columns(spec: TaskSpec, artifact: str) -> list[str]:
    """The columns of `artifact` whose values are labels (compared as text): id, categoricals, class labels."""
    cols = [spec.grading.id_column]
    if artifact in (TRAIN, TEST):
        cols += [c.name for c in spec.columns if c.kind == ColumnKind.CATEGORICAL]
    if artifact in (TRAIN, ANSWERS) and _labelled_target(spec):
        cols += list(spec.target.columns)
    if artifact == SAMPLE_SUBMISSION and get_metric(spec.grading.metric).kind == "label":
        cols += list(spec.grading.submission_columns)
    return cols


def prepare_frame(frame: pd.DataFrame, spec: TaskSpec, artifact: str) -> pd.DataFrame:
    """A copy of `frame` whose label columns hold text (nulls stay null), as the grader compares them."""
    out = frame.copy()
    for col in label_columns(spec, artifact):
        if col in out.columns:
            values = out[col].astype(object)
            present = values.notna()
            values[present] = values[present].map(label_text)
            out[col] = values
    return out


def media_files(public_dir: Path) -> list[str]:
    """Every media file of the public folder, as the POSIX paths relative to it that CSVs use."""
    if not public_dir.is_dir():
        return []
    return sorted(p.relative_to(public_dir).as_posix() for p in public_dir.rglob("*")
                  if p.is_file() and p.relative_to(public_dir).as_posix() not in _CSV_NAMES)


def artifact_suites(
    spec: TaskSpec,
    *,
    train_ids: Iterable[str] | None,
    test_ids: Iterable[str] | None,
    media: Iterable[str] = (),
) -> dict[str, list[Expect]]:
    """The expectations of every artifact.

    Args:
        spec: the environment's spec (its public contract and grading).
        train_ids, test_ids: the ids of train.csv and test.csv (or of the `test/` listing that stands in for it)
            as text, or None when that file could not be read (the cross-file expectations are then left out; the
            unreadable file is reported on its own).
        media: the media files of the public folder (relative paths), which image and audio columns must point to.

    Returns:
        artifact (relative path) → its expectations, in a fixed order.
    """
    media = sorted(media)
    train_set = None if train_ids is None else sorted(set(train_ids))
    test_set = None if test_ids is None else sorted(set(test_ids))
    if float(getattr(spec.rule, "species_calls", 0.0) or 0.0) > 0:  # mlsp's flattened multi-label audio
        from sandmle.data_contracts.flattened import flattened_suites

        return flattened_suites(spec, train_set, test_set, media)
    id_col = spec.grading.id_column
    features = [e for c in spec.columns for e in _feature(spec, c, media)]
    targets = [e for t in spec.target.columns for e in _target(spec, t)]
    if spec.task_type == TaskType.PER_PIXEL:
        targets += [Expect("ExpectColumnValuesToBeInSet", {"column": t, "value_set": media},
                           "the path of a clean page of the public folder") for t in spec.target.columns]

    train_only = list(getattr(spec.rule, "train_only_columns", ()))  # seq2seq's `class`: train.csv only
    untabled = tuple(getattr(spec.rule, "untabled_columns", ()))  # ranzcr's image column: in no table
    tabled = [c.name for c in spec.columns if c.name not in untabled]
    features = [e for e in features if e.column not in untabled]
    ordered = [*tabled, *spec.target.columns]
    if getattr(spec.rule, "target_after_id", False):  # leaf-classification's `id, species, margin1, ...`
        ordered = [*spec.target.columns, *tabled]
    heads = _headers(spec, tabled, ordered, train_only)
    train = [*_layout(heads["train"],
                      "id, the features, the targets" + (", the train-only columns" if train_only else "")),
             Expect("ExpectTableRowCountToBeBetween", {"min_value": MIN_TRAIN_ROWS, "max_value": MAX_TRAIN_ROWS},
                    f"micro scale: {MIN_TRAIN_ROWS}–{MAX_TRAIN_ROWS} training rows"),
             Expect("ExpectTableRowCountToEqual", {"value": spec.n_train}, "as many rows as the spec's n_train"),
             *_ids(id_col), *features, *targets, *_images_by_id(id_col, "train", media, untabled)]

    test = [*_layout(heads["test"], "id and the features, no target"),
            Expect("ExpectTableRowCountToEqual", {"value": spec.n_test}, "as many rows as the spec's n_test"),
            *_ids(id_col), *features, *_images_by_id(id_col, "test", media, untabled)]
    if getattr(spec.rule, "ids_restart", False):  # the seed's quirk, declared by the rule: both files count from 1
        train.append(_counted_ids(id_col, spec.n_train, "train.csv"))
        test.append(_counted_ids(id_col, spec.n_test, "test.csv"))
    elif train_set is not None:
        test.append(Expect("ExpectColumnValuesToNotBeInSet", {"column": id_col, "value_set": train_set},
                           "test ids are disjoint from train ids"))

    sample = [*_layout(heads["sample"], "id and the submission columns"),
              Expect("ExpectTableRowCountToEqual", {"value": spec.n_test}, "one row per test row"),
              *_ids(id_col), *_covers_test_ids(id_col, test_set),
              *[e for c in spec.grading.submission_columns for e in _submitted(spec, c)]]

    answers = [*_layout(heads["answers"], "id and the target columns"),
               Expect("ExpectTableRowCountToEqual", {"value": spec.n_test}, "one row per test row"),
               *_ids(id_col), *_covers_test_ids(id_col, test_set), *targets]
    if spec.task_type == TaskType.PER_PIXEL:
        return {TRAIN: train, TEST: test, **_per_pixel(spec, test_set)}
    suites = {TRAIN: train, TEST: test, SAMPLE_SUBMISSION: sample, ANSWERS: answers}
    from sandmle.data_contracts.annotations import ANNOTATIONS, annotation_suite, has_annotations

    if has_annotations(spec):  # ranzcr's train_annotations.csv: the drawn lines of training images only
        suites[ANNOTATIONS] = annotation_suite(spec, train_set, test_set)
    from sandmle.data_contracts.records import has_records, records_suites

    if has_records(spec):  # pizza's train.json and test.json: the same rows, train-only fields in train only
        suites.update(records_suites(spec, train_set, test_set))
    return suites


def _headers(spec: TaskSpec, tabled: list[str], ordered: list[str], train_only: list[str]) -> dict[str, list[str]]:
    """Each table's columns in order: the id first, or, when the text is the key (detecting insults), the seed's
    `Insult, Date, Comment` without any other id."""
    id_col, g = spec.grading.id_column, spec.grading
    if getattr(spec.rule, "text_is_id", False):
        return {"train": [*spec.target.columns, *tabled], "test": tabled,
                "sample": [*g.submission_columns, *g.passthrough_columns, id_col],
                "answers": [*spec.target.columns, *tabled]}
    return {"train": [id_col, *ordered, *train_only], "test": [id_col, *tabled],
            "sample": [id_col, *g.submission_columns], "answers": [id_col, *spec.target.columns]}


def _per_pixel(spec: TaskSpec, test_ids: list[str] | None) -> dict[str, list[Expect]]:
    """Sample submission and answers of an image-to-image task: one row per pixel of every test page, id
    `<page id>_<row>_<col>` of a test page, value a grey level in [0, 1]."""
    id_col, value = spec.grading.id_column, spec.target.columns[0]
    pixels = int(getattr(spec.rule, "height", 0)) * int(getattr(spec.rule, "width", 0))
    rows = [*_ids(id_col), Expect("ExpectTableRowCountToEqual", {"value": spec.n_test * pixels},
                                  "one row per pixel of every test page")]
    if test_ids is not None:
        pages = "|".join(re.escape(i) for i in test_ids)
        rows.append(Expect("ExpectColumnValuesToMatchRegex", {"column": id_col, "regex": rf"^(?:{pages})_\d+_\d+$"},
                           "ids are <test page id>_<row>_<col>"))
    grey = _numeric(value, 0.0, 1.0, NUMERIC_DTYPES, "a grey level in [0, 1]")
    return {SAMPLE_SUBMISSION: [*_layout([id_col, value], "id and the value"), *rows, _not_null(value), *grey],
            ANSWERS: [*_layout([id_col, value], "id and the value"), *rows, _not_null(value), *grey]}


def _images_by_id(id_col: str, part: str, media: list[str], untabled: tuple[str, ...]) -> list[Expect]:
    """Where no table names the images (ranzcr's layout), every row's id names its image `<part>/<id>.jpg`."""
    if not untabled:
        return []
    prefix, ext = f"{part}/", ".jpg"
    ids = [m[len(prefix):-len(ext)] for m in media if m.startswith(prefix) and m.endswith(ext) and "/" not in
           m[len(prefix):]]
    return [Expect("ExpectColumnValuesToBeInSet", {"column": id_col, "value_set": ids},
                   f"every row's image is {prefix}<id>{ext}")]


def _layout(columns: list[str], what: str) -> list[Expect]:
    return [Expect("ExpectTableColumnsToMatchOrderedList", {"column_list": columns}, f"columns: {what}, in order"),
            *[Expect("ExpectColumnToExist", {"column": c}, "required column") for c in columns]]


def _ids(id_col: str) -> list[Expect]:
    return [Expect("ExpectColumnValuesToNotBeNull", {"column": id_col}, "every row has an id"),
            Expect("ExpectColumnValuesToBeUnique", {"column": id_col}, "ids are unique")]


def _counted_ids(id_col: str, n: int, where: str) -> Expect:
    """Ids 1..n (with the uniqueness and row-count expectations: exactly those), for a rule whose ids restart."""
    return Expect("ExpectColumnValuesToBeInSet", {"column": id_col, "value_set": [label_text(i) for i in
                                                                                  range(1, n + 1)]},
                  f"{where} counts its rows from 1: train and test ids overlap as the seed's do (declared by the rule)")


def _covers_test_ids(id_col: str, test_ids: list[str] | None) -> list[Expect]:
    if test_ids is None:
        return []
    return [Expect("ExpectColumnValuesToBeInSet", {"column": id_col, "value_set": test_ids}, "only test ids"),
            Expect("ExpectColumnDistinctValuesToContainSet", {"column": id_col, "value_set": test_ids},
                   "every test id is present")]


def _not_null(col: ColumnSpec | str) -> Expect:
    name = col if isinstance(col, str) else col.name
    return Expect("ExpectColumnValuesToNotBeNull", {"column": name}, "not nullable")


def _numeric(name: str, low: float, high: float, dtypes: tuple[str, ...], why: str) -> list[Expect]:
    return [Expect("ExpectColumnValuesToBeInTypeList", {"column": name, "type_list": list(dtypes)}, "numeric"),
            Expect("ExpectColumnValuesToBeBetween", {"column": name, "min_value": low, "max_value": high}, why)]


def _feature(spec: TaskSpec, col: ColumnSpec, media: list[str]) -> list[Expect]:
    out = [] if col.nullable else [_not_null(col)]
    if col.kind in (ColumnKind.NUMERIC, ColumnKind.INTEGER):
        low, high = _plausible_range(spec, col.name)
        dtypes = INTEGER_DTYPES if col.kind == ColumnKind.INTEGER and not col.nullable else NUMERIC_DTYPES
        out += _numeric(col.name, low, high, dtypes, "within a plausible range (finite)")
    elif col.kind == ColumnKind.CATEGORICAL and col.levels:
        out.append(Expect("ExpectColumnValuesToBeInSet", {"column": col.name, "value_set": list(col.levels)},
                          "one of the column's levels"))
    elif col.kind == ColumnKind.TEXT:
        out.append(Expect("ExpectColumnValueLengthsToBeBetween", {"column": col.name, "min_value": 1},
                          "non-empty text"))
    elif col.kind == ColumnKind.DATETIME:
        out.append(Expect("ExpectColumnValuesToBeDateutilParseable", {"column": col.name}, "a parseable date"))
    elif col.kind in (ColumnKind.IMAGE, ColumnKind.AUDIO):
        out.append(Expect("ExpectColumnValuesToBeInSet", {"column": col.name, "value_set": media},
                          "a path to a media file of the public folder"))
    return out


def _labelled_target(spec: TaskSpec) -> bool:
    return bool(spec.target.classes) or spec.task_type in (TaskType.BINARY, TaskType.MULTILABEL)


def _target(spec: TaskSpec, name: str) -> list[Expect]:
    out = [_not_null(name)]
    if spec.task_type == TaskType.PER_PIXEL:  # train.csv names each page's clean version
        out.append(Expect("ExpectColumnValueLengthsToBeBetween", {"column": name, "min_value": 1},
                          "the path of the clean page"))
    elif spec.target.classes:
        out.append(Expect("ExpectColumnValuesToBeInSet", {"column": name, "value_set": list(spec.target.classes)},
                          "one of the target's classes"))
    elif spec.task_type in (TaskType.BINARY, TaskType.MULTILABEL):
        out.append(Expect("ExpectColumnValuesToBeInSet", {"column": name, "value_set": ["0", "1"]}, "0 or 1"))
    elif spec.task_type in (TaskType.TRANSDUCTION, TaskType.RANKING):  # a rewritten text; a query's ranked items
        out.append(_free_text(name))
    elif spec.task_type == TaskType.MULTICLASS and len(spec.target.columns) > 1:  # one 0/1 column per class
        out.append(Expect("ExpectColumnValuesToBeInSet", {"column": name, "value_set": [0, 1]},
                          "0 or 1 (one column per class)"))
    elif declared := next((t for t in getattr(spec.rule, "targets", ()) or () if t.name == name), None):
        out += _numeric(name, declared.low, declared.high, NUMERIC_DTYPES,  # a multi-target regression's column
                        "within the target's declared range" + (" (never negative: RMSLE)" if declared.low >= 0
                                                                 and _log_error(spec) else ""))
    else:
        out += _numeric(name, -FINITE_LIMIT, FINITE_LIMIT, NUMERIC_DTYPES, "a finite number")
    return out


def _free_text(name: str) -> Expect:
    return Expect("ExpectColumnValueLengthsToBeBetween", {"column": name, "min_value": 1}, "non-empty text")


def _submitted(spec: TaskSpec, name: str) -> list[Expect]:
    kind = get_metric(spec.grading.metric).kind
    out = [_not_null(name)]
    if kind in ("probability", "class_probabilities"):
        out += _numeric(name, 0.0, 1.0, NUMERIC_DTYPES, "a probability in [0, 1]")
    elif (kind == "label" and spec.task_type == TaskType.TRANSDUCTION) or kind == "ranked_list":
        out.append(_free_text(name))
    elif kind == "label":
        classes = list(spec.grading.classes or spec.target.classes or ())
        out.append(Expect("ExpectColumnValuesToBeInSet", {"column": name, "value_set": classes},
                          "one of the task's classes"))
    elif _log_error(spec):
        out += _numeric(name, 0.0, FINITE_LIMIT, NUMERIC_DTYPES, "a finite number >= 0 (RMSLE takes no negative)")
    else:
        out += _numeric(name, -FINITE_LIMIT, FINITE_LIMIT, NUMERIC_DTYPES, "a finite number")
    return out


def _log_error(spec: TaskSpec) -> bool:
    return spec.grading.metric in ("rmsle", "mean_column_rmsle")


def _plausible_range(spec: TaskSpec, name: str) -> tuple[float, float]:
    """The range a numeric column's values must fall in.

    When the hidden rule declares the column's range (`low`/`high` of a tabular feature or a series driver), values
    may fall one span below it (rounding) and five spans above it (planted outliers reach four spans above `high`);
    otherwise any finite value up to `FINITE_LIMIT` in magnitude is accepted.
    """
    entries = [*getattr(spec.rule, "features", ()), *getattr(spec.rule, "drivers", ())]
    for entry in entries:
        key = getattr(entry, "name", None) or getattr(entry, "column", None)
        low, high = getattr(entry, "low", None), getattr(entry, "high", None)
        if key == name and isinstance(low, int | float) and isinstance(high, int | float) and high >= low:
            span = max(float(high) - float(low), 1.0)
            return float(low) - span, float(high) + 5.0 * span
    return -FINITE_LIMIT, FINITE_LIMIT
