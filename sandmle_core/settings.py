"""One typed settings object, read from the environment at call time (never at import time).

Every knob has a default that works on a fresh machine; the Makefile exports project-local values
(`.cache/`, `.prefect/`) so nothing lands in the user's home directory by surprise.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path

from sandmle_core.errors import SandmleError

__all__ = ["Settings", "get_settings"]


@dataclass(frozen=True)
class Settings:
    """Runtime settings.

    Attributes:
        cache_dir: where bundled seeds are built and third-party dataset caches are unpacked.
        sandbox_backend: force a sandbox backend (`bwrap`, `unshare`, `rlimit`, `docker`); None = choose automatically.
        docker_image: image used by the docker sandbox backend.
        allow_weak_sandbox: accept a sandbox backend without filesystem isolation (unshare, rlimit) where the strict
            policy applies (`SANDMLE_ALLOW_WEAK_SANDBOX=1`); every result then names what is not isolated.
        sandbox_uid: the unprivileged uid (and gid) sandboxed code runs as when sandmle runs as root.
        workspace_mb: size bound of a sandbox workspace (its files and its /tmp), in MiB.
        submission_floor_mb: the submission size cap never goes below this (`SANDMLE_SUBMISSION_FLOOR_MB`).
        submission_answers_factor: the cap is this many times the answers file's size when that is larger
            (`SANDMLE_SUBMISSION_FACTOR`); 0 makes the floor a fixed cap.
        grader_token: bearer token of the grading service (`SANDMLE_GRADER_TOKEN`); None = no token.
        warm_ladder_envs: environments a warm ladder harness serves before a fresh one is started
            (`SANDMLE_WARM_LADDER_ENVS`); 0 runs every ladder in a harness of its own.
    """

    cache_dir: Path
    sandbox_backend: str | None = None
    docker_image: str = "sandmle-python:local"
    allow_weak_sandbox: bool = False
    sandbox_uid: int = 65534
    workspace_mb: int = 2048
    submission_floor_mb: float = 8.0
    submission_answers_factor: float = 20.0
    grader_token: str | None = None
    warm_ladder_envs: int = 20

    @property
    def seeds_dir(self) -> Path:
        return self.cache_dir / "seeds"


def _int_env(name: str, default: int, minimum: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < minimum:
        from sandmle_core.errors import SandboxError

        raise SandboxError(f"{name}={raw!r}: expected a whole number >= {minimum}")
    return int(raw)


def get_settings() -> Settings:
    """Read the settings from the process environment now."""
    cache = os.environ.get("SANDMLE_CACHE_DIR")
    if cache:
        cache_dir = Path(cache)
    else:
        xdg = os.environ.get("XDG_CACHE_HOME")
        cache_dir = (Path(xdg) if xdg else Path.home() / ".cache") / "sandmle"
    return Settings(
        cache_dir=cache_dir.resolve(),
        sandbox_backend=os.environ.get("SANDMLE_SANDBOX") or None,
        docker_image=os.environ.get("SANDMLE_DOCKER_IMAGE", "sandmle-python:local"),
        allow_weak_sandbox=os.environ.get("SANDMLE_ALLOW_WEAK_SANDBOX", "").strip().lower() in ("1", "true", "yes"),
        sandbox_uid=_int_env("SANDMLE_SANDBOX_UID", 65534, minimum=1),
        workspace_mb=_int_env("SANDMLE_WORKSPACE_MB", 2048, minimum=16),
        submission_floor_mb=_positive("SANDMLE_SUBMISSION_FLOOR_MB", 8.0),
        submission_answers_factor=_positive("SANDMLE_SUBMISSION_FACTOR", 20.0, allow_zero=True),
        grader_token=os.environ.get("SANDMLE_GRADER_TOKEN") or None,
        warm_ladder_envs=_int_env("SANDMLE_WARM_LADDER_ENVS", 20, minimum=0),
    )


def _positive(var: str, default: float, allow_zero: bool = False) -> float:
    raw = os.environ.get(var)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SandmleError(f"{var}={raw!r}: expected a number") from None
    if not math.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        raise SandmleError(f"{var}={raw!r}: expected a {'non-negative' if allow_zero else 'positive'} number")
    return value
