"""Where one environment build's time goes, per modality: a cProfile top-20 and the stage timings of one slot.

Issue 19 asks for time per environment <= 1.1x the compute its ladder scripts need. The host process spends its
time waiting on the sandboxed ladder harness, so the profile shows the host side (profiling the seed, drafting,
synthesis, contracts, grading, publishing) and the manifest's stage timings show the rest: `ladder` is the wall time
of the sandboxed harness (sandbox start, imports, the scripts), `ladder_compute` the seconds inside the scripts.
The same split in CPU seconds, which a shared machine does not inflate: `host_cpu` (the slot's host thread),
`ladder_cpu` (the whole sandboxed harness) and `ladder_scripts_cpu` (the runs themselves); `cpu_over_scripts` is
(host_cpu + ladder_cpu) / ladder_scripts_cpu, the CPU form of the issue's "time per environment / ladder compute".

Imports: the build wing's `sandmle_core.pipeline` and the data contracts (the same calls a build makes).
"""

from __future__ import annotations

import cProfile
import io
import json
import pstats
import time
from pathlib import Path
from typing import Any

__all__ = ["PROFILE_SEEDS", "profile_builds"]

# one bundled seed per modality
PROFILE_SEEDS = ("breast-cancer", "docstrings", "digits", "co2", "whale-calls")


def _top(profile: cProfile.Profile, n: int) -> list[dict[str, Any]]:
    """The n functions with the most cumulative time, as rows (function, calls, tottime, cumtime)."""
    stats = pstats.Stats(profile, stream=io.StringIO())
    rows = []
    for (path, line, name), (_, calls, tottime, cumtime, _) in stats.stats.items():  # type: ignore[attr-defined]
        where = "/".join(Path(path).parts[-2:]) if path != "~" else ""
        rows.append({"function": f"{where}:{line}({name})" if where else name, "calls": calls,
                     "tottime": round(tottime, 4), "cumtime": round(cumtime, 4)})
    rows.sort(key=lambda r: r["cumtime"], reverse=True)
    return rows[:n]


def profile_builds(work: Path, seeds: tuple[str, ...] = PROFILE_SEEDS, rng_seed: int = 7,
                   top: int = 20) -> dict[str, Any]:
    """Build one slot per seed under cProfile (contracts on, offline backend).

    Args:
        work: a scratch folder; one corpus per seed is built under it.
        seeds: bundled seed ids (one per modality by default).
        rng_seed: the build's rng seed.
        top: how many functions to keep per profile.

    Returns:
        {seed: {"modality", "status", "wall_seconds", "timings", "env_over_compute", "cpu_over_scripts",
        "top": [...]}}.
    """
    from sandmle.data_contracts import contract_checker

    from sandmle_core.pipeline import analyze_seed, plan_slots, read_profile, run_slot

    out: dict[str, Any] = {}
    for seed in seeds:
        root = work / seed
        _, path = analyze_seed(seed, root)  # outside the profile: what is measured is one slot's build
        (job,) = plan_slots(seed, read_profile(path), 1, rng_seed, root)
        profiler = cProfile.Profile()
        start = time.perf_counter()
        profiler.enable()
        row = run_slot(job, contract_checker)
        profiler.disable()
        wall = time.perf_counter() - start
        timings = {k: round(v, 4) for k, v in json.loads(row.timings_json or "{}").items()}
        compute = timings.get("ladder_compute")
        scripts_cpu = timings.get("ladder_scripts_cpu")
        whole_cpu = timings.get("host_cpu", 0.0) + timings.get("ladder_cpu", 0.0)
        out[seed] = {"modality": row.modality, "status": row.status, "wall_seconds": round(wall, 3),
                     "timings": timings, "env_over_compute": round(wall / compute, 3) if compute else None,
                     "cpu_over_scripts": round(whole_cpu / scripts_cpu, 3) if scripts_cpu and "ladder_cpu" in timings
                     else None,
                     "top": _top(profiler, top)}
    return out
