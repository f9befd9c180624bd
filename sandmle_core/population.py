"""The synthetic leaderboard as a population fitted to the ladder, with medal thresholds placed between levels.

A leaderboard made of the 18 ladder runs themselves (6 levels x 3 seeds) puts gold at entry 2 of 19 — the single
luckiest run — and bronze where one lucky seed of a plain model lands, so a re-run with other seeds moves medals.
Instead each ladder level is read as a population of competitors who submit that kind of solution: its runs give a
mean and a spread, and the level contributes `PER_LEVEL` entries at evenly spaced quantiles of a normal with that
mean and spread (never past the perfect score). Three runs give a very noisy spread, so each level's variance is
shrunk toward the pooled variance of all levels (`SHRINK` pseudo-runs).

Where the medals sit is not left to mle-bench's position rule on that board: a threshold at entry 10 or 24 lies
inside a level's cluster of runs, so a re-run with fresh seeds moves it across nearby submissions. The thresholds
(`stable_thresholds`) sit between clusters instead: gold `GOLD_SPREADS` spreads above the best level's mean (at most
halfway to the oracle) — an agent must beat the best ladder solution's typical run by a margin, not match a lucky
seed of it; silver, bronze and the median in the gaps between levels adjacent in score order (a gap's width is
counted in the two levels' spreads; a lone threshold sits as many own spreads from both neighbouring means). The three
clearest gaps took one each before 2026-12-02, but a typical ladder has two clear gaps (prior | baseline | models)
and models that interleave, so the third threshold went to the least murky of the interleaving steps, and which step
that was flipped between re-runs, moving a whole level's medals. Now a clear gap takes a second (third) threshold
when it is `GAP_RATIO` (its square) times as wide as the next candidate: a ratio of widths survives a re-run that
scales every spread, where a fixed width bar (tried: 1-3 spreads) flips at its edge. A gap narrower than `MIN_GAP`
(its two levels' means closer than their two spreads: their runs interleave) takes none while a wider gap exists
(since 2026-12-07): the thresholds go by rank (`medal_recipe`, below), and a re-run that reordered two
interleaving levels put such a threshold across a whole level's runs. The board's entries are then
clamped so that mle-bench's rule, applied to the board, gives exactly these thresholds (the board and evaluator.py
agree). The median never comes closer than `PRIOR_SPREADS` of its spread to level 0, the uninformed prior, whose runs
are the same under every seed (`_above_prior`, since 2026-12-06).

Which gap holds which threshold is decided once, on the build's ladder, and kept: `medal_recipe` (how many of silver,
bronze and the median each gap between ranked levels holds) is the environment's design, and a re-run of the ladder
places its thresholds in the same ranked gaps at its own means and spreads (`stable_thresholds(recipe=...)`), so a
re-run whose levels moved a little moves the thresholds a little instead of handing a threshold to another gap near
the `GAP_RATIO` edge (since 2026-12-04; on 71 environments with five fresh seed sets, 68 at the goal kept against 63
re-deciding).

`medal_stability` predicts how much the medals hinge on the ladder's seeds: it simulates fresh re-runs of the ladder
(`simulated_reruns`: each level's true mean drawn around its measured mean, then as many runs as it had around that,
with the level's shrunk spread), places each one's thresholds by the build's recipe, and counts how often the medal
of every ladder submission stays the same. The verifier reports it in validation.json and its `medals_stable` check
rejects an environment predicted below `PREDICTED_BAR` (0.88, calibrated against measured re-runs for the benchmark's
bar, `STABILITY_GOAL` 0.9). Until 2026-12-04 it was a bootstrap over the ladder's own runs, which cannot see a spread
its four runs understate: on 71 environments re-run with five fresh seed sets, at a bar of 0.9 the bootstrap passed
69 of which 62 (90 %) met the goal, the simulation 60 of which 57 (95 %); at 0.88 the simulation passes 62, 59 of
them at the goal (README, "The environment folder").
`medal_agreement` is the same count between two real ladder runs (the benchmark re-runs the ladder with fresh seeds).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
from scipy.stats import norm

from sandmle_core.leaderboard import (
    Thresholds,
    build_leaderboard,
    medals,
    threshold_positions,
    thresholds_from_leaderboard,
)

__all__ = ["GAP_RATIO", "GOLD_SPREADS", "MIN_GAP", "PER_LEVEL", "PREDICTED_BAR", "PRIOR_SPREADS", "SHRINK",
           "STABILITY_GOAL", "level_populations", "level_spreads", "medal_agreement", "medal_recipe", "medal_stability",
           "population_scores", "population_thresholds", "simulated_reruns", "stable_thresholds", "tier"]

PER_LEVEL = 20  # entries per ladder level: 6 levels + the oracle give 121 entries
SHRINK = 30.0  # pseudo-runs of the pooled variance added to each level's own (2 degrees of freedom from 3 runs); 10
# before 2026-12-04: 30 (with gold at 2.5 spreads) put 4 more of 71 environments at the goal under fresh re-runs
# (README, "The environment folder")
GAP_RATIO = 4.0  # a gap takes a second threshold before a narrower one takes its first only if 4x as wide
MIN_GAP = 1.0  # a gap narrower than its two levels' spreads (levels whose runs interleave) takes no threshold while a
# wider gap exists: on 2 x 72 environments re-run with 5 fresh seed sets each (2026-12-07), such a threshold moved a
# whole level's medals whenever a re-run reordered the interleaving levels (README, "The environment folder")
PRIOR_SPREADS = 0.5  # the median sits at least half the prior level's (shrunk) spread above its mean
GOLD_SPREADS = 2.5  # gold: the best level's mean + 2.5 of its spreads — above ~99 % of its runs (2 before 2026-12-04)
STABILITY_GOAL = 0.9  # issue 16: every ladder submission keeps its medal in >= 90 % of re-runs
# the verifier's bar on the predicted figure (`medal_stability`): calibrated against measured fresh re-runs, not the
# goal itself. On 71 environments x 5 fresh seed sets (2026-12-04) the environments it passes met the goal as often at
# 0.88 (59 of 62, 95 %) as at 0.9 (57 of 60), and 0.9 left the K=10 corpus test's breast-cancer and wine seeds at 8 of
# 10 accepted (their last attempts predicted 0.890 and 0.898); at 0.87 the share falls to 61 of 66 (92 %). That was
# the predictor whose re-runs re-decided the gaps, with four seeds per level; under the medal recipe no environment of
# that set is predicted below 0.9, and the bar was not re-calibrated for the recipe or three seeds
PREDICTED_BAR = 0.88
_QUANTILES = norm.ppf((np.arange(PER_LEVEL) + 0.5) / PER_LEVEL)


def level_populations(runs: Iterable[tuple[int, float | None]]) -> dict[int, np.ndarray]:
    """Level → its valid scores, from (level, score) pairs (None for a run without a valid submission)."""
    by_level: dict[int, list[float]] = {}
    for level, score in runs:
        if score is not None and np.isfinite(score):
            by_level.setdefault(level, []).append(float(score))
    return {level: np.asarray(s) for level, s in sorted(by_level.items())}


def level_spreads(levels: dict[int, np.ndarray]) -> dict[int, float]:
    """Each level's standard deviation, its variance shrunk toward the pooled variance by `SHRINK` pseudo-runs.

    A level with one run takes the pooled spread (0 when no level has two runs)."""
    own = {lv: float(np.var(s, ddof=1)) for lv, s in levels.items() if len(s) > 1}
    return _shrunk_spreads(own, {lv: len(s) for lv, s in levels.items()})


def _shrunk_spreads(own: dict[int, float], sizes: dict[int, int]) -> dict[int, float]:
    """`level_spreads` from each level's own variance (levels of two runs or more) and its number of runs."""
    pooled = float(np.mean(list(own.values()))) if own else 0.0
    return {lv: float(np.sqrt(((n - 1) * own.get(lv, 0.0) + SHRINK * pooled) / (n - 1 + SHRINK)))
            for lv, n in sizes.items()}


