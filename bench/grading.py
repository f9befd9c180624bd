"""Benchmarks of the grading service (not tests: figures depend on the machine; `sandmle bench` reports them).

`bench_grading` measures warm grading (in process and over loopback HTTP) against cold `python evaluator.py`;
`bench_concurrency` sends many concurrent clients at a real server and counts connection failures and latency;
`bench_verification` measures what the hash check before grading costs, cold (files hashed) and cached.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from sandmle_core.consume.service import GradingService
from sandmle_core.errors import EnvironmentFormatError

__all__ = ["bench_concurrency", "bench_grading", "bench_verification"]


def _summary_ms(seconds: list[float]) -> dict[str, float | int]:
    ms = sorted(1000 * s for s in seconds)
    if not ms:
        return {"n": 0}

    def pct(q: float) -> float:
        return round(ms[min(len(ms) - 1, max(0, round(q * (len(ms) - 1))))], 3)

    return {"n": len(ms), "p50": pct(0.5), "p90": pct(0.9), "p99": pct(0.99), "mean": round(statistics.fmean(ms), 3),
            "max": round(ms[-1], 3)}


def bench_grading(corpus_dir: str | Path, repeats: int = 200, cold_repeats: int = 3,
                  max_envs: int | None = None, concurrent_clients: int = 200) -> dict[str, Any]:
    """Latency of one grade: warm in process, warm over loopback HTTP, and cold `python evaluator.py`.

    Each environment's gold submission and sample submission (CSV text, parsed on every grade as a trainer would
    send it) are graded round-robin `repeats` times per path. Cold runs start the environment's own evaluator.py
    in a fresh interpreter (`cold_repeats` per environment, on the gold submission) and must print the same score
    as the service. Not a test: figures depend on the machine.

    Then `concurrent_clients` clients at once over HTTP (`bench_concurrency`, 0 = skipped) and the cost of the
    hash check before grading (`bench_verification`).

    Returns:
        {"environments", "submissions", "load_ms", "warm_in_process_ms", "warm_http_ms", "cold_evaluator_ms",
         "speedup_p50", "scores_agree", "concurrency", "verification", "goals"}: each latency block holds n, p50,
         p90, p99, mean and max.

    Raises:
        EnvironmentFormatError: the corpus holds no environment, or one is broken.
    """
    from sandmle_core.consume.service_http import GraderClient, serving

    service = GradingService(corpus_dir)
    env_ids = service.env_ids[:max_envs] if max_envs else service.env_ids
    if not env_ids:
        raise EnvironmentFormatError(Path(corpus_dir), "holds no environment to benchmark")
    loads = []
    cases: list[tuple[str, str]] = []
    for env_id in env_ids:
        start = time.perf_counter()
        env = service.environment(env_id)  # the first touch loads and verifies it: the cold load
        loads.append(time.perf_counter() - start)
        for path in (env.folder.gold_submission, env.sample_submission_path):
            if path.is_file():
                cases.append((env_id, path.read_text()))
    for env_id, text in cases:  # first touch of every code path, outside the timings
        service.grade(env_id, text)
    in_process = []
    for i in range(repeats):
        env_id, text = cases[i % len(cases)]
        start = time.perf_counter()
        service.grade(env_id, text)
        in_process.append(time.perf_counter() - start)
    over_http = []
    with serving(service) as server:
        client = GraderClient(server.url)
        try:
            client.grade(*cases[0])
            for i in range(repeats):
                env_id, text = cases[i % len(cases)]
                start = time.perf_counter()
                client.grade(env_id, text)
                over_http.append(time.perf_counter() - start)
        finally:
            client.close()
    cold, agree = _cold_runs(service, env_ids, cold_repeats)
    warm_p50 = _summary_ms(in_process)["p50"]
    cold_block = _summary_ms(cold)
    return {
        "environments": len(env_ids),
        "submissions": len(cases),
        "load_ms": _summary_ms(loads),
        "warm_in_process_ms": _summary_ms(in_process),
        "warm_http_ms": _summary_ms(over_http),
        "cold_evaluator_ms": cold_block,
        "speedup_p50": round(cold_block["p50"] / warm_p50, 1) if cold and warm_p50 else None,
        "scores_agree": agree,
        "concurrency": bench_concurrency(service, clients=concurrent_clients) if concurrent_clients else None,
        "verification": bench_verification(service, repeats=max(10, repeats // 4)),
        "goals": {"warm_p50_at_most_10_ms": warm_p50 <= 10.0,
                  "cold_p50_at_most_1500_ms": bool(cold) and cold_block["p50"] <= 1500.0},
    }


def _cold_runs(service: GradingService, env_ids: list[str], repeats: int) -> tuple[list[float], bool]:
    """`python evaluator.py` on each environment's gold submission: seconds per run, and whether every score agreed."""
    cold, agree = [], True
    for env_id in env_ids:
        env = service.environment(env_id)
        gold = env.private_dir / "gold_submission.csv"
        if not gold.is_file():
            continue
        expected = service.grade_report(env_id, gold).score
        for _ in range(repeats):
            start = time.perf_counter()
            run = subprocess.run([sys.executable, "evaluator.py", "--submission_path", str(gold)], cwd=env.root,
                                 capture_output=True, text=True, timeout=120)
            cold.append(time.perf_counter() - start)
            agree = agree and run.returncode == 0 and json.loads(run.stdout)["score"] == expected
    return cold, agree


