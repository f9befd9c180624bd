"""Drafting a ranking environment: a domain's ranking vocabulary → public columns and a `RankingRule`.

`draft` keeps the seed's grading shape (its id column, its prediction column and the metric's k, so a MAP@12 seed
gets lists of 12 and more candidates per query than a MAP@5 one) and draws the hidden rule. Difficulty is the
calibrated knob the verifier's repairs move: it raises the utility's noise and the noise of every public view of a
latent (taste, profile, match), and lowers the weight of the latent match, so the easy end is learnable by a linear
model and the hard end needs the per-query and interaction features of the top levels. Drawn challenges add
irrelevant columns (shown with no latent behind them).
"""

from __future__ import annotations

import re
from statistics import NormalDist

import numpy as np

from sandmle_core.errors import SpecError
from sandmle_core.modalities.base import Draft, DraftContext, headline
from sandmle_core.modalities.ranking.rule import RankFeature, RankingRule
from sandmle_core.modalities.ranking.vocab import VOCABS, RankColumn, RankVocab
from sandmle_core.spec import Challenge, ColumnKind, ColumnSpec, TargetSpec, TaskType

__all__ = ["ID_COLUMN", "PREDICTION_COLUMN", "RELEVANCE_COLUMN", "draft", "metric_k"]

ID_COLUMN = "query_id"
PREDICTION_COLUMN = "prediction"
RELEVANCE_COLUMN = "relevance"
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_NOISY = {"taste": 1.0, "profile": 1.0, "match": 2.0, "distance": 0.6, "popularity": 0.5, "price": 0.2,
          "budget": 0.2, "none": 1.0}


def _r(value: float, digits: int = 4) -> float:
    return round(float(value), digits)


def metric_k(metric: str) -> int:
    """The k of `map@k` / `ndcg@k`."""
    family, _, k = metric.partition("@")
    if family not in ("map", "ndcg") or not k.isdigit():
        raise SpecError(f"the ranking family grades with map@K or ndcg@K, not {metric!r}")
    return int(k)


def _decimals(column: RankColumn) -> int:
    if column.kind == "integer":
        return 0
    span = max(column.high - column.low, 1e-6)
    return int(np.clip(2 - np.floor(np.log10(span)) + 1, 0, 4))


def _feature(column: RankColumn, rng: np.random.Generator, d: float, source: str | None = None) -> RankFeature:
    # the views of what the utility's interactions read (taste x profile, price over budget) stay informative at
    # every difficulty, so the levels that model interactions keep their edge; the utility's noise is the main knob
    slope = 0.3 if (source or column.source) in ("taste", "profile", "budget", "price") else 0.55
    noise = (0.35 + slope * d) * _NOISY[source or column.source] * rng.uniform(0.85, 1.15)
    return RankFeature(name=column.name, where=column.where, source=source or column.source, dim=column.dim,
                       noise_sd=_r(noise, 3), low=column.low, high=column.high, decimals=_decimals(column),
                       kind=column.kind)


def _cuts(rng: np.random.Generator) -> tuple[float, float, float]:
    """Cut points on the standardised utility: about 6-10% of candidates at grade 3, 9-14% at 2, 18-25% at 1."""
    s3, s2, s1 = rng.uniform(0.06, 0.10), rng.uniform(0.09, 0.14), rng.uniform(0.18, 0.25)
    q = NormalDist().inv_cdf
    return (_r(q(1 - s1 - s2 - s3)), _r(q(1 - s2 - s3)), _r(q(1 - s3)))


def _names(ctx: DraftContext, vocab: RankVocab) -> tuple[str, str]:
    """The seed's id and prediction columns when they are plain names (kept), else the family's own."""
    grading = ctx.profile.grading
    id_col = grading.id_column if _NAME.match(grading.id_column) else ID_COLUMN
    pred = grading.submission_columns[0] if _NAME.match(grading.submission_columns[0]) else PREDICTION_COLUMN
    if vocab.item_column in (id_col, pred) or RELEVANCE_COLUMN in (id_col, pred):
        raise SpecError(f"the seed's columns {id_col!r}, {pred!r} collide with the domain's item or relevance column")
    return id_col, pred


def draft(ctx: DraftContext) -> Draft:
    """Draft the public columns, the target and the hidden rule of a ranking environment.

    Raises:
        SpecError: when the domain has no ranking vocabulary, the task is not a ranking one, or the metric is not
            MAP@k / NDCG@k.
    """
    vocab = VOCABS.get(ctx.domain.key)
    if vocab is None:
        raise SpecError(f"domain {ctx.domain.key!r} has no ranking vocabulary")
    if ctx.dna.task_type != TaskType.RANKING:
        raise SpecError(f"the ranking family drafts ranking tasks, not {ctx.dna.task_type}")
    k = metric_k(ctx.dna.metric)
    rng, d = ctx.rng, float(ctx.difficulty)
    id_col, pred = _names(ctx, vocab)
    features = [_feature(c, rng, d) for c in vocab.columns]
    if Challenge.IRRELEVANT_FEATURES in ctx.challenges:  # one profile column shows nothing the relevance uses
        spare = [i for i, c in enumerate(vocab.columns) if c.source == "profile" and c.dim == 1]
        for i in spare:
            features[i] = _feature(vocab.columns[i], rng, d, source="none")
    low = max(k + 4, 10)
    rule = RankingRule(
        dims=2, candidates=(low, low + int(rng.integers(6, 12))), items_per_query=_r(rng.uniform(0.5, 1.2), 3),
        exposure=_r(rng.uniform(0.4, 0.9), 3),
        match_weight=_r((1.3 - 0.4 * d) * rng.uniform(0.85, 1.15)),
        popularity_weight=_r(rng.uniform(0.35, 0.6)), distance_weight=_r(rng.uniform(0.3, 0.55)),
        hinge_weight=_r(rng.uniform(0.6, 1.0)), noise_sd=_r((0.35 + 0.9 * d) * rng.uniform(0.9, 1.1)),
        cuts=_cuts(rng), relevant_from=2, features=tuple(features))
    by_name = {c.name: c for c in vocab.columns}
    where = {"query": "queries.csv", "item": "train.csv and test.csv", "pair": "train.csv and test.csv"}
    columns = tuple(ColumnSpec(name=f.name, kind=ColumnKind.INTEGER if f.kind == "integer" else ColumnKind.NUMERIC,
                               unit=by_name[f.name].unit,
                               description=f"{by_name[f.name].description} ({where[f.where]})") for f in features)
    target = TargetSpec(columns=(pred,), description=f"the {k} most relevant {vocab.plural}, best first")
    log = vocab.log.removeprefix("its ")
    title = headline(f"{log[0].upper()}{log[1:]}: rank the {vocab.plural} for {vocab.query}")
    return Draft(id_column=id_col, columns=columns, target=target, rule=rule, title=f"{title} (Ranking)")
