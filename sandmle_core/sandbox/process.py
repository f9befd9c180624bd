"""Process backends: bubblewrap (full isolation), unshare (namespaces, no private filesystem), rlimit (limits only).

bwrap builds a new root from read-only binds of the system libraries, the Python interpreter and its
site-packages, a tmpfs for /tmp, the workspace (writable) and the public data (read-only) — nothing else of the host
exists inside: not the project, not the corpus, not an environment's private answers. It unshares the network, pid,
ipc, uts and cgroup namespaces and dies with its parent. `unshare` gives the same namespaces but sees the host
filesystem (the public data is a read-only copy); `rlimit` only limits, and says loudly what it does not isolate.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from sandmle_core.sandbox.base import Limits, RunResult, Workspace
from sandmle_core.sandbox.runner import execute

__all__ = ["BwrapSandbox", "RlimitSandbox", "UnshareSandbox", "child_env", "python_paths"]

INSIDE = "/workspace"


def python_paths() -> tuple[str, list[str]]:
    """The interpreter to run (this process's, as seen through its venv) and the trees it needs, read-only."""
    exe = sys.executable
    trees = {os.path.realpath(sys.base_prefix), os.path.realpath(sys.prefix)}
    for entry in sys.path:
        if entry and "site-packages" in entry and os.path.isdir(entry):
            real = os.path.realpath(entry)
            if not any(real.startswith(t + os.sep) for t in trees):
                trees.add(real)
    return exe, sorted(trees)


def child_env(extra: dict[str, str] | None, home: str) -> dict[str, str]:
    """A clean environment: no host variables (so no API keys), single-threaded maths, fixed hash seed."""
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": home,
        "LANG": "C.UTF-8",
        "PYTHONHASHSEED": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONUNBUFFERED": "1",
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "MPLBACKEND": "Agg",
        "MPLCONFIGDIR": f"{home}/.matplotlib",
    }
    env.update(extra or {})
    return env


class _ProcessSandbox:
    name = "base"
    mounts_public = False

    def wrap(self, argv: list[str], workspace: Workspace, limits: Limits, env: dict[str, str]) -> list[str]:
        raise NotImplementedError

    def warnings(self) -> list[str]:
        return []

    def run_command(
        self, argv: list[str], workspace: Workspace, limits: Limits, env: dict[str, str] | None = None
    ) -> RunResult:
        if not self.mounts_public:
            workspace.materialize_public()
        home = "/tmp" if self.mounts_public else str(workspace.root)
        full_env = child_env(env, home)
        return execute(self.wrap(list(argv), workspace, limits, full_env), workspace, limits, self.name,
                       None if self.mounts_public else full_env, warnings=self.warnings())

    def run_python(
        self,
        script: str | Path,
        workspace: Workspace,
        limits: Limits,
        args: tuple[str, ...] | list[str] = (),
        env: dict[str, str] | None = None,
    ) -> RunResult:
        """Run a Python file of the workspace (a relative path) or a code string."""
        exe, _ = python_paths()
        script = str(script)
        if script.endswith(".py") and "\n" not in script:
            argv = [exe, script, *args]
        else:
            argv = [exe, "-c", script, *args]
        return self.run_command(argv, workspace, limits, env)


class BwrapSandbox(_ProcessSandbox):
    """bubblewrap: private root filesystem and namespaces."""

    name = "bwrap"
    mounts_public = True

    def __init__(self, binary: str | None = None) -> None:
        self.binary = binary or shutil.which("bwrap") or "bwrap"

    def wrap(self, argv: list[str], workspace: Workspace, limits: Limits, env: dict[str, str]) -> list[str]:
        cmd = [self.binary, "--unshare-all", "--die-with-parent", "--new-session", "--clearenv"]
        cmd += ["--ro-bind", "/usr", "/usr"]
        for link in ("lib", "lib64", "bin", "sbin"):
            target = os.path.realpath(f"/{link}")
            if os.path.islink(f"/{link}"):
                cmd += ["--symlink", os.path.relpath(target, "/"), f"/{link}"]
            elif os.path.isdir(f"/{link}"):
                cmd += ["--ro-bind", f"/{link}", f"/{link}"]
        for etc in ("ld.so.cache", "localtime", "passwd", "group", "nsswitch.conf"):
            cmd += ["--ro-bind-try", f"/etc/{etc}", f"/etc/{etc}"]
        _, trees = python_paths()
        for tree in trees:
            cmd += ["--ro-bind", tree, tree]
        venv_bin = os.path.dirname(sys.executable)
        if not any(venv_bin.startswith(t + os.sep) for t in trees):
            cmd += ["--ro-bind", venv_bin, venv_bin]
        cmd += ["--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
        cmd += ["--bind", str(workspace.root), INSIDE]
        public = workspace.public_source or workspace.root / "public"
        cmd += ["--ro-bind", str(public), f"{INSIDE}/public"]
        cmd += ["--chdir", INSIDE]
        for key, value in sorted(env.items()):
            cmd += ["--setenv", key, value]
        return [*cmd, "--", *argv]


class UnshareSandbox(_ProcessSandbox):
    """util-linux unshare: network/pid/ipc/uts namespaces; the host filesystem stays visible."""

    name = "unshare"

    def __init__(self, binary: str | None = None) -> None:
        self.binary = binary or shutil.which("unshare") or "unshare"

    def warnings(self) -> list[str]:
        return ["unshare backend: the host filesystem is visible (read-only copy of public/ only)"]

    def wrap(self, argv: list[str], workspace: Workspace, limits: Limits, env: dict[str, str]) -> list[str]:
        return [self.binary, "--net", "--pid", "--fork", "--ipc", "--uts", "--kill-child", "--", *argv]


class RlimitSandbox(_ProcessSandbox):
    """No isolation at all — only resource limits. For machines where nothing better works."""

    name = "rlimit"

    def warnings(self) -> list[str]:
        return ["rlimit backend: NOT ISOLATED — network, other processes and the whole host filesystem are "
                "reachable; only time, memory, output, file size and process limits apply"]

    def wrap(self, argv: list[str], workspace: Workspace, limits: Limits, env: dict[str, str]) -> list[str]:
        return argv