def bench_concurrency(service: GradingService, clients: int = 200, grades_per_client: int = 3,
                      **server_options: Any) -> dict[str, Any]:
    """`clients` threads, released at once, each grade `grades_per_client` submissions over its own connection.

    Every environment's gold submission is sent round-robin and each answer is compared with the in-process score.

    Returns:
        {"clients", "grades", "ok", "wrong_scores", "connection_errors": {type: n}, "latency_ms": {...},
         "wall_seconds", "server": the server's counters}.
    """
    from sandmle_core.consume.service_http import GraderClient, serving

    cases = []
    for env_id in service.env_ids:
        env = service.environment(env_id)
        gold = env.private_dir / "gold_submission.csv"
        cases.append((env_id, gold.read_text(), service.grade_report(env_id, gold).score))
    gate = threading.Barrier(clients + 1)
    lock = threading.Lock()
    latencies: list[float] = []
    errors: dict[str, int] = {}
    ok = wrong = 0

    def client(i: int, url: str) -> None:
        nonlocal ok, wrong
        gate.wait()
        try:
            with GraderClient(url, timeout=120) as conn:
                for k in range(grades_per_client):
                    env_id, text, expected = cases[(i + k) % len(cases)]
                    start = time.perf_counter()
                    score = conn.grade(env_id, text)["score"]
                    with lock:
                        latencies.append(time.perf_counter() - start)
                        ok += score == expected
                        wrong += score != expected
        except Exception as exc:  # counted, not raised: the figure is how many connections failed, and how
            with lock:
                errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1

    with serving(service, **server_options) as server:
        threads = [threading.Thread(target=client, args=(i, server.url)) for i in range(clients)]
        for t in threads:
            t.start()
        gate.wait()
        start = time.perf_counter()
        for t in threads:
            t.join()
        wall = time.perf_counter() - start
        counters = dict(server.counts)
    return {"clients": clients, "grades": clients * grades_per_client, "ok": ok, "wrong_scores": wrong,
            "connection_errors": errors, "latency_ms": _summary_ms(latencies), "wall_seconds": round(wall, 3),
            "server": counters}


def bench_verification(service: GradingService, repeats: int = 50) -> dict[str, Any]:
    """What checking an environment's hashes costs, per environment: cold (`verify_grading_files` after
    `forget_verified`: the four grading files read and hashed), cached (unchanged files: stat calls only), and a
    whole `load_grading_inputs` (hashes checked, answers and leaderboard parsed from the hashed bytes)."""
    from sandmle_core.integrity import forget_verified, load_grading_inputs, verify_grading_files

    cold, cached, load = [], [], []
    for i in range(repeats):
        env = service.environment(service.env_ids[i % len(service.env_ids)])
        forget_verified()
        for bucket, check in ((cold, verify_grading_files), (cached, verify_grading_files),
                              (load, load_grading_inputs)):
            start = time.perf_counter()
            check(env)
            bucket.append(time.perf_counter() - start)
    return {"verify_cold_ms": _summary_ms(cold), "verify_cached_ms": _summary_ms(cached),
            "load_and_verify_ms": _summary_ms(load)}
