"""Drafting a link-prediction environment: a domain's link vocabulary → node columns, a pair label and a rule.

A seed asks for link prediction through its profile (`details["graph_task"] == "link"`: its labelled table is a
pair table whose two end columns are edges.csv's). `draft_links` picks 4–6 node attributes of the domain's link
vocabulary (its own, or its graph vocabulary's), 3–6 communities and the latent-space `LinkRule`. Difficulty is the
calibrated knob the verifier's repairs move, as for node classification: it lowers the homophily (the share of
candidate second ends from the first end's community) and the attributes' community and latent signal, raises the
attributes' noise, the degree skew (hubs), the kernel width (links less local) and the share of degree-drawn
negatives (pairs of hubs that are not linked), and weighs fewer candidates per edge.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from sandmle_core.errors import SpecError
from sandmle_core.modalities.base import Draft, DraftContext, framing_variant, headline
from sandmle_core.modalities.graph.drafter import _KINDS, _feature, _r
from sandmle_core.modalities.graph.link_rule import LinkRule
from sandmle_core.modalities.graph.rule import GraphRule
from sandmle_core.spec import ColumnSpec, TargetSpec, TaskType

if TYPE_CHECKING:
    from sandmle_core.catalog.schema import Domain, FeatureTemplate
    from sandmle_core.profile import TaskProfile

__all__ = ["ENDS", "PAIR_ID", "LinkWords", "draft_links", "is_link_profile", "link_story", "link_words"]

PAIR_ID = "id"
ENDS = ("source", "target")  # the pair table's two end columns, named as edges.csv names them


class LinkWords(NamedTuple):
    """A domain's link vocabulary with the graph vocabulary's words filled in."""

    network: str
    node: str
    edge: str
    features: tuple[FeatureTemplate, ...]
    label: str
    label_description: str
    purpose: str  # the story's "so that" clause: what knowing the links is for


def is_link_profile(profile: TaskProfile | None) -> bool:
    """Whether a seed's profile asks for link prediction (its labelled rows are node pairs)."""
    return profile is not None and (profile.details or {}).get("graph_task") == "link"


def link_words(domain: Domain) -> LinkWords | None:
    """The link vocabulary of a domain, or None when it has none."""
    links, graph = domain.links, domain.graph
    if links is None:
        return None
    return LinkWords(links.network or graph.network, links.node or graph.node, links.edge or graph.edge,
                     links.features or graph.features, links.label, links.label_description, links.purpose)


def link_story(domain: Domain, words: LinkWords) -> str:
    """The overview template (`{target}` placeholder) of a link task in this domain: its network, nodes and edges."""
    org, purpose = domain.organisation, words.purpose
    if framing_variant(domain, 2) == 0:
        return (f"{org} keeps {words.network}, in which each node is {words.node} and two nodes are linked when "
                f"{words.edge}. Some links are missing from the graph it shares; it wants to tell {{target}} for "
                f"pairs of nodes, from the rest of the graph and the nodes' attributes, so that {purpose}.")
    return (f"{org} has built {words.network}: each node is {words.node}, and an edge means {words.edge}. Some "
            f"true links were held back; the task is to tell {{target}} for a list of node pairs, so that {purpose}.")


def draft_links(ctx: DraftContext) -> Draft:
    """Draft the node columns, the pair label and the hidden latent-space rule of a link-prediction environment.

    Raises:
        SpecError: when the domain has no link vocabulary or the seed is not a binary (link / no link) task.
    """
    words = link_words(ctx.domain)
    if words is None:
        raise SpecError(f"domain {ctx.domain.key!r} has no link vocabulary")
    if ctx.dna.task_type != TaskType.BINARY:
        raise SpecError(f"link prediction is a binary task, the seed is {ctx.dna.task_type}")
    rng, d = ctx.rng, 0.75 * float(ctx.difficulty)  # calibrated as node classification's knob
    k = int(rng.integers(3, 7))
    n_features = int(rng.integers(4, min(6, len(words.features)) + 1))
    chosen = sorted(rng.choice(len(words.features), size=n_features, replace=False).tolist())
    signal, noise = (0.8 - 0.4 * d) * rng.uniform(0.85, 1.15), 0.7 + 0.9 * d
    hub = int(rng.choice(chosen))  # one attribute also follows the node's degree
    features = tuple(_feature(words.features[i], rng, k, signal, noise, True,
                              rng.uniform(0.3, 0.7) if i == hub and words.features[i].kind != "categorical" else 0.0)
                     for i in chosen)
    dim = int(rng.integers(2, 4))
    loadings = tuple(tuple(_r(v, 3) for v in (rng.normal(0.0, 1.0, dim) * (1.2 - 0.5 * d)
                                             if f.kind != "categorical" else np.zeros(dim))) for f in features)
    shares = rng.dirichlet(np.full(k, 4.0))
    shares = np.maximum(shares, 0.08) / np.maximum(shares, 0.08).sum()
    priors = (*[_r(s) for s in shares[:-1]], _r(1.0 - sum(_r(s) for s in shares[:-1])))
    links = LinkRule(
        nodes_per_pair=_r(rng.uniform(0.8, 1.4), 3), latent_dim=dim, latent_spread=_r(rng.uniform(0.6, 0.9), 3),
        locality=_r((0.45 + 0.6 * d) * rng.uniform(0.9, 1.1)), candidates=round(10 - 6 * d),
        loadings=loadings, positive_share=_r(rng.uniform(0.3, 0.5), 3),
        hard_negative_share=_r(float(np.clip((0.1 + 0.5 * d) * rng.uniform(0.8, 1.2), 0.0, 0.9)), 3))
    rule = GraphRule(
        unlabelled_share=0.0, class_priors=priors, mean_degree=_r(rng.uniform(5.0, 10.0), 3),
        homophily=_r(float(np.clip((0.9 - 0.45 * d) * rng.uniform(0.92, 1.08), 0.3, 0.95))),
        degree_skew=_r((0.3 + 0.8 * d) * rng.uniform(0.8, 1.2)), class_degree=(1.0,) * k, features=features,
        links=links)
    by_name = {t.name: t for t in words.features}
    columns = tuple(ColumnSpec(name=f.name, kind=_KINDS[f.kind], unit=by_name[f.name].unit, levels=f.levels,
                               description=by_name[f.name].description) for f in features)
    target = TargetSpec(columns=(words.label,), description=words.label_description, classes=("0", "1"),
                        positive_class="1")
    what = words.label_description.split(", 0 ")[0]
    what = "whether " + what[len("1 if "):] if what.startswith("1 if ") else what
    title = f"{ctx.domain.title}: {headline(what[0].upper() + what[1:])} (Link Prediction)"
    return Draft(id_column=PAIR_ID, columns=columns, target=target, rule=rule, title=title,
                 story_template=link_story(ctx.domain, words))
