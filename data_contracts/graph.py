"""The data contract of a node-classification (graph) environment.

Its tables are shaped differently: `train.csv` holds the node id and the label only, `test.csv` the node id only,
and the node attributes live in `nodes.csv` (every node: labelled, test and unlabelled), the edges in `edges.csv`.
So the contract checks, besides the shared sample-submission and answers suites: train and test ids are nodes of
the graph and disjoint; `nodes.csv` has exactly the id and the declared attribute columns — a label column there
(the test nodes' answers in public) breaks its layout — with unique ids and in-range values; `edges.csv` joins two
distinct nodes of the graph, each pair once, the smaller id first. Ids are compared as text, as the grader does.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sandmle.data_contracts.check import ArtifactCheck, _read
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

from sandmle_core.modalities.graph import EDGES_FILE, NODES_FILE
from sandmle_core.taskspec import TaskSpec

__all__ = ["EDGES", "NODES", "graph_checks", "graph_suites"]

NODES = f"prepared/public/{NODES_FILE}"
EDGES = f"prepared/public/{EDGES_FILE}"
ENDS = ("source", "target")


def _in_graph(column: str, node_ids: list[str] | None) -> list[Expect]:
    if node_ids is None:
        return []
    return [Expect("ExpectColumnValuesToBeInSet", {"column": column, "value_set": node_ids},
                   "a node of the graph (an id of nodes.csv)")]


def graph_suites(spec: TaskSpec, train_ids: list[str] | None, test_ids: list[str] | None,
                 node_ids: list[str] | None, node_values: list[object] | None = None) -> dict[str, list[Expect]]:
    """The expectations of every artifact of a node-classification environment.

    Args:
        spec: the environment's spec (its columns are the node attributes of nodes.csv).
        train_ids, test_ids, node_ids: the ids of train.csv, test.csv and nodes.csv as text, or None when that file
            could not be read (its cross-file expectations are then left out).
        node_values: the ids of nodes.csv as read (numbers stay numbers), which the edges' ends must be; None = the
            text ids.
    """
    id_col, target = spec.grading.id_column, spec.target.columns[0]
    shared = artifact_suites(spec, train_ids=train_ids, test_ids=test_ids)
    nodes_set = None if node_ids is None else sorted(set(node_ids))
    train = [*_layout([id_col, target], "the node id and the label"),
             Expect("ExpectTableRowCountToBeBetween", {"min_value": MIN_TRAIN_ROWS, "max_value": MAX_TRAIN_ROWS},
                    f"micro scale: {MIN_TRAIN_ROWS}–{MAX_TRAIN_ROWS} labelled nodes"),
             Expect("ExpectTableRowCountToEqual", {"value": spec.n_train}, "as many rows as the spec's n_train"),
             *_ids(id_col), *_in_graph(id_col, nodes_set), *_target(spec, target)]
    test = [*_layout([id_col], "the node id only: no label, no attribute"),
            Expect("ExpectTableRowCountToEqual", {"value": spec.n_test}, "as many rows as the spec's n_test"),
            *_ids(id_col), *_in_graph(id_col, nodes_set)]
    if train_ids is not None:
        test.append(Expect("ExpectColumnValuesToNotBeInSet", {"column": id_col, "value_set": sorted(set(train_ids))},
                           "test nodes are not labelled nodes"))
    nodes = [*_layout([id_col, *[c.name for c in spec.columns]], "the node id and the node attributes, no label"),
             Expect("ExpectTableRowCountToBeBetween", {"min_value": spec.n_train + spec.n_test},
                    "every labelled and test node is a node"),
             *_ids(id_col), *[e for c in spec.columns for e in _feature(spec, c, [])]]
    edges = [*_layout(list(ENDS), "the two ends of an edge"),
             *[e for end in ENDS for e in (Expect("ExpectColumnValuesToNotBeNull", {"column": end}, "an end"),
                                           *_in_graph(end, node_values if node_values is not None
                                                      else nodes_set))],
             Expect("ExpectColumnPairValuesAToBeGreaterThanB", {"column_A": "target", "column_B": "source"},
                    "undirected: the smaller id first, and no node linked to itself"),
             Expect("ExpectCompoundColumnsToBeUnique", {"column_list": list(ENDS)}, "each pair once")]
    return {TRAIN: train, TEST: test, SAMPLE_SUBMISSION: shared[SAMPLE_SUBMISSION], ANSWERS: shared[ANSWERS],
            NODES: nodes, EDGES: edges}


def graph_checks(root: Path, spec: TaskSpec) -> list[ArtifactCheck]:
    """Read every artifact of a graph environment and pair it with its expectations."""
    id_col = spec.grading.id_column
    frames: dict[str, pd.DataFrame | None] = {}
    problems: dict[str, str | None] = {}
    for artifact in (TRAIN, TEST, SAMPLE_SUBMISSION, ANSWERS, NODES, EDGES):
        raw, problems[artifact] = _read(root / artifact)
        frames[artifact] = raw if raw is None or artifact == EDGES else prepare_frame(raw, spec, artifact)

    def ids(artifact: str) -> list[str] | None:
        frame = frames[artifact]
        return None if frame is None or id_col not in frame.columns else [str(v) for v in frame[id_col].dropna()]

    raw_nodes, _ = _read(root / NODES)
    values = None if raw_nodes is None or id_col not in raw_nodes.columns else sorted(
        set(raw_nodes[id_col].dropna().tolist()), key=str)
    suites = graph_suites(spec, ids(TRAIN), ids(TEST), ids(NODES), values)
    return [ArtifactCheck(a, frames[a], problems[a], suites[a]) for a in suites]
