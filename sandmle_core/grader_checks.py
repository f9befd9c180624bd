"""Submission checks shared by every metric: ids, columns, numbers, labels and item lists.

Part of the grading runtime (see `sandmle_core.grader_runtime`): the renderers embed this file's source, after
`sandmle_core.grader_formulas` and before the runtime's own, in every generated grade.py / evaluator.py, so it
imports only the standard library, numpy and pandas. Every refusal is a `SubmissionError` whose message says what
is wrong and where (column, ids), in words an agent can act on.
"""

import math

import numpy as np
import pandas as pd

LIST_LITERAL = set("[]{}(),;'\"")  # a cell holding one of these is a list literal, not space-separated items


class SubmissionError(Exception):
    """The submission cannot be graded; the message says why."""


def label_text(value):
    """A label as text, so 1, 1.0 and "1" compare equal."""
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return str(int(value))
    return str(value)


def free_text(value):
    """A free-text cell as text; a missing cell is the empty string (pandas reads '' and 'NA' tokens as NaN)."""
    if value is None or (isinstance(value, (float, np.floating)) and math.isnan(value)):
        return ""
    return label_text(value)


def examples(values, limit=3):
    shown = [label_text(v) for v in list(values)[:limit]]
    return ", ".join(shown) + (", ..." if len(values) > limit else "")


def align_submission(submission, answers, config):
    """Check ids and columns; return the submission reindexed to the answers' id order."""
    if not isinstance(submission, pd.DataFrame):
        raise SubmissionError(f"the submission must be a table, got {type(submission).__name__}")
    id_col = config["id_column"]
    expected = [id_col, *config["submission_columns"]]
    allowed = set(expected) | set(config.get("passthrough_columns") or ())
    missing = [c for c in expected if c not in submission.columns]
    if missing:
        raise SubmissionError(f"missing columns: {missing} (expected {expected})")
    extra = [c for c in submission.columns if c not in allowed]
    if extra:
        raise SubmissionError(f"unexpected columns: {extra} (expected {expected})")
    # plain Python lists, sets and a position map: several times faster than pandas' isin/loc on text ids
    sub_ids = [label_text(v) for v in submission[id_col].tolist()]
    position = {}
    dup = []
    for i, key in enumerate(sub_ids):
        if key in position:
            dup.append(key)
        position[key] = i
    if dup:
        raise SubmissionError(f"duplicate ids in column {id_col!r}: {examples(pd.unique(pd.Series(dup)))}")
    ans_ids = [label_text(v) for v in answers[id_col].tolist()]
    known = set(ans_ids)
    absent = [key for key in ans_ids if key not in position]
    if absent:
        raise SubmissionError(f"{len(absent)} ids of the test set are missing, e.g. {examples(absent)}")
    unknown = [key for key in sub_ids if key not in known]
    if unknown:
        raise SubmissionError(f"{len(unknown)} ids are not in the test set, e.g. {examples(unknown)}")
    order = [position[key] for key in ans_ids]
    aligned = submission.iloc[order][list(config["submission_columns"])]
    aligned.index = pd.Index(ans_ids, name=id_col)
    return aligned


def numeric_columns(frame, columns):
    out = {}
    for col in columns:
        raw = frame[col]
        if raw.isna().any():
            raise SubmissionError(f"column {col!r} has missing (NaN) values at ids {examples(raw[raw.isna()].index)}")
        num = pd.to_numeric(raw, errors="coerce")
        bad = num.isna() | ~np.isfinite(num.astype(float))
        if bad.any():
            raise SubmissionError(f"column {col!r} has non-numeric values at ids {examples(raw[bad].index)}")
        out[col] = num.astype(float).to_numpy()
    return out


def label_column(frame, col, classes):
    raw = frame[col]
    if raw.isna().any():
        raise SubmissionError(f"column {col!r} has missing (NaN) values at ids {examples(raw[raw.isna()].index)}")
    text = raw.map(label_text)
    if classes is not None:
        bad = ~text.isin(set(classes))
        if bad.any():
            raise SubmissionError(
                f"column {col!r} has values that are not one of the classes {list(classes)}: "
                f"{examples(text[bad].unique())}"
            )
    return text.to_numpy()


def cell_items(value, col, row_id, allow_empty):
    """The space-separated items of one cell, refusing list literals such as "['a', 'b']" or "a,b"."""
    if value is None or (isinstance(value, (float, np.floating)) and math.isnan(value)):
        if allow_empty:
            return []
        raise SubmissionError(f"column {col!r} has a missing (NaN) value at id {row_id}: every row must rank "
                              "at least one item")
    text = label_text(value)
    if LIST_LITERAL & set(text):
        raise SubmissionError(f"column {col!r} at id {row_id}: {text[:60]!r} is not a space-separated list of "
                              "items (write them like 'a b c', without brackets, quotes or commas)")
    return text.split()


def check_probabilities(values, col):
    if ((values < 0) | (values > 1)).any():
        raise SubmissionError(f"column {col!r} holds probabilities outside [0, 1]")


def check_lengths(sequences, ids, col, truths):
    """Refuse a prediction far longer than every answer: edit distance costs len(a) * len(b) per row, so one huge
    cell would stall the grader. The bound, max(1000, 10 x the longest answer), is far above any useful prediction."""
    limit = max(1000, 10 * max((len(t) for t in truths), default=0))
    for row_id, sequence in zip(ids, sequences, strict=True):
        if len(sequence) > limit:
            raise SubmissionError(f"column {col!r} at id {row_id}: a prediction of length {len(sequence)} is longer "
                                  f"than any answer needs (at most {limit})")
