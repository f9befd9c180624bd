"""`run_bench`: the benchmark's sections in order, each on its own, with the results written after every one.

A section that raises is recorded in `results["errors"]` (its exception and traceback tail) and the run goes on with
the next; a section that needs another's output (quality, medals and grading read the throughput section's corpus)
is recorded in `results["skipped"]` with the reason when that output is missing. `results.json` and `report.md` are
rewritten after every section (`"complete": false` until the last), so a crash or a kill hours into a full run keeps
every figure already measured. The CLI exits 1 when any section failed.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import string
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sandmle.bench import run as parts
from sandmle.bench.goals import goal_rows, machine_facts
from sandmle.bench.report import plots, render_report

__all__ = ["ALL_SECTIONS", "run_bench", "run_folder"]

Runner = Callable[[dict[str, Any], dict[str, Any], Path, bool], None]


def _micro(results: dict[str, Any], state: dict[str, Any], work: Path, quick: bool) -> None:
    from sandmle.bench.shapes import bench_fixture_pairs, bench_image2image  # families without a seed

    repeats, scale, full_repeats = (3, 0.1, 1) if quick else (5, 1.0, 2)
    synthetic = parts.MICRO_FULL_SEEDS  # karate-links (link prediction) too, though not in the other sections
    large = tuple(s for s in ("diamonds", "movies") if s in parts.ALL_SEEDS)
    results["micro_vs_full"] = parts.bench_micro_vs_full(
        work / "micro", repeats=repeats, seeds=synthetic[:2] if quick else synthetic, full_scale=scale,
        full_repeats=full_repeats, real_seeds=() if quick else large)
    results["micro_vs_full"]["pairs"].append(bench_image2image(work / "micro", repeats=repeats, full_scale=scale,
                                                               full_repeats=full_repeats))
    results["micro_vs_full"]["pairs"] += bench_fixture_pairs(work / "shapes", repeats=repeats, full_scale=scale,
                                                             full_repeats=full_repeats)


def _throughput(results: dict[str, Any], state: dict[str, Any], work: Path, quick: bool) -> None:
    tp = parts.bench_throughput(work / "throughput", parts.ALL_SEEDS, per_seed=1 if quick else 6,
                                   workers=(1, 2))
    state["plain_rows"] = tp.pop("plain_rows")
    results["throughput"] = tp
    # the corpus the later sections read: the 2-worker build's (the 1-worker one's, the plain loop's if it failed)
    build = next((k for k in ("workers_2", "workers_1") if "corpus" in tp.get(k, {})), "plain")
    state["corpus"] = Path(tp[build]["corpus"]) if build != "plain" else work / "throughput" / "plain"
    # issue 19's per-modality figure from that manifest, so a run without the quality section reports it too
    tp["corpus_build"] = build
    tp["per_modality_seconds"] = parts.per_modality_seconds(state["corpus"])


def _sandbox(results: dict[str, Any], state: dict[str, Any], work: Path, quick: bool) -> None:
    results["sandbox"] = parts.bench_sandbox(runs=5 if quick else 20)
    if state.get("corpus") is None:
        results.setdefault("skipped", {})["grading"] = "needs the throughput section's corpus"
        return
    results["grading"] = parts.bench_grading(state["corpus"], repeats=20 if quick else 200)


def _quality(results: dict[str, Any], state: dict[str, Any], work: Path, quick: bool) -> None:
    # a given corpus (`--corpus`) has no plain-loop rows: its manifest is read
    results["quality"] = parts.bench_quality(state["corpus"], state.get("plain_rows", []))
    results["fidelity"] = parts.bench_fidelity(state["corpus"], parts.ALL_SEEDS,
                                                  max_real_rows=2_000 if quick else 5_000)


def _medals(results: dict[str, Any], state: dict[str, Any], work: Path, quick: bool) -> None:
    from sandmle.bench.medals import bench_medals

    results["medals"] = bench_medals(state["corpus"], limit=10 if quick else None, reruns=1 if quick else 3)


def _profile(results: dict[str, Any], state: dict[str, Any], work: Path, quick: bool) -> None:
    from sandmle.bench.hotspots import profile_builds

    results["profile"] = profile_builds(work / "profile")


def _acceptance(results: dict[str, Any], state: dict[str, Any], work: Path, quick: bool) -> None:
    from sandmle.bench.acceptance import bench_acceptance  # issue 14: K slots per family

    results["acceptance"] = bench_acceptance(work / "acceptance", k=2 if quick else 10)


def _scaleout(results: dict[str, Any], state: dict[str, Any], work: Path, quick: bool) -> None:
    from sandmle.bench.scaleout import bench_scaleout  # issue 19: 16 one-thread workers vs 2, per CPU second

    results["scaleout"] = bench_scaleout(work / "scaleout", parts.ALL_SEEDS, per_seed=1 if quick else 3,
                                         prior_rows=1_000 if quick else 5_000)


RUNNERS: dict[str, Runner] = {"micro": _micro, "throughput": _throughput, "sandbox": _sandbox, "quality": _quality,
                              "medals": _medals, "profile": _profile, "acceptance": _acceptance,
                              "scaleout": _scaleout}
ALL_SECTIONS = tuple(RUNNERS)
_NEEDS_CORPUS = ("quality", "medals")


def _write(out: Path, results: dict[str, Any]) -> None:
    (out / "results.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    (out / "report.md").write_text(render_report(results))


def run_folder(out_root: Path, day: dt.date | None = None) -> Path:
    """A new folder for one run: `out_root/<date>/`, or `<date>b`, `<date>c`, ... when the day already has runs (a
    second run of the day wrote into the first's folder and replaced its report).

    Raises:
        FileExistsError: the day already has 26 runs.
    """
    stamp = (day or dt.date.today()).isoformat()
    for suffix in ("", *string.ascii_lowercase[1:]):
        out = out_root / f"{stamp}{suffix}"
        try:
            out.mkdir(parents=True)
        except FileExistsError:
            continue
        return out
    raise FileExistsError(f"{out_root}: {stamp} already has a run for every suffix up to z")


def run_bench(out_root: Path, quick: bool = False, sections: tuple[str, ...] = ALL_SECTIONS,
              runners: dict[str, Runner] | None = None, corpus: Path | None = None) -> Path:
    """Run the benchmark's `sections` in their fixed order; write results.json, report.md and plots under a new
    `out_root/<date>/` (`run_folder`) after each; return that folder (`results["errors"]` names any section that
    failed).

    `corpus`: an already built corpus for the sections that read one (quality, medals) instead of the throughput
    section's build (the caller leaves the throughput section out: `sandmle bench --corpus`)."""
    runners = runners or RUNNERS
    out = run_folder(out_root)
    work = Path(tempfile.mkdtemp(prefix="sandmle-bench-"))
    results: dict[str, Any] = {"machine": machine_facts(), "quick": quick, "seeds": list(parts.ALL_SEEDS),
                               "sections": [s for s in ALL_SECTIONS if s in sections], "complete": False}
    state: dict[str, Any] = {}
    if corpus is not None:
        state["corpus"] = corpus
        results["corpus"] = str(corpus)
    try:
        for name in results["sections"]:
            if name in _NEEDS_CORPUS and state.get("corpus") is None:
                results.setdefault("skipped", {})[name] = "needs the throughput section's corpus (not run or failed)"
            else:
                try:
                    runners[name](results, state, work, quick)
                except Exception as exc:  # recorded and reported; the CLI exits 1
                    tail = traceback.format_exc().strip().splitlines()[-6:]
                    results.setdefault("errors", {})[name] = {"error": f"{type(exc).__name__}: {exc}",
                                                              "traceback": tail}
            _write(out, results)  # everything measured so far survives a later crash or kill
        results["goals"] = goal_rows(results)
        results["plots"] = plots(results, out)
        results["complete"] = True
    finally:
        shutil.rmtree(work, ignore_errors=True)
        _write(out, results)
    return out

