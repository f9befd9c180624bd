"""Drafting the target half of a multi-target regression (nomad2018's formation energy and bandgap).

A catalog domain offers several measured quantities of one entity: its `regression` target(s) and its `multitarget`
ones. `draft_targets` picks as many as the seed has target columns and gives each its own mapping (`TargetRule`:
unit range, rounding, noise); a target graded by RMSLE is generated on the log1p scale, so it is never negative and
its noise is multiplicative. `share_weights` makes the targets measurements of one entity rather than independent
tasks: every term's weight for a later target mixes the first target's weight (with a drawn sign, so a pair can
also move against each other) with its own, and part of the noise is shared (`noise_share`). The noise level follows
the difficulty as single-target regression's does, so the verifier's less/more-noise repairs move it the same way.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from sandmle_core.metrics import LOG_SCALE_METRICS
from sandmle_core.modalities.base import DraftContext, headline
from sandmle_core.modalities.tabular.rule import TargetRule, Term
from sandmle_core.modalities.tabular.sampling import round4
from sandmle_core.spec import Challenge, TargetSpec

if TYPE_CHECKING:
    from sandmle_core.catalog.schema import Domain, ValueTarget

__all__ = ["draft_targets", "hosts_multitarget", "ids_restart", "share_weights", "title_of"]


def _valued(domain: Domain) -> list[ValueTarget]:
    return [*domain.regression, *domain.multitarget]


def hosts_multitarget(domain: Domain) -> bool:
    """A domain hosts a multi-target regression when it measures at least two non-negative quantities of its
    entity (non-negative, so that an RMSLE-graded seed keeps its metric's domain)."""
    return sum(1 for t in _valued(domain) if t.low >= 0) >= 2


def _decimals(low: float, high: float) -> int:
    span = max(high - low, 1e-9)
    return int(np.clip(3 - math.floor(math.log10(span)), 0, 4))


def draft_targets(ctx: DraftContext, base_noise: float) -> tuple[TargetSpec, tuple[TargetRule, ...], str | None]:
    """The target columns of a multi-target slot: as many as the seed has (at least 2), in catalog order, and the
    first one's own purpose (None: the story's).

    Args:
        ctx: the slot's draft context (its rng, difficulty and challenges, the seed's grading).
        base_noise: the noise level of the slot (signal units), which each target varies by up to 20%.
    """
    rng = ctx.rng
    log_scale = ctx.dna.metric in LOG_SCALE_METRICS
    options = [t for t in _valued(ctx.domain) if t.low >= 0 or not log_scale]
    want = int(np.clip(len(ctx.profile.grading.target_columns), 2, len(options)))
    picked = sorted(rng.choice(len(options), want, replace=False)) if want < len(options) else range(len(options))
    chosen = [options[int(i)] for i in picked]
    skewed = Challenge.SKEWED_TARGET in ctx.challenges
    rules = tuple(
        TargetRule(name=t.name, low=float(max(t.low, 0.0) if log_scale else t.low), high=float(t.high),
                   decimals=_decimals(t.low, t.high), noise_sd=round4(base_noise * rng.uniform(0.8, 1.2)),
                   log1p=bool(log_scale or (skewed and t.low >= 0)))
        for t in chosen)
    spec = TargetSpec(columns=tuple(t.name for t in chosen),
                      description=" and ".join(t.description for t in chosen),
                      descriptions=tuple(t.description for t in chosen), units=tuple(t.unit for t in chosen))
    return spec, rules, chosen[0].purpose


def share_weights(terms: list[Term], rng: np.random.Generator) -> tuple[list[Term], float]:
    """The terms with every later output's weights tied to the first output's, and the noise share.

    Output j's weight becomes `sign_j * c * w_0 + sqrt(1 - c^2) * w_j` (level effects alike), with one drawn tie
    strength `c` for the slot: the targets share most of their signal, each keeps a part of its own.
    """
    outputs = len(terms[0].weights) if terms[0].op != "level" else len(terms[0].effects)
    tie = float(rng.uniform(0.45, 0.8))
    signs = [1.0] + [float(rng.choice([-1.0, 1.0])) for _ in range(outputs - 1)]
    own = math.sqrt(1.0 - tie**2)

    def mix(values: list[float]) -> tuple[float, ...]:
        return tuple(round4(v if j == 0 else signs[j] * tie * values[0] + own * v) for j, v in enumerate(values))

    tied = []
    for term in terms:
        if term.op == "level":
            rows = np.asarray(term.effects, dtype=float)  # outputs x levels
            mixed = np.array([mix(list(rows[:, k])) for k in range(rows.shape[1])]).T
            tied.append(term.model_copy(update={"effects": tuple(tuple(round4(v) for v in row) for row in mixed)}))
        else:
            tied.append(term.model_copy(update={"weights": mix(list(term.weights))}))
    return tied, round4(rng.uniform(0.2, 0.6))


def ids_restart(ctx: DraftContext) -> bool:
    """Whether the seed numbers its rows from 1 in train and again in test (its ids overlap): kept as it is."""
    return bool(ctx.profile.details.get("dna", {}).get("ids_restart", False))


def title_of(domain_title: str, descriptions: tuple[str, ...], phrase: Callable[[str], str]) -> str:
    """"Semiconductor Wafer Yield: Predict Share of Good Dies at Wafer Sort and Killer Defects per ..."."""
    return f"{domain_title}: {headline('predict ' + ' and '.join(phrase(d) for d in descriptions))}"