def _level_stats(levels: dict[int, np.ndarray]) -> tuple[dict[int, float], dict[int, float]]:
    """Each level's mean and (shrunk) spread, computed once for the several readers of one ladder."""
    return {lv: float(np.mean(s)) for lv, s in levels.items()}, level_spreads(levels)


def stable_thresholds(levels: dict[int, np.ndarray], oracle: float, perfect: float, lower: bool,
                      stats: tuple[dict[int, float], dict[int, float]] | None = None,
                      recipe: Sequence[int] | None = None) -> tuple[float, ...]:
    """Gold, silver, bronze and median placed between the ladder's level clusters (see the module docstring).

    Scores are read with higher = better inside (negated when `lower`). Silver, bronze and the median are handed one
    by one to the gaps between levels adjacent in score order: each goes to the gap whose width in spreads, divided by
    `GAP_RATIO` once for every threshold it already holds, is largest (a tie goes to the higher gap), among the gaps at
    least `MIN_GAP` spreads wide when there are any. A gap holding
    several splits the way between its two means evenly. With one level there is no gap: silver, bronze and the
    median are left to the caller's position rule (returned as NaN). `recipe` (`medal_recipe`: how many thresholds
    each gap holds, gaps counted from the best level down) places them by an environment's recipe instead of handing
    them out again; one of another length (a re-run with another number of levels) is ignored.

    Returns:
        (gold, silver, bronze, median) in the metric's own direction.
    """
    sign = -1.0 if lower else 1.0
    means, sd = _ranked(levels, lower, stats)
    top, ceiling = means[0], sign * (oracle if sign * oracle > means[0] else perfect)
    room = (ceiling - top) / 2  # never past halfway to the oracle (or the perfect score)
    gold = top + (min(GOLD_SPREADS * sd[0], room) if sd[0] > 0 else room)
    held = list(recipe) if recipe is not None and len(recipe) == len(means) - 1 else _allocate(means, sd)
    lower_three = [t for i, k in enumerate(held) for t in _gap_points(means[i], means[i + 1], sd[i], sd[i + 1], k)]
    lower_three += [float("nan")] * (3 - len(lower_three))
    lower_three[2] = _above_prior(levels, lower_three, lower, stats)
    return tuple(sign * t for t in (gold, *lower_three))


