"""The data contract of a link-prediction (graph) environment.

Its labelled rows are node pairs: `train.csv` is exactly `id, source, target, <label>` (50–200 pairs, label 0/1) and
`test.csv` exactly `id, source, target`; both ends are nodes of `nodes.csv`, the smaller id first, each pair once and
no pair in both files. `nodes.csv` is the node id and the declared attributes (as for node classification) and
`edges.csv` the observed graph (two distinct known nodes, smaller id first, each pair once). The leak rule of the task
is checked here too, on a frame of its own per pair table: no labelled or test pair is an edge of `edges.csv` (a
held-out link left in the public graph gives its answer away). Ids are compared as text, as the grader does.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sandmle.data_contracts.check import ArtifactCheck, _read
from sandmle.data_contracts.graph import EDGES, ENDS, NODES, _in_graph
from sandmle.data_contracts.suites import (
    ANSWERS,
    MAX_TRAIN_ROWS,
    MIN_TRAIN_ROWS,
    SAMPLE_SUBMISSION,
    TEST,
    TRAIN,
    Expect,
    _feature,
    _ids,
    _layout,
    _target,
    artifact_suites,
    prepare_frame,
)

from sandmle_core.taskspec import TaskSpec

__all__ = ["link_checks", "pair_keys"]

NODE_ID = "node_id"


def pair_keys(frame: pd.DataFrame) -> pd.Series:
    """`a-b` per row of a table whose first two end columns are a pair (smaller id first, as text)."""
    a, b = frame[ENDS[0]].astype(str), frame[ENDS[1]].astype(str)
    return a.str.cat(b, sep="-")


def _pair_table(spec: TaskSpec, columns: list[str], nodes: list[object] | None) -> list[Expect]:
    return [*_layout(columns, "the pair id, the two nodes" + (" and the label" if len(columns) > 3 else "")),
            *_ids(spec.grading.id_column), *[e for end in ENDS for e in _in_graph(end, nodes)],
            Expect("ExpectColumnPairValuesAToBeGreaterThanB", {"column_A": ENDS[1], "column_B": ENDS[0]},
                   "the smaller node id first, never a node paired with itself"),
            Expect("ExpectCompoundColumnsToBeUnique", {"column_list": list(ENDS)}, "each pair once")]


def _no_edge(keys: list[str] | None, what: str) -> list[Expect]:
    if keys is None:
        return []
    return [Expect("ExpectColumnValuesToNotBeInSet", {"column": "pair", "value_set": keys}, what)]


def link_checks(root: Path, spec: TaskSpec) -> list[ArtifactCheck]:
    """Read every artifact of a link-prediction environment and pair it with its expectations."""
    id_col, target = spec.grading.id_column, spec.target.columns[0]
    frames: dict[str, pd.DataFrame | None] = {}
    problems: dict[str, str | None] = {}
    for artifact in (TRAIN, TEST, SAMPLE_SUBMISSION, ANSWERS, NODES, EDGES):
        raw, problems[artifact] = _read(root / artifact)
        frames[artifact] = raw if raw is None or artifact in (EDGES, NODES) else prepare_frame(raw, spec, artifact)

    def ids(artifact: str) -> list[str] | None:
        frame = frames[artifact]
        return None if frame is None or id_col not in frame.columns else [str(v) for v in frame[id_col].dropna()]

    nodes, edges = frames[NODES], frames[EDGES]
    node_values = None if nodes is None or NODE_ID not in nodes.columns else sorted(
        set(nodes[NODE_ID].dropna().tolist()), key=str)
    shared = artifact_suites(spec, train_ids=ids(TRAIN), test_ids=ids(TEST))
    train = [*_pair_table(spec, [id_col, *ENDS, target], node_values),
             Expect("ExpectTableRowCountToBeBetween", {"min_value": MIN_TRAIN_ROWS, "max_value": MAX_TRAIN_ROWS},
                    f"micro scale: {MIN_TRAIN_ROWS}–{MAX_TRAIN_ROWS} labelled pairs"),
             Expect("ExpectTableRowCountToEqual", {"value": spec.n_train}, "as many rows as the spec's n_train"),
             *_target(spec, target)]
    test = [*_pair_table(spec, [id_col, *ENDS], node_values),
            Expect("ExpectTableRowCountToEqual", {"value": spec.n_test}, "as many rows as the spec's n_test")]
    if ids(TRAIN) is not None:
        test.append(Expect("ExpectColumnValuesToNotBeInSet", {"column": id_col, "value_set": sorted(set(ids(TRAIN)))},
                           "test pair ids are not labelled pair ids"))
    node_suite = [*_layout([NODE_ID, *[c.name for c in spec.columns]], "the node id and the node attributes"),
                  *_ids(NODE_ID), *[e for c in spec.columns for e in _feature(spec, c, [])]]
    edge_suite = [*_layout(list(ENDS), "the two ends of an edge"),
                  *[e for end in ENDS for e in (Expect("ExpectColumnValuesToNotBeNull", {"column": end}, "an end"),
                                                *_in_graph(end, node_values))],
                  Expect("ExpectColumnPairValuesAToBeGreaterThanB", {"column_A": "target", "column_B": "source"},
                         "undirected: the smaller id first, and no node linked to itself"),
                  Expect("ExpectCompoundColumnsToBeUnique", {"column_list": list(ENDS)}, "each pair once")]
    out = [ArtifactCheck(TRAIN, frames[TRAIN], problems[TRAIN], train),
           ArtifactCheck(TEST, frames[TEST], problems[TEST], test),
           ArtifactCheck(SAMPLE_SUBMISSION, frames[SAMPLE_SUBMISSION], problems[SAMPLE_SUBMISSION],
                         shared[SAMPLE_SUBMISSION]),
           ArtifactCheck(ANSWERS, frames[ANSWERS], problems[ANSWERS], shared[ANSWERS]),
           ArtifactCheck(NODES, nodes, problems[NODES], node_suite),
           ArtifactCheck(EDGES, edges, problems[EDGES], edge_suite)]
    has_ends = edges is not None and set(ENDS) <= set(edges.columns)
    edge_keys = sorted(set(pair_keys(edges))) if has_ends else None
    test_keys = None
    for artifact in (TRAIN, TEST):  # the leak rule: a labelled or test pair is never an observed edge
        frame = frames[artifact]
        if frame is None or not set(ENDS) <= set(frame.columns):
            continue
        pairs = pd.DataFrame({"pair": pair_keys(frame)})
        rules = _no_edge(edge_keys, "a held-out pair is not an edge of edges.csv (no answer in the public graph)")
        if artifact == TRAIN:
            test_frame = frames[TEST]
            test_keys = sorted(set(pair_keys(test_frame))) if test_frame is not None and set(ENDS) <= set(
                test_frame.columns) else None
            rules += _no_edge(test_keys, "a labelled pair is not also a test pair")
        out.append(ArtifactCheck(f"{artifact} (pairs vs edges.csv)", pairs, None, rules))
    return out
