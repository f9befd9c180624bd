"""util-linux unshare: namespaces, a read-only host with the private folders hidden, an unprivileged program.

Weaker than bubblewrap — the strict policy refuses it — but not a silent hole: as root, `unshare` gives the run
new mount, pid, network, ipc, uts and cgroup namespaces, and `nsinit.py` (PID 1 inside) builds the view:

- hidden (an empty read-only tmpfs): every top-level folder but the system ones (`KEEP`): /root, /home, /work, /opt,
  /srv, /var, /run, /mnt, /media, /boot … — so the project, its .git and Prefect DB, the corpus and its other
  environments, the caller's home and ~/.ssh are not there; plain files at the top level are covered by /dev/null;
- /sys/fs/cgroup hidden, /sys read-only: the run cannot leave its cgroup (and it is in a cgroup namespace);
- /tmp and /dev/shm: the workspace's own tmp/ and shm/ (size-bounded with it); /proc: this pid namespace only;
- the interpreter's trees read-only at their paths, the workspace writable at its host path, public/ read-only;
- everything else (/usr, /etc, /sys, /dev) read-only, verified before the program starts.

The program runs as the unprivileged uid (`SANDMLE_SANDBOX_UID`, default 65534) with no capabilities: /etc/shadow
and other root-only files stay closed, it cannot remount, setns, ptrace or signal anything outside. What it can
still do that bwrap prevents: read the world-readable system files of /etc, /sys and /usr. unshare needs root.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

from sandmle_core.errors import SandboxError
from sandmle_core.sandbox.base import Limits
from sandmle_core.sandbox.host import is_root, sandbox_ids
from sandmle_core.sandbox.process import ProcessSandbox, python_paths
from sandmle_core.sandbox.workspace import Workspace

__all__ = ["KEEP", "UnshareSandbox"]

KEEP = frozenset({"usr", "etc", "proc", "dev", "sys", "bin", "sbin", "lib", "lib32", "lib64", "libx32"})
NSINIT = Path(__file__).with_name("nsinit.py")


def _depth(path: str) -> int:
    return len([p for p in path.split("/") if p])


def _visible(path: str) -> bool:
    """Whether `path` stays visible without a bind (it lies in a kept system folder)."""
    parts = [p for p in path.split("/") if p]
    return bool(parts) and parts[0] in KEEP


class UnshareSandbox(ProcessSandbox):
    """unshare + nsinit: namespaces, hidden private folders, a read-only host, an unprivileged program."""

    name = "unshare"

    def __init__(self, binary: str | None = None, python: str | None = None) -> None:
        super().__init__(python)
        self.binary = binary or shutil.which("unshare")

    def runs_as(self) -> tuple[int, int]:
        return sandbox_ids()

    def plan(self, workspace: Workspace) -> list[list]:
        """The mount operations of nsinit, parents first: ["tmpfs", dst] or ["bind", src, dst, read_only]."""
        ops: list[tuple[str, list]] = []
        for entry in sorted(os.listdir("/")):
            path = f"/{entry}"
            if entry in KEEP or os.path.islink(path):
                continue  # a top-level link points into a kept folder or a hidden one: either way it is covered
            if path == "/tmp":
                ops.append((path, ["bind", str(workspace.scratch), "/tmp", False]))
            elif os.path.isdir(path):
                ops.append((path, ["tmpfs", path]))
            elif os.path.isfile(path):
                ops.append((path, ["bind", "/dev/null", path, True]))
        ops += [("/sys/fs/cgroup", ["tmpfs", "/sys/fs/cgroup"]),
                ("/dev/shm", ["bind", str(workspace.shm), "/dev/shm", False])]
        for tree in python_paths()[1]:
            if not _visible(tree):
                ops.append((tree, ["bind", tree, tree, True]))
        root = str(workspace.root)
        public = workspace.public_source or workspace.root / "public"
        ops += [(root, ["bind", root, root, False]), (f"{root}/public", ["bind", str(public), f"{root}/public", True])]
        ops.sort(key=lambda op: _depth(op[0]))
        return [op for _, op in ops]

    def wrap(self, argv: list[str], workspace: Workspace, limits: Limits, env: dict[str, str]) -> list[str]:
        if self.binary is None:
            raise SandboxError("unshare (util-linux) is not installed or not on PATH")
        if not is_root():
            raise SandboxError("the unshare backend needs root (its namespaces and mounts need CAP_SYS_ADMIN)")
        uid, gid = sandbox_ids()
        config = {"ops": self.plan(workspace), "writable": [str(workspace.root), "/tmp", "/dev/shm"],
                  "uid": uid, "gid": gid, "cwd": str(workspace.root), "argv": argv, "env": env}
        fd, path = tempfile.mkstemp(prefix="nsinit-", suffix=".json", dir=workspace.top)  # 0600, not bound inside
        with os.fdopen(fd, "w") as fh:
            json.dump(config, fh)
        init = [os.path.realpath(sys.executable), "-I", "-S", str(NSINIT), path]
        return [self.binary, "--mount", "--propagation", "private", "--pid", "--fork", "--net", "--ipc", "--uts",
                "--cgroup", "--kill-child", "--", *init]
