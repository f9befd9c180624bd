"""Leaderboards, medal thresholds, HumanRank and the RL reward.

Thresholds follow mle-bench's `Grader.rank_score` exactly: the Kaggle progression rule by the number of entries N,
lower-is-better iff the first row's score is below the last row's, inclusive and mutually exclusive medal tests, and
above-median strictly against the pandas median of all scores. The reward is SandMLE's: +0.2 for a valid
submission, exactly one tier bonus (gold 0.7, silver 0.6, bronze 0.5, else above-median 0.1) and 0.1 × the format
rate the caller measured; the sparse variant pays 0.9 for gold only.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import pandas as pd
from pydantic import BaseModel, ConfigDict

__all__ = [
    "GradeReport",
    "MedalResult",
    "Thresholds",
    "build_leaderboard",
    "dense_reward",
    "human_rank",
    "make_grade_report",
    "medals",
    "sparse_reward",
    "threshold_positions",
    "thresholds_from_leaderboard",
]


class Thresholds(BaseModel):
    """The medal thresholds of a leaderboard."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    gold: float
    silver: float
    bronze: float
    median: float
    lower_is_better: bool
    n_entries: int


class MedalResult(BaseModel):
    """Which tier a score reaches. At most one medal is true."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    gold: bool
    silver: bool
    bronze: bool
    above_median: bool

    @property
    def any_medal(self) -> bool:
        return self.gold or self.silver or self.bronze


def build_leaderboard(scores: Sequence[float], lower_is_better: bool) -> pd.DataFrame:
    """A leaderboard table, best first, one column `score` rounded to 5 decimals.

    Raises:
        ValueError: when there are no scores.
    """
    if len(scores) == 0:
        raise ValueError("a leaderboard needs at least one score")
    ordered = sorted((round(float(s), 5) for s in scores), reverse=not lower_is_better)
    return pd.DataFrame({"score": ordered})


def threshold_positions(n: int) -> tuple[int, int, int]:
    """1-based leaderboard positions of the gold, silver and bronze thresholds for N entries (Kaggle progression)."""
    if n < 1:
        raise ValueError("a leaderboard needs at least one entry")
    if n < 100:
        return max(1, int(n * 0.1)), max(1, int(n * 0.2)), max(1, int(n * 0.4))
    if n < 250:
        return 10, max(1, int(n * 0.2)), max(1, int(n * 0.4))
    if n < 1000:
        return 10 + int(n * 0.002), 50, 100
    return 10 + int(n * 0.002), max(1, int(n * 0.05)), max(1, int(n * 0.1))


def thresholds_from_leaderboard(leaderboard: pd.DataFrame) -> Thresholds:
    """Apply the mle-bench rule to a leaderboard (rows in leaderboard order, column `score`).

    Raises:
        ValueError: when the table has no `score` column or no rows.
    """
    if "score" not in leaderboard.columns or leaderboard.empty:
        raise ValueError("the leaderboard needs a non-empty `score` column")
    scores = leaderboard["score"].astype(float)
    gold, silver, bronze = (float(scores.iloc[p - 1]) for p in threshold_positions(len(scores)))
    return Thresholds(
        gold=gold,
        silver=silver,
        bronze=bronze,
        median=float(scores.median()),
        lower_is_better=bool(scores.iloc[0] < scores.iloc[-1]),
        n_entries=len(scores),
    )


def medals(score: float | None, thresholds: Thresholds) -> MedalResult:
    """The tier a score reaches (no medal for an invalid submission, `None`)."""
    if score is None:
        return MedalResult(gold=False, silver=False, bronze=False, above_median=False)
    lower = thresholds.lower_is_better

    def reaches(limit: float) -> bool:
        return score <= limit if lower else score >= limit

    gold = reaches(thresholds.gold)
    silver = not gold and reaches(thresholds.silver)
    bronze = not gold and not silver and reaches(thresholds.bronze)
    above = score < thresholds.median if lower else score > thresholds.median
    return MedalResult(gold=gold, silver=silver, bronze=bronze, above_median=above)


def human_rank(score: float | None, leaderboard_scores: Sequence[float], lower_is_better: bool) -> float:
    """Share of leaderboard entries the score ties or beats (MLE-Dojo's HumanRank); 0 for no score."""
    if score is None or len(leaderboard_scores) == 0:
        return 0.0
    beaten = sum(1 for s in leaderboard_scores if (score <= s if lower_is_better else score >= s))
    return round(beaten / len(leaderboard_scores), 6)


def dense_reward(valid: bool, medal: MedalResult, format_rate: float = 1.0) -> float:
    """SandMLE's dense reward: valid 0.2 + one tier bonus + 0.1 × format rate."""
    reward = 0.1 * format_rate
    if valid:
        reward += 0.2
        if medal.gold:
            reward += 0.7
        elif medal.silver:
            reward += 0.6
        elif medal.bronze:
            reward += 0.5
        elif medal.above_median:
            reward += 0.1
    return round(reward, 6)


def sparse_reward(valid: bool, medal: MedalResult, format_rate: float = 1.0) -> float:
    """The sparse variant: 0.9 for gold only, plus 0.1 × format rate."""
    return round((0.9 if valid and medal.gold else 0.0) + 0.1 * format_rate, 6)


class GradeReport(BaseModel):
    """Everything `sandmle grade` reports about one submission."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    score: float | None
    valid: bool
    reason: str | None
    thresholds: Thresholds | None  # None: a competition without a leaderboard (no medals, rank 0)
    medals: MedalResult
    any_medal: bool
    human_rank: float
    reward: float
    sparse_reward: float

    def to_json(self) -> str:
        return json.dumps(self.model_dump(mode="json"), indent=2)


def make_grade_report(
    score: float | None,
    reason: str | None,
    leaderboard_scores: Sequence[float],
    thresholds: Thresholds | None,
    format_rate: float = 1.0,
) -> GradeReport:
    """Bundle a graded (or invalid, `score=None` with a reason) submission with its tier, rank and reward.

    Without thresholds (an mle-bench competition that ships no leaderboard) no tier is reached and the rank is 0.
    """
    no_tier = MedalResult(gold=False, silver=False, bronze=False, above_median=False)
    tier = medals(score, thresholds) if thresholds is not None else no_tier
    valid = score is not None
    return GradeReport(
        score=score,
        valid=valid,
        reason=reason,
        thresholds=thresholds,
        medals=tier,
        any_medal=tier.any_medal,
        human_rank=(human_rank(score, leaderboard_scores, thresholds.lower_is_better) if thresholds is not None
                    else 0.0),
        reward=dense_reward(valid, tier, format_rate),
        sparse_reward=sparse_reward(valid, tier, format_rate),
    )
