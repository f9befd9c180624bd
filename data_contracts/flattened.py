"""The data contract of a flattened multi-label audio environment (mle-bench's mlsp-2013-birds shape).

Its tables have one row per (recording, species) pair, `Id = rec_id * 100 + species`, so the row counts are the
recordings times the species (the spec's 50–200 training rows count recordings); mlsp's own text files under
`essential_data/` are artifacts too: the fold file must put exactly the test recordings in fold 1, and the label
file must hide every test recording's species behind `?` (a test recording's labels in public are the answers).
Expectations are plain `Expect` values, as in `suites`; the fold and label files are checked with GX's pandas row
conditions.
"""

from __future__ import annotations

from typing import Any

from sandmle.data_contracts.suites import (
    ANSWERS,
    NUMERIC_DTYPES,
    SAMPLE_SUBMISSION,
    TEST,
    TRAIN,
    Expect,
    _covers_test_ids,
    _feature,
    _ids,
    _layout,
    _not_null,
    _numeric,
)

from sandmle_core.taskspec import TaskSpec

__all__ = ["FOLDS", "LABELS", "flattened_suites", "is_flattened"]

FOLDS = "prepared/public/essential_data/CVfolds_2.txt"
LABELS = "prepared/public/essential_data/rec_labels_test_hidden.txt"


def is_flattened(spec: TaskSpec) -> bool:
    """Whether the spec is a multi-label audio task in mlsp's flattened shape."""
    return float(getattr(spec.rule, "species_calls", 0.0) or 0.0) > 0


def _binary(name: str) -> Expect:
    return Expect("ExpectColumnValuesToBeInSet", {"column": name, "value_set": ["0", "1"]}, "0 or 1")


def _pandas_in(column: str, values: list[int]) -> dict[str, Any]:
    return {"row_condition": f"{column} in {values!r}", "condition_parser": "pandas"}


def flattened_suites(spec: TaskSpec, train_ids: list[str] | None, test_ids: list[str] | None,
                     media: list[str]) -> dict[str, list[Expect]]:
    """The expectations of every artifact of a flattened multi-label audio environment.

    Args:
        spec: the environment's spec (`rule.species` names the species).
        train_ids, test_ids: the flattened ids of train.csv and test.csv as text, or None when unreadable.
        media: the media files of the public folder.

    Returns:
        artifact (relative path) → its expectations: the four tables, the fold file and the label file.
    """
    id_col, k = spec.grading.id_column, len(getattr(spec.rule, "species", ()))
    target, value = spec.target.columns[0], spec.grading.submission_columns[0]
    features = [e for c in spec.columns for e in _feature(spec, c, media)]
    rows_train, rows_test = spec.n_train * k, spec.n_test * k
    species_ids = Expect("ExpectColumnValuesToMatchRegex", {"column": id_col, "regex": r"^\d+$"},
                         "ids are whole numbers (rec_id * 100 + species)")
    train = [*_layout([id_col, *[c.name for c in spec.columns], target], "id, the recording, the answer"),
             Expect("ExpectTableRowCountToEqual", {"value": rows_train}, "one row per training recording and species"),
             *_ids(id_col), species_ids, *features, _not_null(target), _binary(target)]
    test = [*_layout([id_col, *[c.name for c in spec.columns]], "id and the recording, no answer"),
            Expect("ExpectTableRowCountToEqual", {"value": rows_test}, "one row per test recording and species"),
            *_ids(id_col), species_ids, *features]
    if train_ids is not None:
        test.append(Expect("ExpectColumnValuesToNotBeInSet", {"column": id_col, "value_set": sorted(set(train_ids))},
                           "test ids are disjoint from train ids"))
    sample = [*_layout([id_col, value], "id and the probability"),
              Expect("ExpectTableRowCountToEqual", {"value": rows_test}, "one row per test row"),
              *_ids(id_col), *_covers_test_ids(id_col, test_ids), _not_null(value),
              *_numeric(value, 0.0, 1.0, NUMERIC_DTYPES, "a probability in [0, 1]")]
    answers = [*_layout([id_col, target], "id and the answer"),
               Expect("ExpectTableRowCountToEqual", {"value": rows_test}, "one row per test row"),
               *_ids(id_col), *_covers_test_ids(id_col, test_ids), _not_null(target), _binary(target)]
    recordings = spec.n_train + spec.n_test
    folds = [*_layout(["rec_id", "fold"], "rec_id, fold"),
             Expect("ExpectTableRowCountToEqual", {"value": recordings}, "one row per recording"),
             *_ids("rec_id"), Expect("ExpectColumnValuesToBeInSet", {"column": "fold", "value_set": [0, 1]},
                                     "fold 0 = train, 1 = test")]
    labels = [Expect("ExpectTableRowCountToEqual", {"value": recordings}, "one line per recording"),
              *_ids("rec_id")]
    if test_ids is not None:
        recs = sorted({int(i) // 100 for i in test_ids if str(i).isdigit()})
        folds.append(Expect("ExpectColumnValuesToBeInSet", {"column": "fold", "value_set": [1], **_pandas_in(
            "rec_id", recs)}, "the test recordings are fold 1"))
        labels.append(Expect("ExpectColumnValuesToBeInSet", {"column": "labels", "value_set": ["?"], **_pandas_in(
            "rec_id", recs)}, "a test recording's species are hidden (`?`): they are the answers"))
    if train_ids is not None:
        recs = sorted({int(i) // 100 for i in train_ids if str(i).isdigit()})
        folds.append(Expect("ExpectColumnValuesToBeInSet", {"column": "fold", "value_set": [0], **_pandas_in(
            "rec_id", recs)}, "the training recordings are fold 0"))
    return {TRAIN: train, TEST: test, SAMPLE_SUBMISSION: sample, ANSWERS: answers, FOLDS: folds, LABELS: labels}
