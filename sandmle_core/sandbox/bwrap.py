"""bubblewrap: the isolating backend — a private root built from read-only binds, every namespace, no privileges.

The new root holds only: /usr (+ the /lib, /bin… links), five files of /etc, a private /proc and /dev, the
interpreter's trees (resolved: a venv under /tmp, pyenv under /root, conda), the workspace at /workspace with
public/ read-only, and the workspace's own tmp/ and shm/ as /tmp and /dev/shm. Mounts are issued parents first
(sorted by depth), so a tree under /tmp is bound AFTER /tmp and nothing hides it — the bug that made bwrap fail in
every clone under /tmp. Then / and /dev are remounted read-only.

The program runs as uid/gid 65534 in a new user namespace with every capability dropped (`--cap-drop ALL`) and no
way to create another user namespace (`--disable-userns`), so remounting a read-only bind fails; it is PID 2 of a
private pid namespace (bwrap's reaper is PID 1 and dies with it, taking any daemon along), has its own network,
ipc, uts and cgroup namespaces, a new session (no TIOCSTI into the caller's terminal), and dies with its parent.
bwrap itself is started with an EMPTY environment: `/proc/1/environ` inside shows nothing of the caller.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess

from sandmle_core.errors import SandboxError
from sandmle_core.sandbox.base import Limits
from sandmle_core.sandbox.process import INSIDE, ProcessSandbox, python_paths
from sandmle_core.sandbox.workspace import Workspace

__all__ = ["ETC_FILES", "BwrapSandbox"]

ETC_FILES = ("ld.so.cache", "localtime", "passwd", "group", "nsswitch.conf")
UID_INSIDE = 65534


@functools.cache
def _supports(binary: str, option: str) -> bool:
    """Whether this bwrap knows `option` (--disable-userns arrived in 0.8.0; Ubuntu 22.04 ships 0.6)."""
    try:
        text = subprocess.run([binary, "--help"], capture_output=True, text=True, timeout=10, env={}).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return option in text


def _depth(path: str) -> int:
    return len([p for p in path.split("/") if p])


class BwrapSandbox(ProcessSandbox):
    """bubblewrap: private root filesystem, namespaces, no capabilities."""

    name = "bwrap"

    def __init__(self, binary: str | None = None, python: str | None = None) -> None:
        super().__init__(python)
        self.binary = binary or shutil.which("bwrap")
        if self.binary and not _supports(self.binary, "--disable-userns"):
            self.notes = ["bwrap older than 0.8.0: the sandbox may create nested user namespaces (its mounts stay "
                          "locked read-only, but the kernel surface is larger); install bubblewrap >= 0.8.0"]

    def mounts(self, workspace: Workspace) -> list[list[str]]:
        """The mount operations, parents before children (each a bwrap option with its arguments)."""
        ops: list[tuple[str, list[str]]] = [("/usr", ["--ro-bind", "/usr", "/usr"])]
        for link in ("lib", "lib32", "lib64", "libx32", "bin", "sbin"):
            path = f"/{link}"
            if os.path.islink(path):
                ops.append((path, ["--symlink", os.readlink(path), path]))
            elif os.path.isdir(path):
                ops.append((path, ["--ro-bind", path, path]))
        ops += [(f"/etc/{f}", ["--ro-bind-try", f"/etc/{f}", f"/etc/{f}"]) for f in ETC_FILES]
        ops += [("/proc", ["--proc", "/proc"]), ("/dev", ["--dev", "/dev"]),
                ("/tmp", ["--bind", str(workspace.scratch), "/tmp"]),
                ("/dev/shm", ["--bind", str(workspace.shm), "/dev/shm"])]
        for tree in python_paths()[1]:
            if not tree.startswith("/usr/"):
                ops.append((tree, ["--ro-bind", tree, tree]))
        public = workspace.public_source or workspace.root / "public"
        ops += [(INSIDE, ["--bind", str(workspace.root), INSIDE]),
                (f"{INSIDE}/public", ["--ro-bind", str(public), f"{INSIDE}/public"])]
        ops.sort(key=lambda op: _depth(op[0]))  # stable: equal depths keep the order above
        return [args for _, args in ops]

    def wrap(self, argv: list[str], workspace: Workspace, limits: Limits, env: dict[str, str]) -> list[str]:
        if self.binary is None:
            raise SandboxError("bubblewrap (bwrap) is not installed or not on PATH")
        cmd = [self.binary, "--unshare-all", "--unshare-user"]
        if _supports(self.binary, "--disable-userns"):
            cmd.append("--disable-userns")
        cmd += ["--uid", str(UID_INSIDE), "--gid", str(UID_INSIDE), "--cap-drop", "ALL",
                "--die-with-parent", "--new-session", "--hostname", "sandbox", "--clearenv"]
        for op in self.mounts(workspace):
            cmd += op
        cmd += ["--remount-ro", "/dev", "--remount-ro", "/", "--chdir", INSIDE]
        for key, value in sorted(env.items()):
            cmd += ["--setenv", key, value]
        return [*cmd, "--", *argv]
