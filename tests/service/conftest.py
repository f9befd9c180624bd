"""A tiny real corpus (two accepted environments: AUC and multi-class log loss), built once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def tiny_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # tests/exports builds the same corpus at the same place: a session running both builds it once.
    root = tmp_path_factory.getbasetemp() / "tiny-corpus"
    marker = tmp_path_factory.getbasetemp() / "tiny-corpus.built"
    if not marker.is_file():
        from sandmle_core.pipeline import build_plain

        result = build_plain(["breast-cancer", "penguins"], root, per_seed=1, rng_seed=5)
        assert [r["status"] for r in result["rows"]] == ["accepted", "accepted"], result["summary"]
        marker.write_text("built\n")
    return root
