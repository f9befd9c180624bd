"""Synthesizing a link-prediction environment: a latent-space graph, held-out edges and labelled node pairs.

`synthesize_links` draws every node's community, degree propensity and latent position, then the edges (vectorised:
the first end by propensity, `candidates` second ends by community and propensity, one of them kept by latent
distance), holds out some true edges as the positive pairs, samples non-edges as the negatives (some of them pairs
of well-connected nodes), and writes `nodes.csv` (node id + attributes), `edges.csv` (the observed graph: every true
edge but the held-out ones), `train.csv` (`id`, `source`, `target`, label), `test.csv` (`id`, `source`, `target`),
the answers and the oracle (the rule's own score of each pair). A labelled pair is never an edge of `edges.csv`.
Node and pair ids are random permutations; every draw comes from the slot's streams (`SlotStreams`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sandmle_core.envfolder import EnvFolder
from sandmle_core.errors import SpecError
from sandmle_core.modalities.base import SynthesisResult, scaled_into_range
from sandmle_core.modalities.graph.link_drafter import ENDS
from sandmle_core.modalities.graph.rule import GraphRule, NodeFeature
from sandmle_core.modalities.graph.synthesizer import EDGES_FILE, NODES_FILE, _draw_from
from sandmle_core.modalities.graph.synthesizer import _attribute as _node_attribute
from sandmle_core.slots import SlotStreams

if TYPE_CHECKING:
    from sandmle_core.taskspec import TaskSpec

__all__ = ["synthesize_links"]


def _cells(community: np.ndarray, z: np.ndarray, k: int, parts: int) -> tuple[list[np.ndarray], np.ndarray]:
    """The cells a same-community second end is drawn from, and each node's cell: its community at the spec's
    micro size (`parts` = 1); at `parts` times that size, `parts` runs of the community's nodes along the first
    latent axis, each as big as the micro community, so that a same-community candidate is as near (and shared
    neighbours as common) as in the micro graph."""
    groups: list[np.ndarray] = []
    cell = np.empty(len(community), dtype=np.int64)
    for j in range(k):
        nodes = np.flatnonzero(community == j)
        ordered = nodes[np.argsort(z[nodes, 0], kind="stable")]
        for chunk in ([nodes] if parts == 1 else [np.sort(c) for c in np.array_split(ordered, parts)]):
            cell[chunk] = len(groups)
            groups.append(chunk)
    return groups, cell


def _edges(rule: GraphRule, community: np.ndarray, theta: np.ndarray, z: np.ndarray, rng: np.random.Generator,
           parts: int = 1) -> np.ndarray:
    """Undirected edges (node index pairs, smaller first, each once, no self-loops), sorted."""
    links, n, k = rule.links, len(community), len(rule.class_priors)
    m, r = round(n * rule.mean_degree / 2), links.candidates
    members = [np.flatnonzero(community == j) for j in range(k)]
    src = _draw_from(theta, [np.arange(n)], np.zeros(m, dtype=np.int64), rng)
    own = np.repeat(community[src][:, None], r, axis=1)
    other = (own + rng.integers(1, k, size=own.shape)) % k
    same = rng.random(own.shape) < rule.homophily
    groups, cell = _cells(community, z, k, parts)
    if len(groups) == k:  # one cell per community (micro scale)
        cand = _draw_from(theta, members, np.where(same, own, other).ravel(), rng).reshape(m, r)
    else:  # same community: the source's cell; another community: any of its nodes
        which = np.where(same, np.repeat(cell[src][:, None], r, axis=1), len(groups) + other)
        cand = _draw_from(theta, groups + members, which.ravel(), rng).reshape(m, r)
    dist2 = ((z[src][:, None, :] - z[cand]) ** 2).sum(axis=2)
    weight = np.exp(-dist2 / (2 * links.locality ** 2)) + 1e-12
    cum = np.cumsum(weight, axis=1)
    pick = np.minimum((rng.random((m, 1)) * cum[:, -1:] > cum).sum(axis=1), r - 1)
    dst = cand[np.arange(m), pick]
    pairs = np.stack([np.minimum(src, dst), np.maximum(src, dst)], axis=1)
    return np.unique(pairs[pairs[:, 0] != pairs[:, 1]], axis=0)


def _negatives(count: int, n: int, theta: np.ndarray, taken: set[int], hard: float, rng: np.random.Generator
               ) -> np.ndarray:
    """`count` distinct node pairs (smaller first) that are not edges: a share `hard` with both ends drawn by
    propensity (pairs of hubs that are not linked), the rest uniformly."""
    out: list[int] = []
    seen = set(taken)
    cum = np.cumsum(theta)
    while len(out) < count:
        size = 2 * (count - len(out)) + 16
        by_degree = rng.random(size) < hard
        ends = rng.integers(0, n, size=(size, 2))
        weighted = np.searchsorted(cum, rng.random((size, 2)) * cum[-1], side="right").clip(0, n - 1)
        ends = np.where(by_degree[:, None], weighted, ends)
        for a, b in ends:
            key = int(min(a, b)) * n + int(max(a, b))
            if a != b and key not in seen:
                seen.add(key)
                out.append(key)
                if len(out) == count:
                    break
    keys = np.asarray(out, dtype=np.int64)
    return np.stack([keys // n, keys % n], axis=1)


def _attribute(feature: NodeFeature, community: np.ndarray, log_degree: np.ndarray, position: np.ndarray,
               rng: np.random.Generator) -> np.ndarray:
    """One node column: community mean + latent position (`position` = its loadings applied) + degree + noise on
    the latent scale, mapped into the declared range; a categorical column by its community's level logits."""
    if feature.kind == "categorical":
        return _node_attribute(feature, community, log_degree, rng)
    s = np.asarray(feature.class_means)[community] + position + feature.degree_weight * log_degree
    s = s + feature.noise_sd * rng.standard_normal(len(community))
    return scaled_into_range(s, feature.low, feature.high, feature.kind == "integer", feature.decimals)


