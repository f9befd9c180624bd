"""The machine a benchmark ran on, and the goals table: each goal of issues 14, 16 and 19 against this run's figure,
pass / FAIL / not measured.

A goal whose figure the run did not measure is never reported as passed.
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import os
import platform
from typing import Any

__all__ = ["env_over_compute", "goal_rows", "machine_facts", "per_modality_figures"]

# `results["throughput"]["corpus_build"]`: whose corpus the sections after throughput read
BUILDS = {"workers_2": "2-worker build", "workers_1": "1-worker build", "plain": "plain-loop build"}


def env_over_compute(seconds_total: float | None, timings: dict[str, float]) -> float | None:
    """Issue 19's per-environment figure: an environment's seconds over the compute its ladder scripts need (goal
    <= 1.1); None when either is unknown."""
    compute = timings.get("ladder_compute")
    return seconds_total / compute if seconds_total and compute else None


def per_modality_figures(results: dict[str, Any]) -> tuple[str | None, dict[str, dict[str, Any]], str]:
    """Issue 19's per-modality figures (`run.per_modality_seconds`): the section they are read from (the quality
    section's when it has them, else the throughput section's; None when neither), the figures, and the build whose
    manifest they come from, e.g. "throughput section's 2-worker build" (both sections read the same corpus), or
    "build of /path/corpus" for a corpus given with `--corpus` (no throughput section ran)."""
    if results.get("corpus") and not results.get("throughput"):
        build = f"build of {results['corpus']}"
    else:
        build = f"throughput section's {BUILDS.get(results.get('throughput', {}).get('corpus_build'), 'build')}"
    for section in ("quality", "throughput"):
        figures = results.get(section, {}).get("per_modality_seconds")
        if figures:
            return section, figures, build
    return None, {}, build


def goal_rows(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Issue 19's goals against this run's figures: one row each, `pass` None when the run did not measure it."""
    tp = results.get("throughput", {})
    rows = [("accepted envs / min, whole bundled mix, 2 workers", tp.get("workers_2", {}).get("per_minute"),
             ">=", 30.0),
            ("accepted envs / min, tabular seeds, 2 workers", tp.get("tabular_workers_2", {}).get("per_minute"),
             ">=", 60.0),
            ("orchestration overhead, 1 worker vs plain loop", tp.get("overhead_vs_plain"), "<=", 0.10),
            ("Dask speed-up, 2 workers vs 1", tp.get("speedup_2_vs_1"), ">=", 1.8)]
    _, per_modality, build = per_modality_figures(results)
    rows += [(f"time per env / ladder compute, {m} ({build})", v.get("median_env_over_compute"), "<=", 1.1)
             for m, v in per_modality.items()]
    for pair in results.get("micro_vs_full", {}).get("pairs", []):  # issue 14: every family's pair, goal >= 20x
        rows.append((f"micro vs full ladder time, {pair['name']}", pair.get("total_ratio"), ">=", 20.0))
        rows.append((f"micro vs full ladder CPU seconds, {pair['name']}", pair.get("cpu_ratio"), ">=", 20.0))
    so = results.get("scaleout", {})  # issue 19: no central bottleneck when many workers share the cores
    rows += [(f"simulated {so.get('wide_workers', 16)} workers vs {so.get('ref_workers', 2)}, accepted per CPU second",
              so.get("per_cpu_ratio"), ">=", 0.9),
             (f"simulated {so.get('wide_workers', 16)} workers, CPU share of the flow process + API server",
              so.get("wide_central_share"), "<=", 0.10)]
    medal = results.get("medals", {})
    rows.append((f"medal agreement under fresh ladder seeds, mean of {medal.get('reruns', 1)} re-run(s), worst "
                 "environment (issue 16)", medal.get("min_agreement"), ">=", 0.9))
    out = []
    for name, value, op, goal in rows:
        ok = None if value is None else (value >= goal if op == ">=" else value <= goal)
        target = f"{op} {goal}"
        if results.get("quick") and name.startswith("micro vs full"):  # a smoke run's "full" scale is 10%
            ok, target = None, f"{target} at full scale (not measured: --quick synthesizes 10% of it)"
        out.append({"goal": name, "value": value, "target": target, "pass": ok})
    acceptance = results.get("acceptance", {})
    for fam in acceptance.get("families", []):  # issue 14: one row per family, its pass decided by acceptance.py
        out.append({"goal": f"K={fam['k']} builds accepted, {fam['family']} (issue 14)",
                    "value": fam.get("accepted", 0) / fam["k"] if fam.get("measured") else None,
                    "target": acceptance["goal"], "pass": fam["pass"]})
        ratio = fam.get("median_env_over_compute")  # issue 19's per-modality figure, for every family
        out.append({"goal": f"time per env / ladder compute, {fam['family']} (acceptance builds)", "value": ratio,
                    "target": "<= 1.1", "pass": None if ratio is None else ratio <= 1.1})
    return out


def machine_facts() -> dict[str, Any]:
    versions = {}
    for pkg in ("numpy", "pandas", "scikit-learn", "prefect", "dask", "distributed", "great-expectations"):
        try:
            versions[pkg] = importlib.metadata.version(pkg)
        except importlib.metadata.PackageNotFoundError:
            versions[pkg] = None
    try:
        mem_gib = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    except (ValueError, OSError):
        mem_gib = None
    return {"cores": os.cpu_count(), "memory_gib": mem_gib, "python": platform.python_version(),
            "platform": platform.platform(), "versions": versions, "date": dt.datetime.now(dt.UTC).isoformat()}
