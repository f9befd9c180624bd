"""Running one process under limits and measuring it — shared by every process backend.

The child is started in its own session (so a timeout kills the whole tree), with rlimits for CPU time, file size
and core dumps, inside a per-run cgroup for memory and process count when the machine has one; it gets no new
privileges (setuid binaries do not elevate), dies with the thread that started it, and — for backends that ask —
switches to an unprivileged uid before exec. stdout and stderr are drained by two threads into tail buffers; past
the output limit the run is stopped. A workspace without a tmpfs bound is watched instead. The result says why a
run stopped, as a type, and what its sandbox did not isolate; it never raises for anything the program did.

CPU time and peak memory come from the cgroup. Without one the command runs under `launcher.py`, which reports the
program's own `wait4` figures (taken from outside, a command started from a 1 GB builder would report 1 GB for
`print(1)`, and bubblewrap's outer process holds neither the program's CPU nor its memory) and enforces the wall
limit itself, so that a run that timed out is measured too.
"""

from __future__ import annotations

import collections
import ctypes
import functools
import os
import resource
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from sandmle_core.sandbox.base import Isolation, Limits, RunResult, StopReason
from sandmle_core.sandbox.cgroups import CgroupRun
from sandmle_core.sandbox.policy import describe
from sandmle_core.sandbox.workspace import Workspace

__all__ = ["execute", "preexec_for"]

PR_SET_PDEATHSIG, PR_CAPBSET_DROP, PR_SET_NO_NEW_PRIVS = 1, 24, 38
_libc = ctypes.CDLL(None, use_errno=True)
WATCH_SECONDS = 0.2
LAUNCHER_GRACE_SECONDS = 2.0


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


@functools.cache
def _launcher_code() -> str:
    return Path(__file__).with_name("launcher.py").read_text()


class _Launch:
    """The launcher's pipe, read by a thread: the program's CPU seconds, peak MB and whether it hit the wall limit."""

    def __init__(self, argv: list[str], limits: Limits, python: str | None) -> None:
        self.read_fd, self.write_fd = os.pipe()
        self.argv = [python or sys.executable, "-I", "-S", "-c", _launcher_code(), str(self.write_fd),
                     str(limits.wall_seconds), str(limits.max_processes), *argv]
        self.done: tuple[float, float, bool] | None = None
        self.reader = threading.Thread(target=self._read, args=(self.read_fd,), daemon=True)

    def started(self, ok: bool) -> None:
        """After the Popen: the pipe's write end is the launcher's alone; read the other end (or close it)."""
        os.close(self.write_fd)
        if ok:
            self.reader.start()
        else:
            os.close(self.read_fd)

    def figures(self, flags: dict[str, bool], warnings: list[str]) -> tuple[float, float]:
        """The program's CPU seconds and peak MB (a timeout it hit goes into `flags`); 0 and a warning without a
        report (the run was stopped from outside: output, disk, a stopped launcher)."""
        self.reader.join(timeout=5)
        if self.done is None:
            warnings.append("cpu time and peak memory not measured: the run was stopped before its launcher "
                            "reported them")
            return 0.0, 0.0
        cpu, peak, timed_out = self.done
        flags["timeout"] = flags["timeout"] or timed_out
        return cpu, peak

    def _read(self, fd: int) -> None:
        with open(fd, "rb") as pipe:
            for line in pipe:
                words = line.split()
                if len(words) == 5 and words[0] == b"done":
                    self.done = float(words[2]) + float(words[3]), int(words[1]) / 1024, words[4] == b"1"


def _command(argv: list[str], wrap: Callable[[list[str]], list[str]] | None, launch: _Launch | None) -> list[str]:
    """The argv to start: under the launcher when there is one, then wrapped by the backend. A backend that cannot
    wrap (bwrap missing) raises, and the launcher's pipe is not left open."""
    try:
        return (wrap or list)(launch.argv if launch is not None else argv)
    except BaseException:
        if launch is not None:
            launch.started(False)
        raise


