"""The benchmark's measurements: the speed-up, throughput, sandbox/grading and quality figures (`runner.py` runs them).

Every section repeats its measurement and reports medians and ratios. Output: `bench/results/<date>/results.json`,
`report.md` (goals table from `goals.py`) and PNG plots. Nothing is asserted: the benchmark measures.

Sections:
1. micro vs full — the same solution ladder on full-scale data (the real seeds with >= 20,000 rows, and synthetic
   specs synthesized at full scale) and on micro-scale data (the same spec at its micro size; for a real seed, its
   micro environments): execution-time ratio and score gap per level. The families without a bundled seed
   (image-to-image, sequence-to-sequence, the image shapes beyond one label, multi-label audio) add one pair each
   (`shapes.py`: `bench_image2image`, `bench_fixture_pairs`), outside the section's medians.
2. build throughput — accepted environments per minute with 1 and 2 Dask workers, and the orchestration overhead of
   the Prefect flow against the same core calls in a plain loop; per modality, from the 2-worker build's manifest,
   the time per environment over its ladder scripts' compute (`per_modality_seconds`, also in section 4).
3. sandbox start-up per backend vs bare `python -c pass`; grading latency (warm service vs cold evaluator.py).
4. corpus quality — yield, thresholds, ladder Kendall tau, diversity, near-duplicates, and fidelity: the Spearman
   correlation between the ladder's ranking on each real seed and on its synthetic environments.
5. medal stability under fresh ladder seeds (`medals.py`); 6. one slot per modality under cProfile (`hotspots.py`).
7. acceptance — K slots per generator family on its bundled or fixture seed, accepted/K and ladder tau
   (`acceptance.py`; K=10, 2 with --quick).
8. simulated scale-out — the same slots with 2 and 16 one-thread Dask workers on the same cores, per CPU second, and
   the CPU share of the central processes (`scaleout.py`).
"""

from __future__ import annotations

import json
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
from sandmle.bench.goals import env_over_compute

__all__ = ["bench_fidelity", "bench_grading", "bench_micro_vs_full", "bench_quality", "bench_sandbox",
           "bench_throughput", "per_modality_seconds"]

TABULAR_SEEDS = ("breast-cancer", "penguins", "wine", "diamonds", "anes96", "movies")
ALL_SEEDS = (*TABULAR_SEEDS, "docstrings", "digits", "co2", "whale-calls", "karate", "karate-links")
FULL_ROWS = {"tabular": (50_000, 10_000), "text": (50_000, 10_000), "image": (20_000, 4_000),
             "time_series": (50_000, 1_000), "audio": (20_000, 4_000),
             "graph": (20_000, 5_000),  # node classification: labelled and test nodes
             # link prediction's unit is a node pair, and its heuristic levels cost well under a second at 20,000
             # pairs, so its full scale is 50,000 labelled + 10,000 test pairs
             "graph links": (50_000, 10_000)}
LARGE_SEED_ROWS = 20_000
# one synthetic spec per task family at full scale (movies' 7-label full-scale ladder alone would take ~10 minutes)
MICRO_FULL_SEEDS = ("breast-cancer", "penguins", "wine", "diamonds", "anes96", "docstrings", "digits", "co2",
                    "whale-calls", "karate", "karate-links")


def full_scale_family(spec) -> str:
    """The key of `FULL_ROWS` a spec's full scale is read from: its modality, or `graph links` for link prediction."""
    from sandmle_core.modalities.graph import is_link_prediction

    return "graph links" if is_link_prediction(spec) else spec.modality.value


def _level_stats(runs, lower_is_better: bool) -> dict[int, dict[str, float | None]]:
    out: dict[int, dict[str, float | None]] = {}
    for level in sorted({r.level for r in runs}):
        mine = [r for r in runs if r.level == level]
        scores = [r.score for r in mine if r.score is not None]
        cpu = [r.cpu_seconds for r in mine]
        out[level] = {"seconds": statistics.median(r.seconds for r in mine),
                      "cpu_seconds": None if None in cpu else statistics.median(cpu),
                      "score": statistics.median(scores) if scores else None, "name": mine[0].name}
    return out


def _run_ladder(config, public: Path, answers: pd.DataFrame, grading, repeats: int, timeout: float = 900.0):
    from sandmle_core.agents.offline.developer import run_ladder_scripts
    from sandmle_core.grading import grade_submission
    from sandmle_core.ladder import ladder_for

    runs, _, wall, _ = run_ladder_scripts(ladder_for(config), public, answers,
                                       lambda s, a: grade_submission(s, a, grading), seeds=(0,) * repeats,
                                       run_timeout=timeout)
    return runs, wall


