"""The hidden rule of a graph (node classification) environment: a degree-corrected planted-partition graph.

Every node has a latent class drawn from `class_priors`. Its degree propensity is `class_degree[class] * exp(sigma * z)`
(`sigma` = `degree_skew`: hubs appear as it grows, and a class may be better connected than another). Edges are
drawn end by end in proportion to the propensities: with probability `homophily` both ends share a class, otherwise
the second end comes from another class. Node features are class signal plus noise (`NodeFeature`); a training
label is the latent class, flipped to another class with probability `label_noise`. The latent class is the oracle.

A link-prediction task sets `links` (`LinkRule`, link_rule.py): the classes are then communities, never a label.

The rule is scale-free: `unlabelled_share` and `mean_degree` are relative, so one rule gives a micro graph of a few
hundred nodes or a full one of tens of thousands.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sandmle_core.modalities.graph.link_rule import LinkRule

__all__ = ["GraphRule", "LinkRule", "NodeFeature"]


class NodeFeature(BaseModel):
    """One public node column of nodes.csv and how it is generated.

    Numeric and integer columns are `mid + half * s / 3` on the latent scale `s = class_means[class] + degree_weight *
    standardized log-degree + noise_sd * N(0, 1)`, clipped to [low, high] and rounded to `decimals`. A categorical
    column draws its level from `softmax(level_logits[class])`.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    kind: Literal["numeric", "integer", "categorical"]
    low: float = 0.0
    high: float = 1.0
    decimals: int = Field(default=2, ge=0, le=6)
    levels: tuple[str, ...] | None = None
    class_means: tuple[float, ...] = ()
    level_logits: tuple[tuple[float, ...], ...] = ()
    degree_weight: float = 0.0
    noise_sd: float = Field(default=1.0, ge=0.0)


class GraphRule(BaseModel):
    """The hidden generating process of one node-classification environment.

    Attributes:
        unlabelled_share: nodes in neither train.csv nor test.csv, per labelled (train + test) node.
        class_priors: the latent class shares, in the target's class order.
        mean_degree: edges per node times two (each edge counts at both ends), before duplicates are dropped.
        homophily: the share of edges whose two ends share a latent class (1 / classes is no homophily).
        degree_skew: sigma of the log-normal degree propensity.
        class_degree: per-class factor on the degree propensity (structural signal).
        features: the node feature columns, in nodes.csv order.
        label_noise: the probability that a training (and test) label is another class than the latent one.
        links: a link-prediction task's latent-space link rule (the classes are then its communities); left out of
            the serialised rule when None, so node-classification specs keep their content hash.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["graph"] = "graph"
    unlabelled_share: float = Field(ge=0.0, le=5.0)
    class_priors: tuple[float, ...] = Field(min_length=2)
    mean_degree: float = Field(gt=0.5, le=60.0)
    homophily: float = Field(ge=0.0, le=1.0)
    degree_skew: float = Field(ge=0.0, le=2.0)
    class_degree: tuple[float, ...] = Field(min_length=2)
    features: tuple[NodeFeature, ...] = ()
    label_noise: float = Field(default=0.0, ge=0.0, le=0.4)
    links: LinkRule | None = Field(default=None, exclude_if=lambda links: links is None)

    @model_validator(mode="after")
    def _per_class(self) -> GraphRule:
        k = len(self.class_priors)
        if len(self.class_degree) != k:
            raise ValueError("class_degree needs one factor per class")
        for f in self.features:
            if f.kind == "categorical" and (not f.levels or len(f.level_logits) != k
                                            or any(len(row) != len(f.levels) for row in f.level_logits)):
                raise ValueError(f"categorical feature {f.name!r} needs one logit row per class and level")
            if f.kind != "categorical" and len(f.class_means) != k:
                raise ValueError(f"feature {f.name!r} needs one class mean per class")
        if self.links is not None and (len(self.links.loadings) != len(self.features) or any(
                len(row) != self.links.latent_dim for row in self.links.loadings)):
            raise ValueError("a link rule needs one loading row of latent_dim weights per node feature")
        return self