def _preexec(limits: Limits, cgroup: CgroupRun | None, demote: tuple[int, int] | None,
             launcher: bool = False) -> Callable[[], None]:
    def run() -> None:
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
            if not launcher:  # the launcher sets it for the program, after its own fork
                resource.setrlimit(resource.RLIMIT_NPROC, (limits.max_processes, limits.max_processes))
        if demote is not None:
            uid, gid = demote
            for cap in range(64):  # an empty bounding set: no exec can bring a capability back
                if _libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
                    break
            os.setgroups([])
            os.setresgid(gid, gid, gid)
            os.setresuid(uid, uid, uid)  # from root to a plain uid: every capability goes too
        _libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
        _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)  # after setresuid, which clears it

    return run


def preexec_for(limits: Limits, cgroup: CgroupRun | None) -> Callable[[], None]:
    """The set-up `execute` gives a process between fork and exec (rlimits, cgroup, no new privileges, death with
    the starting thread), for a caller that starts a long-lived sandboxed process itself (the warm ladder)."""
    return _preexec(limits, cgroup, None)


def _final_isolation(isolation: Isolation, cgroup: CgroupRun | None, workspace: Workspace) -> Isolation:
    """The isolation the run really had: without a cgroup or a tmpfs, the limits they give are missing."""
    lost = set()
    if cgroup is None:
        lost |= {"memory", "processes"} | ({"daemons"} if isolation.backend == "rlimit" else set())
    if not workspace.bounded:
        lost.add("disk")
    lost &= set(isolation.isolates)
    if not lost:
        return isolation
    return isolation.model_copy(update={"isolates": [k for k in isolation.isolates if k not in lost],
                                        "missing": [k for k in (*isolation.isolates, *isolation.missing)
                                                    if k in lost or k in isolation.missing]})


def _classify(flags: dict[str, bool], status: int, code: int, cpu: float, limits: Limits, cgroup: CgroupRun | None,
              workspace: Workspace, err_text: str) -> StopReason:
    signalled = os.WIFSIGNALED(status) or code > 128
    sig = os.WTERMSIG(status) if os.WIFSIGNALED(status) else code - 128 if code > 128 else 0
    oom = procs_hit = False
    shmem = 0.0
    if cgroup is not None:
        oom, procs_hit, shmem = cgroup.oom_killed(), cgroup.hit_process_limit(), cgroup.shmem_mb()
    failed = code != 0
    if flags["output"]:
        return StopReason.OUTPUT
    if procs_hit and (failed or flags["timeout"]):
        return StopReason.PROCESSES
    if flags["disk"] or sig == signal.SIGXFSZ:
        return StopReason.DISK
    if flags["timeout"] or sig == signal.SIGXCPU or (failed and cpu >= limits.cpu_seconds):
        return StopReason.TIMEOUT
    if oom and (signalled or failed):  # files in a tmpfs are memory too: which one filled the limit?
        return StopReason.DISK if shmem >= limits.memory_mb / 2 else StopReason.MEMORY
    if failed and (workspace.is_full() or workspace.largest_file() >= limits.file_size_mb * 2**20):
        return StopReason.DISK  # ENOSPC, or EFBIG at the file-size limit (Python ignores SIGXFSZ)
    if cgroup is None and failed and "MemoryError" in err_text:
        return StopReason.MEMORY
    return StopReason.SIGNAL if signalled else StopReason.NONE


