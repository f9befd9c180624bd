"""What each backend isolates, and the policy deciding which backend may run which code — no silent downgrade.

The vocabulary (`ISOLATION`) names every property a sandboxed program could attack. A backend's isolation is
computed from facts of this machine (root or not, cgroups or not), and travels with every result.

Policies:
- `strict` (default: run-solution, eval, the RL environment, the Claude backend's generated code) refuses a backend
  that lacks any of `STRICT_REQUIRES` — in practice anything but bubblewrap or docker — with a message saying how to
  get one, unless the user accepts a weaker one knowingly (`--allow-weak-sandbox`, `SANDMLE_ALLOW_WEAK_SANDBOX=1`).
- `permissive` (sandmle's own offline ladder scripts) runs on the strongest backend that works and records what is
  missing in the result, the manifest and the build summary.
"""

from __future__ import annotations

from enum import StrEnum

from sandmle_core.errors import SandboxError
from sandmle_core.sandbox.base import Isolation

__all__ = ["HOW_TO_ISOLATE", "ISOLATION", "STRICT_REQUIRES", "Policy", "admit", "backend_isolation", "describe"]

ISOLATION: dict[str, str] = {
    "filesystem": "a private root: nothing of the host but system libraries, the interpreter, the workspace and "
                  "public/ exists",
    "network": "no network: a private network namespace without interfaces",
    "pid": "other processes are invisible: they cannot be signalled, traced or entered (setns)",
    "ipc": "private System V / POSIX IPC and a private /dev/shm",
    "environment": "the caller's environment variables (API keys) are unreachable, also through /proc",
    "privileges": "no capabilities and an unprivileged uid: root-only files, remounts and setns are refused",
    "cgroup": "the run cannot leave or rewrite its control groups",
    "memory": "a memory limit enforced by a cgroup",
    "processes": "a process-count limit enforced by a cgroup (a fork bomb stops)",
    "daemons": "no process outlives the run",
    "disk": "the workspace and /tmp live in a size-bounded tmpfs (nothing reaches the host disk)",
}
STRICT_REQUIRES = ("filesystem", "network", "pid", "ipc", "environment", "privileges")
HOW_TO_ISOLATE = (
    "install bubblewrap (`apt-get install bubblewrap` on Debian/Ubuntu, `dnf install bubblewrap` on Fedora; "
    "`make system-deps` does it as root), or use docker (`--backend docker` / SANDMLE_SANDBOX=docker with a local "
    "image, see `make test-docker`)"
)
_WHY_MISSING = {
    "filesystem": "the host's files are visible",
    "network": "the network is reachable",
    "pid": "the host's processes are visible",
    "ipc": "host IPC and /dev/shm are shared",
    "environment": "the caller's environment may be read through /proc",
    "privileges": "code runs with the caller's uid",
    "cgroup": "the run's control groups are not protected",
    "memory": "memory is bounded by RLIMIT_AS only",
    "processes": "the process count is bounded by RLIMIT_NPROC only (nothing for root)",
    "daemons": "background processes may outlive the run",
    "disk": "only the workspace is bounded (by a tmpfs, or a polling watchdog when not root): other writable "
            "host folders are not",
}


class Policy(StrEnum):
    STRICT = "strict"
    PERMISSIVE = "permissive"
    UNCHECKED = "unchecked"


def backend_isolation(name: str, *, root: bool, cgroups: bool, policy: str = "unchecked",
                      weak_allowed: bool = False) -> Isolation:
    """What backend `name` isolates on a machine where sandmle is (not) root and has (no) writable cgroups."""
    limits = ("memory", "processes", "daemons") if cgroups else ()
    if name in ("bwrap", "docker"):
        have = {"filesystem", "network", "pid", "ipc", "environment", "privileges", "cgroup", "daemons", *limits}
    elif name == "unshare":  # root only (it needs CAP_SYS_ADMIN for its namespaces)
        have = {"network", "pid", "ipc", "environment", "privileges", "cgroup", "daemons", *limits}
    elif name == "rlimit":  # as root the child drops to an unprivileged uid; as a user it keeps the caller's
        have = {"environment", "privileges", "cgroup", *limits} if root else set(limits)
    else:
        raise SandboxError(f"unknown sandbox backend {name!r}")
    if root and name != "rlimit":  # rlimit bounds its workspace, but the host's /tmp and /dev/shm stay writable
        have.add("disk")
    order = list(ISOLATION)
    return Isolation(backend=name, policy=str(policy), weak_allowed=weak_allowed,
                     isolates=[k for k in order if k in have], missing=[k for k in order if k not in have])


def describe(isolation: Isolation) -> list[str]:
    """One warning sentence per missing isolation property (empty when nothing is missing)."""
    if not isolation.missing:
        return []
    what = "; ".join(f"{k}: {_WHY_MISSING[k]}" for k in isolation.missing)
    head = f"{isolation.backend} sandbox ({isolation.policy} policy"
    head += ", weaker backend accepted knowingly)" if isolation.weak_allowed else ")"
    return [f"{head} does not isolate {', '.join(isolation.missing)} — {what}"]


def admit(isolation: Isolation, policy: Policy, allow_weak: bool, strong_problem: str | None = None) -> Isolation:
    """The isolation stamped with the policy that admitted it.

    Args:
        isolation: what the chosen backend isolates.
        policy: strict, permissive or unchecked.
        allow_weak: under `strict`, accept a backend lacking `STRICT_REQUIRES` (the user asked knowingly).
        strong_problem: why bubblewrap does not work here, when known (quoted in the refusal).

    Raises:
        SandboxError: strict policy, a backend without full isolation, and no `allow_weak`.
    """
    lacking = [k for k in STRICT_REQUIRES if k in isolation.missing]
    weak = policy == Policy.STRICT and bool(lacking)
    if weak and not allow_weak:
        why = f" (bwrap: {strong_problem})" if strong_problem else ""
        raise SandboxError(
            f"strict sandbox policy: the {isolation.backend} backend does not isolate {', '.join(lacking)}{why}; "
            f"to get full isolation {HOW_TO_ISOLATE}; or accept the weaker sandbox knowingly with "
            f"--allow-weak-sandbox or SANDMLE_ALLOW_WEAK_SANDBOX=1"
        )
    return isolation.model_copy(update={"policy": str(policy), "weak_allowed": weak})
