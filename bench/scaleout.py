"""Section 8 (issue 19): a simulated scale-out — the build flow with many one-thread Dask workers on the same cores,
compared per CPU second with two workers, to show whether a central part (the flow process: Prefect's engine, the
Dask scheduler, the manifest writer; and the Prefect API server) would cap a larger machine.

On 2 cores, 16 workers cannot build faster than 2; what they can show is where CPU goes when 16 slots are in flight.
Every process's CPU is counted: the flow process's own, the API server's (a process that stands through the run) and
each Dask worker process's own (`psutil`, sampled), and the sandboxed ladders' (their cgroups' figure, `ladder_cpu` in
each slot's timings; `RUSAGE_CHILDREN` misses them: the sandboxes' processes are not all reaped up the chain).
The corpus starts with `prior_rows` manifest rows of earlier nights (copies of one row under other slots), as a
nightly corpus would, so the manifest writer's cost per row is measured at that size too — `manifest_rows` also
times one row recorded by `ManifestWriter` (the journal) and by a rewrite of the whole file.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

__all__ = ["bench_scaleout", "manifest_row_cost"]


def _prior_rows(n: int, seeds: tuple[str, ...]) -> list[Any]:
    """`n` rows of earlier nights: one plain row per slot `seed:<night>:<i>`, nights that this build never plans."""
    from sandmle_core.records import ManifestRow

    return [ManifestRow(slot=f"{seeds[i % len(seeds)]}:{20260000 + i // 1000}:{i % 1000}", env_id=f"earlier-{i:06d}",
                        seed_id=seeds[i % len(seeds)], index=i % 1000, rng_seed=20260000 + i // 1000,
                        attempt_rng_seed=i, status="accepted", modality="tabular", task_type="binary",
                        metric="roc_auc", domain="earlier night", seconds_total=10.0, build_id="earlier")
            for i in range(n)]


def manifest_row_cost(prior_rows: int, repeats: int = 20) -> dict[str, Any]:
    """CPU seconds to record one finished slot's row in a manifest of `prior_rows` rows: `ManifestWriter.add` (a
    journal entry) against `append_manifest` (the whole Parquet file read and written again), medians."""
    from sandmle_core.layout import Corpus
    from sandmle_core.records import ManifestWriter, append_manifest

    rows = _prior_rows(prior_rows + 2 * repeats, ("wine",))
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Corpus(Path(tmp))
        append_manifest(corpus, rows[:prior_rows])
        rewrite, journal = [], []
        writer = ManifestWriter(corpus, compact_every=10**9)
        for i in range(repeats):
            start = time.process_time()
            append_manifest(corpus, [rows[prior_rows + i]])
            rewrite.append(time.process_time() - start)
            start = time.process_time()
            writer.add(rows[prior_rows + repeats + i])
            journal.append(time.process_time() - start)
        start = time.process_time()
        writer.close()
        compaction = time.process_time() - start
    return {"prior_rows": prior_rows, "rewrite_cpu_seconds": round(statistics.median(rewrite), 5),
            "journal_cpu_seconds": round(statistics.median(journal), 5),
            "compaction_cpu_seconds": round(compaction, 4), "compacted_rows": repeats}


def _cpu(times: Any) -> float:
    return times.user + times.system


SANDBOX_LAUNCHERS = frozenset({"bwrap", "unshare"})
"""Processes whose trees are sandboxed ladders: their CPU is their cgroup's figure, `ladder_cpu`, not sampled."""


def _is_forkserver(proc: Any) -> bool:
    return any("multiprocessing.forkserver" in part for part in proc.cmdline())


