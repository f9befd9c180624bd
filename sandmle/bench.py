"""`sandmle bench`: the speed-up, throughput, sandbox/grading and quality figures, measured side by side in one run.

Every section repeats its measurement and reports medians and ratios; the report states the machine it ran on.
Output: `bench/results/<date>/results.json`, `report.md` and PNG plots. Nothing here is asserted: the benchmark
measures, the README quotes it.

Sections:
1. micro vs full — the same solution ladder on full-scale data (the real seeds with >= 20,000 rows, and synthetic
   specs synthesized at full scale) and on micro-scale data (the same spec at its micro size; for a real seed, its
   micro environments): execution-time ratio and score gap per level.
2. build throughput — accepted environments per minute with 1 and 2 Dask workers, and the orchestration overhead of
   the Prefect flow against the same core calls in a plain loop.
3. sandbox start-up per backend vs bare `python -c pass`; grading latency (warm service vs cold evaluator.py).
4. corpus quality — yield, thresholds, ladder Kendall tau, diversity, near-duplicates, and fidelity: the Spearman
   correlation between the ladder's ranking on each real seed and on its synthetic environments.
"""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.metadata
import json
import os
import platform
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["run_bench"]

TABULAR_SEEDS = ("breast-cancer", "penguins", "wine", "diamonds", "anes96", "movies")
ALL_SEEDS = (*TABULAR_SEEDS, "docstrings", "digits", "co2")
FULL_ROWS = {"tabular": (50_000, 10_000), "text": (50_000, 10_000), "image": (20_000, 4_000),
             "time_series": (50_000, 1_000)}
LARGE_SEED_ROWS = 20_000
# one synthetic spec per task family at full scale (movies' 7-label full-scale ladder alone would take ~10 minutes)
MICRO_FULL_SEEDS = ("breast-cancer", "penguins", "wine", "diamonds", "anes96", "docstrings", "digits", "co2")


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


