"""The synthetic leaderboard as a population fitted to the ladder, and how stable its medals are.

A leaderboard made of the 24 ladder runs themselves puts gold at entry 2 of 25 — the single luckiest run — and
bronze where one lucky seed of a plain model lands, so a re-run with other seeds moves medals. Instead each ladder
level is read as a population of competitors who submit that kind of solution: its runs give a mean and a spread,
and the level contributes `PER_LEVEL` entries at evenly spaced quantiles of a normal with that mean and spread
(never past the perfect score). With 6 levels the board has 121 entries, so mle-bench's rule puts gold at entry 10:
inside the best level's upper half, above its mean — a typical run of the best solution does not win gold.

`medal_stability` measures how much the medals hinge on the ladder's seeds: it redraws each level's runs (a
bootstrap over seeds), rebuilds the thresholds, and counts how often the medal of every ladder submission stays the
same. `medal_agreement` is the same count between two real ladder runs (the benchmark re-runs the ladder with fresh
seeds).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
from scipy.stats import norm

from sandmle_core.leaderboard import Thresholds, build_leaderboard, medals, thresholds_from_leaderboard

__all__ = ["PER_LEVEL", "level_populations", "medal_agreement", "medal_stability", "population_scores",
           "population_thresholds", "tier"]

PER_LEVEL = 20  # entries per ladder level: 6 levels + the oracle give 121 entries, gold at entry 10
_QUANTILES = norm.ppf((np.arange(PER_LEVEL) + 0.5) / PER_LEVEL)


def level_populations(runs: Iterable[tuple[int, float | None]]) -> dict[int, np.ndarray]:
    """Level → its valid scores, from (level, score) pairs (None for a run without a valid submission)."""
    by_level: dict[int, list[float]] = {}
    for level, score in runs:
        if score is not None and np.isfinite(score):
            by_level.setdefault(level, []).append(float(score))
    return {level: np.asarray(s) for level, s in sorted(by_level.items())}


def population_scores(levels: dict[int, np.ndarray], oracle: float, perfect: float, lower: bool) -> list[float]:
    """The leaderboard's scores: `PER_LEVEL` quantile entries per level, then the oracle.

    A level with one valid run takes the median spread of the others (0 when none has two runs).
    """
    spreads = [float(np.std(s, ddof=1)) for s in levels.values() if len(s) > 1]
    shared = float(np.median(spreads)) if spreads else 0.0
    out: list[float] = []
    for scores in levels.values():
        spread = float(np.std(scores, ddof=1)) if len(scores) > 1 else shared
        entries = float(np.mean(scores)) + spread * _QUANTILES
        out += list(np.maximum(entries, perfect) if lower else np.minimum(entries, perfect))
    return [*out, float(oracle)]


def population_thresholds(levels: dict[int, np.ndarray], oracle: float, perfect: float,
                          lower: bool) -> Thresholds:
    """mle-bench's thresholds on the population leaderboard."""
    board = build_leaderboard(population_scores(levels, oracle, perfect, lower), lower_is_better=lower)
    return thresholds_from_leaderboard(board)


def tier(score: float, thresholds: Thresholds) -> int:
    """0 gold, 1 silver, 2 bronze, 3 above median, 4 none."""
    m = medals(score, thresholds)
    return next(i for i, reached in enumerate((m.gold, m.silver, m.bronze, m.above_median, True)) if reached)


def medal_agreement(scores: Sequence[float], first: Thresholds, second: Thresholds) -> float:
    """Share of the submissions whose tier is the same under both thresholds."""
    if not scores:
        return 1.0
    return float(np.mean([tier(s, first) == tier(s, second) for s in scores]))


def medal_stability(levels: dict[int, np.ndarray], oracle: float, perfect: float, lower: bool,
                    draws: int = 200, seed: int = 0) -> float:
    """Mean share of ladder submissions keeping their tier when each level's runs are redrawn (bootstrap).

    Args:
        levels: level → valid scores (`level_populations`).
        oracle, perfect: the oracle's and a perfect submission's scores.
        lower: whether lower scores are better.
        draws: bootstrap redraws.
        seed: the bootstrap's rng seed (the figure is deterministic for one seed).

    Returns:
        A share in [0, 1]; 1.0 when no level has runs.
    """
    submissions = [float(s) for scores in levels.values() for s in scores]
    if not submissions:
        return 1.0
    base = population_thresholds(levels, oracle, perfect, lower)
    rng = np.random.default_rng(seed)
    kept = []
    for _ in range(draws):
        redrawn = {lv: rng.choice(s, size=len(s), replace=True) for lv, s in levels.items()}
        kept.append(medal_agreement(submissions, base, population_thresholds(redrawn, oracle, perfect, lower)))
    return float(np.mean(kept))
