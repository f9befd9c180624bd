"""The offline technical writer: description.md in Kaggle style, from the spec's public half only.

It reads the domain, story, columns, target, metric and sizes — and never the hidden rule, the data's answers or
the thresholds, so nothing secret can leak through it. The submission example is taken from the sample submission
(an uninformed prior), never from the answers.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from sandmle_core.envfolder import EnvFolder, sample_submission_name, shipped_tables
from sandmle_core.leaderboard import Thresholds
from sandmle_core.metrics import get_metric
from sandmle_core.modalities import get_kit
from sandmle_core.spec import ColumnKind, TaskType
from sandmle_core.taskspec import TaskSpec

__all__ = ["OfflineWriter", "definite", "render_description"]

_KIND_WORDS = {
    ColumnKind.NUMERIC: "number",
    ColumnKind.INTEGER: "integer",
    ColumnKind.CATEGORICAL: "category",
    ColumnKind.TEXT: "free text",
    ColumnKind.DATETIME: "date",
    ColumnKind.IMAGE: "image path",
    ColumnKind.AUDIO: "audio clip path",
}
_TASK_WORDS = {
    TaskType.BINARY: "a binary classification task",
    TaskType.MULTICLASS: "a multi-class classification task",
    TaskType.REGRESSION: "a regression task",
    TaskType.ORDINAL: "an ordinal classification task (ordered levels)",
    TaskType.MULTILABEL: "a multi-label classification task (several yes/no labels per row)",
    TaskType.FORECASTING: "a time-series forecasting task",
    TaskType.TRANSDUCTION: "a sequence-to-sequence task (text normalization: each written token's spoken form)",
    TaskType.PER_PIXEL: "an image-to-image reconstruction task graded per pixel",
    TaskType.MULTI_TARGET: "a multi-target regression task (several numbers to predict per row)",
    TaskType.RANKING: "a ranking task (each test query's candidates, ranked)",
}


def _column_rows(spec: TaskSpec) -> list[str]:
    restart = getattr(spec.rule, "ids_restart", False)  # the seed's ids count from 1 in each file
    rows = [f"| `{spec.grading.id_column}` | identifier | | "
            f"{'Row identifier, counted from 1 in each file.' if restart else 'Unique row identifier.'} |"]
    if _keyed(spec):  # detecting insults: the text column is the key, listed once with the features
        rows = []
    untabled = getattr(spec.rule, "untabled_columns", ())  # ranzcr's image: found by its id, in no table
    for col in (c for c in spec.columns if c.name not in untabled):
        kind = _KIND_WORDS[col.kind]
        if col.levels:
            shown = ", ".join(f"`{v}`" for v in col.levels[:8]) + (", …" if len(col.levels) > 8 else "")
            kind = f"{kind} ({shown})"
        rows.append(f"| `{col.name}` | {kind} | {col.unit or ''} | {_may_be_missing(col.description, col.nullable)} |")
    if spec.task_type == TaskType.RANKING:  # a query id, an item id, the graded label; the lists are submitted
        from sandmle_core.modalities.ranking import RELEVANCE_COLUMN

        rows[0] = (f"| `{spec.grading.id_column}` | identifier | | Query identifier: one row per query in queries.csv, "
                   "one row per candidate in train.csv and test.csv. |")
        rows.insert(1, f"| `{_item_column(spec)}` | identifier | | Candidate item identifier (train.csv and "
                       "test.csv). |")
        return [*rows, f"| `{RELEVANCE_COLUMN}` | target (train.csv only) | | graded relevance of the candidate "
                       "to its query, 0 (none) to 3 (highest) |",
                f"| `{spec.target.columns[0]}` | submission | | {spec.target.description} |"]
    shared = spec.task_type == TaskType.MULTILABEL and len(spec.target.columns) > 1 and not spec.target.descriptions
    for target in spec.target.columns:
        # a label of a set: which one it is, not the set's description six times over
        meaning = (f"1 if {target.replace('_', ' ')} is among the "
                   f"{re.sub(r' [(][^()]*[)]$', '', _lower(spec.target.description))}, else 0" if shared
                   else spec.target.column_description(target))
        rows.append(f"| `{target}` | target (train only) | {spec.target.column_unit(target) or ''} | {meaning} |")
    return rows


def _may_be_missing(description: str, nullable: bool) -> str:
    """A column's meaning, and when its values can be empty, that it may be missing: "calendar quarter (may be
    missing)" after a phrase, "... May be missing." after a sentence (never "calendar quarter May be missing.")."""
    if not nullable:
        return description
    text = description.rstrip()
    return f"{text} May be missing." if text.endswith((".", "!", "?")) else f"{text} (may be missing)"


def _item_column(spec: TaskSpec) -> str:
    from sandmle_core.modalities.ranking import item_column

    return item_column(spec)


