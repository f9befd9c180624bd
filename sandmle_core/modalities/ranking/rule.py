"""The hidden rule of a ranking environment: graded relevance of candidate items from a latent query-item match.

Every query has a latent taste vector `u` and every item a latent profile `v` (both `dims`-dimensional standard
normal) and a log-popularity `pop`. A query's candidates are items drawn in proportion to `exp(exposure * pop)` (a
popular item is shown more often). The hidden utility of a (query, item) pair is

    s = match_weight * (u . v) / sqrt(dims) + popularity_weight * pop - distance_weight * d + hinge_weight *
        max(0, price gap) + noise_sd * N(0, 1)

where `d` is a pair's latent distance (how far the item is from what the query asked for) and the price gap is the
item's price level above the query's budget level. Relevance 0–3 cuts the standardised utility at `cuts`; a query
with no candidate at `relevant_from` or above gets its best candidate raised to it (only queries with at least one
relevant item are logged, as a search log keeps sessions with a click). The oracle ranks by the noise-free utility.

Public columns (`RankFeature`) are noisy views of these latents: a query feature of `u[j]` or the budget level, an
item feature of `v[j]`, the popularity or the price level, a pair feature of the match or the distance. The rule is
scale-free: one rule gives 50 queries or 50,000.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["RankFeature", "RankingRule"]

Source = Literal["taste", "budget", "profile", "popularity", "price", "match", "distance", "none"]


class RankFeature(BaseModel):
    """One public numeric column and the latent it shows: `mid + half * (sign * latent + noise_sd * z) / 3`, clipped
    to [low, high], rounded to `decimals`. `where` is the table that holds it (queries.csv, or the candidate rows)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    where: Literal["query", "item", "pair"]
    source: Source
    dim: int = Field(default=0, ge=0)
    sign: float = 1.0
    noise_sd: float = Field(default=0.5, ge=0.0)
    low: float = 0.0
    high: float = 1.0
    decimals: int = Field(default=2, ge=0, le=6)
    kind: Literal["numeric", "integer"] = "numeric"


class RankingRule(BaseModel):
    """The hidden generating process of one ranking environment.

    Attributes:
        dims: dimension of the latent taste and profile vectors.
        candidates: (low, high) candidates per query before duplicates are dropped.
        items_per_query: catalogue items per candidate slot of a query (fewer = items recur across queries more).
        exposure: how strongly popularity drives which items are shown.
        match_weight, popularity_weight, distance_weight, hinge_weight: the utility's terms.
        noise_sd: the utility's noise (the calibrated difficulty knob raises it).
        cuts: three increasing cut points on the standardised utility: relevance 1, 2 and 3 start there.
        relevant_from: the relevance at which an item counts as relevant for MAP (NDCG uses the grades as gains).
        features: the public columns, queries.csv first, then the candidate rows' columns.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["ranking"] = "ranking"
    dims: int = Field(ge=1, le=6)
    candidates: tuple[int, int]
    items_per_query: float = Field(gt=0.0, le=2.0)
    exposure: float = Field(ge=0.0, le=2.0)
    match_weight: float = Field(ge=0.0)
    popularity_weight: float = Field(ge=0.0)
    distance_weight: float = Field(ge=0.0)
    hinge_weight: float = Field(ge=0.0)
    noise_sd: float = Field(ge=0.0, le=5.0)
    cuts: tuple[float, float, float]
    relevant_from: int = Field(default=2, ge=1, le=3)
    features: tuple[RankFeature, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> RankingRule:
        if not 2 <= self.candidates[0] <= self.candidates[1]:
            raise ValueError("candidates must be (low, high) with 2 <= low <= high")
        if not self.cuts[0] < self.cuts[1] < self.cuts[2]:
            raise ValueError("cuts must increase")
        for f in self.features:
            if f.source in ("taste", "profile") and f.dim >= self.dims:
                raise ValueError(f"feature {f.name!r} shows latent dimension {f.dim}, the rule has {self.dims}")
        return self
