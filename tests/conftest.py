"""Shared test set-up: project-local caches, so tests never write into the user's home directory."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

# Bundled seeds are built once into the project cache and reused by every test session.
os.environ.setdefault("SANDMLE_CACHE_DIR", str(REPO / ".cache"))
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")


@pytest.fixture(scope="session")
def tiny_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny real corpus (two accepted environments: AUC and multi-class log loss), built once per session and
    shared by the service and export tests."""
    from sandmle.bench.plain import build_plain

    root = tmp_path_factory.getbasetemp() / "tiny-corpus"
    result = build_plain(["breast-cancer", "penguins"], root, per_seed=1, rng_seed=5)
    assert [r.status for r in result["rows"]] == ["accepted", "accepted"], result["summary"]
    return root