def in_processes(fn: Callable[..., Any], args: list[tuple[Any, ...]], workers: int) -> list[Any]:
    """`fn(*a)` for every `a` of `args`, in order: `workers` at a time in spawned processes (the micro section's
    pairs, each a sandboxed one-thread ladder per core), or here when one worker or one call is asked."""
    if workers < 2 or len(args) < 2:
        return [fn(*a) for a in args]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        return list(pool.map(fn, *zip(*args, strict=True)))


def _seed_pairs(seed_id: str, work: Path, repeats: int, synthetic: bool, real: bool, full_scale: float,
                full_repeats: int, real_repeats: int) -> list[dict[str, Any]]:
    """One seed's pairs of `bench_micro_vs_full`: its synthetic spec at micro and full scale (`synthetic`), and the
    real task against its micro environment (`real`, a table of at least `LARGE_SEED_ROWS` rows)."""
    from sandmle_core.agents.offline.developer import write_reference_submissions
    from sandmle_core.agents.offline.strategist import OfflineStrategist
    from sandmle_core.envfolder import EnvFolder
    from sandmle_core.ladder.configs import config_from_profile, config_from_spec
    from sandmle_core.modalities import get_kit
    from sandmle_core.profile import profile_seed
    from sandmle_core.seeds import get_bundled_seed

    pairs = []
    seed = get_bundled_seed(seed_id)
    profile = profile_seed(seed)
    spec = OfflineStrategist().draft_spec(seed_id, profile, 0, 20261125)
    kit = get_kit(spec.modality)
    micro_dir, full_dir = EnvFolder(work / f"{seed_id}-micro"), EnvFolder(work / f"{seed_id}-full")
    kit.synthesize(spec, micro_dir)
    write_reference_submissions(spec, micro_dir)  # the sample submission, as a build writes it
    full_rows = FULL_ROWS[full_scale_family(spec)]
    n_train, n_test = (int(v * full_scale) for v in full_rows)
    config = config_from_spec(spec)
    lower = spec.dna.lower_is_better
    micro_runs, _ = _run_ladder(config, micro_dir.public, pd.read_csv(micro_dir.answers), spec.grading, repeats)
    if synthetic:
        kit.synthesize(spec, full_dir, n_train=n_train, n_test=n_test)
        write_reference_submissions(spec, full_dir)
        full_runs, _ = _run_ladder(config, full_dir.public, pd.read_csv(full_dir.answers), spec.grading,
                                   full_repeats)
        pairs.append(_pair(f"{seed_id} (synthetic spec)", "synthetic", spec.n_train, n_train,
                           _level_stats(micro_runs, lower), _level_stats(full_runs, lower)))
    if real and profile.n_train + profile.n_test >= LARGE_SEED_ROWS:
        real_runs, _ = _run_ladder(config_from_profile(profile), seed.public_dir, seed.read_answers(),
                                   profile.grading, real_repeats)
        pairs.append(_pair(f"{seed_id} (real task vs its micro environment)", "real", spec.n_train,
                           profile.n_train, _level_stats(micro_runs, lower), _level_stats(real_runs, lower)))
    shutil.rmtree(full_dir.root, ignore_errors=True)
    return pairs


def bench_micro_vs_full(work: Path, repeats: int, seeds: tuple[str, ...], full_scale: float = 1.0,
                        full_repeats: int = 2, real_seeds: tuple[str, ...] = (), real_repeats: int = 1,
                        workers: int = 2) -> dict[str, Any]:
    """Section 1: per pair (full, micro) and per ladder level, the execution-time ratio and the score gap.

    `seeds` get a synthetic spec synthesized at micro and at full scale; `real_seeds` (the real tables with at least
    20,000 rows) also run the ladder on the real task, compared with the micro environment drafted from them. The
    seeds run `workers` at a time, each in a process of its own (its ladders are sandboxed one-thread runs: one core
    each), so on 2 cores a seed's micro and full halves both run beside another seed's; the pairs are reported in
    the seeds' order. One at a time, the full-scale ladders took 47+ minutes of this section (2026-12-05)."""
    order = list(dict.fromkeys((*seeds, *real_seeds)))
    args = [(seed_id, work, repeats, seed_id in seeds, seed_id in real_seeds, full_scale, full_repeats, real_repeats)
            for seed_id in order]
    per_seed = in_processes(_seed_pairs, args, workers)
    pairs = [pair for found in per_seed for pair in found]
    measured = [p for p in pairs if p["measured"]]
    ratios = [lv["time_ratio"] for p in measured for lv in p["levels"].values() if lv["time_ratio"]]
    totals = [p["total_ratio"] for p in measured]
    return {"pairs": pairs, "median_level_ratio": statistics.median(ratios) if ratios else None,
            "median_total_ratio": statistics.median(totals) if totals else None, "repeats": repeats,
            "full_repeats": full_repeats, "real_repeats": real_repeats, "workers": workers}


