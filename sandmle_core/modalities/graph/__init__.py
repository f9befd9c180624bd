"""The graph modality: node classification and link prediction on one graph (a nodes table, an edges table, and
labelled and test nodes, or labelled and test node pairs).

`rule` holds the hidden generating process (`GraphRule`: a degree-corrected planted partition with homophily,
degree skew and noisy node attributes), `drafter` draws it from a domain's graph vocabulary, `synthesizer` writes
`nodes.csv`, `edges.csv`, `train.csv` (node id + label) and `test.csv` (node ids) at any scale, `ladder` writes the
scripts from the class prior to label propagation and an ensemble. `link_rule`, `link_drafter`, `link_synthesizer`
and `link_ladder` do the same for link prediction (a latent-space rule; pair tables `id, source, target`; a ladder
from the prior through the neighbourhood heuristics to an ensemble). `KIT` is what the registry sees.

Imports: `sandmle_core.modalities.base`, the shared vocabulary, and its own modules.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sandmle_core.modalities.base import ModalityKit, framing_variant
from sandmle_core.modalities.graph import drafter, ladder, synthesizer
from sandmle_core.modalities.graph.drafter import ID_COLUMN
from sandmle_core.modalities.graph.link_drafter import ENDS, is_link_profile, link_story, link_words
from sandmle_core.modalities.graph.rule import GraphRule
from sandmle_core.modalities.graph.synthesizer import EDGES_FILE, NODES_FILE
from sandmle_core.spec import Challenge, Modality, TaskType

if TYPE_CHECKING:
    import pandas as pd

    from sandmle_core.catalog.schema import Domain
    from sandmle_core.profile import FeatureProfile, TaskProfile
    from sandmle_core.taskspec import TaskSpec

__all__ = ["EDGES_FILE", "ENDS", "ID_COLUMN", "KIT", "NODES_FILE", "is_graph", "is_link_prediction"]


def is_graph(spec: TaskSpec) -> bool:
    """Whether a spec is a node-classification task (its node columns live in nodes.csv, not train.csv): a graph
    spec that is not link prediction, whether sandmle's `GraphRule` or the Claude developer's generator program (a
    `script` rule) writes its files."""
    return spec.modality == Modality.GRAPH and not is_link_prediction(spec)


def is_link_prediction(spec: TaskSpec) -> bool:
    """Whether a spec is a link-prediction task (its rows are node pairs; the node columns live in nodes.csv)."""
    return isinstance(spec.rule, GraphRule) and spec.rule.links is not None


def _profile_details(train: pd.DataFrame, public: Sequence[FeatureProfile], n_test: int) -> dict[str, Any]:
    """`graph_task: link` when the labelled table's rows are node pairs: it holds both end columns of the seed's
    edges.csv (read from the seed's public folder, which the profiler puts in `train.attrs`)."""
    folder = train.attrs.get("public_dir")
    edges = Path(folder) / EDGES_FILE if folder else None
    if edges is None or not edges.is_file():
        return {}
    import pandas as pd

    ends = [str(c) for c in pd.read_csv(edges, nrows=0).columns[:2]]
    if len(ends) == 2 and set(ends) <= {str(c) for c in train.columns}:
        return {"graph_task": "link", "pair_columns": ends}
    return {}


def _suits(domain: Domain, profile: TaskProfile) -> bool:
    """A link-prediction seed is drafted in the domains with a link vocabulary, a node-classification one in those
    with a graph vocabulary."""
    return domain.links is not None if is_link_profile(profile) else domain.graph is not None


def _detects(kinds: Sequence[str]) -> bool:
    return False  # a node table's columns look tabular: a graph seed declares its modality (or ships edges.csv)


def _hosts(domain: Domain, task_type: TaskType, min_classes: int) -> bool:
    if task_type == TaskType.BINARY and domain.links is not None:  # link prediction (`_suits` tells the two apart)
        return True
    if domain.graph is None:
        return False
    return task_type == TaskType.BINARY or (task_type == TaskType.MULTICLASS
                                            and len(domain.graph.classes) >= max(3, min_classes))


def _row_entity(domain: Domain) -> str:
    words = link_words(domain) if domain.graph is None else None
    return domain.graph.node if domain.graph is not None else words.node if words is not None else domain.entity


def _row_noun(spec: TaskSpec) -> str:
    if is_link_prediction(spec):
        return "one pair of nodes (identified by its pair id; `source` and `target` are the two nodes)"
    return "one node of the graph (identified by its node id)"


def _link_files(spec: TaskSpec, files: list[str]) -> list[str]:
    id_col, label = spec.grading.id_column, spec.target.columns[0]
    return [
        "- `nodes.csv` — every node of the graph, one row each: `node_id` and the node attributes listed below.",
        "- `edges.csv` — the observed graph, one edge per row: `source` and `target` are the `node_id`s of the two "
        "ends. The graph is undirected: each pair appears once, the smaller id first. Some true links were held "
        "out of it: the pairs below are never edges of this file.",
        f"- `train.csv` — {spec.n_train} labelled pairs: `{id_col}`, `source`, `target` (the two nodes, smaller id "
        f"first) and `{label}` (1 for a held-out true link, 0 for a pair that is not linked).",
        f"- `test.csv` — {spec.n_test} pairs to score: `{id_col}`, `source`, `target`.",
        *files[2:],
    ]


def _data_files(spec: TaskSpec, files: list[str]) -> list[str]:
    if is_link_prediction(spec):
        return _link_files(spec, files)
    id_col = spec.grading.id_column
    return [
        f"- `nodes.csv` — every node of the graph, one row each: `{id_col}` and the node attributes listed below "
        "(labelled, test and unlabelled nodes alike).",
        f"- `edges.csv` — the edges, one row each: `source` and `target` are the `{id_col}`s of the two ends. The "
        "graph is undirected: each pair appears once, the smaller id first.",
        f"- `train.csv` — {spec.n_train} labelled nodes: `{id_col}` and the target.",
        f"- `test.csv` — {spec.n_test} nodes to classify: `{id_col}` only. Nodes in neither file are unlabelled; "
        "their attributes and edges are part of the graph.",
        *files[2:],
    ]


def _story(domain: Domain) -> str:
    """A graph framing: the organisation's network, what its nodes and edges are, and the purpose. Which nodes are
    meant comes before the target, whose phrase can be long ("to tell whether the cell was flagged congested in the
    last capacity review for the others" read as a review of the others)."""
    vocab = domain.graph
    if vocab is None:  # a domain whose only network is a link-prediction one
        words = link_words(domain)
        return link_story(domain, words) if words is not None else domain.story
    org, purpose = domain.organisation, vocab.purpose
    if framing_variant(domain, 2) == 0:
        return (f"{org} keeps {vocab.network}, in which each node is {vocab.node} and two nodes are linked when "
                f"{vocab.edge}. For the nodes nobody has labelled yet, it wants to tell {{target}} from their "
                f"attributes and their place in the graph, so that {purpose}.")
    return (f"{org} has built {vocab.network}: each node is {vocab.node}, and an edge means {vocab.edge}. Only some "
            f"nodes carry a label; for the others, the task is to tell {{target}} from the node attributes and the "
            f"links, so that {purpose}.")


KIT = ModalityKit.assemble(
    drafter, synthesizer, ladder, modality=Modality.GRAPH, rule_model=GraphRule, test_rows=(150, 300),
    extra_challenges=(Challenge.LABEL_NOISE, Challenge.IRRELEVANT_FEATURES),
    detects=_detects, hosts=_hosts, row_entity=_row_entity, row_noun=_row_noun, data_files=_data_files,
    story_template=_story, profile_details=_profile_details, suits=_suits)
