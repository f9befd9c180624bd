"""What the process backends share — the interpreter and its trees, the child's environment — and `rlimit`.

Each backend turns a command into the argv that starts it isolated (`wrap`), says which environment the started
process gets (bubblewrap and unshare start with an EMPTY environment: `/proc/1/environ` inside shows nothing of the
caller), and which host uid the sandboxed code runs as (the workspace is handed over to it before each run).
`rlimit` isolates nothing but limits; as root it at least drops the child to an unprivileged uid, so it cannot read
root-only files, signal the caller or write a cgroup — and it refuses to run when that uid cannot reach the
interpreter (e.g. a pyenv under a 0700 /root) instead of running as root.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from sandmle_core.sandbox.base import Limits, RunResult
from sandmle_core.sandbox.cgroups import cgroup_support
from sandmle_core.sandbox.host import is_root, reachable_by, sandbox_ids
from sandmle_core.sandbox.policy import backend_isolation
from sandmle_core.sandbox.runner import execute
from sandmle_core.sandbox.workspace import Workspace

__all__ = ["INSIDE", "ProcessSandbox", "RlimitSandbox", "child_env", "python_paths"]

INSIDE = "/workspace"


def python_paths() -> tuple[str, list[str]]:
    """The interpreter to run (this process's, as seen through its venv) and the trees it needs, read-only.

    Every tree is resolved (symlinks followed: a venv's `bin/python` pointing into pyenv or conda), and nested
    trees are dropped, so each is bound once. A venv reached through a symlink (`.venv -> /opt/venvs/x`) is bound
    under the path this process uses too: the interpreter finds its `pyvenv.cfg`, and so its site-packages, next to
    the `bin/` it was started from, not at the resolved path (without it the sandboxed Python had no pandas).
    """
    exe = sys.executable
    trees = {os.path.realpath(sys.base_prefix), os.path.realpath(sys.prefix),
             os.path.dirname(os.path.realpath(exe)), os.path.dirname(exe)}
    if sys.prefix != os.path.realpath(sys.prefix):
        trees.add(sys.prefix)
    for entry in sys.path:
        if entry and "site-packages" in entry and os.path.isdir(entry):
            trees.add(os.path.realpath(entry))
    ordered = sorted(trees, key=lambda t: (t.count(os.sep), t))
    kept: list[str] = []
    for tree in ordered:
        if not any(tree == k or tree.startswith(k.rstrip(os.sep) + os.sep) for k in kept):
            kept.append(tree)
    return exe, sorted(kept)


def child_env(extra: dict[str, str] | None, home: str) -> dict[str, str]:
    """A clean environment: no host variables (so no API keys), single-threaded maths, fixed hash seed."""
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": home,
        "TMPDIR": "/tmp",
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


class ProcessSandbox:
    """The shared run logic; subclasses say how to wrap a command and as whom it runs."""

    name = "base"
    use_cgroup = True  # False: measure and limit without one, as on a machine that has none writable

    def __init__(self, python: str | None = None) -> None:
        self.notes: list[str] = []  # warnings of this backend beyond the isolation it lacks
        self.python = python or sys.executable
        self.isolation = backend_isolation(self.name, root=is_root(), cgroups=cgroup_support() is not None)

    def wrap(self, argv: list[str], workspace: Workspace, limits: Limits, env: dict[str, str]) -> list[str]:
        raise NotImplementedError

    def home(self, workspace: Workspace) -> str:
        return "/tmp"

    def process_env(self, env: dict[str, str], workspace: Workspace) -> dict[str, str]:
        """The environment of the process sandmle starts: empty for the namespace backends (they set the child's)."""
        return {}

    def runs_as(self) -> tuple[int, int]:
        """The host uid/gid the sandboxed program has (its workspace is handed over to it)."""
        return os.getuid(), os.getgid()

    def demote(self) -> tuple[int, int] | None:
        """uid/gid the started process switches to before exec (None: stay)."""
        return None

    def prepare(self, workspace: Workspace) -> None:
        workspace.hand_over(*self.runs_as())

    def run_command(
        self, argv: list[str], workspace: Workspace, limits: Limits, env: dict[str, str] | None = None
    ) -> RunResult:
        self.prepare(workspace)
        full_env = child_env(env, self.home(workspace))
        return execute(list(argv), workspace, limits, self.name, self.process_env(full_env, workspace), self.isolation,
                       demote=self.demote(), notes=self.notes, python=self.python, use_cgroup=self.use_cgroup,
                       wrap=lambda inner: self.wrap(inner, workspace, limits, full_env))

    def run_python(
        self,
        script: str | Path,
        workspace: Workspace,
        limits: Limits,
        args: tuple[str, ...] | list[str] = (),
        env: dict[str, str] | None = None,
    ) -> RunResult:
        """Run a Python file of the workspace (a relative path) or a code string."""
        script = str(script)
        if script.endswith(".py") and "\n" not in script:
            argv = [self.python, script, *args]
        else:
            argv = [self.python, "-c", script, *args]
        return self.run_command(argv, workspace, limits, env)


class RlimitSandbox(ProcessSandbox):
    """No isolation — only resource limits (and, as root, an unprivileged uid). For machines where nothing better
    works, and only when a policy lets it run."""

    name = "rlimit"

    def home(self, workspace: Workspace) -> str:
        return str(workspace.root)

    def process_env(self, env: dict[str, str], workspace: Workspace) -> dict[str, str]:
        return {**env, "TMPDIR": str(workspace.scratch)}

    def runs_as(self) -> tuple[int, int]:
        return sandbox_ids() if is_root() else (os.getuid(), os.getgid())

    def demote(self) -> tuple[int, int] | None:
        return sandbox_ids() if is_root() else None

    def unreachable(self) -> str | None:
        """Why the unprivileged uid cannot run the interpreter (root only), or None."""
        if not is_root():
            return None
        uid, gid = sandbox_ids()
        for path in (self.python, *python_paths()[1]):
            problem = reachable_by(path, uid, gid)
            if problem:
                return (f"as root the rlimit backend runs code as uid {uid}, which cannot reach {path} ({problem}): "
                        f"put the interpreter where others can read it, or use bwrap")
        return None

    def prepare(self, workspace: Workspace) -> None:
        workspace.materialize_public()
        super().prepare(workspace)

    def wrap(self, argv: list[str], workspace: Workspace, limits: Limits, env: dict[str, str]) -> list[str]:
        return argv
