"""Leftovers of killed runs: control groups and workspaces whose owning process is gone.

A run killed with SIGKILL (or a crashed caller) cannot remove its cgroup or its workspace — a tmpfs still mounted
under /tmp, holding memory. Both are named after their owner (`<pid>-<start time>`), so the next sandmle process
cleans them on its first run (`clean_leaks_once`) and `sandmle doctor --clean` does it on demand. Anything whose
owner still runs, or that carries no owner in its name, is left alone.
"""

from __future__ import annotations

import functools
import tempfile
from pathlib import Path

from sandmle_core.sandbox.cgroups import leaked_groups, remove_group
from sandmle_core.sandbox.host import owner_alive
from sandmle_core.sandbox.workspace import remove_workspace_tree

__all__ = ["clean_leaks", "clean_leaks_once", "leaked_workspaces"]

PREFIX = "sandmle-ws-"


def _mounted_workspaces() -> list[Path]:
    out = []
    try:
        lines = Path("/proc/self/mountinfo").read_text().splitlines()
    except OSError:
        return out
    for line in lines:
        point = line.split()[4].replace("\\040", " ")
        if Path(point).name.startswith(PREFIX):
            out.append(Path(point))
    return out


def leaked_workspaces(base_dirs: tuple[str | Path, ...] = ()) -> list[Path]:
    """Workspaces (folders in the temp dir or `base_dirs`, and tmpfs mounts anywhere) whose owner is gone."""
    candidates = set(_mounted_workspaces())
    for base in (tempfile.gettempdir(), *base_dirs):
        candidates.update(p for p in Path(base).glob(PREFIX + "*") if p.is_dir())
    return sorted(p for p in candidates if not owner_alive(p.name[len(PREFIX):]))


def clean_leaks(base_dirs: tuple[str | Path, ...] = ()) -> dict[str, list[str]]:
    """Remove leaked workspaces and cgroups; return what was removed (paths)."""
    removed: dict[str, list[str]] = {"workspaces": [], "cgroups": []}
    for top in leaked_workspaces(base_dirs):
        remove_workspace_tree(top)
        removed["workspaces"].append(str(top))
    for dirs in leaked_groups():
        remove_group(dirs)
        removed["cgroups"] += [str(p) for p in dirs.values()]
    return removed


@functools.cache
def clean_leaks_once() -> dict[str, list[str]]:
    """`clean_leaks()` the first time a process starts a sandbox run; a no-op afterwards."""
    try:
        return clean_leaks()
    except OSError:  # cleaning is a courtesy: never let it stop a run
        return {"workspaces": [], "cgroups": []}