def _above_prior(levels: dict[int, np.ndarray], lower_three: list[float], lower: bool,
                 stats: tuple[dict[int, float], dict[int, float]] | None) -> float:
    """The median (higher = better), kept `PRIOR_SPREADS` of the prior's spread above level 0's mean while bronze
    leaves room.

    Level 0 (the uninformed prior) scores the same under every seed, so a median placed just above it by one run of
    the ladder and just below it by a re-run moved all its runs to "above median" at once: 3 of 18 submissions, the
    largest single flip measured (2026-12-06: 2 of the 5 environments below the goal in 56 re-run five times). A
    constant prediction is never above the median of the competitors, so the median never comes closer to it."""
    median = lower_three[2]
    if 0 not in levels or not np.isfinite(median):
        return median
    sign = -1.0 if lower else 1.0
    means, spreads = stats or _level_stats(levels)
    floor = sign * means[0] + PRIOR_SPREADS * spreads[0]
    return floor if median < floor and not lower_three[1] <= floor else median


def _ranked(levels: dict[int, np.ndarray], lower: bool,
            stats: tuple[dict[int, float], dict[int, float]] | None = None) -> tuple[list[float], list[float]]:
    """The levels' means (higher = better: negated when `lower`) and spreads, best level first."""
    sign = -1.0 if lower else 1.0
    level_means, spreads = stats or _level_stats(levels)
    order = sorted(levels, key=lambda lv: (-sign * level_means[lv], lv))
    return [sign * level_means[lv] for lv in order], [spreads[lv] for lv in order]


