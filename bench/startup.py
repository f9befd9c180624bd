"""Sandbox start-up cost for the benchmark: `python -c pass` bare and inside a backend, median of many runs.

Imports: the format wing's `sandmle_core.sandbox`.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

from sandmle_core.sandbox import Limits, Workspace, make_sandbox

__all__ = ["measure_startup"]


def measure_startup(backend: str, runs: int = 20) -> dict[str, float]:
    """Median start-up of `python -c pass` bare and in the sandbox, in milliseconds (for the benchmark)."""
    limits = Limits(wall_seconds=30, cpu_seconds=30)
    bare, boxed = [], []
    sandbox = make_sandbox(backend)
    with Workspace.create() as ws:
        for _ in range(runs):
            t = time.perf_counter()
            subprocess.run([sys.executable, "-c", "pass"], check=True)
            bare.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            sandbox.run_python("pass", ws, limits)
            boxed.append((time.perf_counter() - t) * 1000)
    b, s = statistics.median(bare), statistics.median(boxed)
    return {"bare_ms": round(b, 2), "sandbox_ms": round(s, 2), "overhead_ms": round(s - b, 2), "runs": runs}
