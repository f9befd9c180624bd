"""Running one process under limits and measuring it — shared by every process backend.

The child is started in its own session (so a timeout kills the whole tree), with rlimits for CPU time, file size
and core dumps, inside a per-run cgroup for memory and process count when the machine has one. stdout and stderr are
drained by two threads into tail buffers; past the output limit the run is stopped. The result says why a run
stopped, as a type, and never raises for anything the program did.
"""

from __future__ import annotations

import collections
import os
import resource
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from typing import Any

from sandmle_core.sandbox.base import Limits, RunResult, StopReason, Workspace
from sandmle_core.sandbox.cgroups import CgroupRun

__all__ = ["execute"]


class _Tail:
    """Keeps the last `limit` bytes of a stream and counts all of them."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.chunks: collections.deque[bytes] = collections.deque()
        self.size = 0
        self.total = 0

    def add(self, chunk: bytes) -> None:
        self.chunks.append(chunk)
        self.size += len(chunk)
        self.total += len(chunk)
        while self.size - len(self.chunks[0]) >= self.limit:
            self.size -= len(self.chunks.popleft())

    def text(self) -> str:
        return b"".join(self.chunks)[-self.limit :].decode("utf-8", errors="replace")


def _drain(stream, tail: _Tail, over: Callable[[], None]) -> None:
    for chunk in iter(lambda: stream.read1(65536), b""):
        tail.add(chunk)
        over()
    stream.close()


def _preexec(limits: Limits, cgroup: CgroupRun | None):
    """The child's set-up before exec: rlimits, and the per-run cgroup when there is one."""

    def preexec() -> None:
        cpu = int(limits.cpu_seconds + 0.999)
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        size = limits.file_size_mb * 2**20
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if cgroup is not None:
            cgroup.attach_self()
        else:
            mem = limits.memory_mb * 2**20
            resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
            resource.setrlimit(resource.RLIMIT_NPROC, (limits.max_processes, limits.max_processes))

    return preexec


def _stop_reason(status: int, code: int, cpu: float, flags: dict[str, bool], procs_hit: bool, oom: bool,
                 memory_error: bool, limits: Limits) -> StopReason:
    """Why a run ended: what the runner itself stopped, or the limit the kernel enforced (or none)."""
    signalled = os.WIFSIGNALED(status) or code > 128
    sig = os.WTERMSIG(status) if os.WIFSIGNALED(status) else code - 128 if code > 128 else 0
    if flags["output"]:
        return StopReason.OUTPUT
    if procs_hit and (code != 0 or flags["timeout"]):
        return StopReason.PROCESSES
    if flags["timeout"] or sig == signal.SIGXCPU or (code != 0 and cpu >= limits.cpu_seconds):
        return StopReason.TIMEOUT
    if (oom and (signalled or code != 0)) or (memory_error and code != 0):
        return StopReason.MEMORY
    if signalled:
        return StopReason.SIGNAL
    return StopReason.NONE


def _wait4(pid: int, timeout: float, on_timeout: Callable[[], None]) -> tuple[int, Any, bool]:
    """Wait for the process (its status and rusage); past `timeout` seconds call `on_timeout` and keep waiting.

    Returns:
        (wait status, resource usage, whether the timeout was hit).
    """
    waited: dict[str, Any] = {}

    def wait() -> None:
        waited["status"] = os.wait4(pid, 0)

    waiter = threading.Thread(target=wait, daemon=True)
    waiter.start()
    waiter.join(timeout)
    timed_out = waiter.is_alive()
    if timed_out:
        on_timeout()
        waiter.join()
    _, status, usage = waited["status"]
    return status, usage, timed_out


def execute(
    argv: list[str],
    workspace: Workspace,
    limits: Limits,
    backend: str,
    env: dict[str, str] | None,
    use_cgroup: bool = True,
    warnings: list[str] | None = None,
) -> RunResult:
    """Run `argv` (already wrapped by the backend) and classify how it ended."""
    warnings = list(warnings or [])
    cgroup = CgroupRun.create(limits.memory_mb, limits.max_processes) if use_cgroup else None
    if use_cgroup and cgroup is None:
        warnings.append("no writable cgroup: memory is bounded by RLIMIT_AS and processes are not bounded")

    preexec = _preexec(limits, cgroup)
    before = workspace.snapshot()
    out, err = _Tail(limits.tail_bytes), _Tail(limits.tail_bytes)
    flags = {"output": False, "timeout": False}
    start = time.perf_counter()
    try:
        proc = subprocess.Popen(
            argv, cwd=workspace.root, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, preexec_fn=preexec, start_new_session=True,
        )
    except OSError as exc:
        if cgroup is not None:
            cgroup.remove()
        return RunResult(exit_code=127, stdout_tail="", stderr_tail=f"cannot start: {exc}", wall_seconds=0.0,
                         cpu_seconds=0.0, peak_memory_mb=0.0, files_written=[], stopped_by=StopReason.NONE,
                         backend=backend, warnings=warnings)

    def kill() -> None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        if cgroup is not None:
            cgroup.kill_all()

    def check_output() -> None:
        if not flags["output"] and out.total + err.total > limits.output_bytes:
            flags["output"] = True
            kill()

    readers = [threading.Thread(target=_drain, args=(s, t, check_output), daemon=True)
               for s, t in ((proc.stdout, out), (proc.stderr, err))]
    for r in readers:
        r.start()
    status, usage, flags["timeout"] = _wait4(proc.pid, limits.wall_seconds, kill)
    wall = time.perf_counter() - start
    kill()  # whatever the main process left behind (daemons, forks) goes too
    for r in readers:
        r.join(timeout=5)
    proc.returncode = os.waitstatus_to_exitcode(status)
    code = proc.returncode if proc.returncode >= 0 else 128 - proc.returncode
    cpu = usage.ru_utime + usage.ru_stime
    peak = usage.ru_maxrss / 1024
    oom = procs_hit = False
    if cgroup is not None:
        cpu = cgroup.cpu_seconds() or cpu
        peak = cgroup.peak_memory_mb() or peak
        oom, procs_hit = cgroup.oom_killed(), cgroup.hit_process_limit()
        cgroup.remove()
    stopped = _stop_reason(status, code, cpu, flags, procs_hit, oom, cgroup is None and "MemoryError" in err.text(),
                           limits)
    after = workspace.snapshot()
    written = sorted(k for k, v in after.items() if before.get(k) != v)
    return RunResult(
        exit_code=code, stdout_tail=out.text(), stderr_tail=err.text(), wall_seconds=round(wall, 6),
        cpu_seconds=round(cpu, 6), peak_memory_mb=round(peak, 2), files_written=written, stopped_by=stopped,
        backend=backend, warnings=warnings,
    )
