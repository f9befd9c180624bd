"""The sandbox: run untrusted code (solutions, generated code, agent actions) under isolation and limits.

Every piece of code sandmle did not write itself at build time runs here, and is treated as an adversary.
`get_sandbox(policy=...)` picks the strongest backend that works on this machine — bubblewrap, then unshare, then
plain rlimits — unless one is forced by argument or `SANDMLE_SANDBOX` (docker only when asked for), and then lets
the policy decide (`policy.py`): `strict` (the default) refuses anything without filesystem isolation unless the user
accepted it knowingly (`SANDMLE_ALLOW_WEAK_SANDBOX=1`, `--allow-weak-sandbox`); `permissive` runs it. Either way
every `RunResult.isolation` names the backend and what it does not isolate. `available_backends()` probes each
backend with a real run (`sandmle doctor`).

Imports: the standard library, `errors` and `settings` (the docker SDK in its docker backend); nothing of the build
or consume wings, which both use it.
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass

from sandmle_core.errors import SandboxError
from sandmle_core.sandbox.base import Isolation, Limits, RunResult, Sandbox, StopReason, Workspace
from sandmle_core.sandbox.bwrap import BwrapSandbox
from sandmle_core.sandbox.cgroups import cgroup_support
from sandmle_core.sandbox.docker_backend import DockerSandbox
from sandmle_core.sandbox.host import is_root
from sandmle_core.sandbox.policy import ISOLATION, STRICT_REQUIRES, Policy, admit, backend_isolation
from sandmle_core.sandbox.process import RlimitSandbox
from sandmle_core.sandbox.unshare import UnshareSandbox
from sandmle_core.settings import get_settings

__all__ = [
    "BACKENDS",
    "ISOLATION",
    "STRICT_REQUIRES",
    "BackendStatus",
    "Isolation",
    "Limits",
    "Policy",
    "RunResult",
    "Sandbox",
    "StopReason",
    "Workspace",
    "available_backends",
    "get_sandbox",
    "make_sandbox",
]

BACKENDS = ("bwrap", "unshare", "rlimit", "docker")
_AUTO_ORDER = ("bwrap", "unshare", "rlimit")


@dataclass(frozen=True)
class BackendStatus:
    """Whether a backend works here, what it isolates and what not, and its measured start-up."""

    name: str
    works: bool
    isolates: tuple[str, ...]
    missing: tuple[str, ...]
    strict_ok: bool
    detail: str
    startup_ms: float | None = None


def make_sandbox(name: str) -> Sandbox:
    """A backend by name, without any policy check (its results say `policy: unchecked`)."""
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
    iso = backend_isolation(name, root=is_root(), cgroups=cgroup_support() is not None)
    facts = (tuple(iso.isolates), tuple(iso.missing), not any(k in iso.missing for k in STRICT_REQUIRES))
    limits = Limits(wall_seconds=30, cpu_seconds=30, memory_mb=512)
    try:
        sandbox = make_sandbox(name)
        problem = sandbox.unreachable() if isinstance(sandbox, RlimitSandbox) else None
        if problem:
            return BackendStatus(name, False, *facts, problem)
        with Workspace.create(disk_mb=64) as ws:
            start = time.perf_counter()
            result = sandbox.run_python("import sys; print('ok')", ws, limits)
            ms = (time.perf_counter() - start) * 1000
    except SandboxError as exc:
        return BackendStatus(name, False, *facts, str(exc))
    works = result.ok and result.stdout_tail.strip() == "ok"
    detail = "works" if works else f"exit {result.exit_code}: {result.stderr_tail.strip()[-200:]}"
    return BackendStatus(name, works, *facts, detail, round(ms, 1) if works else None)


@functools.cache
def _status(name: str) -> BackendStatus:
    return _probe(name)


def available_backends(include_docker: bool = True) -> list[BackendStatus]:
    """Probe every backend with a real run (`sandmle doctor`)."""
    names = BACKENDS if include_docker else _AUTO_ORDER
    return [_probe(n) for n in names]


def get_sandbox(backend: str | None = None, *, policy: str | Policy = Policy.STRICT,
                allow_weak: bool | None = None) -> Sandbox:
    """The sandbox to use: `backend`, else `SANDMLE_SANDBOX`, else the strongest process backend that works —
    admitted by `policy`.

    Args:
        backend: force a backend (bwrap, unshare, rlimit, docker).
        policy: `strict` (untrusted code: refuses a backend without filesystem isolation) or `permissive`
            (sandmle's own scripts: runs on the strongest that works, and says what is missing).
        allow_weak: under `strict`, accept a weaker backend knowingly; None reads `SANDMLE_ALLOW_WEAK_SANDBOX`.

    Raises:
        SandboxError: the backend is unknown or does not work here, or the policy refuses it (the message says
            how to get an isolating backend).
    """
    settings = get_settings()
    policy = Policy(policy)
    allow = settings.allow_weak_sandbox if allow_weak is None else allow_weak
    name = backend or settings.sandbox_backend
    if name and name not in BACKENDS:
        raise SandboxError(f"unknown sandbox backend {name!r}; choose one of {', '.join(BACKENDS)}")
    if name:
        if name != "docker" and not _status(name).works:
            raise SandboxError(f"the {name} sandbox backend does not work here: {_status(name).detail}")
    else:
        name = next((n for n in _AUTO_ORDER if _status(n).works), None)
        if name is None:
            raise SandboxError("no sandbox backend works on this machine (not even plain rlimits): "
                               + "; ".join(f"{n}: {_status(n).detail}" for n in _AUTO_ORDER))
    sandbox = make_sandbox(name)
    strong = None if name in ("bwrap", "docker") else _status("bwrap").detail
    sandbox.isolation = admit(sandbox.isolation, policy, allow, strong)
    return sandbox
