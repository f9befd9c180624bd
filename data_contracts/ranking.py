"""The data contract of a ranking environment.

Its tables are shaped by query: `train.csv` and `test.csv` hold one row per (query, candidate item) — the query id,
the item id, the item and pair columns, and in train only the graded `relevance` (0–3) — and `queries.csv` one row
per query with the query columns. So the contract checks, besides the shared sample-submission and answers suites
(one row per test query, a non-empty ranked list): train has exactly the spec's n_train queries and test its n_test,
each (query, item) pair once, no relevance in test; the two files' queries are disjoint and all of them are rows of
queries.csv; `queries.csv` has exactly the id and the declared query columns (a relevance or an answer column there
breaks its layout), unique ids, in-range values. Ids are compared as text, as the grader does.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sandmle.data_contracts.check import ArtifactCheck, _read
from sandmle.data_contracts.suites import (
    ANSWERS,
    SAMPLE_SUBMISSION,
    TEST,
    TRAIN,
    Expect,
    _feature,
    _layout,
    _not_null,
    artifact_suites,
    prepare_frame,
)

from sandmle_core.modalities.ranking import QUERIES_FILE, RELEVANCE_COLUMN, item_column
from sandmle_core.taskspec import TaskSpec

__all__ = ["QUERIES", "ranking_checks", "ranking_suites"]

QUERIES = f"prepared/public/{QUERIES_FILE}"


def _queries_of(column: str, n: int, query_ids: list[str] | None) -> list[Expect]:
    out = [_not_null(column),
           Expect("ExpectColumnUniqueValueCountToBeBetween", {"column": column, "min_value": n, "max_value": n},
                  f"exactly {n} distinct queries, as the spec says")]
    if query_ids is not None:
        out.append(Expect("ExpectColumnValuesToBeInSet", {"column": column, "value_set": query_ids},
                          "a query of queries.csv"))
    return out


def ranking_suites(spec: TaskSpec, train_ids: list[str] | None, test_ids: list[str] | None,
                   query_ids: list[str] | None) -> dict[str, list[Expect]]:
    """The expectations of every artifact of a ranking environment.

    Args:
        spec: the environment's spec (its columns: the query columns of queries.csv and the candidate columns).
        train_ids, test_ids, query_ids: the distinct query ids of train.csv, test.csv and queries.csv as text, or
            None when that file could not be read (its cross-file expectations are then left out).
    """
    id_col, item = spec.grading.id_column, item_column(spec)
    shared = artifact_suites(spec, train_ids=train_ids, test_ids=test_ids)
    where = {f.name: f.where for f in spec.rule.features}
    row_cols = [c for c in spec.columns if where.get(c.name) != "query"]
    query_cols = [c for c in spec.columns if where.get(c.name) == "query"]
    queries_set = None if query_ids is None else sorted(set(query_ids))
    pairs = Expect("ExpectCompoundColumnsToBeUnique", {"column_list": [id_col, item]}, "each candidate once per query")
    features = [e for c in row_cols for e in _feature(spec, c, [])]
    train = [*_layout([id_col, item, *[c.name for c in row_cols], RELEVANCE_COLUMN],
                      "query id, item id, the candidate columns, the relevance grade"),
             *_queries_of(id_col, spec.n_train, queries_set), _not_null(item), pairs, *features,
             _not_null(RELEVANCE_COLUMN),
             Expect("ExpectColumnValuesToBeInSet", {"column": RELEVANCE_COLUMN, "value_set": [0, 1, 2, 3]},
                    "a relevance grade 0-3")]
    test = [*_layout([id_col, item, *[c.name for c in row_cols]], "query id, item id, the candidate columns; "
                                                                  "no relevance"),
            *_queries_of(id_col, spec.n_test, queries_set), _not_null(item), pairs, *features]
    if train_ids is not None:
        test.append(Expect("ExpectColumnValuesToNotBeInSet", {"column": id_col, "value_set": sorted(set(train_ids))},
                           "test queries are not training queries"))
    queries = [*_layout([id_col, *[c.name for c in query_cols]], "the query id and the query columns, no label"),
               Expect("ExpectTableRowCountToEqual", {"value": spec.n_train + spec.n_test},
                      "one row per training and test query"),
               _not_null(id_col), Expect("ExpectColumnValuesToBeUnique", {"column": id_col}, "query ids are unique"),
               *[e for c in query_cols for e in _feature(spec, c, [])]]
    return {TRAIN: train, TEST: test, SAMPLE_SUBMISSION: shared[SAMPLE_SUBMISSION], ANSWERS: shared[ANSWERS],
            QUERIES: queries}


def ranking_checks(root: Path, spec: TaskSpec) -> list[ArtifactCheck]:
    """Read every artifact of a ranking environment and pair it with its expectations."""
    id_col = spec.grading.id_column
    frames: dict[str, pd.DataFrame | None] = {}
    problems: dict[str, str | None] = {}
    for artifact in (TRAIN, TEST, SAMPLE_SUBMISSION, ANSWERS, QUERIES):
        raw, problems[artifact] = _read(root / artifact)
        frames[artifact] = raw if raw is None else prepare_frame(raw, spec, artifact)

    def ids(artifact: str) -> list[str] | None:
        frame = frames[artifact]
        return None if frame is None or id_col not in frame.columns else sorted(
            {str(v) for v in frame[id_col].dropna()})

    suites = ranking_suites(spec, ids(TRAIN), ids(TEST), ids(QUERIES))
    return [ArtifactCheck(a, frames[a], problems[a], suites[a]) for a in suites]
