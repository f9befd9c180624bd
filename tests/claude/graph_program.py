"""A graph generator program for the `script` rule tests: node classification from a rule no `GraphRule` can state.

The offline graph family draws a node's label as its latent class, edges by class homophily and attributes as class
signal plus noise. This program's hidden rule is of another shape: the graph has planted communities that are not
the label (two of four raise the log-odds, two lower it), the label also follows an interaction of two of the
node's own attributes and the mean of a third attribute over the node's neighbours, and it is a Bernoulli draw from
the noisy log-odds. It writes the node-classification layout the graph kit reads (`nodes.csv` with every node,
`edges.csv`, node ids in train.csv and test.csv) and an oracle that knows the rule but not the noise, in the
metric's submission format (a 0/1 label or the probability of 1). Like the other fixtures it is what a model would
send: the scaffold's columns and metric kind are read off the prompt (`generators.prompt_schema`) and baked in.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["GRAPH_RULE", "LABEL_IN_NODES", "graph_program"]

GRAPH_RULE = {
    "title": "Member Network: Who Follows Their Circle",
    "story": "A membership organisation keeps a network of its members, linked when they have taken part in an "
             "activity together, and wants to know for the members nobody has asked yet which of them share the "
             "outcome it tracks, so that its staff can plan their calls.",
    "rule_words": "Members fall into four hidden circles; most links stay inside a circle, and circles differ in how "
                  "well connected they are. Two circles raise the log-odds of the outcome and two lower it. The "
                  "product of the first two numeric attributes adds to the log-odds, and so does the average of the "
                  "third numeric attribute over the member's neighbours (not the member's own value). A categorical "
                  "attribute leans towards the circle. Outcomes are Bernoulli draws from the noisy log-odds; about "
                  "as many members again as are labelled or asked about stay unlabelled.",
    "rule_params": {"communities": 4, "mean_degree": 7.0, "inside_share": 0.8, "w_circle": 1.6, "w_inter": 1.2,
                    "w_neighbours": 1.5, "noise": 0.4, "unlabelled_share": 1.0, "circle_lean": 0.6},
}

_GRAPH = r'''"""generate.py: node labels from hidden circles, an attribute interaction and neighbours' attributes."""
import argparse
import json
from pathlib import Path

import numpy as np
import pandas as pd

SCHEMA = json.loads(__SCHEMA__)
P = json.loads(__PARAMS__)


def graph(rng, n):
    """Circles, then undirected edges (index pairs, smaller first, each once): most inside a circle."""
    k = P["communities"]
    circle = rng.integers(0, k, n)
    activity = np.exp(0.4 * rng.normal(0, 1, n)) * (1.0 + 0.5 * (circle % 2))  # odd circles are better connected
    m = int(round(n * P["mean_degree"] / 2))
    cum = np.cumsum(activity)
    src = np.minimum(np.searchsorted(cum, rng.random(m) * cum[-1], side="right"), n - 1)
    dst = np.minimum(np.searchsorted(cum, rng.random(m) * cum[-1], side="right"), n - 1)
    order = np.argsort(circle, kind="stable")  # nodes by circle: a member of circle c is order[start[c] + j]
    start = np.searchsorted(circle[order], np.arange(k + 1))
    size = np.diff(start)
    inside = rng.random(m) < P["inside_share"]
    c = circle[src]
    pick = start[c] + np.floor(rng.random(m) * np.maximum(size[c], 1)).astype(int)
    dst = np.where(inside & (size[c] > 0), order[np.minimum(pick, n - 1)], dst)
    pairs = np.stack([np.minimum(src, dst), np.maximum(src, dst)], axis=1)
    return circle, np.unique(pairs[pairs[:, 0] != pairs[:, 1]], axis=0)