def _submission_text(spec: TaskSpec, sample: pd.DataFrame) -> str:
    g = spec.grading
    metric = get_metric(g.metric)
    cols = ", ".join(f"`{c}`" for c in (g.id_column, *g.submission_columns))
    if _keyed(spec):  # the seed's order: the answer, the passthrough columns, the comment that keys the row
        cols = ", ".join(f"`{c}`" for c in (*g.submission_columns, *g.passthrough_columns, g.id_column))
    if metric.kind == "class_probabilities":
        what = "one column per class holding the predicted probability of that class; each row must sum to 1"
    elif metric.kind == "probability":
        what = "the predicted probability (between 0 and 1) that the label is positive, per label column"
    elif metric.kind == "ranked_list":
        k = g.metric.split("@")[1]
        what = (f"the ids of the query's candidates (`{_item_column(spec)}` values) you rank highest, best first, "
                f"separated by single spaces; only the first {k} count, a repeated id counts once and an id that is "
                "not one of the query's relevant candidates scores nothing")
    elif metric.kind == "label":
        what = "the predicted label, one of: " + ", ".join(f"`{c}`" for c in (g.classes or ()))
    elif spec.target.units:  # several targets, each in its own unit
        what = "the predicted value of each target, in its unit (" + ", ".join(
            f"`{c}` in {u}" if u else f"`{c}`" for c, u in zip(g.submission_columns, spec.target.units, strict=False)
        ) + ")"
    else:
        what = f"the predicted value{f' in {spec.target.unit}' if spec.target.unit else ''}"
    if g.metric in ("rmsle", "mean_column_rmsle"):
        what += "; every value must be 0 or more"
    example = sample.head(3).to_csv(index=False).strip()
    rows = "one row per id of `test.csv`"
    if _keyed(spec):
        rows = "one row per comment of `test.csv`"
    if not _has_test_table(spec):  # labels in file names, or ranzcr's layout: no test.csv, the images name the ids
        rows = "one row per test image (its id is the image's file name without the extension)"
    if spec.task_type == TaskType.RANKING:
        rows = f"one row per test query (each distinct `{g.id_column}` of `test.csv`)"
    if spec.task_type == TaskType.PER_PIXEL:
        rows = ("one row per pixel of every test page, id `<page id>_<row>_<column>` with rows and columns "
                "counted from 1")
        what = "the cleaned grey level of that pixel, between 0 (black) and 1 (white)"
    return (
        f"Submit a CSV file with a header and exactly {rows} (any order), with the columns "
        f"{cols}: {what}.{_key_note(spec)}\n\nFor example:\n\n```\n{example}\n...\n```"
    )


def render_description(spec: TaskSpec, sample_submission: pd.DataFrame) -> str:
    """The whole description.md of an environment."""
    metric = get_metric(spec.grading.metric)
    direction = "lower is better" if metric.lower_is_better else "higher is better"
    several = spec.task_type == TaskType.MULTI_TARGET
    files = [
        f"- `train.csv` — {spec.n_train} rows: the id, the feature columns and the target{'s' if several else ''}.",
        f"- `test.csv` — {spec.n_test} rows: the id and the feature columns, without the target"
        f"{'s' if several else ''}.",
        f"- `{sample_submission_name(spec.rule)}` — a valid submission in the expected format (an uninformed "
        "baseline).",
    ]
    if _keyed(spec):  # no id column: the comment is the key of every file
        key = spec.grading.id_column
        files[:2] = [f"- `train.csv` — {spec.n_train} rows: the target and the columns, no id column (`{key}`, the "
                     "text itself, is the key).",
                     f"- `test.csv` — {spec.n_test} rows: the columns without the target; no two comments are "
                     "equal."]
    if getattr(spec.rule, "ids_restart", False):
        files.append("- Ids count rows from 1 in `train.csv` and again from 1 in `test.csv`, so the same id names "
                     "different rows in the two files: join a submission to `test.csv` only.")
    kit = get_kit(spec.modality)
    files = kit.data_files(spec, files)
    described = spec.target.description.strip().rstrip(".")
    if spec.task_type == TaskType.MULTILABEL and len(spec.target.columns) == 1:  # flattened: a row per label
        target_text = f"`{spec.target.columns[0]}` is {described[0].lower()}{described[1:]}, else 0."
    elif spec.task_type == TaskType.MULTILABEL:
        target_text = f"Each target column is 1 when it applies ({described}), else 0."
    elif several:
        parts = [f"`{c}` is {definite(_lower(spec.target.column_description(c)))}"
                 + (f", in {spec.target.column_unit(c)}" if spec.target.column_unit(c) else "")
                 for c in spec.target.columns]
        target_text = "Each row has " + _count_word(len(parts)) + " targets: " + "; ".join(parts) + "."
    else:
        told = spec.target.unit and re.search(rf"\b{re.escape(spec.target.unit.lower())}\b", described.lower())
        unit = f", in {spec.target.unit}" if spec.target.unit and not told else ""  # not "the days ..., in days"
        target_text = f"The target is {definite(_lower(described))}{unit}."
    if spec.target.classes and spec.task_type != TaskType.MULTILABEL:
        # the classes close the target's own sentence: a stand-alone "Classes: `0`, `1`." read the same in every
        # binary environment of a build
        classes = tuple(spec.target.classes)
        says_both = re.search(r"\b0 (if|when|otherwise)\b|\belse 0\b", described)
        if classes == ("0", "1") and re.match(r"1 (if|when)\b", described, re.IGNORECASE):
            target_text = target_text if says_both else target_text[:-1] + ", else 0."
        else:
            order = " (ordered from lowest to highest)" if spec.task_type == TaskType.ORDINAL else ""
            target_text = target_text[:-1] + ", one of " + ", ".join(f"`{c}`" for c in classes) + f"{order}."
    row = kit.row_noun(spec)
    named = getattr(spec.rule, "names", None) is not None  # labels in file names: no tables, no column list
    rows_of = "every row of `test.csv`" if _has_test_table(spec) else "every test image"
    if spec.task_type == TaskType.RANKING:  # one answer per query, not per candidate row
        rows_of = f"every test query (each distinct `{spec.grading.id_column}` of `test.csv`)"
    task_words = _TASK_WORDS[spec.task_type]
    if spec.task_type == TaskType.MULTILABEL and len(spec.target.columns) == 1:
        task_words = "a multi-label classification task, flattened to one yes/no label per row"
    sections = [
        f"# {spec.title}",
        "## Overview",
        spec.story.strip(),
        f"Each {'example' if named else 'row'} is {row}, and this is {task_words}: predict "
        f"{_listed(spec)} for {rows_of}. {target_text}",
        "## Data",
        "### Files",
        "\n".join(files),
        *([] if named else ["### Columns", "| column | type | unit | meaning |\n|---|---|---|---|\n"
                            + "\n".join(_column_rows(spec))]),
        "## Evaluation",
        f"Submissions are scored with **{metric.title}** ({direction}). "
        f"{(spec.target.classes and metric.label_description) or metric.description}",
        f"\n```\n{metric.formula}\n```",
        f"Scores are rounded to 5 decimals. A submission with missing, duplicate or unknown "
        f"{'comments' if _keyed(spec) else 'ids'}, missing or extra columns, or values of the wrong kind is invalid "
        "and gets no score.",
        "## Submission format",
        _submission_text(spec, sample_submission),
    ]
    return "\n\n".join(sections).rstrip() + "\n"