def _allocate(means: list[float], sd: list[float]) -> list[int]:
    """Silver, bronze and the median handed out to the gaps between ranked levels (`stable_thresholds`): how many
    each gap holds."""
    def gap(i: int) -> float:
        """How many spreads part the levels at score ranks i and i + 1."""
        width = sd[i] + sd[i + 1]
        return (means[i] - means[i + 1]) / width if width > 0 else (float("inf") if means[i] > means[i + 1] else 0.0)

    gaps = [gap(i) for i in range(len(means) - 1)]
    held = [0] * len(gaps)
    # a gap whose levels interleave (means closer than their two spreads) holds none while a clear one exists
    clear = [i for i, g in enumerate(gaps) if g >= MIN_GAP] or list(range(len(gaps)))
    for _ in range(3 if gaps else 0):  # each to the gap clearest once divided by GAP_RATIO ** (thresholds it holds)
        i = min(clear, key=lambda i: (-gaps[i] / GAP_RATIO ** held[i], held[i], i))
        held[i] += 1
    return held


def medal_recipe(levels: dict[int, np.ndarray], lower: bool,
                 stats: tuple[dict[int, float], dict[int, float]] | None = None) -> tuple[int, ...]:
    """How many of silver, bronze and the median each gap between ranked levels holds (gaps counted from the best
    level down): the environment's medal recipe, decided once on the build's ladder. A re-run of the ladder places the
    thresholds by it (`stable_thresholds(recipe=...)`), as mle-bench's fixed positions place them on a board: which
    gap a threshold goes to is the environment's design, how far the levels sit apart is what the seeds move.
    Empty for a ladder of one level."""
    if not levels:
        return ()
    return tuple(_allocate(*_ranked(levels, lower, stats)))


def _gap_points(hi: float, lo: float, s_hi: float, s_lo: float, k: int) -> list[float]:
    """k thresholds between two level means (best first): one sits as many own spreads from both means; more split
    the way from each mean to that point evenly."""
    w = s_hi / (s_hi + s_lo) if s_hi + s_lo > 0 else 0.5
    at = [j / (k + 1) for j in range(1, k + 1)]
    return [hi - (hi - lo) * (2 * u * w if u <= 0.5 else w + (2 * u - 1) * (1 - w)) for u in at]