def _shared_share(observed: np.ndarray, positives: np.ndarray, n: int) -> float:
    """The share of held-out edges whose two ends share a neighbour in the observed graph (how much the
    neighbourhood heuristics can see; about the same at micro and full scale)."""
    from scipy import sparse

    a = sparse.coo_matrix((np.ones(len(observed)), (observed[:, 0], observed[:, 1])), shape=(n, n)).tocsr()
    a = ((a + a.T) > 0).astype(np.float64).tocsr()
    shared = np.asarray(a[positives[:, 0]].multiply(a[positives[:, 1]]).sum(axis=1)).ravel()
    return round(float((shared > 0).mean()), 4) if len(positives) else 0.0


def _oracle_score(rule: GraphRule, pairs: np.ndarray, community: np.ndarray, theta: np.ndarray, z: np.ndarray
                  ) -> np.ndarray:
    """The rule's log-odds-like score of a pair: propensities, community and latent distance."""
    a, b = pairs[:, 0], pairs[:, 1]
    same = community[a] == community[b]
    k = len(rule.class_priors)
    mix = np.where(same, np.log(max(rule.homophily, 1e-6)), np.log(max(1 - rule.homophily, 1e-6) / max(k - 1, 1)))
    dist2 = ((z[a] - z[b]) ** 2).sum(axis=1)
    return np.log(theta[a]) + np.log(theta[b]) + mix - dist2 / (2 * rule.links.locality ** 2)