def _level_stats(runs, lower_is_better: bool) -> dict[int, dict[str, float | None]]:
    out: dict[int, dict[str, float | None]] = {}
    for level in sorted({r.level for r in runs}):
        mine = [r for r in runs if r.level == level]
        scores = [r.score for r in mine if r.score is not None]
        out[level] = {"seconds": statistics.median(r.seconds for r in mine),
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


def bench_micro_vs_full(work: Path, repeats: int, seeds: tuple[str, ...], full_scale: float = 1.0,
                        full_repeats: int = 2, real_seeds: tuple[str, ...] = (), real_repeats: int = 1
                        ) -> dict[str, Any]:
    """Section 1: per pair (full, micro) and per ladder level, the execution-time ratio and the score gap.

    `seeds` get a synthetic spec synthesized at micro and at full scale; `real_seeds` (the real tables with at least
    20,000 rows) also run the ladder on the real task, compared with the micro environment drafted from them."""
    from sandmle_core.agents.offline.strategist import OfflineStrategist
    from sandmle_core.ladder.configs import config_from_profile, config_from_spec
    from sandmle_core.profile import profile_seed
    from sandmle_core.seeds import get_bundled_seed

    pairs = []
    for seed_id in dict.fromkeys((*seeds, *real_seeds)):
        seed = get_bundled_seed(seed_id)
        profile = profile_seed(seed)
        spec = OfflineStrategist().draft_spec(seed_id, profile, 0, 20261125)
        module = importlib.import_module(f"sandmle_core.synthesis.{_modality_module(spec.modality.value)}")
        micro_dir, full_dir = work / f"{seed_id}-micro", work / f"{seed_id}-full"
        module.synthesize(spec, micro_dir)
        n_train, n_test = (int(v * full_scale) for v in FULL_ROWS[spec.modality.value])
        config = config_from_spec(spec)
        lower = spec.dna.lower_is_better
        micro_runs, _ = _run_ladder(config, micro_dir / "prepared/public",
                                    pd.read_csv(micro_dir / "prepared/private/answers.csv"), spec.grading, repeats)
        if seed_id in seeds:
            module.synthesize(spec, full_dir, n_train=n_train, n_test=n_test)
            full_runs, _ = _run_ladder(config, full_dir / "prepared/public",
                                       pd.read_csv(full_dir / "prepared/private/answers.csv"), spec.grading,
                                       full_repeats)
            pairs.append(_pair(f"{seed_id} (synthetic spec)", "synthetic", spec.n_train, n_train,
                               _level_stats(micro_runs, lower), _level_stats(full_runs, lower)))
        if seed_id in real_seeds and profile.n_train + profile.n_test >= LARGE_SEED_ROWS:
            real_runs, _ = _run_ladder(config_from_profile(profile), seed.public_dir, seed.read_answers(),
                                       profile.grading, real_repeats)
            pairs.append(_pair(f"{seed_id} (real task vs its micro environment)", "real", spec.n_train,
                               profile.n_train, _level_stats(micro_runs, lower), _level_stats(real_runs, lower)))
        shutil.rmtree(full_dir, ignore_errors=True)
    ratios = [lv["time_ratio"] for p in pairs for lv in p["levels"].values() if lv["time_ratio"]]
    totals = [p["total_ratio"] for p in pairs]
    return {"pairs": pairs, "median_level_ratio": statistics.median(ratios) if ratios else None,
            "median_total_ratio": statistics.median(totals) if totals else None, "repeats": repeats,
            "full_repeats": full_repeats, "real_repeats": real_repeats}


def _modality_module(modality: str) -> str:
    return {"tabular": "tabular", "text": "text", "image": "image", "time_series": "series"}[modality]


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
    return {"name": name, "kind": kind, "micro_rows": micro_rows, "full_rows": full_rows, "levels": levels,
            "micro_total_seconds": round(micro_total, 3), "full_total_seconds": round(full_total, 3),
            "total_ratio": round(full_total / micro_total, 2) if micro_total else None}


def bench_throughput(work: Path, seeds: tuple[str, ...], per_seed: int, workers: tuple[int, ...],
                     rng_seed: int = 7) -> dict[str, Any]:
    """Section 2: plain loop vs the Prefect flow on Dask with 1 and 2 workers, on the same slots."""
    from sandmle.data_contracts import contract_checker
    from sandmle.runtime import prefect_api
    from sandmle_core.pipeline import build_plain

    out: dict[str, Any] = {"environments": per_seed * len(seeds), "seeds": list(seeds)}
    start = time.perf_counter()
    plain = build_plain(seeds, work / "plain", per_seed, rng_seed=rng_seed, check_contracts=contract_checker)
    plain_wall = time.perf_counter() - start
    accepted = sum(r["status"] == "accepted" for r in plain["rows"])
    out["plain"] = {"wall_seconds": round(plain_wall, 2), "accepted": accepted,
                    "per_minute": round(60 * accepted / plain_wall, 2)}
    with prefect_api():
        from sandmle.flows.build_corpus import build_corpus

        for n in workers:
            start = time.perf_counter()
            result = build_corpus(seeds=list(seeds), out=str(work / f"flow-{n}"), per_seed=per_seed,
                                  rng_seed=rng_seed, workers=n)
            wall = time.perf_counter() - start
            accepted = result["counts"].get("accepted", 0)
            out[f"workers_{n}"] = {"wall_seconds": round(wall, 2), "flow_seconds": result["wall_seconds"],
                                   "accepted": accepted, "per_minute": round(60 * accepted / wall, 2),
                                   "corpus": result["corpus"]}
    if "workers_1" in out:
        out["overhead_vs_plain"] = round(out["workers_1"]["wall_seconds"] / plain_wall - 1, 4)
    if "workers_1" in out and "workers_2" in out:
        out["speedup_2_vs_1"] = round(out["workers_1"]["wall_seconds"] / out["workers_2"]["wall_seconds"], 3)
    out["plain_rows"] = plain["rows"]
    return out


def bench_sandbox(runs: int) -> dict[str, Any]:
    """Section 3a: start-up overhead per working sandbox backend."""
    from sandmle_core.sandbox import available_backends, measure_startup

    out = {}
    for status in available_backends():
        if status.works and status.name != "docker":
            out[status.name] = measure_startup(status.name, runs=runs)
    return out


def bench_grading(corpus: Path, repeats: int) -> dict[str, Any]:
    """Section 3b: warm grading service vs cold evaluator.py (the service module's own benchmark)."""
    try:
        from sandmle_core.service_bench import bench_grading as measure
    except ImportError as exc:
        return {"skipped": f"grading service not available: {exc}"}
    return measure(corpus, repeats)


def bench_quality(corpus: Path, plain_rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Section 4a: yield, failure reasons, threshold and ladder figures, diversity."""
    from sandmle_core.layout import Corpus
    from sandmle_core.records import read_manifest

    rows = read_manifest(Corpus(corpus)).to_pylist() or plain_rows
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
    per_modality = {}
    for modality in sorted({r["modality"] for r in accepted if r["modality"]}):
        mine = [r for r in accepted if r["modality"] == modality and r.get("seconds_total")]
        shares = [json.loads(r["timings_json"]).get("ladder", 0.0) / r["seconds_total"] for r in mine]
        if mine:
            per_modality[modality] = {
                "environments": len(mine),
                "median_seconds_per_env": round(statistics.median(r["seconds_total"] for r in mine), 3),
                "median_ladder_share": round(statistics.median(shares), 3)}
    n = max(1, len(accepted))
    return {"per_modality_seconds": per_modality, "slots": len(rows), "accepted": len(accepted),
            "yield": round(len(accepted) / max(1, len(rows)), 4),
            "failure_reasons": reasons, "monotone_thresholds_share": round(monotone / n, 4),
            "reference_beats_sample_share": round(beats / n, 4),
            "mean_kendall_tau": round(statistics.fmean(taus), 4) if taus else None,
            "duplicates": sum(r["status"] == "duplicate" for r in rows),
            "near_duplicate_rate": round(sum(r["status"] == "duplicate" for r in rows) / max(1, len(rows)), 4),
            "per_seed": per_seed}


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
    for seed_id in seeds:
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


def plots(results: dict[str, Any], out: Path) -> list[str]:
    """PNG plots: time ratio per pair (log), throughput vs workers, scores per ladder level, fidelity per seed."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    files = []
    micro = results.get("micro_vs_full", {}).get("pairs", [])
    if micro:
        fig, ax = plt.subplots(figsize=(8, 4))
        ax.barh([p["name"] for p in micro], [p["total_ratio"] or 0 for p in micro])
        ax.set_xscale("log")
        ax.axvline(13.7, color="gray", linestyle="--", label="paper: 13.7x")
        ax.axvline(20, color="green", linestyle=":", label="goal: 20x")
        ax.set_xlabel("full-scale / micro-scale ladder execution time (log)")
        ax.legend()
        fig.tight_layout()
        fig.savefig(out / "time_ratio.png", dpi=110)
        files.append("time_ratio.png")
        plt.close(fig)
    tp = results.get("throughput", {})
    points = [(0, tp["plain"]["per_minute"])] if "plain" in tp else []
    points += [(int(k.split("_")[1]), v["per_minute"]) for k, v in tp.items() if k.startswith("workers_")]
    if points:
        fig, ax = plt.subplots(figsize=(5, 4))
        ax.bar([("plain loop" if w == 0 else f"{w} worker{'s' if w > 1 else ''}") for w, _ in points],
               [v for _, v in points])
        ax.set_ylabel("accepted environments per minute")
        fig.tight_layout()
        fig.savefig(out / "throughput.png", dpi=110)
        files.append("throughput.png")
        plt.close(fig)
    fid = results.get("fidelity", {}).get("per_seed", {})
    if fid:
        fig, ax = plt.subplots(figsize=(7, 4))
        names = list(fid)
        ax.bar(names, [fid[n]["spearman_rho"] or 0 for n in names])
        ax.axhline(0.8, color="green", linestyle=":", label="goal 0.8")
        ax.set_ylabel("Spearman rho, ladder ranking real vs synthetic")
        ax.tick_params(axis="x", rotation=45)
        ax.legend()
        fig.tight_layout()
        fig.savefig(out / "fidelity.png", dpi=110)
        files.append("fidelity.png")
        plt.close(fig)
        fig, axes = plt.subplots(1, len(names), figsize=(2.2 * len(names), 3), squeeze=False)
        for ax, name in zip(axes[0], names, strict=True):
            ax.plot(fid[name]["levels"], fid[name]["synthetic_mean_scores"], "o-", label="synthetic")
            ax.plot(fid[name]["levels"], fid[name]["real_scores"], "s--", label="real")
            ax.set_title(name, fontsize=8)
            ax.set_xlabel("ladder level", fontsize=7)
        axes[0][0].legend(fontsize=6)
        fig.tight_layout()
        fig.savefig(out / "ladder_scores.png", dpi=110)
        files.append("ladder_scores.png")
        plt.close(fig)
    return files


def _fmt(value: Any, spec: str = ".2f") -> str:
    return "n/a" if value is None else format(value, spec)


def render_report(results: dict[str, Any]) -> str:
    m = results["machine"]
    lines = [f"# sandmle benchmark — {m['date'][:10]}", "",
             f"Machine: {m['cores']} cores, {m['memory_gib']} GiB, Python {m['python']}; "
             + ", ".join(f"{k} {v}" for k, v in m["versions"].items() if v), "",
             "All figures are medians of repeated runs in this one run; ratios compare runs made side by side.", ""]
    mf = results.get("micro_vs_full")
    if mf:
        lines += ["## 1. Micro vs full execution", "",
                  f"Median total-ladder time ratio **{_fmt(mf['median_total_ratio'], '.1f')}x**, median per-level "
                  f"ratio {_fmt(mf['median_level_ratio'], '.1f')}x (goal >= 20x; the paper: 13.7x). "
                  f"Medians of {mf['repeats']} runs at micro scale, {mf.get('full_repeats', 1)} at full synthetic "
                  f"scale, {mf.get('real_repeats', 1)} on the real tables (a full real ladder takes minutes).", "",
                  "| pair | micro rows | full rows | micro s | full s | ratio |", "|---|---|---|---|---|---|"]
        for p in mf["pairs"]:
            lines.append(f"| {p['name']} | {p['micro_rows']} | {p['full_rows']} | {p['micro_total_seconds']:.2f} | "
                         f"{p['full_total_seconds']:.2f} | {_fmt(p['total_ratio'], '.1f')}x |")
        lines += ["", "Per level (time ratio; score micro → full):", "",
                  "| pair | " + " | ".join(f"L{i}" for i in range(6)) + " |", "|---|" + "---|" * 6]
        for p in mf["pairs"]:
            cells = []
            for i in range(6):
                lv = p["levels"].get(i) or p["levels"].get(str(i))
                cells.append("" if not lv else f"{_fmt(lv['time_ratio'], '.1f')}x; {_fmt(lv['micro_score'], '.3f')}"
                                               f" → {_fmt(lv['full_score'], '.3f')}")
            lines.append(f"| {p['name']} | " + " | ".join(cells) + " |")
        lines.append("")
    tp = results.get("throughput")
    if tp:
        lines += ["## 2. Build throughput and orchestration overhead", "",
                  f"{tp['environments']} environment slots over {len(tp['seeds'])} seeds, offline backend, "
                  "contracts on.",
                  "", "| run | wall s | accepted | accepted / min |", "|---|---|---|---|",
                  f"| plain loop (no Prefect, no Dask) | {tp['plain']['wall_seconds']} | {tp['plain']['accepted']} | "
                  f"{tp['plain']['per_minute']} |"]
        for k in sorted(k for k in tp if k.startswith("workers_")):
            v = tp[k]
            lines.append(f"| Prefect flow, {k.split('_')[1]} Dask worker(s) | {v['wall_seconds']} | {v['accepted']} | "
                         f"{v['per_minute']} |")
        overhead = 100 * tp.get("overhead_vs_plain", 0)
        lines += ["", f"Orchestration overhead (1 worker vs plain loop): {_fmt(overhead, '.1f')}%"
                  f" (goal <= 10%). 2 workers vs 1: {_fmt(tp.get('speedup_2_vs_1'), '.2f')}x (goal >= 1.8x).", ""]
    sb = results.get("sandbox")
    if sb:
        lines += ["## 3. Sandbox start-up and grading latency", "", "| backend | bare python ms | sandboxed ms | "
                  "overhead ms |", "|---|---|---|---|"]
        lines += [f"| {k} | {v['bare_ms']} | {v['sandbox_ms']} | {v['overhead_ms']} |" for k, v in sb.items()]
        gr = results.get("grading", {})
        if "warm_in_process_ms" in gr:
            lines += ["", f"Grading latency over {gr['environments']} environments and {gr['submissions']} "
                      "submissions (goal: warm p50 <= 10 ms, cold <= 1.5 s):", "",
                      "| path | p50 ms | p99 ms |", "|---|---|---|"]
            for key, label in (("warm_in_process_ms", "warm service, in process"),
                               ("warm_http_ms", "warm service, loopback HTTP"),
                               ("cold_evaluator_ms", "cold `python evaluator.py`")):
                lines.append(f"| {label} | {gr[key]['p50']} | {gr[key]['p99']} |")
            lines += ["", f"Warm vs cold at p50: {gr['speedup_p50']}x; service and evaluator scores agree: "
                      f"{gr['scores_agree']}.", ""]
        elif gr:
            lines += ["", "Grading: " + json.dumps({k: v for k, v in gr.items() if not isinstance(v, list | dict)}), ""]
    q = results.get("quality")
    if q:
        lines += ["## 4. Corpus quality", "",
                  f"- yield {q['accepted']}/{q['slots']} = **{100 * q['yield']:.1f}%** (goal >= 90%)",
                  f"- monotone thresholds that beat the sample: {100 * q['monotone_thresholds_share']:.1f}%; "
                  f"reference beats sample: {100 * q['reference_beats_sample_share']:.1f}%",
                  f"- mean ladder Kendall tau **{_fmt(q['mean_kendall_tau'], '.3f')}** (goal >= 0.8)",
                  f"- near-duplicate rate {100 * q['near_duplicate_rate']:.1f}%",
                  "", "| seed | accepted | domains | schemas | metric families |", "|---|---|---|---|---|"]
        lines += [f"| {s} | {v['accepted']} | {v['domains']} | {v['schemas']} | {v['metrics']} |"
                  for s, v in q["per_seed"].items()]
        if q.get("per_modality_seconds"):
            lines += ["", "Seconds per accepted environment (one Dask worker = one core; ladder included; goal for "
                      "tabular <= 2 s with the ladder >= 90% of it):", "",
                      "| modality | environments | median s / env | median ladder share |", "|---|---|---|---|"]
            lines += [f"| {m} | {v['environments']} | {v['median_seconds_per_env']} | "
                      f"{100 * v['median_ladder_share']:.0f}% |" for m, v in q["per_modality_seconds"].items()]
        if q["failure_reasons"]:
            lines += ["", "Failure reasons: " + "; ".join(f"{k} ({v})" for k, v in q["failure_reasons"].items())]
        lines.append("")
    fd = results.get("fidelity")
    if fd:
        lines += [f"Fidelity to the real task: mean Spearman rho **{_fmt(fd['mean_rho'], '.3f')}**, median "
                  f"{_fmt(fd['median_rho'], '.3f')} (goal >= 0.8).", "",
                  "| seed | rho | real scores by level | synthetic mean scores by level |", "|---|---|---|---|"]
        lines += [f"| {s} | {_fmt(v['spearman_rho'], '.3f')} | {v['real_scores']} | {v['synthetic_mean_scores']} |"
                  for s, v in fd["per_seed"].items()]
        lines.append("")
    for png in results.get("plots", []):
        lines.append(f"![{png}]({png})")
    return "\n".join(lines) + "\n"


def run_bench(out_root: Path, quick: bool = False, sections: tuple[str, ...] = ("micro", "throughput", "sandbox",
                                                                                  "quality")) -> Path:
    """Run the benchmark; write results.json, report.md and plots under `out_root/<date>/`; return that folder."""
    out = out_root / dt.date.today().isoformat()
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="sandmle-bench-"))
    available = tuple(s for s in ALL_SEEDS if _modality_ready(s))
    results: dict[str, Any] = {"machine": machine_facts(), "quick": quick, "seeds": list(available)}
    try:
        if "micro" in sections:
            synthetic = tuple(s for s in MICRO_FULL_SEEDS if s in available)
            large = tuple(s for s in ("diamonds", "movies") if s in available)
            results["micro_vs_full"] = bench_micro_vs_full(
                work / "micro", repeats=3 if quick else 5, seeds=synthetic[:2] if quick else synthetic,
                full_scale=0.1 if quick else 1.0, full_repeats=1 if quick else 2, real_seeds=() if quick else large)
        corpus = None
        if "throughput" in sections:
            tp = bench_throughput(work / "throughput", available, per_seed=1 if quick else 6, workers=(1, 2))
            plain_rows = tp.pop("plain_rows")
            results["throughput"] = tp
            corpus = Path(tp.get("workers_2", tp.get("workers_1", {})).get("corpus", work / "throughput" / "plain"))
        if "sandbox" in sections:
            results["sandbox"] = bench_sandbox(runs=5 if quick else 20)
            if corpus is not None:
                results["grading"] = bench_grading(corpus, repeats=20 if quick else 200)
        if "quality" in sections and corpus is not None:
            results["quality"] = bench_quality(corpus, plain_rows)
            results["fidelity"] = bench_fidelity(corpus, available, max_real_rows=2_000 if quick else 5_000)
        results["plots"] = plots(results, out)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    (out / "results.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    (out / "report.md").write_text(render_report(results))
    return out


def _modality_ready(seed_id: str) -> bool:
    """A seed's modality has a synthesizer and a ladder in this build."""
    modality = {"docstrings": "text", "digits": "image", "co2": "series"}.get(seed_id, "tabular")
    try:
        synth = importlib.import_module(f"sandmle_core.synthesis.{modality}")
        ladder = importlib.import_module(f"sandmle_core.ladder.{modality}")
    except ImportError:
        return False
    return hasattr(synth, "synthesize") and hasattr(synth, "draft") and hasattr(ladder, "scripts")