def _clamp_board(board: list[float], targets: tuple[float, ...], lower: bool) -> list[float]:
    """The board (best first) clamped so that mle-bench's positions read `targets` (gold, silver, bronze, median)."""
    sign = -1.0 if lower else 1.0
    n = len(board)
    gold_at, silver_at, bronze_at = threshold_positions(n)
    at = [gold_at - 1, silver_at - 1, bronze_at - 1, (n - 1) // 2]
    positional = [sign * board[i] for i in at]
    wanted = [sign * t if np.isfinite(t) else p for t, p in zip(targets, positional, strict=True)]
    out = [sign * s for s in board]
    for k in (1, 2, 3):  # keep the order: a fallback that does not fall below the threshold above it moves halfway
        if wanted[k] > wanted[k - 1] or (k < 3 and wanted[k] == wanted[k - 1]):  # down to the worst entry
            wanted[k] = (wanted[k - 1] + min(out)) / 2
    for i in range(n):
        above = max((k for k in range(4) if at[k] <= i), default=None)
        below = min((k for k in range(4) if at[k] >= i), default=None)
        if above is not None:
            out[i] = min(out[i], wanted[above])
        if below is not None:
            out[i] = max(out[i], wanted[below])
    for k in range(4):
        out[at[k]] = wanted[k]
    if n % 2 == 0:
        out[n // 2] = wanted[3]
    return [sign * s for s in out]


def _level_entries(levels: dict[int, np.ndarray], perfect: float, lower: bool,
                   stats: tuple[dict[int, float], dict[int, float]] | None = None) -> list[np.ndarray]:
    """Each level's `PER_LEVEL` entries: evenly spaced quantiles of a normal with its mean and spread, never past the
    perfect score."""
    means, spreads = stats or _level_stats(levels)
    out = []
    for lv in levels:
        entries = means[lv] + spreads[lv] * _QUANTILES
        out.append(np.maximum(entries, perfect) if lower else np.minimum(entries, perfect))
    return out


def population_scores(levels: dict[int, np.ndarray], oracle: float, perfect: float, lower: bool,
                      recipe: Sequence[int] | None = None) -> list[float]:
    """The leaderboard's scores, best first: `PER_LEVEL` quantile entries per level and the oracle, clamped so that
    mle-bench's rule gives `stable_thresholds` (by `recipe` when given)."""
    out = [float(v) for entries in _level_entries(levels, perfect, lower) for v in entries]
    board = sorted([*out, float(oracle)], reverse=not lower)
    if not levels:
        return board
    return _clamp_board(board, stable_thresholds(levels, oracle, perfect, lower, recipe=recipe), lower)


def population_thresholds(levels: dict[int, np.ndarray], oracle: float, perfect: float,
                          lower: bool, recipe: Sequence[int] | None = None) -> Thresholds:
    """mle-bench's thresholds on the population leaderboard (placed by `recipe` when given: a re-run's)."""
    board = build_leaderboard(population_scores(levels, oracle, perfect, lower, recipe), lower_is_better=lower)
    return thresholds_from_leaderboard(board)


def tier(score: float, thresholds: Thresholds) -> int:
    """0 gold, 1 silver, 2 bronze, 3 above median, 4 none."""
    m = medals(score, thresholds)
    return next(i for i, reached in enumerate((m.gold, m.silver, m.bronze, m.above_median, True)) if reached)


def _threshold_values(levels: dict[int, np.ndarray], oracle: float, perfect: float, lower: bool,
                      stats: tuple[dict[int, float], dict[int, float]] | None = None,
                      recipe: Sequence[int] | None = None) -> np.ndarray:
    """(gold, silver, bronze, median) exactly as `population_thresholds` reads them, without building the table (the
    stability simulation's inner loop: 200 re-runs per environment).

    `_clamp_board` writes the wanted values at mle-bench's positions and clamps every other entry between the wanted
    values around it, so when the wanted values are in order (best first, strictly for gold > silver > bronze) the
    clamped board is sorted and its positions read the wanted values, rounded as the board rounds them; the median of
    an odd board is its middle entry, which is the median's position. Where that argument does not hold (a NaN
    threshold of a one-level ladder, an even board, wanted values out of order) the board itself is read.
    `tests/core/test_population.py` checks the two reads agree on random ladders. `stats`: the levels' means and
    spreads when the caller computed them (`_redrawn_stats`); `recipe` as `stable_thresholds` takes it."""
    sign = -1.0 if lower else 1.0
    n = PER_LEVEL * len(levels) + 1
    stats = stats or _level_stats(levels)
    targets = stable_thresholds(levels, oracle, perfect, lower, stats, recipe) if levels else (float("nan"),)
    if n % 2 == 1 and all(np.isfinite(t) for t in targets):
        worst = min(sign * float(oracle),
                    *(float(np.min(sign * e)) for e in _level_entries(levels, perfect, lower, stats)))
        wanted = [sign * t for t in targets]
        for k in (1, 2, 3):  # `_clamp_board`'s fallback for a threshold that does not fall below the one above it
            if wanted[k] > wanted[k - 1] or (k < 3 and wanted[k] == wanted[k - 1]):
                wanted[k] = (wanted[k - 1] + worst) / 2
        if wanted[0] > wanted[1] > wanted[2] >= wanted[3]:
            return np.array([round(float(sign * w), 5) for w in wanted])
    return _board_threshold_values(levels, oracle, perfect, lower, recipe)


def _board_threshold_values(levels: dict[int, np.ndarray], oracle: float, perfect: float, lower: bool,
                            recipe: Sequence[int] | None = None) -> np.ndarray:
    """(gold, silver, bronze, median) read from the rounded population board at mle-bench's positions."""
    board = sorted((round(float(s), 5) for s in population_scores(levels, oracle, perfect, lower, recipe)),
                   reverse=not lower)
    at = threshold_positions(len(board))
    return np.array([board[at[0] - 1], board[at[1] - 1], board[at[2] - 1], float(np.median(board))])


def _tiers(scores: np.ndarray, values: np.ndarray, lower: bool) -> np.ndarray:
    """`tier` of every score at once, against (gold, silver, bronze, median) values."""
    sign = -1.0 if lower else 1.0
    x, limit = sign * scores, sign * values
    return np.select([x >= limit[0], x >= limit[1], x >= limit[2], x > limit[3]], [0, 1, 2, 3], default=4)


def medal_agreement(scores: Sequence[float], first: Thresholds, second: Thresholds) -> float:
    """Share of the submissions whose tier is the same under both thresholds."""
    if not scores:
        return 1.0
    return float(np.mean([tier(s, first) == tier(s, second) for s in scores]))


def simulated_reruns(levels: dict[int, np.ndarray], perfect: float, lower: bool, draws: int = 200,
                     seed: int = 0) -> list[dict[int, np.ndarray]]:
    """`draws` simulated fresh re-runs of the ladder: level → as many scores as it had, never past the perfect score.

    A re-run's level mean differs from the measured one by the error of the measured mean and by its own sampling
    error, each `spread / sqrt(runs)` (the level's shrunk spread, `level_spreads`): each level's true mean is drawn
    around its measured mean, then its runs around that. A bootstrap over the measured runs sees only the first error,
    shrunk by (n - 1) / n, and a spread its few runs happened to understate."""
    means, spreads = _level_stats(levels)
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(draws):
        redraw = {}
        for lv, scores in levels.items():
            n, sd = len(scores), spreads[lv]
            truth = means[lv] + sd / np.sqrt(n) * rng.standard_normal()
            runs = truth + sd * rng.standard_normal(n)
            redraw[lv] = np.maximum(runs, perfect) if lower else np.minimum(runs, perfect)
        out.append(redraw)
    return out


def medal_stability(levels: dict[int, np.ndarray], oracle: float, perfect: float, lower: bool,
                    draws: int = 200, seed: int = 0) -> float:
    """Mean share of ladder submissions keeping their tier under simulated fresh re-runs (`simulated_reruns`), each
    re-run's thresholds placed by the build's `medal_recipe`.

    Args:
        levels: level → valid scores (`level_populations`).
        oracle, perfect: the oracle's and a perfect submission's scores.
        lower: whether lower scores are better.
        draws: simulated re-runs.
        seed: the simulation's rng seed (the figure is deterministic for one seed).

    Returns:
        A share in [0, 1]; 1.0 when no level has runs.
    """
    submissions = np.array([float(s) for scores in levels.values() for s in scores])
    if not len(submissions):
        return 1.0
    recipe = medal_recipe(levels, lower)
    base = _tiers(submissions, _threshold_values(levels, oracle, perfect, lower, recipe=recipe), lower)
    redraws = simulated_reruns(levels, perfect, lower, draws, seed)
    kept = [float(np.mean(_tiers(submissions, _threshold_values(redrawn, oracle, perfect, lower, stats, recipe),
                                 lower) == base))
            for redrawn, stats in zip(redraws, _redrawn_stats(redraws), strict=True)]
    return float(np.mean(kept))


def _redrawn_stats(redraws: list[dict[int, np.ndarray]]) -> list[tuple[dict[int, float], dict[int, float]]]:
    """`_level_stats` of every redraw, each level's means and variances taken over all redraws at once (a row of a
    C-contiguous matrix is reduced exactly as the same values in an array of their own, so every figure is the one
    `_level_stats` gives, to the last bit: `tests/core/test_population.py`)."""
    if not redraws:
        return []
    sizes = {lv: len(s) for lv, s in redraws[0].items()}
    rows = {lv: np.stack([r[lv] for r in redraws]) for lv in sizes}
    means = {lv: np.mean(m, axis=1) for lv, m in rows.items()}
    variances = {lv: np.var(m, axis=1, ddof=1) for lv, m in rows.items() if sizes[lv] > 1}
    return [({lv: float(m[d]) for lv, m in means.items()},
             _shrunk_spreads({lv: float(v[d]) for lv, v in variances.items()}, sizes)) for d in range(len(redraws))]