class _ChildSampler(threading.Thread):
    """The own CPU seconds (children excluded) of every process under this one — the API server, the forkserver and
    the Dask workers it forked — sampled every `interval` until stopped; a process's last sample stands for it after
    it exits (at most `interval` of its CPU is missed). A sandbox's tree is not sampled (`SANDBOX_LAUNCHERS`): a
    sandboxed ladder's CPU is its cgroup's figure, `ladder_cpu` in the slot's timings. The forkserver and its
    workers are `worker_side` (a forkserver left by an earlier build of this process is running from the start)."""

    def __init__(self, me: Any, interval: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.me, self.interval = me, interval
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self.worker_side: set[int] = set()
        self._stop_event = threading.Event()
        self._sample()
        self.first = dict(self.last)  # those already running (the API server) count from here

    def _sample(self) -> None:
        import psutil

        todo = [(proc, False) for proc in self.me.children(recursive=False)]
        while todo:
            proc, under_forkserver = todo.pop()
            try:
                if proc.name() in SANDBOX_LAUNCHERS:
                    continue
                self.last[proc.pid] = _cpu(proc.cpu_times())
                if under_forkserver or _is_forkserver(proc):
                    self.worker_side.add(proc.pid)
                    todo += [(child, True) for child in proc.children(recursive=False)]
            except psutil.Error:
                continue

    def run(self) -> None:
        while not self._stop_event.wait(self.interval):
            self._sample()

    def stop(self) -> dict[int, float]:
        """Stop; each child's CPU seconds over the run."""
        self._stop_event.set()
        self.join()
        self._sample()
        return {pid: cpu - self.first.get(pid, 0.0) for pid, cpu in self.last.items()}


def _one_run(work: Path, seeds: tuple[str, ...], per_seed: int, workers: int, prior_rows: int,
             rng_seed: int) -> dict[str, Any]:
    import json

    import psutil
    from sandmle.flows.build_corpus import build_corpus, flow_result

    from sandmle_core.layout import Corpus
    from sandmle_core.records import append_manifest, read_manifest

    out = work / f"flow-{workers}"
    corpus = Corpus(out)
    out.mkdir(parents=True, exist_ok=True)
    append_manifest(corpus, _prior_rows(prior_rows, seeds))
    me = psutil.Process()
    sampler = _ChildSampler(me)
    standing = set(sampler.first)
    me_before = _cpu(me.cpu_times())
    sampler.start()
    start = time.perf_counter()
    result = flow_result(build_corpus(seeds=list(seeds), out=str(out), per_seed=per_seed, rng_seed=rng_seed,
                                      workers=workers, return_state=True))
    wall = time.perf_counter() - start
    flow_cpu = _cpu(me.cpu_times()) - me_before
    children = sampler.stop()
    server_cpu = sum(cpu for pid, cpu in children.items() if pid in standing and pid not in sampler.worker_side)
    workers_cpu = sum(cpu for pid, cpu in children.items() if pid not in standing or pid in sampler.worker_side)
    rows = [r for r in read_manifest(corpus).to_pylist() if r["build_id"] != "earlier"]
    host_cpu = ladder_cpu = 0.0
    for row in rows:
        timings = json.loads(row["timings_json"] or "{}")
        host_cpu += timings.get("host_cpu", 0.0)
        ladder_cpu += timings.get("ladder_cpu", 0.0)
    accepted = result["counts"].get("accepted", 0)
    total = flow_cpu + server_cpu + workers_cpu + ladder_cpu
    central = flow_cpu + server_cpu
    return {"workers": workers, "slots": len(rows), "accepted": accepted, "wall_seconds": round(wall, 2),
            "cpu_seconds": {"total": round(total, 2), "flow_process": round(flow_cpu, 2),
                            "api_server": round(server_cpu, 2), "worker_processes": round(workers_cpu, 2),
                            "slots_host": round(host_cpu, 2), "sandboxed_ladders": round(ladder_cpu, 2)},
            "accepted_per_cpu_minute": round(60 * accepted / total, 3) if total else None,
            "central_cpu_per_env": round(central / accepted, 3) if accepted else None,
            "central_share": round(central / total, 4) if total else None,
            "worker_overhead_per_env": round((workers_cpu - host_cpu) / accepted, 3) if accepted else None,
            "utilisation": round(total / ((os.cpu_count() or 1) * wall), 3)}


def bench_scaleout(work: Path, seeds: tuple[str, ...], per_seed: int, workers: tuple[int, ...] = (2, 16),
                   prior_rows: int = 5_000, rng_seed: int = 11) -> dict[str, Any]:
    """The same slots built with each worker count in `workers` (the first is the reference), each into a corpus
    whose manifest already holds `prior_rows` rows; per-CPU-second figures and the central processes' share."""
    from sandmle.runtime import prefect_api

    runs = []
    with prefect_api():
        for n in workers:
            runs.append(_one_run(work, seeds, per_seed, n, prior_rows, rng_seed))
    ref, wide = runs[0], runs[-1]
    out: dict[str, Any] = {"seeds": list(seeds), "per_seed": per_seed, "prior_rows": prior_rows, "runs": runs,
                           "manifest_rows": [manifest_row_cost(n) for n in (0, prior_rows)]}
    if ref["accepted_per_cpu_minute"] and wide["accepted_per_cpu_minute"]:
        out["per_cpu_ratio"] = round(wide["accepted_per_cpu_minute"] / ref["accepted_per_cpu_minute"], 3)
    if ref["central_cpu_per_env"] and wide["central_cpu_per_env"]:
        out["central_per_env_ratio"] = round(wide["central_cpu_per_env"] / ref["central_cpu_per_env"], 3)
    out["ref_workers"], out["wide_workers"] = ref["workers"], wide["workers"]
    out["wide_central_share"] = wide["central_share"]
    return out


def scaleout_lines(so: dict[str, Any]) -> list[str]:
    """report.md's section."""
    lines = [f"## Simulated scale-out ({so['wide_workers']} one-thread workers on these cores)", "",
             f"{len(so['seeds'])} seeds x {so['per_seed']} slots, each run into a corpus whose manifest already holds "
             f"{so['prior_rows']} rows; CPU seconds of every process.", "",
             "| workers | accepted / slots | wall s | CPU s total | flow process | API server | worker processes "
             "(slots' host side) | sandboxed ladders | accepted / CPU min | central CPU / env | worker overhead / env "
             "| central share | utilisation |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in so["runs"]:
        c = r["cpu_seconds"]
        lines.append(f"| {r['workers']} | {r['accepted']} / {r['slots']} | {r['wall_seconds']} | {c['total']} | "
                     f"{c['flow_process']} | {c['api_server']} | {c['worker_processes']} ({c['slots_host']}) | "
                     f"{c['sandboxed_ladders']} | {r['accepted_per_cpu_minute']} | {r['central_cpu_per_env']} | "
                     f"{r['worker_overhead_per_env']} | {r['central_share']} | {r['utilisation']} |")
    lines += ["", f"Per CPU second, {so['wide_workers']} workers vs {so['runs'][0]['workers']}: "
                  f"{so.get('per_cpu_ratio')}x; central CPU per environment: {so.get('central_per_env_ratio')}x.", "",
              "| manifest rows before | one row, journal (CPU s) | one row, whole-file rewrite (CPU s) |",
              "|---|---|---|"]
    lines += [f"| {m['prior_rows']} | {m['journal_cpu_seconds']} | {m['rewrite_cpu_seconds']} |"
              for m in so["manifest_rows"]]
    return [*lines, ""]
