"""Synthesizing a node-classification environment: nodes, edges, the labelled and the test nodes, at any scale.

`synthesize` draws every node's latent class, its degree propensity and attributes, then the edges (vectorised,
end by end, so tens of thousands of nodes take well under a second), and writes the public files — `nodes.csv`
(node id + attributes, every node), `edges.csv` (`source`, `target`: undirected, each pair once, smaller id first),
`train.csv` (node id + label of the labelled nodes), `test.csv` (node ids to predict) — and the private answers and
oracle (the latent class). Node ids are a random permutation, so neither ids nor file order say anything about a
node's class or split. Every draw comes from the slot's streams (`SlotStreams`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sandmle_core.envfolder import EnvFolder
from sandmle_core.errors import SpecError
from sandmle_core.metrics import get_metric
from sandmle_core.modalities.base import SynthesisResult, scaled_into_range
from sandmle_core.modalities.graph.rule import GraphRule, NodeFeature
from sandmle_core.slots import SlotStreams

if TYPE_CHECKING:
    from sandmle_core.taskspec import TaskSpec

__all__ = ["EDGES_FILE", "NODES_FILE", "synthesize"]

NODES_FILE = "nodes.csv"
EDGES_FILE = "edges.csv"
ORACLE_CONFIDENCE = 0.9  # the oracle's probability of the latent class (the rest spread over the others)


def _draw_from(weights: np.ndarray, members: list[np.ndarray], which: np.ndarray, rng: np.random.Generator
               ) -> np.ndarray:
    """For every entry of `which` (a class index), one node of that class drawn in proportion to `weights`."""
    out = np.empty(len(which), dtype=np.int64)
    for j, nodes in enumerate(members):
        hit = np.flatnonzero(which == j)
        if not len(hit):
            continue
        if not len(nodes):
            raise SpecError(f"class {j} has no node to connect to")
        cum = np.cumsum(weights[nodes])
        out[hit] = nodes[np.minimum(np.searchsorted(cum, rng.random(len(hit)) * cum[-1], side="right"),
                                    len(nodes) - 1)]
    return out


def _edges(rule: GraphRule, latent: np.ndarray, theta: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Undirected edges (pairs of node indexes, smaller first, each once, no self-loops), sorted."""
    n, k = len(latent), len(rule.class_priors)
    m = round(n * rule.mean_degree / 2)
    members = [np.flatnonzero(latent == j) for j in range(k)]
    mass = np.array([theta[nodes].sum() for nodes in members])
    src = _draw_from(theta, [np.arange(n)], np.zeros(m, dtype=np.int64), rng)
    same = rng.random(m) < rule.homophily
    other = np.empty(m, dtype=np.int64)
    for j in range(k):  # another class than the source's, in proportion to its propensity mass
        hit = np.flatnonzero(latent[src] == j)
        p = mass.copy()
        p[j] = 0.0
        other[hit] = rng.choice(k, size=len(hit), p=p / p.sum()) if p.sum() > 0 else j
    dst = _draw_from(theta, members, np.where(same, latent[src], other), rng)
    pairs = np.stack([np.minimum(src, dst), np.maximum(src, dst)], axis=1)
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    return np.unique(pairs, axis=0)


def _attribute(feature: NodeFeature, latent: np.ndarray, log_degree: np.ndarray, rng: np.random.Generator
               ) -> np.ndarray:
    """One node column: class signal + degree + noise on the latent scale, mapped into the declared range."""
    n = len(latent)
    if feature.kind == "categorical":
        logits = np.asarray(feature.level_logits)[latent]
        p = np.exp(logits - logits.max(axis=1, keepdims=True))
        cum = np.cumsum(p / p.sum(axis=1, keepdims=True), axis=1)
        index = np.minimum((rng.random((n, 1)) > cum).sum(axis=1), cum.shape[1] - 1)
        return np.asarray(feature.levels, dtype=object)[index]
    s = np.asarray(feature.class_means)[latent] + feature.degree_weight * log_degree
    s = s + feature.noise_sd * rng.standard_normal(n)
    return scaled_into_range(s, feature.low, feature.high, feature.kind == "integer", feature.decimals)


def _observed(latent: np.ndarray, k: int, noise: float, rng: np.random.Generator) -> np.ndarray:
    """Labels as recorded: the latent class, or (with probability `noise`) one of the other classes."""
    flip = rng.random(len(latent)) < noise
    shift = rng.integers(1, k, size=len(latent)) if k > 1 else np.zeros(len(latent), dtype=np.int64)
    return np.where(flip, (latent + shift) % k, latent)


def _oracle(spec: TaskSpec, latent: np.ndarray) -> dict[str, np.ndarray]:
    """The rule's prediction in submission format: the latent class, or probabilities that favour it."""
    classes = list(spec.target.classes or ())
    k, kind = len(classes), get_metric(spec.grading.metric).kind
    if kind == "label":
        return {spec.grading.submission_columns[0]: np.asarray(classes, dtype=object)[latent]}
    probs = np.full((len(latent), k), (1.0 - ORACLE_CONFIDENCE) / (k - 1))
    probs[np.arange(len(latent)), latent] = ORACLE_CONFIDENCE
    if kind == "probability":  # binary: the probability of the positive (second) class
        return {spec.grading.submission_columns[0]: np.round(probs[:, 1], 6)}
    return {c: np.round(probs[:, j], 6) for j, c in enumerate(spec.grading.submission_columns)}


def _labels(spec: TaskSpec, index: np.ndarray) -> np.ndarray:
    """Class indexes as the files hold them: 0/1 integers for a binary task, the class names otherwise."""
    classes = list(spec.target.classes or ())
    return index.astype(np.int64) if classes == ["0", "1"] else np.asarray(classes, dtype=object)[index]


