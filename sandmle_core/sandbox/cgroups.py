"""Per-run control groups: the memory and process limits rlimits cannot give, honest measurements, a sure kill.

`RLIMIT_NPROC` does nothing for root and `RLIMIT_AS` breaks numpy's large virtual reservations, so a run gets its
own cgroup: `pids.max` bounds a fork bomb, the memory limit makes the kernel kill on overuse (its `oom_kill`
counter says so — `failcnt` does not: page cache reclaim raises it too), and the group's counters give peak memory,
CPU time and how much of the memory was tmpfs files (`shmem`: a full workspace, not a memory hog). Killing goes
through `cgroup.kill` (v2) or the freezer (v1: freeze, kill every task, thaw), so a fork bomb cannot outrun it and
no daemon outlives its run. Groups are named `sandmle-<pid>-<start>-<random>` after their owner; `leaked_groups()`
finds those whose owner is gone (killed before it could remove them). Both cgroup v2 and v1 are supported;
`CgroupRun.create` returns None where neither is writable.
"""

from __future__ import annotations

import os
import signal
import time
import uuid
from pathlib import Path

from sandmle_core.sandbox.host import owner_alive, owner_tag

__all__ = ["CgroupRun", "cgroup_support", "leaked_groups", "remove_group"]

ROOT = Path("/sys/fs/cgroup")
V1_CONTROLLERS = ("pids", "memory", "cpuacct")


def _writable_dir(path: Path) -> bool:
    return path.is_dir() and os.access(path, os.W_OK)


def _v2_root() -> Path | None:
    if (ROOT / "cgroup.controllers").is_file() and _writable_dir(ROOT):
        controllers = (ROOT / "cgroup.controllers").read_text().split()
        if {"memory", "pids"} <= set(controllers):
            return ROOT
    return None


def _v1_roots() -> dict[str, Path] | None:
    roots = {name: ROOT / name for name in V1_CONTROLLERS}
    if not all(_writable_dir(p) for p in roots.values()):
        return None
    if _writable_dir(ROOT / "freezer"):
        roots["freezer"] = ROOT / "freezer"
    return roots


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


def _stat_value(text: str, key: str) -> int:
    for line in text.splitlines():
        name, _, value = line.partition(" ")
        if name == key and value.strip().isdigit():
            return int(value)
    return 0


class CgroupRun:
    """The cgroup(s) of one run. Create, let the child `attach_self()` before exec, read counters, `remove()`."""

    def __init__(self, version: str, dirs: dict[str, Path]) -> None:
        self.version = version
        self.dirs = dirs

    @classmethod
    def create(cls, memory_mb: int, max_processes: int) -> CgroupRun | None:
        from sandmle_core.sandbox.cleanup import clean_leaks_once

        clean_leaks_once()
        name = f"sandmle-{owner_tag()}-{uuid.uuid4().hex[:10]}"
        limit = str(memory_mb * 1024 * 1024)
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
                (path / "memory.max").write_text(limit)
                if (path / "memory.swap.max").exists():
                    (path / "memory.swap.max").write_text("0")
                (path / "pids.max").write_text(str(max_processes))
                return cls("v2", {"all": path})
            roots = _v1_roots()
            if roots is None:
                return None
            dirs = {k: v / name for k, v in roots.items()}
            run = cls("v1", {})
            for key, path in dirs.items():
                path.mkdir()
                run.dirs[key] = path
            (dirs["memory"] / "memory.limit_in_bytes").write_text(limit)
            if (dirs["memory"] / "memory.memsw.limit_in_bytes").exists():  # no swapping past the limit either
                (dirs["memory"] / "memory.memsw.limit_in_bytes").write_text(limit)
            (dirs["pids"] / "pids.max").write_text(str(max_processes))
            return run
        except OSError:
            if "run" in locals():
                run.remove()
            return None

    def attach_self(self) -> None:
        """Move the calling process into the group (called in the child between fork and exec)."""
        pid = str(os.getpid())
        for path in self.dirs.values():
            (path / "cgroup.procs").write_text(pid)

    def _dir(self, controller: str) -> Path:
        return self.dirs["all"] if self.version == "v2" else self.dirs[controller]

    def peak_memory_mb(self) -> float | None:
        name = "memory.peak" if self.version == "v2" else "memory.max_usage_in_bytes"
        text = _read(self._dir("memory") / name)
        return round(int(text) / 2**20, 2) if text.strip() else None

    def shmem_mb(self) -> float:
        """tmpfs / shared memory pages charged to the run: files it wrote to its workspace, /tmp or /dev/shm."""
        return round(_stat_value(_read(self._dir("memory") / "memory.stat"), "shmem") / 2**20, 2)

    def cpu_seconds(self) -> float | None:
        if self.version == "v2":
            usec = _stat_value(_read(self._dir("cpu") / "cpu.stat"), "usage_usec")
            return usec / 1e6 if usec else None
        text = _read(self._dir("cpuacct") / "cpuacct.usage")
        return int(text) / 1e9 if text.strip() else None

    def oom_killed(self) -> bool:
        if self.version == "v2":
            return _stat_value(_read(self._dir("memory") / "memory.events"), "oom_kill") > 0
        return _stat_value(_read(self._dir("memory") / "memory.oom_control"), "oom_kill") > 0

    def hit_process_limit(self) -> bool:
        return _stat_value(_read(self._dir("pids") / "pids.events"), "max") > 0

    def kill_all(self) -> None:
        """SIGKILL every process left in the group (a fork bomb's children and daemons included)."""
        kill_group(self.dirs)

    def remove(self) -> None:
        remove_group(self.dirs)


def _tasks(path: Path) -> list[int]:
    return [int(p) for p in _read(path / "cgroup.procs").split()]


def kill_group(dirs: dict[str, Path]) -> None:
    """Kill every task of a run's groups: cgroup.kill (v2), else freeze → kill → thaw (v1), else kill in rounds."""
    if "all" in dirs and (dirs["all"] / "cgroup.kill").exists():
        try:
            (dirs["all"] / "cgroup.kill").write_text("1")
            return
        except OSError:
            pass
    tasks_dir = dirs.get("all") or dirs.get("pids") or next(iter(dirs.values()))
    freezer = dirs.get("freezer")
    for _ in range(200):
        pids = _tasks(tasks_dir)
        if not pids:
            break
        frozen = False
        if freezer is not None:
            try:
                (freezer / "freezer.state").write_text("FROZEN")
                frozen = True
            except OSError:
                frozen = False
        for pid in _tasks(tasks_dir):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if frozen:
            (freezer / "freezer.state").write_text("THAWED")  # the killed tasks die as they thaw
        time.sleep(0.005)


def remove_group(dirs: dict[str, Path]) -> None:
    """Kill what is left and delete the group's directories."""
    kill_group(dirs)
    for path in dirs.values():
        for _ in range(200):
            try:
                path.rmdir()
                break
            except FileNotFoundError:
                break
            except OSError:
                time.sleep(0.01)


def leaked_groups() -> list[dict[str, Path]]:
    """The groups of runs whose owning process is gone (killed before it could remove them), per controller."""
    mounts = [ROOT] if _v2_root() is not None else [ROOT / c for c in (*V1_CONTROLLERS, "freezer")]
    found: dict[str, dict[str, Path]] = {}
    for mount in mounts:
        if not mount.is_dir():
            continue
        key = "all" if mount == ROOT else mount.name
        for child in mount.glob("sandmle-*"):
            if child.is_dir() and not owner_alive(child.name[len("sandmle-"):]):
                found.setdefault(child.name, {})[key] = child
    return list(found.values())
