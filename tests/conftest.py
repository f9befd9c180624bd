"""Shared test set-up: project-local caches, so tests never write into the user's home directory."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

# Bundled seeds are built once into the project cache and reused by every test session.
os.environ.setdefault("SANDMLE_CACHE_DIR", str(REPO / ".cache"))
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