def synthesize(spec: TaskSpec, folder: EnvFolder | Path, *, n_train: int | None = None, n_test: int | None = None
               ) -> SynthesisResult:
    """Write the graph, the labelled and test nodes, the answers and the oracle of `spec`.

    Args:
        n_train, n_test: labelled training and test nodes (the spec's micro sizes by default; any size works, the
            unlabelled nodes and the edges grow with them).

    Raises:
        SpecError: when the spec does not hold a graph rule or the sizes are not usable.
    """
    rule = spec.rule
    if not isinstance(rule, GraphRule):
        raise SpecError(f"graph synthesis needs a graph rule, got {rule.kind!r}")
    if rule.links is not None:  # link prediction: pairs of nodes, not nodes, are labelled
        from sandmle_core.modalities.graph.link_synthesizer import synthesize_links

        return synthesize_links(spec, folder, n_train=n_train, n_test=n_test)
    n_tr = spec.n_train if n_train is None else int(n_train)
    n_te = spec.n_test if n_test is None else int(n_test)
    if n_tr < 2 or n_te < 1:
        raise SpecError(f"a graph task needs at least 2 labelled and 1 test node, got {n_tr} and {n_te}")
    k = len(rule.class_priors)
    n = n_tr + n_te + round((n_tr + n_te) * rule.unlabelled_share)
    streams = SlotStreams.of(spec)
    priors = np.asarray(rule.class_priors) / np.sum(rule.class_priors)
    latent = streams("synth", "classes").choice(k, size=n, p=priors)
    z = streams("synth", "degree").standard_normal(n)
    theta = np.asarray(rule.class_degree)[latent] * np.exp(rule.degree_skew * z)
    pairs = _edges(rule, latent, theta, streams("synth", "edges"))
    degree = np.bincount(pairs.ravel(), minlength=n)
    log_degree = np.log1p(degree)
    log_degree = (log_degree - log_degree.mean()) / (log_degree.std() or 1.0)

    id_col, target = spec.grading.id_column, spec.target.columns[0]
    ids = streams("synth", "ids").permutation(n).astype(np.int64)  # node i is called ids[i]
    nodes = pd.DataFrame({id_col: ids})
    for feature in rule.features:
        nodes[feature.name] = _attribute(feature, latent, log_degree, streams("synth", "feature", feature.name))
    order = streams("synth", "split").permutation(n)
    train_idx, test_idx = np.sort(order[:n_tr]), np.sort(order[n_tr:n_tr + n_te])
    observed = _observed(latent, k, rule.label_noise, streams("synth", "label-noise"))

    folder = EnvFolder.of(folder)
    folder.make_data_dirs()
    nodes.sort_values(id_col).to_csv(folder.public / NODES_FILE, index=False)
    edges = pd.DataFrame({"source": ids[pairs[:, 0]], "target": ids[pairs[:, 1]]})
    swap = edges["source"] > edges["target"]
    edges.loc[swap, ["source", "target"]] = edges.loc[swap, ["target", "source"]].to_numpy()
    edges.sort_values(["source", "target"]).to_csv(folder.public / EDGES_FILE, index=False)
    train = pd.DataFrame({id_col: ids[train_idx], target: _labels(spec, observed[train_idx])}).sort_values(id_col)
    test = pd.DataFrame({id_col: ids[test_idx], target: _labels(spec, observed[test_idx])}).sort_values(id_col)
    train.to_csv(folder.train, index=False)
    test[[id_col]].to_csv(folder.test, index=False)
    test.to_csv(folder.answers, index=False)
    oracle = pd.DataFrame({id_col: ids[test_idx], **_oracle(spec, latent[test_idx])}).sort_values(id_col)
    oracle.to_csv(folder.oracle_submission, index=False)
    stats = {"n_nodes": int(n), "n_edges": len(pairs), "mean_degree": round(float(degree.mean()), 4),
             "max_degree": int(degree.max()) if n else 0, "isolated_nodes": int((degree == 0).sum()),
             "same_class_edges": round(float((latent[pairs[:, 0]] == latent[pairs[:, 1]]).mean()), 4)
             if len(pairs) else 0.0,
             "class_counts_train": {str(c): int(v) for c, v in zip(*np.unique(observed[train_idx], return_counts=True),
                                                                      strict=True)}}
    return SynthesisResult(folder=folder, n_train=n_tr, n_test=n_te, stats=stats)


def node_tables(spec: TaskSpec, public: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """train.csv and test.csv with every nodes.csv column joined to their node ids, for code that reasons over rows
    (the verifier's single-column leak check). A nodes.csv column named like the target is kept apart as
    `<name> (nodes.csv)`, so a label planted there shows up as a column of its own."""
    id_col = spec.grading.id_column
    train, test = pd.read_csv(public / "train.csv"), pd.read_csv(public / "test.csv")
    nodes = pd.read_csv(public / NODES_FILE)
    nodes = nodes.rename(columns={c: f"{c} ({NODES_FILE})" for c in nodes.columns
                                  if c != id_col and (c in train.columns or c in test.columns)})
    nodes = nodes.assign(**{id_col: nodes[id_col].astype(str)}).rename(columns={id_col: "__node__"})

    def joined(frame: pd.DataFrame) -> pd.DataFrame:  # ids matched as text; the frame keeps its own id values
        keyed = frame.assign(__node__=frame[id_col].astype(str))
        return keyed.merge(nodes, on="__node__", how="left").drop(columns="__node__")

    return joined(train), joined(test)