def attributes(rng, n, circle):
    """Node columns: the numeric ones from standard normal latents (returned), a categorical one by circle."""
    cols, z = {}, []
    for f in SCHEMA["features"]:
        v = rng.normal(0.0, 1.0, n)
        if f["kind"] == "categorical":
            levels = np.array(f["levels"])
            lean = rng.random(n) < P["circle_lean"]
            cols[f["name"]] = np.where(lean, levels[circle % len(levels)], levels[rng.integers(0, len(levels), n)])
            continue
        if f["kind"] == "integer":
            cols[f["name"]] = np.round(np.exp(0.5 * v) * 12).astype(int)
        else:
            cols[f["name"]] = np.round(np.exp(0.4 * v) * 30, 3)
        z.append(v)
    while len(z) < 3:  # fewer than three numeric columns: the missing terms are latent
        z.append(rng.normal(0.0, 1.0, n))
    return cols, np.array(z)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--n-train", type=int, required=True)
    ap.add_argument("--n-test", type=int, required=True)
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--scale", choices=["micro", "full"], default="micro")
    a = ap.parse_args()
    rng = np.random.default_rng(a.seed)
    labelled = a.n_train + a.n_test
    n = labelled + int(round(labelled * P["unlabelled_share"]))
    circle, pairs = graph(rng, n)
    cols, z = attributes(rng, n, circle)
    degree = np.bincount(pairs.ravel(), minlength=n)
    neighbour_sum = np.bincount(pairs[:, 0], z[2][pairs[:, 1]], n) + np.bincount(pairs[:, 1], z[2][pairs[:, 0]], n)
    neighbours = neighbour_sum / np.maximum(degree, 1)
    effect = np.where(circle % 2 == 0, 1.0, -1.0)
    logit = P["w_circle"] * effect + P["w_inter"] * z[0] * z[1] + P["w_neighbours"] * neighbours
    y = (rng.random(n) < 1 / (1 + np.exp(-(logit + rng.normal(0, P["noise"], n))))).astype(int)
    __EXTRA__
    ids = 100000 + rng.permutation(n)  # node i is called ids[i]
    split = rng.permutation(n)
    tr, te = np.sort(split[:a.n_train]), np.sort(split[a.n_train:labelled])
    idc, target = SCHEMA["id"], SCHEMA["target"]
    out = Path(a.out)
    (out / "public").mkdir(parents=True)
    (out / "private").mkdir()
    pd.DataFrame({idc: ids, **cols}).sort_values(idc).to_csv(out / "public" / "nodes.csv", index=False)
    ends = np.sort(ids[pairs], axis=1)
    edges = pd.DataFrame({"source": ends[:, 0], "target": ends[:, 1]}).sort_values(["source", "target"])
    edges.to_csv(out / "public" / "edges.csv", index=False)
    pd.DataFrame({idc: ids[tr], target: y[tr]}).sort_values(idc).to_csv(out / "public" / "train.csv", index=False)
    test = pd.DataFrame({idc: ids[te]}).assign(answer=y[te], p=1 / (1 + np.exp(-logit[te]))).sort_values(idc)
    test[[idc]].to_csv(out / "public" / "test.csv", index=False)
    prior = float(y[tr].mean())
    label = SCHEMA["metric_kind"] == "label"
    uninformed = int(prior >= 0.5) if label else round(prior, 6)
    pd.DataFrame({idc: test[idc], target: uninformed}).to_csv(out / "public" / "sample_submission.csv", index=False)
    pd.DataFrame({idc: test[idc], target: test["answer"]}).to_csv(out / "private" / "answers.csv", index=False)
    oracle = (test["p"] >= 0.5).astype(int) if label else test["p"].round(6)
    pd.DataFrame({idc: test[idc], target: oracle}).to_csv(out / "private" / "oracle_submission.csv", index=False)


main()
'''


# the label of every node written into the first numeric node column: nodes.csv then gives the test answers away
# although no file holds a target column
LABEL_IN_NODES = 'cols[[f["name"] for f in SCHEMA["features"] if f["kind"] != "categorical"][0]] = 10 + 20 * y'


def graph_program(schema: dict[str, Any], extra: str = "") -> str:
    """The graph generator for a schema (`generators.prompt_schema`: id, target, node columns, metric kind);
    `extra`: a line run once the labels are drawn (`LABEL_IN_NODES`)."""
    return _GRAPH.replace("__SCHEMA__", repr(json.dumps(schema))).replace(
        "__PARAMS__", repr(json.dumps(GRAPH_RULE["rule_params"]))).replace("__EXTRA__", extra)
