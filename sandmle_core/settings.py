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
    """

    cache_dir: Path
    sandbox_backend: str | None = None
    docker_image: str = "sandmle-python:local"

    @property
    def seeds_dir(self) -> Path:
        return self.cache_dir / "seeds"


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
    )
