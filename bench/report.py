"""The benchmark's report: PNG plots and report.md from the results `sandmle.bench.run` measured.

Imports: matplotlib (when plotting), the standard library and `goals.py`; nothing of the build.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sandmle.bench.goals import per_modality_figures

__all__ = ["plots", "render_report"]

# issue 19's per-modality figures as one section shows them: (figures, the build they come from, the section)
PerModality = tuple[dict[str, dict[str, Any]], str, str]


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


def _micro_lines(mf: dict[str, Any]) -> list[str]:
    lines = ["## 1. Micro vs full execution", "",
             f"Median total-ladder time ratio **{_fmt(mf['median_total_ratio'], '.1f')}x**, median per-level "
             f"ratio {_fmt(mf['median_level_ratio'], '.1f')}x (goal >= 20x; the paper: 13.7x). "
             f"Medians of {mf['repeats']} runs at micro scale, {mf.get('full_repeats', 1)} at full synthetic "
             f"scale, {mf.get('real_repeats', 1)} on the real tables (a full real ladder takes minutes). "
             f"{mf.get('workers', 1)} pair(s) at a time, each in a process of its own (one core per sandboxed "
             "ladder; the CPU ratio does not depend on what runs beside it).", "",
             "| pair | micro rows | full rows | micro s | full s | ratio | micro CPU s | full CPU s | CPU ratio |",
             "|---|---|---|---|---|---|---|---|---|"]
    for p in mf["pairs"]:
        lines.append(f"| {p['name']} | {p['micro_rows']} | {p['full_rows']} | {p['micro_total_seconds']:.2f} | "
                     f"{p['full_total_seconds']:.2f} | {_fmt(p['total_ratio'], '.1f')}x | "
                     f"{_fmt(p.get('micro_cpu_seconds'))} | {_fmt(p.get('full_cpu_seconds'))} | "
                     f"{_fmt(p.get('cpu_ratio'), '.1f')}x |")
    lines += ["", "Per level (time ratio; score micro → full):", "",
              "| pair | " + " | ".join(f"L{i}" for i in range(6)) + " |", "|---|" + "---|" * 6]
    for p in mf["pairs"]:
        cells = []
        for i in range(6):
            lv = p["levels"].get(i) or p["levels"].get(str(i))
            cells.append("" if not lv else f"{_fmt(lv['time_ratio'], '.1f')}x; {_fmt(lv['micro_score'], '.3f')}"
                                           f" → {_fmt(lv['full_score'], '.3f')}")
        lines.append(f"| {p['name']} | " + " | ".join(cells) + " |")
    return [*lines, ""]


def _per_modality_lines(per_modality: PerModality | None) -> list[str]:
    """The seconds per accepted environment, per modality: (figures, the build, the section that read them)."""
    if not per_modality:
        return []
    figures, build, section = per_modality
    lines = ["", f"Seconds per accepted environment, from the manifest of the {build} (read by the {section} "
             "section; one Dask worker = one core; ladder included; goals: env s / ladder compute s <= 1.1, and for "
             "tabular <= 2 s with the ladder >= 90% of it):", "",
             "| modality | environments | median s / env | median ladder share | env s / ladder compute s |",
             "|---|---|---|---|---|"]
    lines += [f"| {m} | {v['environments']} | {v['median_seconds_per_env']} | "
              f"{100 * v['median_ladder_share']:.0f}% | {_fmt(v.get('median_env_over_compute'))} |"
              for m, v in figures.items()]
    return lines


def _throughput_lines(tp: dict[str, Any], per_modality: PerModality | None = None) -> list[str]:
    lines = ["## 2. Build throughput and orchestration overhead", "",
             f"{tp['environments']} environment slots over {len(tp['seeds'])} seeds, offline backend, contracts on.",
             "", "| run | wall s | accepted | accepted / min |", "|---|---|---|---|",
             f"| plain loop (no Prefect, no Dask) | {tp['plain']['wall_seconds']} | {tp['plain']['accepted']} | "
             f"{tp['plain']['per_minute']} |"]
    for k in sorted(k for k in tp if k.startswith("workers_")):
        v = tp[k]
        lines.append(f"| Prefect flow, {k.split('_')[1]} Dask worker(s) | {v['wall_seconds']} | {v['accepted']} | "
                     f"{v['per_minute']} |")
    overhead = 100 * tp.get("overhead_vs_plain", 0)
    return [*lines, "", f"Orchestration overhead (1 worker vs plain loop): {_fmt(overhead, '.1f')}% (goal <= 10%). "
            f"2 workers vs 1: {_fmt(tp.get('speedup_2_vs_1'), '.2f')}x (goal >= 1.8x).",
            *_per_modality_lines(per_modality), ""]


def _sandbox_lines(sb: dict[str, Any], gr: dict[str, Any]) -> list[str]:
    lines = ["## 3. Sandbox start-up and grading latency", "", "| backend | bare python ms | sandboxed ms | "
             "overhead ms |", "|---|---|---|---|"]
    lines += [f"| {k} | {v['bare_ms']} | {v['sandbox_ms']} | {v['overhead_ms']} |" for k, v in sb.items()]
    if "warm_in_process_ms" in gr:
        lines += ["", f"Grading latency over {gr['environments']} environments and {gr['submissions']} "
                  "submissions (goal: warm p50 <= 10 ms, cold <= 1.5 s):", "", "| path | p50 ms | p99 ms |",
                  "|---|---|---|"]
        for key, label in (("warm_in_process_ms", "warm service, in process"),
                           ("warm_http_ms", "warm service, loopback HTTP"),
                           ("cold_evaluator_ms", "cold `python evaluator.py`")):
            lines.append(f"| {label} | {gr[key]['p50']} | {gr[key]['p99']} |")
        lines += ["", f"Warm vs cold at p50: {gr['speedup_p50']}x; service and evaluator scores agree: "
                  f"{gr['scores_agree']}.", ""]
    elif gr:
        lines += ["", "Grading: " + json.dumps({k: v for k, v in gr.items() if not isinstance(v, list | dict)}), ""]
    return lines


def _quality_lines(q: dict[str, Any], per_modality: PerModality | None = None) -> list[str]:
    lines = ["## 4. Corpus quality", "",
             f"- yield {q['accepted']}/{q['slots']} = **{100 * q['yield']:.1f}%** (goal >= 90%)",
             f"- monotone thresholds that beat the sample: {100 * q['monotone_thresholds_share']:.1f}%; "
             f"reference beats sample: {100 * q['reference_beats_sample_share']:.1f}%",
             f"- mean ladder Kendall tau **{_fmt(q['mean_kendall_tau'], '.3f')}** (goal >= 0.8)",
             f"- near-duplicate rate {100 * q['near_duplicate_rate']:.1f}%",
             "", "| seed | accepted | domains | schemas | metric families |", "|---|---|---|---|---|"]
    lines += [f"| {s} | {v['accepted']} | {v['domains']} | {v['schemas']} | {v['metrics']} |"
              for s, v in q["per_seed"].items()]
    lines += _per_modality_lines(per_modality)
    if q["failure_reasons"]:
        lines += ["", "Failure reasons: " + "; ".join(f"{k} ({v})" for k, v in q["failure_reasons"].items())]
    return [*lines, ""]


def _medal_lines(md: dict[str, Any]) -> list[str]:
    if not md.get("environments"):
        return []
    reruns = md.get("reruns", 1)
    lines = ["## Medal stability (fresh ladder seeds)", "",
             f"Every environment's ladder re-run {reruns} time(s) with disjoint fresh seed sets "
             f"({md.get('fresh_seeds', '4-7')}); an environment's agreement is the share of the build's ladder "
             "submissions whose tier is unchanged, averaged over the re-runs (goal: >= "
             f"{md['goal']:.0%} in every environment). A re-run places its thresholds by the build's medal recipe "
             "(which gaps between ranked levels hold silver, bronze and the median); the second row hands them out "
             "again by the rule.", "",
             "| leaderboard | median agreement | worst | environments meeting the goal |", "|---|---|---|---|",
             f"| population (shipped) | {md['median_agreement']:.3f} | {md['min_agreement']:.3f} | "
             f"{100 * md['share_meeting_goal']:.0f}% |",
             *([f"| population, gaps handed out again | {md['median_agreement_rule_redecided']:.3f} | "
                f"{md['min_agreement_rule_redecided']:.3f} | {100 * md['share_meeting_goal_rule_redecided']:.0f}% |"]
               if "share_meeting_goal_rule_redecided" in md else []),
             f"| raw ladder runs (before) | {md['median_agreement_raw_board']:.3f} | "
             f"{md.get('min_agreement_raw_board', float('nan')):.3f} | "
             f"{100 * md['share_meeting_goal_raw_board']:.0f}% |",
             "", f"Gold above the best level's mean in {100 * md['gold_beyond_best_mean_share']:.0f}% of environments.",
             *([f"The verifier's predictor (validation.json's `medal_stability` >= "
                f"{md.get('predictor_bar', md['goal'])}) gives the measured "
                f"verdict in {100 * md['predictor_verdict_share']:.0f}% of environments."]
               if "predictor_verdict_share" in md else []),
             "", f"Per environment, against the goal (mean agreement >= {md['goal']}; worst is the worst single "
             "re-run; the predictor is validation.json's `medal_stability`):", "",
             "| environment | agreement (mean) | worst re-run | predictor | goal |", "|---|---|---|---|---|"]
    lines += [f"| {r['env_id']} | {r['agreement']:.3f} | {r.get('agreement_min', r['agreement']):.3f} | "
              f"{r['predicted_stability']:.3f} | {'met' if r['agreement'] >= md['goal'] else 'MISSED'} |"
              for r in md.get("per_env", [])]
    return [*lines, ""]


def _fidelity_lines(fd: dict[str, Any]) -> list[str]:
    lines = [f"Fidelity to the real task: mean Spearman rho **{_fmt(fd['mean_rho'], '.3f')}**, median "
             f"{_fmt(fd['median_rho'], '.3f')} (goal >= 0.8).", "",
             "| seed | rho | real scores by level | synthetic mean scores by level |", "|---|---|---|---|"]
    lines += [f"| {s} | {_fmt(v['spearman_rho'], '.3f')} | {v['real_scores']} | {v['synthetic_mean_scores']} |"
              for s, v in fd["per_seed"].items()]
    return [*lines, ""]


def _goal_lines(goals: list[dict[str, Any]]) -> list[str]:
    lines = ["## Goals (issue 19)", "", "| goal | this run | target | pass |", "|---|---|---|---|"]
    verdict = {True: "pass", False: "**FAIL**", None: "not measured"}
    lines += [f"| {g['goal']} | {_fmt(g['value'], '.3g')} | {g['target']} | {verdict[g['pass']]} |" for g in goals]
    return [*lines, ""]


def _cpu_ratio(timings: dict[str, float]) -> float | None:
    """(host_cpu + ladder_cpu) / ladder_scripts_cpu: the CPU form of "time per environment / ladder compute"."""
    if not timings.get("ladder_scripts_cpu") or "ladder_cpu" not in timings:
        return None
    return (timings.get("host_cpu", 0.0) + timings["ladder_cpu"]) / timings["ladder_scripts_cpu"]


def _profile_lines(prof: dict[str, Any]) -> list[str]:
    lines = ["## 5. Where one environment's time goes (one slot per modality, cProfile on the host)", "",
             "`ladder` is the sandboxed harness's wall time (sandbox start, imports, scripts); `ladder_compute` the "
             "seconds inside the scripts; `host_cpu`, `ladder_cpu` (the whole harness) and `ladder_scripts_cpu` the "
             "same split in CPU seconds.", "", "| seed | modality | status | wall s | stage timings s | "
             "wall / ladder compute | CPU / scripts' CPU |", "|---|---|---|---|---|---|---|"]
    lines += [f"| {s} | {v['modality']} | {v['status']} | {v['wall_seconds']} | "
              + ", ".join(f"{k} {t:.2f}" for k, t in v["timings"].items())
              + f" | {_fmt(v['env_over_compute'])} | {_fmt(_cpu_ratio(v['timings']))} |" for s, v in prof.items()]
    for seed, v in prof.items():
        lines += ["", f"Top {len(v['top'])} by cumulative time, {seed}:", "", "| function | calls | tottime s | "
                  "cumtime s |", "|---|---|---|---|"]
        lines += [f"| `{r['function']}` | {r['calls']} | {r['tottime']} | {r['cumtime']} |" for r in v["top"]]
    return [*lines, ""]


def render_report(results: dict[str, Any]) -> str:
    """report.md: the machine, then one section per benchmark that ran, then the plots."""
    m = results["machine"]
    lines = [f"# sandmle benchmark — {m['date'][:10]}", "",
             f"Machine: {m['cores']} cores, {m['memory_gib']} GiB, Python {m['python']}; "
             + ", ".join(f"{k} {v}" for k, v in m["versions"].items() if v), "",
             "All figures are medians of repeated runs in this one run; ratios compare runs made side by side.", ""]
    if not results.get("complete", True):
        lines += ["**Incomplete run**: the figures below are those of the sections that finished.", ""]
    for name, failure in (results.get("errors") or {}).items():
        lines += [f"**Section `{name}` failed**: `{failure['error']}`", ""]
    for name, reason in (results.get("skipped") or {}).items():
        lines += [f"Section `{name}` skipped: {reason}.", ""]
    from sandmle.bench.acceptance import acceptance_lines
    from sandmle.bench.scaleout import scaleout_lines

    # the per-modality table: in section 4 when the quality section has the figures, else in section 2
    section, figures, build = per_modality_figures(results)
    shown = {section: (figures, build, section)} if section else {}
    blocks = (("goals", _goal_lines, ()), ("micro_vs_full", _micro_lines, ()),
              ("throughput", _throughput_lines, (shown.get("throughput"),)),
              ("sandbox", _sandbox_lines, (results.get("grading", {}),)),
              ("quality", _quality_lines, (shown.get("quality"),)), ("fidelity", _fidelity_lines, ()),
              ("medals", _medal_lines, ()),
              ("profile", _profile_lines, ()), ("acceptance", acceptance_lines, ()),
              ("scaleout", scaleout_lines, ()))
    for key, render, extra in blocks:
        if not results.get(key):
            continue
        try:
            lines += render(results[key], *extra)
        except (KeyError, TypeError, ValueError, IndexError) as exc:  # a section that failed half-way
            lines += [f"The `{key}` figures are incomplete ({type(exc).__name__}: {exc}); see results.json.", ""]
    for png in results.get("plots", []):
        lines.append(f"![{png}]({png})")
    return "\n".join(lines) + "\n"