def _pair(name: str, kind: str, micro_rows: int, full_rows: int, micro: dict, full: dict) -> dict[str, Any]:
    levels = {}
    for level in sorted(set(micro) & set(full)):
        m, f = micro[level], full[level]
        levels[level] = {"name": m["name"], "micro_seconds": round(m["seconds"], 4),
                         "full_seconds": round(f["seconds"], 4),
                         "time_ratio": round(f["seconds"] / m["seconds"], 2) if m["seconds"] > 0 else None,
                         "micro_score": m["score"], "full_score": f["score"]}
    micro_total = sum(v["micro_seconds"] for v in levels.values())
    full_total = sum(v["full_seconds"] for v in levels.values())
    # the same totals in CPU seconds (the harness's wait4 per run): the wall clock of a shared machine follows its
    # load, which can differ between the micro and the full half; CPU seconds do not
    cpu = [(micro[lv].get("cpu_seconds"), full[lv].get("cpu_seconds")) for lv in levels]
    cpu_known = bool(cpu) and all(m is not None and f is not None for m, f in cpu)
    micro_cpu = sum(m for m, _ in cpu) if cpu_known else None
    full_cpu = sum(f for _, f in cpu) if cpu_known else None
    # a level with no scored run crashed (or wrote nothing gradable): the seconds of a crash are no ladder time
    failed = [lv for lv, v in levels.items() if v["micro_score"] is None or v["full_score"] is None]
    if failed:
        name = f"{name} (not measured: levels {failed} were not scored)"
    return {"name": name, "kind": kind, "micro_rows": micro_rows, "full_rows": full_rows, "levels": levels,
            "measured": not failed, "failed_levels": failed,
            "micro_total_seconds": round(micro_total, 3), "full_total_seconds": round(full_total, 3),
            "total_ratio": round(full_total / micro_total, 2) if micro_total and not failed else None,
            "micro_cpu_seconds": None if micro_cpu is None else round(micro_cpu, 3),
            "full_cpu_seconds": None if full_cpu is None else round(full_cpu, 3),
            "cpu_ratio": round(full_cpu / micro_cpu, 2) if micro_cpu and not failed else None}


def bench_throughput(work: Path, seeds: tuple[str, ...], per_seed: int, workers: tuple[int, ...],
                     rng_seed: int = 7) -> dict[str, Any]:
    """Section 2: plain loop vs the Prefect flow on Dask with 1 and 2 workers, on the same slots."""
    from sandmle.bench.plain import build_plain
    from sandmle.data_contracts import contract_checker

    from sandmle.runtime import prefect_api

    out: dict[str, Any] = {"environments": per_seed * len(seeds), "seeds": list(seeds)}
    start = time.perf_counter()
    plain = build_plain(seeds, work / "plain", per_seed, rng_seed=rng_seed, check_contracts=contract_checker)
    plain_wall = time.perf_counter() - start
    accepted = sum(r.status == "accepted" for r in plain["rows"])
    out["plain"] = {"wall_seconds": round(plain_wall, 2), "accepted": accepted,
                    "per_minute": round(60 * accepted / plain_wall, 2)}
    with prefect_api():
        from sandmle.flows.build_corpus import build_corpus, flow_result

        for n in workers:
            start = time.perf_counter()
            result = flow_result(build_corpus(seeds=list(seeds), out=str(work / f"flow-{n}"), per_seed=per_seed,
                                              rng_seed=rng_seed, workers=n, return_state=True))
            wall = time.perf_counter() - start
            accepted = result["counts"].get("accepted", 0)
            out[f"workers_{n}"] = {"wall_seconds": round(wall, 2), "flow_seconds": result["wall_seconds"],
                                   "accepted": accepted, "per_minute": round(60 * accepted / wall, 2),
                                   "corpus": result["corpus"]}
        tabular = tuple(s for s in seeds if s in TABULAR_SEEDS)
        if tabular and 2 in workers:  # issue 19's tabular goal: the same flow on the tabular seeds alone
            start = time.perf_counter()
            result = flow_result(build_corpus(seeds=list(tabular), out=str(work / "flow-tabular-2"),
                                              per_seed=per_seed, rng_seed=rng_seed, workers=2, return_state=True))
            wall = time.perf_counter() - start
            accepted = result["counts"].get("accepted", 0)
            out["tabular_workers_2"] = {"wall_seconds": round(wall, 2), "accepted": accepted,
                                        "per_minute": round(60 * accepted / wall, 2), "seeds": list(tabular)}
    if "workers_1" in out:
        out["overhead_vs_plain"] = round(out["workers_1"]["wall_seconds"] / plain_wall - 1, 4)
    if "workers_1" in out and "workers_2" in out:
        out["speedup_2_vs_1"] = round(out["workers_1"]["wall_seconds"] / out["workers_2"]["wall_seconds"], 3)
    out["plain_rows"] = plain["rows"]
    return out


