"""The data contract of the JSON records of a text + metadata environment (mle-bench's random-acts-of-pizza layout).

Beside train.csv and test.csv, such an environment ships `train.json` and `test.json`: the same requests as a JSON
list of records, as the seed does. The training records hold the id, the features, the outcome (a boolean) and the
fields known only after the outcome; the test records hold the id and the features only — a train-only field or the
outcome in a test record is a leak, and the ordered field list proves it absent. Both sets of records must name
exactly the rows of their table. Expectations are plain `Expect` values, as in `suites`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sandmle.data_contracts.suites import Expect, _ids, _layout

from sandmle_core.taskspec import TaskSpec

__all__ = ["TEST_RECORDS", "TRAIN_RECORDS", "has_records", "read_records", "records_suites"]

TRAIN_RECORDS = "prepared/public/train.json"
TEST_RECORDS = "prepared/public/test.json"


def has_records(spec: TaskSpec) -> bool:
    """Whether the spec is a text + metadata task, whose environments ship train.json and test.json."""
    return getattr(spec.rule, "records", None) is not None


def read_records(path: Path) -> tuple[pd.DataFrame | None, str | None]:
    """A JSON list of records as a frame (one column per field any record has; lists stay lists)."""
    if not path.is_file():
        return None, "the file is missing"
    try:
        return pd.read_json(path, orient="records", dtype=False), None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        return None, f"not a readable JSON list of records: {exc}"


def records_suites(spec: TaskSpec, train_ids: list[str] | None,
                   test_ids: list[str] | None) -> dict[str, list[Expect]]:
    """The expectations of train.json and test.json.

    Args:
        spec: the environment's spec (its fields, outcome and train-only fields).
        train_ids, test_ids: the ids of train.csv and test.csv as text, or None when unreadable (the cross-file
            expectations are then left out).

    Returns:
        artifact (relative path) → its expectations, in a fixed order.
    """
    id_col, target = spec.grading.id_column, spec.target.columns[0]
    features = [c.name for c in spec.columns]
    train_only = list(getattr(spec.rule, "train_only_columns", ()))
    train = [*_layout([id_col, *features, target, *train_only],
                      "id, the features, the outcome, the fields known only after the outcome"),
             Expect("ExpectTableRowCountToEqual", {"value": spec.n_train}, "one record per training row"),
             *_ids(id_col),
             Expect("ExpectColumnValuesToBeInSet", {"column": target, "value_set": [True, False]},
                    "the outcome is true or false, as the seed's is")]
    test = [*_layout([id_col, *features], "id and the features: no outcome and no field known only after it"),
            Expect("ExpectTableRowCountToEqual", {"value": spec.n_test}, "one record per test row"),
            *_ids(id_col)]
    for part, ids, where in ((train, train_ids, "train.csv"), (test, test_ids, "test.csv")):
        if ids is not None:
            part += [Expect("ExpectColumnValuesToBeInSet", {"column": id_col, "value_set": ids},
                            f"only ids of {where}"),
                     Expect("ExpectColumnDistinctValuesToContainSet", {"column": id_col, "value_set": ids},
                            f"every id of {where}")]
    return {TRAIN_RECORDS: train, TEST_RECORDS: test}
