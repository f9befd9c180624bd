"""The population leaderboard and its medal stability, on ladders with known spreads: gold sits above the best
level's mean (not at its luckiest run), no entry passes the perfect score, and medals built this way move less under
redrawn seeds than medals built from the raw runs."""

from __future__ import annotations

import numpy as np
import pytest

from sandmle_core.leaderboard import build_leaderboard, threshold_positions, thresholds_from_leaderboard
from sandmle_core.population import (
    PER_LEVEL,
    level_populations,
    medal_agreement,
    medal_stability,
    population_scores,
    population_thresholds,
    tier,
)

MEANS = (0.50, 0.62, 0.70, 0.76, 0.80, 0.83)  # six ladder levels, AUC-like, higher is better


def _ladder(spread: float, seed: int = 0, lucky: float = 0.0) -> dict[int, np.ndarray]:
    rng = np.random.default_rng(seed)
    levels = {lv: m + spread * rng.standard_normal(4) for lv, m in enumerate(MEANS)}
    levels[5][0] += lucky  # one lucky seed of the best level
    return levels


def test_the_board_has_per_level_entries_and_gold_above_the_best_mean() -> None:
    levels = _ladder(0.01)
    scores = population_scores(levels, oracle=0.9, perfect=1.0, lower=False)
    assert len(scores) == len(MEANS) * PER_LEVEL + 1 == 121
    assert threshold_positions(121)[0] == 10
    t = population_thresholds(levels, oracle=0.9, perfect=1.0, lower=False)
    assert t.gold > float(np.mean(levels[5])) > t.silver > t.bronze > t.median


def test_one_lucky_run_no_longer_is_the_gold_threshold() -> None:
    levels = _ladder(0.01, lucky=0.05)
    raw = thresholds_from_leaderboard(build_leaderboard([*np.concatenate(list(levels.values())), 0.9], False))
    assert raw.gold == pytest.approx(float(levels[5][0]), abs=1e-5)  # the old board: gold = the luckiest run
    pop = population_thresholds(levels, oracle=0.9, perfect=1.0, lower=False)
    assert pop.gold < raw.gold


def test_entries_never_pass_the_perfect_score_in_either_direction() -> None:
    high = {0: np.array([0.95, 0.99, 1.0, 0.97])}
    assert max(population_scores(high, 1.0, 1.0, lower=False)) <= 1.0
    low = {0: np.array([0.02, 0.0, 0.05, 0.01])}
    assert min(population_scores(low, 0.0, 0.0, lower=True)) >= 0.0


def test_a_level_with_one_run_borrows_the_others_spread_and_failed_runs_are_left_out() -> None:
    levels = level_populations([(0, 0.5), (0, 0.6), (1, 0.7), (1, None), (2, float("nan")), (2, 0.8)])
    assert {k: len(v) for k, v in levels.items()} == {0: 2, 1: 1, 2: 1}
    scores = population_scores(levels, 0.9, 1.0, lower=False)
    level1 = scores[PER_LEVEL:2 * PER_LEVEL]
    assert np.std(level1) == pytest.approx(np.std(scores[:PER_LEVEL]), rel=1e-9)  # the borrowed spread


def test_deterministic_levels_give_fully_stable_medals() -> None:
    levels = {lv: np.full(4, m) for lv, m in enumerate(MEANS)}
    assert medal_stability(levels, 0.9, 1.0, lower=False) == 1.0


def test_stability_is_deterministic_and_falls_when_levels_overlap() -> None:
    tight, loose = _ladder(0.002, seed=1), _ladder(0.05, seed=1)
    a = medal_stability(tight, 0.9, 1.0, lower=False, seed=3)
    assert a == medal_stability(tight, 0.9, 1.0, lower=False, seed=3)
    assert medal_stability(loose, 0.9, 1.0, lower=False, seed=3) < a


def test_population_medals_move_less_than_raw_run_medals_under_fresh_seeds() -> None:
    """The benchmark's question on a simulated ladder: re-draw every run with fresh seeds and count how many of the
    first run's submissions keep their tier, for both boards, over many simulated environments."""
    pop_kept, raw_kept = [], []
    for env in range(40):
        first, second = _ladder(0.015, seed=2 * env), _ladder(0.015, seed=2 * env + 1)
        subs = [float(s) for v in first.values() for s in v]

        def raw(levels):
            return thresholds_from_leaderboard(build_leaderboard([*np.concatenate(list(levels.values())), 0.9], False))

        pop_kept.append(medal_agreement(subs, population_thresholds(first, 0.9, 1.0, False),
                                        population_thresholds(second, 0.9, 1.0, False)))
        raw_kept.append(medal_agreement(subs, raw(first), raw(second)))
    assert np.mean(pop_kept) > np.mean(raw_kept)


def test_tiers_are_exclusive_and_ordered() -> None:
    t = population_thresholds(_ladder(0.01), 0.9, 1.0, lower=False)
    assert [tier(s, t) for s in (0.99, t.silver, t.bronze, (t.bronze + t.median) / 2, 0.0)] == [0, 1, 2, 3, 4]