def bench_sandbox(runs: int) -> dict[str, Any]:
    """Section 3a: start-up overhead per working sandbox backend."""
    from sandmle.bench.startup import measure_startup

    from sandmle_core.sandbox import available_backends

    out = {}
    for status in available_backends():
        if status.works and status.name != "docker":
            out[status.name] = measure_startup(status.name, runs=runs)
    return out


def bench_grading(corpus: Path, repeats: int) -> dict[str, Any]:
    """Section 3b: warm grading service vs cold evaluator.py (the service module's own benchmark)."""
    try:
        from sandmle.bench.grading import bench_grading as measure
    except ImportError as exc:
        return {"skipped": f"grading service not available: {exc}"}
    return measure(corpus, repeats)


def bench_quality(corpus: Path, plain_rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Section 4a: yield, failure reasons, threshold and ladder figures, diversity, seconds per modality."""
    from sandmle_core.layout import Corpus
    from sandmle_core.records import read_manifest

    rows = read_manifest(Corpus(corpus)).to_pylist() or [r.model_dump() for r in plain_rows]
    accepted = [r for r in rows if r["status"] == "accepted"]
    monotone = beats = 0
    for env_dir in Corpus(corpus).environment_dirs():
        checks = {c["name"]: c["passed"] for c in json.loads((env_dir / "validation.json").read_text())["checks"]}
        monotone += bool(checks.get("thresholds_strictly_monotone") and checks.get("thresholds_beat_sample"))
        beats += bool(checks.get("reference_beats_sample"))
    taus = [r["kendall_tau"] for r in accepted if r["kendall_tau"] is not None]
    reasons: dict[str, int] = {}
    for r in rows:
        if r["status"] != "accepted":
            key = f"{r['stage']}: {(r['reason'] or '')[:60]}"
            reasons[key] = reasons.get(key, 0) + 1
    per_seed = {}
    for seed in sorted({r["seed_id"] for r in rows}):
        mine = [r for r in accepted if r["seed_id"] == seed]
        per_seed[seed] = {"accepted": len(mine), "domains": len({r["domain"] for r in mine}),
                          "schemas": len({r["schema_hash"] for r in mine}),
                          "metrics": len({r["metric"] for r in mine})}
    n = max(1, len(accepted))
    return {"per_modality_seconds": per_modality_seconds(rows), "slots": len(rows), "accepted": len(accepted),
            "yield": round(len(accepted) / max(1, len(rows)), 4),
            "failure_reasons": reasons, "monotone_thresholds_share": round(monotone / n, 4),
            "reference_beats_sample_share": round(beats / n, 4),
            "mean_kendall_tau": round(statistics.fmean(taus), 4) if taus else None,
            "duplicates": sum(r["status"] == "duplicate" for r in rows),
            "near_duplicate_rate": round(sum(r["status"] == "duplicate" for r in rows) / max(1, len(rows)), 4),
            "per_seed": per_seed}


def per_modality_seconds(corpus_or_rows: Path | str | list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Issue 19's per-modality figures over the accepted environments of a corpus folder (its manifest is read) or of
    manifest rows given as dicts: the count, the median seconds per environment, the median share of them the ladder
    stage takes, and the median time per environment over the compute its ladder scripts need (`ladder_compute` in
    the row's `timings_json`; goal <= 1.1; None when no row of the modality has it).

    The quality section (`bench_quality`) and the throughput section (`runner._throughput`, on the corpus the later
    sections read) both report it, so a run with either one has the figure."""
    if isinstance(corpus_or_rows, Path | str):
        from sandmle_core.layout import Corpus
        from sandmle_core.records import read_manifest

        corpus_or_rows = read_manifest(Corpus(Path(corpus_or_rows))).to_pylist()
    accepted = [r for r in corpus_or_rows if r["status"] == "accepted"]
    per_modality = {}
    for modality in sorted({r["modality"] for r in accepted if r["modality"]}):
        mine = [r for r in accepted if r["modality"] == modality and r.get("seconds_total")]
        timings = [json.loads(r["timings_json"] or "{}") for r in mine]
        shares = [t.get("ladder", 0.0) / r["seconds_total"] for t, r in zip(timings, mine, strict=True)]
        # time per environment over the compute its ladder scripts need (issue 19: <= 1.1)
        ratios = [x for t, r in zip(timings, mine, strict=True)
                  if (x := env_over_compute(r["seconds_total"], t)) is not None]
        if mine:
            per_modality[modality] = {
                "environments": len(mine),
                "median_seconds_per_env": round(statistics.median(r["seconds_total"] for r in mine), 3),
                "median_ladder_share": round(statistics.median(shares), 3),
                "median_env_over_compute": round(statistics.median(ratios), 3) if ratios else None}
    return per_modality


def bench_fidelity(corpus: Path, seeds: tuple[str, ...], max_real_rows: int) -> dict[str, Any]:
    """Section 4b: Spearman rho between the ladder's level ranking on the real seed and on its synthetic envs."""
    from scipy.stats import spearmanr

    from sandmle_core.ladder.configs import config_from_profile
    from sandmle_core.layout import Corpus, read_environment
    from sandmle_core.profile import profile_seed
    from sandmle_core.seeds import get_bundled_seed

    synthetic: dict[str, dict[int, list[float]]] = {}
    for env_dir in Corpus(corpus).environment_dirs():
        env = read_environment(env_dir)
        seed_id = env.config.sandmle.provenance.seed_id
        lower = env.config.sandmle.thresholds.lower_is_better
        for run in json.loads((env_dir / "validation.json").read_text())["ladder"]:
            if run["score"] is not None:
                # direction-free: higher is better for the ranking
                synthetic.setdefault(seed_id, {}).setdefault(run["level"], []).append(
                    -run["score"] if lower else run["score"])
    out = {}
    for seed_id in (s for s in seeds if s in synthetic):  # a seed the corpus holds no environment of has no ranking
        seed = get_bundled_seed(seed_id)
        profile = profile_seed(seed)
        public, answers = seed.public_dir, seed.read_answers()
        tmp = None
        if profile.n_train > max_real_rows:  # keep the real run affordable: a seeded subsample of the train rows
            tmp = Path(tempfile.mkdtemp(prefix="fidelity-"))
            shutil.copytree(public, tmp / "public")
            train = pd.read_csv(public / "train.csv").sample(n=max_real_rows, random_state=0)
            train.to_csv(tmp / "public" / "train.csv", index=False)
            public = tmp / "public"
        runs, _ = _run_ladder(config_from_profile(profile), public, answers, profile.grading, 1)
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
        real = {r.level: (-r.score if profile.lower_is_better else r.score) for r in runs if r.score is not None}
        syn = {lv: statistics.fmean(v) for lv, v in synthetic.get(seed_id, {}).items()}
        levels = sorted(set(real) & set(syn))
        rho = float(spearmanr([real[lv] for lv in levels], [syn[lv] for lv in levels]).statistic) if len(
            levels) >= 3 else None
        out[seed_id] = {"levels": levels, "real_scores": [round(abs(real[lv]), 5) for lv in levels],
                        "synthetic_mean_scores": [round(abs(syn[lv]), 5) for lv in levels],
                        "spearman_rho": None if rho is None or rho != rho else round(rho, 4),
                        "real_train_rows": min(profile.n_train, max_real_rows)}
    rhos = [v["spearman_rho"] for v in out.values() if v["spearman_rho"] is not None]
    return {"per_seed": out, "mean_rho": round(statistics.fmean(rhos), 4) if rhos else None,
            "median_rho": round(statistics.median(rhos), 4) if rhos else None}
