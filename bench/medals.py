"""Benchmark section: how much an environment's medals hinge on the ladder's rng seeds (issue 16's goal).

For every environment of a built corpus the ladder is re-run with as many fresh seeds as the build used, seeds no build
uses (`FRESH_START` on); both runs give a leaderboard and thresholds, and every ladder submission of the first run is
graded against both. The figure per environment is the share of those submissions whose tier (gold, silver, bronze,
above median, none) is the same. The goal: >= 90 % in every environment. The same figure is reported for the old
leaderboard (the raw ladder runs plus the oracle), so the report shows what the population leaderboard
(`sandmle_core.population`) buys, and where gold sits against the best level's mean.
"""

from __future__ import annotations

import json
import statistics
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from sandmle_core.agents.offline.developer import OfflineDeveloper, run_ladder_scripts
from sandmle_core.envfolder import EnvFolder
from sandmle_core.grading import grade_submission
from sandmle_core.layout import Corpus
from sandmle_core.leaderboard import build_leaderboard, thresholds_from_leaderboard
from sandmle_core.metrics import get_metric
from sandmle_core.population import (
    STABILITY_GOAL,
    level_populations,
    medal_agreement,
    medal_stability,
    population_thresholds,
)
from sandmle_core.taskspec import TaskSpec

__all__ = ["FRESH_START", "GOAL", "bench_medals"]

FRESH_START = 100  # builds use ladder seeds 0-3
GOAL = STABILITY_GOAL


def _raw(levels, oracle: float, lower: bool):
    scores = [float(s) for v in levels.values() for s in v] + [oracle]
    return thresholds_from_leaderboard(build_leaderboard(scores, lower_is_better=lower))


def _one(env_dir: Path) -> dict[str, Any]:
    import yaml

    config = yaml.safe_load((env_dir / "config.yaml").read_text())
    spec = TaskSpec.model_validate(config["sandmle"]["spec"])
    validation = json.loads((env_dir / "validation.json").read_text())
    metric = get_metric(spec.grading.metric)
    lower, oracle = metric.lower_is_better, float(validation["oracle_score"])
    first = level_populations((r["level"], r["score"]) for r in validation["ladder"])
    used = len({r["seed"] for r in validation["ladder"]})
    folder = EnvFolder.of(env_dir)
    answers = pd.read_csv(folder.answers)
    # the perfect score as the build takes it (the developer grades the gold submission), not the metric's optimum
    perfect = grade_submission(pd.read_csv(folder.gold_submission), answers, spec.grading)
    with tempfile.TemporaryDirectory() as tmp:
        scripts = OfflineDeveloper().write_solutions(spec, Path(tmp))
        runs, *_ = run_ladder_scripts(scripts, env_dir / "prepared" / "public", answers,
                                      lambda sub, ans: grade_submission(sub, ans, spec.grading),
                                      seeds=tuple(range(FRESH_START, FRESH_START + used)))
    second = level_populations((r.level, r.score) for r in runs)
    submissions = [float(s) for v in first.values() for s in v]
    new_a, new_b = (population_thresholds(x, oracle, perfect, lower) for x in (first, second))
    best_mean = max(statistics.fmean(v) for v in first.values()) if not lower else min(
        statistics.fmean(v) for v in first.values())
    return {"env_id": spec.env_id, "modality": spec.modality.value, "metric": spec.grading.metric, "seeds": used,
            "agreement": round(medal_agreement(submissions, new_a, new_b), 4),
            "agreement_raw_board": round(medal_agreement(submissions, _raw(first, oracle, lower),
                                                         _raw(second, oracle, lower)), 4),
            "bootstrap_stability": round(medal_stability(first, oracle, perfect, lower), 4),
            "gold_beyond_best_mean": bool(new_a.gold < best_mean if lower else new_a.gold > best_mean)}


def bench_medals(corpus: Path, limit: int | None = None) -> dict[str, Any]:
    """Medal agreement under fresh ladder seeds, per environment and summarised (see the module docstring)."""
    envs = sorted(Corpus(corpus).environment_dirs())[:limit]
    rows = [_one(e) for e in envs]
    if not rows:
        return {"environments": 0}
    agree = [r["agreement"] for r in rows]
    raw = [r["agreement_raw_board"] for r in rows]
    return {
        "environments": len(rows), "goal": GOAL,
        "median_agreement": round(statistics.median(agree), 4), "min_agreement": min(agree),
        "share_meeting_goal": round(sum(a >= GOAL for a in agree) / len(rows), 4),
        "median_agreement_raw_board": round(statistics.median(raw), 4), "min_agreement_raw_board": min(raw),
        "fresh_seeds": f"{FRESH_START}+ (as many as the build used)",
        "share_meeting_goal_raw_board": round(sum(a >= GOAL for a in raw) / len(rows), 4),
        "gold_beyond_best_mean_share": round(sum(r["gold_beyond_best_mean"] for r in rows) / len(rows), 4),
        "passed": all(a >= GOAL for a in agree),
        "per_env": rows,
    }
