"""The sandbox: run untrusted code (solutions, generated code, agent actions) under isolation and limits.

Every piece of code sandmle did not write itself at build time runs here. `get_sandbox()` picks the strongest
backend that works on this machine — bubblewrap, then unshare, then plain rlimits (which warns that it does not
isolate) — unless one is forced by argument or `SANDMLE_SANDBOX`; docker is used only when asked for.
`available_backends()` says what each backend isolates and whether it works here (`sandmle doctor`).

Imports: the standard library, `errors` and `settings` (the docker SDK in its docker backend); nothing of the build
or consume wings, which both use it.
"""

from __future__ import annotations

import functools
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass

from sandmle_core.errors import SandboxError
from sandmle_core.sandbox.base import Limits, RunResult, Sandbox, StopReason, Workspace
from sandmle_core.sandbox.cgroups import cgroup_support
from sandmle_core.sandbox.docker_backend import DockerSandbox
from sandmle_core.sandbox.process import BwrapSandbox, RlimitSandbox, UnshareSandbox
from sandmle_core.settings import get_settings

__all__ = [
    "BACKENDS",
    "BackendStatus",
    "Limits",
    "RunResult",
    "Sandbox",
    "StopReason",
    "Workspace",
    "available_backends",
    "get_sandbox",
    "measure_startup",
]

BACKENDS = ("bwrap", "unshare", "rlimit", "docker")
_AUTO_ORDER = ("bwrap", "unshare", "rlimit")
_ISOLATES = {
    "bwrap": ("network", "pid", "ipc", "filesystem", "environment"),
    "unshare": ("network", "pid", "ipc", "environment"),
    "rlimit": ("environment",),
    "docker": ("network", "pid", "ipc", "filesystem", "environment", "memory", "processes"),
}


@dataclass(frozen=True)
class BackendStatus:
    """Whether a backend works here, what it isolates, and its measured start-up."""

    name: str
    works: bool
    isolates: tuple[str, ...]
    detail: str
    startup_ms: float | None = None


def _make(name: str) -> Sandbox:
    if name == "bwrap":
        return BwrapSandbox()
    if name == "unshare":
        return UnshareSandbox()
    if name == "rlimit":
        return RlimitSandbox()
    if name == "docker":
        return DockerSandbox(get_settings().docker_image)
    raise SandboxError(f"unknown sandbox backend {name!r}; choose one of {', '.join(BACKENDS)}")


def _probe(name: str) -> BackendStatus:
    limits = Limits(wall_seconds=30, cpu_seconds=30, memory_mb=512)
    limited = tuple(_ISOLATES[name]) + (("memory", "processes") if cgroup_support() and name != "docker" else ())
    try:
        sandbox = _make(name)
        with Workspace.create() as ws:
            start = time.perf_counter()
            result = sandbox.run_python("import sys; print('ok')", ws, limits)
            ms = (time.perf_counter() - start) * 1000
    except SandboxError as exc:
        return BackendStatus(name, False, (), str(exc))
    works = result.ok and result.stdout_tail.strip() == "ok"
    detail = "works" if works else f"exit {result.exit_code}: {result.stderr_tail.strip()[-200:]}"
    return BackendStatus(name, works, limited if works else (), detail, round(ms, 1) if works else None)


@functools.cache
def _works(name: str) -> bool:
    return _probe(name).works


def available_backends(include_docker: bool = True) -> list[BackendStatus]:
    """Probe every backend with a real run (`sandmle doctor`)."""
    names = BACKENDS if include_docker else _AUTO_ORDER
    return [_probe(n) for n in names]


def get_sandbox(backend: str | None = None) -> Sandbox:
    """The sandbox to use: `backend`, else `SANDMLE_SANDBOX`, else the strongest process backend that works.

    Raises:
        SandboxError: when the requested backend is unknown or does not work here.
    """
    name = backend or get_settings().sandbox_backend
    if name and name not in BACKENDS:
        raise SandboxError(f"unknown sandbox backend {name!r}; choose one of {', '.join(BACKENDS)}")
    if name:
        if name != "docker" and not _works(name):
            raise SandboxError(f"the {name} sandbox backend does not work here: {_probe(name).detail}")
        return _make(name)
    for candidate in _AUTO_ORDER:
        if _works(candidate):
            return _make(candidate)
    raise SandboxError("no sandbox backend works on this machine (not even plain rlimits)")


def measure_startup(backend: str, runs: int = 20) -> dict[str, float]:
    """Median start-up of `python -c pass` bare and in the sandbox, in milliseconds (for the benchmark)."""
    limits = Limits(wall_seconds=30, cpu_seconds=30)
    bare, boxed = [], []
    sandbox = _make(backend)
    with Workspace.create() as ws:
        for _ in range(runs):
            t = time.perf_counter()
            subprocess.run([sys.executable, "-c", "pass"], check=True)
            bare.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            sandbox.run_python("pass", ws, limits)
            boxed.append((time.perf_counter() - t) * 1000)
    b, s = statistics.median(bare), statistics.median(boxed)
    return {"bare_ms": round(b, 2), "sandbox_ms": round(s, 2), "overhead_ms": round(s - b, 2), "runs": runs}
