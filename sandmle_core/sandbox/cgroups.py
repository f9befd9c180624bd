"""Per-run control groups: the memory and process limits rlimits cannot give, and honest measurements.

`RLIMIT_NPROC` does nothing for root and `RLIMIT_AS` breaks numpy's large virtual reservations, so a run gets its
own cgroup: `pids.max` bounds a fork bomb, the memory limit makes the kernel kill on overuse (and say so), and the
group's counters give peak memory and CPU time of every process in the run. Both cgroup v2 (unified) and v1
(separate pids/memory/cpuacct hierarchies) are supported; `CgroupRun.create` returns None where neither is writable.
"""

from __future__ import annotations

import os
import signal
import time
import uuid
from pathlib import Path

__all__ = ["CgroupRun", "cgroup_support"]

ROOT = Path("/sys/fs/cgroup")


def _writable_dir(path: Path) -> bool:
    return path.is_dir() and os.access(path, os.W_OK)


def _v2_root() -> Path | None:
    if (ROOT / "cgroup.controllers").is_file() and _writable_dir(ROOT):
        controllers = (ROOT / "cgroup.controllers").read_text().split()
        if {"memory", "pids"} <= set(controllers):
            return ROOT
    return None


def _v1_roots() -> dict[str, Path] | None:
    roots = {name: ROOT / name for name in ("pids", "memory", "cpuacct")}
    return roots if all(_writable_dir(p) for p in roots.values()) else None


def cgroup_support() -> str | None:
    """"v2", "v1" or None: which cgroup interface this process can use."""
    if _v2_root() is not None:
        return "v2"
    if _v1_roots() is not None:
        return "v1"
    return None


def _read(path: Path, default: str = "") -> str:
    try:
        return path.read_text()
    except OSError:
        return default


class CgroupRun:
    """The cgroup(s) of one run. Create, let the child `attach_self()` before exec, read counters, `remove()`."""

    def __init__(self, version: str, dirs: dict[str, Path]) -> None:
        self.version = version
        self.dirs = dirs

    @classmethod
    def create(cls, memory_mb: int, max_processes: int) -> CgroupRun | None:
        name = f"sandmle-{os.getpid()}-{uuid.uuid4().hex[:10]}"
        try:
            root = _v2_root()
            if root is not None:
                for ctrl in ("+memory", "+pids"):
                    try:
                        (root / "cgroup.subtree_control").write_text(ctrl)
                    except OSError:
                        pass
                path = root / name
                path.mkdir()
                (path / "memory.max").write_text(str(memory_mb * 1024 * 1024))
                if (path / "memory.swap.max").exists():
                    (path / "memory.swap.max").write_text("0")
                (path / "pids.max").write_text(str(max_processes))
                return cls("v2", {"all": path})
            roots = _v1_roots()
            if roots is None:
                return None
            dirs = {k: v / name for k, v in roots.items()}
            for path in dirs.values():
                path.mkdir()
            (dirs["memory"] / "memory.limit_in_bytes").write_text(str(memory_mb * 1024 * 1024))
            (dirs["pids"] / "pids.max").write_text(str(max_processes))
            return cls("v1", dirs)
        except OSError:
            return None

    def attach_self(self) -> None:
        """Move the calling process into the group (called in the child between fork and exec)."""
        pid = str(os.getpid())
        for path in self.dirs.values():
            (path / "cgroup.procs").write_text(pid)

    def _dir(self, controller: str) -> Path:
        return self.dirs["all"] if self.version == "v2" else self.dirs[controller]

    def peak_memory_mb(self) -> float | None:
        if self.version == "v2":
            text = _read(self._dir("memory") / "memory.peak")
        else:
            text = _read(self._dir("memory") / "memory.max_usage_in_bytes")
        return round(int(text) / 2**20, 2) if text.strip() else None

    def cpu_seconds(self) -> float | None:
        if self.version == "v2":
            for line in _read(self._dir("cpu") / "cpu.stat").splitlines():
                if line.startswith("usage_usec"):
                    return int(line.split()[1]) / 1e6
            return None
        text = _read(self._dir("cpuacct") / "cpuacct.usage")
        return int(text) / 1e9 if text.strip() else None

    def oom_killed(self) -> bool:
        if self.version == "v2":
            events = _read(self._dir("memory") / "memory.events")
            return any(line.startswith("oom_kill ") and int(line.split()[1]) > 0 for line in events.splitlines())
        control = _read(self._dir("memory") / "memory.oom_control")
        if any(line.startswith("oom_kill ") and int(line.split()[1]) > 0 for line in control.splitlines()):
            return True
        return int(_read(self._dir("memory") / "memory.failcnt", "0") or 0) > 0

    def hit_process_limit(self) -> bool:
        events = _read(self._dir("pids") / "pids.events")
        return any(line.startswith("max ") and int(line.split()[1]) > 0 for line in events.splitlines())

    def kill_all(self) -> None:
        """SIGKILL every process left in the group (a fork bomb's children included)."""
        if self.version == "v2" and (self.dirs["all"] / "cgroup.kill").exists():
            try:
                (self.dirs["all"] / "cgroup.kill").write_text("1")
                return
            except OSError:
                pass
        for _ in range(50):
            pids = [int(p) for p in _read(self._dir("pids") / "cgroup.procs").split()]
            if not pids:
                return
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.01)

    def remove(self) -> None:
        self.kill_all()
        for path in self.dirs.values():
            for _ in range(100):
                try:
                    path.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.01)