def synthesize_links(spec: TaskSpec, folder: EnvFolder | Path, *, n_train: int | None = None,
                     n_test: int | None = None) -> SynthesisResult:
    """Write the observed graph, the labelled and test pairs, the answers and the oracle of a link spec.

    Args:
        n_train, n_test: labelled training and test pairs (the spec's micro sizes by default; the graph grows
            with them).

    Raises:
        SpecError: when the spec holds no link rule, or the graph has too few edges to hold the positives out.
    """
    rule = spec.rule
    if not isinstance(rule, GraphRule) or rule.links is None:
        raise SpecError("link synthesis needs a graph rule with a link rule")
    links = rule.links
    n_tr = spec.n_train if n_train is None else int(n_train)
    n_te = spec.n_test if n_test is None else int(n_test)
    k, n = len(rule.class_priors), max(40, round((n_tr + n_te) * links.nodes_per_pair))
    streams = SlotStreams.of(spec)
    community = streams("synth", "classes").choice(k, size=n, p=np.asarray(rule.class_priors) / sum(rule.class_priors))
    theta = np.exp(rule.degree_skew * streams("synth", "degree").standard_normal(n))
    latent = streams("synth", "latent")
    z = latent.normal(0.0, 1.0, (k, links.latent_dim))[community] + latent.normal(
        0.0, links.latent_spread, (n, links.latent_dim))
    parts = max(1, round((n_tr + n_te) / (spec.n_train + spec.n_test)))  # the scale over the spec's micro size
    edges = _edges(rule, community, theta, z, streams("synth", "edges"), parts)
    pos_tr, pos_te = round(links.positive_share * n_tr), round(links.positive_share * n_te)
    if len(edges) < 3 * (pos_tr + pos_te):
        raise SpecError(f"{len(edges)} edges are too few to hold out {pos_tr + pos_te} of them")
    split = streams("synth", "split")
    held = split.choice(len(edges), size=pos_tr + pos_te, replace=False)
    keep = np.ones(len(edges), dtype=bool)
    keep[held] = False
    taken = {int(a) * n + int(b) for a, b in edges}
    negatives = _negatives(n_tr + n_te - pos_tr - pos_te, n, theta, taken, links.hard_negative_share,
                           streams("synth", "negatives"))
    n_neg_tr = n_tr - pos_tr
    pairs = np.concatenate([edges[held[:pos_tr]], negatives[:n_neg_tr], edges[held[pos_tr:]], negatives[n_neg_tr:]])
    label = np.concatenate([np.ones(pos_tr), np.zeros(n_neg_tr), np.ones(pos_te), np.zeros(len(negatives) - n_neg_tr)])
    is_train = np.concatenate([np.ones(n_tr, dtype=bool), np.zeros(n_te, dtype=bool)])

    degree = np.bincount(edges.ravel(), minlength=n)
    log_degree = np.log1p(degree)
    log_degree = (log_degree - log_degree.mean()) / (log_degree.std() or 1.0)
    id_col, target = spec.grading.id_column, spec.target.columns[0]
    ids = streams("synth", "ids").permutation(n).astype(np.int64)
    nodes = pd.DataFrame({"node_id": ids})
    for feature, loading in zip(rule.features, links.loadings, strict=True):
        nodes[feature.name] = _attribute(feature, community, log_degree, z @ np.asarray(loading),
                                         streams("synth", "feature", feature.name))
    ends = np.sort(ids[pairs], axis=1)  # smaller node id first
    pair_ids = streams("synth", "pair-ids").permutation(n_tr + n_te).astype(np.int64)
    table = pd.DataFrame({id_col: pair_ids, ENDS[0]: ends[:, 0], ENDS[1]: ends[:, 1], target: label.astype(np.int64)})
    score = _oracle_score(rule, pairs, community, theta, z)
    oracle = pd.DataFrame({id_col: pair_ids, target: np.round((np.argsort(np.argsort(score)) + 1) / (len(score) + 1),
                                                              6)})

    folder = EnvFolder.of(folder)
    folder.make_data_dirs()
    nodes.sort_values("node_id").to_csv(folder.public / NODES_FILE, index=False)
    observed = np.sort(ids[edges[keep]], axis=1)
    pd.DataFrame(observed, columns=list(ENDS)).sort_values(list(ENDS)).to_csv(folder.public / EDGES_FILE, index=False)
    table[is_train].sort_values(id_col).to_csv(folder.train, index=False)
    test = table[~is_train].sort_values(id_col)
    test[[id_col, *ENDS]].to_csv(folder.test, index=False)
    test[[id_col, target]].to_csv(folder.answers, index=False)
    oracle[~is_train].sort_values(id_col).to_csv(folder.oracle_submission, index=False)
    stats = {"n_nodes": int(n), "n_edges": int(keep.sum()), "held_out_edges": int(pos_tr + pos_te),
             "positives_with_shared_neighbour": _shared_share(edges[keep], edges[held], n),
             "mean_degree": round(float(degree.mean()), 4), "max_degree": int(degree.max()),
             "same_community_edges": round(float((community[edges[:, 0]] == community[edges[:, 1]]).mean()), 4),
             "class_counts_train": {"0": int(n_tr - pos_tr), "1": int(pos_tr)}}
    return SynthesisResult(folder=folder, n_train=n_tr, n_test=n_te, stats=stats)
