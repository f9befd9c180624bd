"""The hidden rule of a link-prediction environment: which node pairs of a graph are linked (a latent-space model).

A link task keeps `GraphRule`'s planted communities, degree propensities and node attributes (its `class_priors`
are community shares, never a label) and adds `LinkRule`: every node also has a position in a small latent space,
near its community's centre. An edge is drawn end by end: the first end in proportion to the degree propensities,
then `candidates` possible second ends — each from the first end's community with probability `homophily`, else from
another — of which one is kept with probability proportional to `exp(-distance^2 / (2 locality^2))`. So degree, the
community and the latent distance all decide which pairs link; numeric node attributes load on the latent position
(`loadings`) besides the community and noise, so similar nodes tend to link. Some true edges are held out: they are
the positive labelled pairs, and `hard_negative_share` of the sampled non-edges join two well-connected nodes.

Imports: pydantic only.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["LinkRule"]


class LinkRule(BaseModel):
    """The link half of a link-prediction `GraphRule`.

    Attributes:
        nodes_per_pair: nodes of the graph per labelled (train + test) pair, so one rule gives any scale.
        latent_dim: dimensions of the latent space.
        latent_spread: sd of a node's latent position around its community's centre (centres are N(0, 1)).
        locality: width of the distance kernel (small = links stay local: more shared neighbours).
        candidates: second ends weighed per edge (more = the latent distance matters more).
        loadings: per node attribute (nodes.csv order), its weight on each latent dimension (zeros: categorical).
        positive_share: share of held-out true edges among the labelled pairs.
        hard_negative_share: share of the non-edge pairs whose two ends are drawn by degree (not uniformly).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    nodes_per_pair: float = Field(ge=0.3, le=4.0)
    latent_dim: int = Field(ge=1, le=6)
    latent_spread: float = Field(gt=0.0, le=3.0)
    locality: float = Field(gt=0.0, le=5.0)
    candidates: int = Field(ge=1, le=32)
    loadings: tuple[tuple[float, ...], ...] = ()
    positive_share: float = Field(ge=0.1, le=0.6)
    hard_negative_share: float = Field(default=0.0, ge=0.0, le=0.9)
