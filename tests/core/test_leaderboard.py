"""Thresholds by the mle-bench rule, medals, HumanRank and the SandMLE reward, as tables."""

from __future__ import annotations

import pandas as pd
import pytest

from sandmle_core.leaderboard import (
    Thresholds,
    build_leaderboard,
    dense_reward,
    human_rank,
    make_grade_report,
    medals,
    sparse_reward,
    threshold_positions,
    thresholds_from_leaderboard,
)

# N -> (gold, silver, bronze) positions, written out from MISSION.md's rule by hand.
POSITIONS = {
    1: (1, 1, 1),
    5: (1, 1, 2),
    99: (9, 19, 39),
    100: (10, 20, 40),
    249: (10, 49, 99),
    250: (10, 50, 100),
    999: (11, 50, 100),
    1000: (12, 50, 100),
    5000: (20, 250, 500),
}


@pytest.mark.parametrize(("n", "expected"), sorted(POSITIONS.items()))
def test_positions(n: int, expected: tuple[int, int, int]) -> None:
    assert threshold_positions(n) == expected


@pytest.mark.parametrize("n", sorted(POSITIONS))
@pytest.mark.parametrize("lower", [False, True])
def test_thresholds_follow_positions_and_direction(n: int, lower: bool) -> None:
    raw = [i / n for i in range(n)]  # distinct scores
    board = build_leaderboard(raw, lower_is_better=lower)
    t = thresholds_from_leaderboard(board)
    gold, silver, bronze = POSITIONS[n]
    scores = board["score"].tolist()
    assert (t.gold, t.silver, t.bronze) == (scores[gold - 1], scores[silver - 1], scores[bronze - 1])
    assert t.median == pd.Series(scores).median()
    assert t.lower_is_better == (lower and n > 1)
    assert t.n_entries == n


@pytest.mark.parametrize("lower", [False, True])
def test_ties_at_each_threshold_are_inclusive_and_exclusive(lower: bool) -> None:
    sign = -1 if lower else 1
    t = Thresholds(gold=sign * 0.9, silver=sign * 0.8, bronze=sign * 0.7, median=sign * 0.5, lower_is_better=lower,
                   n_entries=25)
    table = [  # score, gold, silver, bronze, above_median
        (0.95, True, False, False, True),
        (0.9, True, False, False, True),
        (0.85, False, True, False, True),
        (0.8, False, True, False, True),
        (0.7, False, False, True, True),
        (0.6, False, False, False, True),
        (0.5, False, False, False, False),  # strict above-median
        (0.1, False, False, False, False),
    ]
    for score, gold, silver, bronze, above in table:
        m = medals(sign * score, t)
        assert (m.gold, m.silver, m.bronze, m.above_median) == (gold, silver, bronze, above), score
    assert medals(None, t).any_medal is False


def test_human_rank_counts_ties() -> None:
    assert human_rank(0.8, [0.9, 0.8, 0.7, 0.6], lower_is_better=False) == 0.75
    assert human_rank(0.8, [0.9, 0.8, 0.7, 0.6], lower_is_better=True) == 0.5
    assert human_rank(None, [0.9], lower_is_better=False) == 0.0


@pytest.mark.parametrize(
    ("valid", "tier", "fmt", "dense", "sparse"),
    [
        (True, "gold", 1.0, 1.0, 1.0),
        (True, "silver", 1.0, 0.9, 0.1),
        (True, "bronze", 0.5, 0.75, 0.05),
        (True, "median", 1.0, 0.4, 0.1),
        (True, "none", 1.0, 0.3, 0.1),
        (False, "none", 0.0, 0.0, 0.0),
        (False, "none", 1.0, 0.1, 0.1),
    ],
)
def test_rewards(valid: bool, tier: str, fmt: float, dense: float, sparse: float) -> None:
    t = Thresholds(gold=0.9, silver=0.8, bronze=0.7, median=0.5, lower_is_better=False, n_entries=25)
    score = {"gold": 0.95, "silver": 0.85, "bronze": 0.75, "median": 0.6, "none": 0.1}[tier]
    m = medals(score if valid else None, t)
    assert dense_reward(valid, m, fmt) == pytest.approx(dense)
    assert sparse_reward(valid, m, fmt) == pytest.approx(sparse)


def test_grade_report_bundles_everything() -> None:
    t = Thresholds(gold=0.9, silver=0.8, bronze=0.7, median=0.5, lower_is_better=False, n_entries=4)
    report = make_grade_report(0.95, None, [0.9, 0.8, 0.7, 0.5], t)
    assert report.valid and report.medals.gold and report.reward == 1.0 and report.human_rank == 1.0
    bad = make_grade_report(None, "missing ids", [0.9], t, format_rate=0.0)
    assert not bad.valid and bad.reason == "missing ids" and bad.reward == 0.0
    with pytest.raises(ValueError):
        build_leaderboard([], lower_is_better=False)
