"""One typed settings object, read from the environment at call time (never at import time).

Every knob has a default that works on a fresh machine; the Makefile exports project-local values
(`.cache/`, `.prefect/`) so nothing lands in the user's home directory by surprise.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

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
    """

    cache_dir: Path
    sandbox_backend: str | None = None
    docker_image: str = "sandmle-python:local"
    allow_weak_sandbox: bool = False
    sandbox_uid: int = 65534
    workspace_mb: int = 2048

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
    )