def _keyed(spec: TaskSpec) -> bool:
    """Whether the text is the id (detecting insults: rows are keyed by the comment)."""
    return bool(getattr(spec.rule, "text_is_id", False))


def _key_note(spec: TaskSpec) -> str:
    """How a keyed submission names its rows (the comment, exactly), and what its passthrough columns may hold."""
    if not _keyed(spec):
        return ""
    g = spec.grading
    note = (f" Each `{g.id_column}` cell must be the comment exactly as `test.csv` writes it: the comment is the key "
            "and rows are matched on it.")
    if g.passthrough_columns:
        note += " " + ", ".join(f"`{c}`" for c in g.passthrough_columns) + " may be copied from `test.csv` or left " \
                "blank: it is not scored."
    return note


def _has_test_table(spec: TaskSpec) -> bool:
    """Whether the environment ships test.csv (a seed without one, and so its environments: dogs vs. cats, ranzcr)."""
    return "test.csv" in {Path(t).name for t in shipped_tables(spec.rule)}


def _listed(spec: TaskSpec) -> str:
    """The target columns as a sentence names them: `a`, `b` (labels, classes) or `a` and `b` (numbers)."""
    names = [f"`{t}`" for t in spec.target.columns]
    if spec.task_type == TaskType.MULTI_TARGET:
        return ", ".join(names[:-1]) + " and " + names[-1]
    return ", ".join(names)


def _lower(text: str) -> str:
    text = text.strip().rstrip(".")
    return text[:1].lower() + text[1:]


_DETERMINED = re.compile(r"^(?:the|a|an|this|that|these|those|its|their|each|every|what|which|where|when|how|whether"
                         r"|who|why|one|\d)\b", re.IGNORECASE)


def definite(phrase: str) -> str:
    """A target's description as a sentence's noun phrase: "the" before one that opens with no determiner of its own
    ("loss expected if the transaction is approved" → "the loss expected if ..."; "the plan agreed ...", "what
    happened to ...", "1 if ..." stay as written). The catalog writes targets as column descriptions, bare."""
    return phrase if not phrase or _DETERMINED.match(phrase) else f"the {phrase}"


def _count_word(n: int) -> str:
    return {2: "two", 3: "three", 4: "four", 5: "five"}.get(n, str(n))


class OfflineWriter:
    """Writer role of the offline backend."""

    def write_description(self, spec: TaskSpec, staging: EnvFolder | Path, thresholds: Thresholds) -> Path:
        folder = EnvFolder.of(staging)
        sample = pd.read_csv(folder.sample_submission)
        folder.description.write_text(render_description(spec, sample))
        return folder.description
