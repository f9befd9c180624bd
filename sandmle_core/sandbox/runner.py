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
    waited: dict[str, object] = {}

    def wait() -> None:
        waited["status"] = os.wait4(proc.pid, 0)

    waiter = threading.Thread(target=wait, daemon=True)
    waiter.start()
    waiter.join(limits.wall_seconds)
    if waiter.is_alive():
        flags["timeout"] = True
        kill()
        waiter.join()
    wall = time.perf_counter() - start
    kill()  # whatever the main process left behind (daemons, forks) goes too
    for r in readers:
        r.join(timeout=5)
    _, status, usage = waited["status"]  # type: ignore[misc]
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
    signalled = os.WIFSIGNALED(status) or code > 128
    sig = os.WTERMSIG(status) if os.WIFSIGNALED(status) else code - 128 if code > 128 else 0
    if flags["output"]:
        stopped = StopReason.OUTPUT
    elif procs_hit and (code != 0 or flags["timeout"]):
        stopped = StopReason.PROCESSES
    elif flags["timeout"] or sig == signal.SIGXCPU or (code != 0 and cpu >= limits.cpu_seconds):
        stopped = StopReason.TIMEOUT
    elif (oom and (signalled or code != 0)) or (cgroup is None and code != 0 and "MemoryError" in err.text()):
        stopped = StopReason.MEMORY
    elif signalled:
        stopped = StopReason.SIGNAL
    else:
        stopped = StopReason.NONE
    after = workspace.snapshot()
    written = sorted(k for k, v in after.items() if before.get(k) != v)
    return RunResult(
        exit_code=code, stdout_tail=out.text(), stderr_tail=err.text(), wall_seconds=round(wall, 6),
        cpu_seconds=round(cpu, 6), peak_memory_mb=round(peak, 2), files_written=written, stopped_by=stopped,
        backend=backend, warnings=warnings,
    )