def _wait(pid: int, deadline: float, workspace: Workspace, flags: dict[str, bool],
          kill: Callable[[], None]) -> tuple[int, int, resource.struct_rusage]:
    """wait4 the child until the wall deadline; meanwhile watch a workspace that has no tmpfs bound."""
    waited: dict[str, tuple[int, int, resource.struct_rusage]] = {}
    waiter = threading.Thread(target=lambda: waited.update(status=os.wait4(pid, 0)), daemon=True)
    waiter.start()
    while waiter.is_alive() and time.perf_counter() < deadline:
        waiter.join(min(WATCH_SECONDS, max(0.0, deadline - time.perf_counter())))
        if not workspace.bounded and waiter.is_alive() and workspace.used_bytes() > workspace.disk_mb * 2**20:
            flags["disk"] = True
            kill()
    if waiter.is_alive():
        flags["timeout"] = True
        kill()
        waiter.join()
    return waited["status"]


def execute(
    argv: list[str],
    workspace: Workspace,
    limits: Limits,
    backend: str,
    env: dict[str, str] | None,
    isolation: Isolation,
    demote: tuple[int, int] | None = None,
    use_cgroup: bool = True,
    notes: list[str] | None = None,
    python: str | None = None,
    wrap: Callable[[list[str]], list[str]] | None = None,
) -> RunResult:
    """Run `argv`, wrapped by the backend's `wrap` (None: already wrapped), and classify how it ended. Without a
    cgroup `argv` runs under the launcher, started by `python` (an interpreter the program's uid reaches)."""
    cgroup = CgroupRun.create(limits.memory_mb, limits.max_processes) if use_cgroup else None
    isolation = _final_isolation(isolation, cgroup, workspace)
    warnings = [*describe(isolation), *(notes or [])]
    before = workspace.snapshot()
    out, err = _Tail(limits.tail_bytes), _Tail(limits.tail_bytes)
    flags = {"output": False, "timeout": False, "disk": False}
    launch = _Launch(argv, limits, python) if cgroup is None else None
    argv = _command(argv, wrap, launch)
    start = time.perf_counter()
    try:
        proc = subprocess.Popen(
            argv, cwd=workspace.root, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, preexec_fn=_preexec(limits, cgroup, demote, launch is not None),
            start_new_session=True, pass_fds=(launch.write_fd,) if launch is not None else (),
        )
    except (OSError, subprocess.SubprocessError) as exc:
        if cgroup is not None:
            cgroup.remove()
        if launch is not None:
            launch.started(False)
        return RunResult(exit_code=127, stdout_tail="", stderr_tail=f"cannot start: {exc}", wall_seconds=0.0,
                         cpu_seconds=0.0, peak_memory_mb=0.0, files_written=[], stopped_by=StopReason.NONE,
                         backend=backend, isolation=isolation, warnings=warnings)
    if launch is not None:
        launch.started(True)

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
    grace = LAUNCHER_GRACE_SECONDS if launch is not None else 0.0  # the launcher stops the program at the limit
    _, status, usage = _wait(proc.pid, start + limits.wall_seconds + grace, workspace, flags, kill)
    wall = time.perf_counter() - start
    kill()  # whatever the main process left behind (daemons, forks) goes too
    for r in readers:
        r.join(timeout=5)
    proc.returncode = os.waitstatus_to_exitcode(status)
    code = proc.returncode if proc.returncode >= 0 else 128 - proc.returncode
    cpu, peak = launch.figures(flags, warnings) if launch else (usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)
    if cgroup is not None:
        cpu, peak = cgroup.cpu_seconds() or cpu, cgroup.peak_memory_mb() or peak
    stopped = _classify(flags, status, code, cpu, limits, cgroup, workspace, err.text())
    if cgroup is not None:
        cgroup.remove()
    after = workspace.snapshot()
    written = sorted(k for k, v in after.items() if before.get(k) != v)
    return RunResult(
        exit_code=code, stdout_tail=out.text(), stderr_tail=err.text(), wall_seconds=round(wall, 6),
        cpu_seconds=round(cpu, 6), peak_memory_mb=round(peak, 2), files_written=written, stopped_by=stopped,
        backend=backend, isolation=isolation, warnings=warnings,
        usage_measured=launch is None or launch.done is not None,
    )
