"""The offline MLOps engineer: the grader files, the synthetic leaderboard and the medal thresholds.

The leaderboard is a population of competitors fitted to the ladder (`sandmle_core.population`): per level, entries
spread over that level's runs' mean and spread, plus the oracle (the hidden rule's noise-free prediction) — from weak
to near-optimal, clamped so that the mle-bench rule (`sandmle_core.leaderboard`), applied to the board, reads
thresholds placed between the ladder's level clusters: gold two spreads above the best level's mean rather than at its
single luckiest run, silver, bronze and the median in the clearest gaps between levels. grade.py and
evaluator.py are rendered from the one grading runtime, so they agree with `grade_submission` to 5 decimals and need
only pandas, numpy and scikit-learn.
"""

from __future__ import annotations

from pathlib import Path

from sandmle_core.agents.base import LadderRun
from sandmle_core.envfolder import EnvFolder
from sandmle_core.grading import render_evaluator_py, render_grade_py
from sandmle_core.leaderboard import Thresholds, build_leaderboard, thresholds_from_leaderboard
from sandmle_core.metrics import get_metric
from sandmle_core.population import level_populations, population_scores
from sandmle_core.taskspec import TaskSpec

__all__ = ["OfflineMLOps", "leaderboard_scores"]


def leaderboard_scores(ladder: LadderRun, lower_is_better: bool) -> list[float]:
    """The scores that form the synthetic leaderboard: each level's fitted population, then the oracle."""
    levels = level_populations((r.level, r.score) for r in ladder.runs)
    return population_scores(levels, ladder.oracle_score, ladder.perfect_score, lower_is_better)


class OfflineMLOps:
    """MLOps role of the offline backend."""

    def write_grader(self, spec: TaskSpec, staging: EnvFolder | Path, ladder: LadderRun) -> Thresholds:
        folder = EnvFolder.of(staging)
        lower = get_metric(spec.grading.metric).lower_is_better
        board = build_leaderboard(leaderboard_scores(ladder, lower), lower_is_better=lower)
        board.to_csv(folder.leaderboard, index=False)
        thresholds = thresholds_from_leaderboard(board)
        folder.grader.write_text(render_grade_py(spec.grading))
        folder.evaluator.write_text(render_evaluator_py(spec.grading, thresholds))
        return thresholds
