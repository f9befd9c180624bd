"""Drafting a node-classification environment: a domain's graph vocabulary → public node columns and a `GraphRule`.

`draft` picks 3–6 node attributes of the domain's graph vocabulary (`GraphVocab.features`), the target (the binary
`detect` property, or 3+ of the domain's node classes for a multi-class seed) and the hidden rule. Difficulty is the
calibrated knob the verifier's repairs move: it lowers homophily (the share of same-class edges) and the class signal
of the node attributes, raises the attributes' noise and the degree skew (hubs); drawn challenges add label noise,
irrelevant attributes and class imbalance.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sandmle_core.errors import SpecError
from sandmle_core.modalities.base import Draft, DraftContext, class_count_range, headline
from sandmle_core.modalities.graph.rule import GraphRule, NodeFeature
from sandmle_core.spec import Challenge, ColumnKind, ColumnSpec, TargetSpec, TaskType

if TYPE_CHECKING:
    from sandmle_core.catalog.schema import FeatureTemplate, GraphVocab

__all__ = ["ID_COLUMN", "draft"]

ID_COLUMN = "node_id"
_KINDS = {"numeric": ColumnKind.NUMERIC, "integer": ColumnKind.INTEGER, "categorical": ColumnKind.CATEGORICAL}


def _r(value: float, digits: int = 4) -> float:
    return round(float(value), digits)


def _priors(ctx: DraftContext, k: int) -> tuple[float, ...]:
    """Class shares: the seed's minority share for a binary task (lower under class imbalance), a Dirichlet draw
    with every class at 6% or more otherwise."""
    rng = ctx.rng
    if k == 2:
        seed_share = ctx.dna.min_class_share or 0.35
        share = float(np.clip(seed_share * rng.uniform(0.7, 1.1), 0.3, 0.5))
        if Challenge.CLASS_IMBALANCE in ctx.challenges:
            share = min(share, float(rng.uniform(0.15, 0.25)))
        return (_r(1.0 - share), _r(share))
    shares = rng.dirichlet(np.full(k, 5.0 if Challenge.CLASS_IMBALANCE not in ctx.challenges else 1.5))
    shares = np.maximum(shares, 0.06)
    shares = shares / shares.sum()
    rounded = [_r(s) for s in shares[:-1]]
    return (*rounded, _r(1.0 - sum(rounded)))


def _feature(template: FeatureTemplate, rng: np.random.Generator, k: int, signal: float, noise: float,
             relevant: bool, degree_weight: float) -> NodeFeature:
    """One node attribute: class means (or level logits) of strength `signal`, and its noise."""
    if template.kind == "categorical":
        levels = tuple(template.levels or ())
        logits = rng.normal(0.0, 1.1 * signal if relevant else 0.0, size=(k, len(levels)))
        return NodeFeature(name=template.name, kind="categorical", levels=levels,
                           level_logits=tuple(tuple(_r(v, 3) for v in row) for row in logits))
    means = rng.normal(0.0, signal, size=k) if relevant else np.zeros(k)
    span = float(template.high) - float(template.low)
    decimals = 0 if template.kind == "integer" else int(np.clip(2 - np.floor(np.log10(max(span, 1e-6))) + 1, 0, 4))
    return NodeFeature(name=template.name, kind=template.kind, low=float(template.low), high=float(template.high),
                       decimals=decimals, class_means=tuple(_r(m, 3) for m in means),
                       degree_weight=_r(degree_weight, 3), noise_sd=_r(noise * rng.uniform(0.85, 1.15), 3))


def _target(ctx: DraftContext, vocab: GraphVocab) -> TargetSpec:
    if ctx.dna.task_type == TaskType.BINARY:
        return TargetSpec(columns=(vocab.detect,), description=vocab.detect_description, classes=("0", "1"),
                          positive_class="1")
    low, high = class_count_range(ctx.dna.label_cardinality or 3)
    k = int(ctx.rng.integers(low, min(high, len(vocab.classes)) + 1))
    if k < low:
        raise SpecError(f"domain {ctx.domain.key!r} has {len(vocab.classes)} node classes, the seed needs {low}")
    return TargetSpec(columns=(vocab.label,), description=vocab.label_description, classes=tuple(vocab.classes[:k]))


def draft(ctx: DraftContext) -> Draft:
    """Draft the public node columns, the target and the hidden graph rule of a node-classification environment
    (of a link-prediction one when the seed's profile asks for it: `link_drafter`).

    Raises:
        SpecError: when the domain has no graph vocabulary or too few node classes.
    """
    from sandmle_core.modalities.graph.link_drafter import draft_links, is_link_profile

    if is_link_profile(ctx.profile):  # the seed's labelled rows are node pairs
        return draft_links(ctx)
    vocab = ctx.domain.graph
    if vocab is None:
        raise SpecError(f"domain {ctx.domain.key!r} has no graph vocabulary")
    if ctx.dna.task_type not in (TaskType.BINARY, TaskType.MULTICLASS):
        raise SpecError(f"the graph family drafts binary and multi-class node classification, not {ctx.dna.task_type}")
    rng = ctx.rng
    d = 0.75 * float(ctx.difficulty)  # calibrated: the hardest slots (0.85) stay learnable from ~100 labels
    target = _target(ctx, vocab)
    k = len(target.classes or ())
    n_features = int(rng.integers(3, min(6, len(vocab.features)) + 1))
    chosen = sorted(rng.choice(len(vocab.features), size=n_features, replace=False).tolist())
    irrelevant = set()
    if Challenge.IRRELEVANT_FEATURES in ctx.challenges and n_features > 3:
        irrelevant = {chosen[int(i)] for i in rng.choice(n_features, size=n_features // 3, replace=False)}
    signal = (0.9 - 0.4 * d) * rng.uniform(0.85, 1.15)
    noise = 1.0 + 0.4 * d
    hub = int(rng.choice(chosen))  # one attribute also follows the node's degree (busy nodes look busy)
    features = tuple(_feature(vocab.features[i], rng, k, signal, noise, i not in irrelevant,
                              rng.uniform(0.4, 0.9) if i == hub and vocab.features[i].kind != "categorical" else 0.0)
                     for i in chosen)
    homophily = 1.0 / k + (1.0 - 1.0 / k) * float(np.clip((0.9 - 0.4 * d) * rng.uniform(0.9, 1.1), 0.15, 0.95))
    class_degree = np.exp(rng.normal(0.0, 0.5, size=k))
    rule = GraphRule(
        unlabelled_share=_r(rng.uniform(0.4, 1.6), 3),
        class_priors=_priors(ctx, k),
        mean_degree=_r(rng.uniform(4.0, 10.0), 3),
        homophily=_r(homophily),
        degree_skew=_r((0.2 + 0.7 * d) * rng.uniform(0.8, 1.2)),
        class_degree=tuple(_r(v / np.exp(np.log(class_degree).mean())) for v in class_degree),
        features=features,
        label_noise=_r(rng.uniform(0.03, 0.08)) if Challenge.LABEL_NOISE in ctx.challenges else 0.0,
    )
    by_name = {t.name: t for t in vocab.features}
    columns = tuple(ColumnSpec(name=f.name, kind=_KINDS[f.kind], unit=by_name[f.name].unit, levels=f.levels,
                               description=by_name[f.name].description) for f in features)
    what = target.description.split(", 0 ")[0]
    for prefix in ("1 if ", "1 when "):
        if what.startswith(prefix):
            what = "whether " + what[len(prefix):]
    title = f"{ctx.domain.title}: {headline(what[0].upper() + what[1:])} (Node Classification)"
    return Draft(id_column=ID_COLUMN, columns=columns, target=target, rule=rule, title=title)
