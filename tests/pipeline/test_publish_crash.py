"""A crash between staging and publish never leaves a near-duplicate in `envs/` after resume.

Near-duplicates used to be removed after publishing (`filter_corpus` deleted published folders at the end of a
build), so a crash in between left twins that a resumed build treated as done. Now a slot compares itself with the
published environments, under the publish lock, right before its atomic rename. The builds here run in real
processes that the fault plan kills with SIGKILL: at `publish` (a finished staging folder, not yet compared or
renamed) and at `publish-index` (renamed, but the corpus' index of published environments not yet updated).
"""

from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from sandmle_core.agents.offline.strategist import OfflineStrategist
from sandmle_core.faults import FAULT_PLAN_ENV
from sandmle_core.layout import Corpus
from sandmle_core.profile import profile_seed
from sandmle_core.publish import published_environments, published_slots
from sandmle_core.records import read_manifest
from sandmle_core.seeds import get_bundled_seed

pytestmark = pytest.mark.slow

SEED = "docstrings"


def _twin_rng_seeds() -> tuple[int, int]:
    """Two build rng seeds whose slot 0 drafts are near-duplicates (same seed, domain and public schema)."""
    profile = profile_seed(get_bundled_seed(SEED))
    seen: dict[tuple[str, str], int] = {}
    for rng in itertools.count():
        spec = OfflineStrategist().draft_spec(SEED, profile, 0, rng)
        shape = (spec.domain.key, spec.schema_signature())
        if shape in seen:
            return seen[shape], rng
        seen[shape] = rng
    raise AssertionError("unreachable")


def _build(out: Path, per_seed: int, rng_seed: int, plan: Path | None = None) -> subprocess.CompletedProcess:
    code = ("import sys; from sandmle.bench.plain import build_plain; "
            f"build_plain([{SEED!r}], sys.argv[1], per_seed={per_seed}, rng_seed={rng_seed})")
    env = {k: v for k, v in os.environ.items() if k != FAULT_PLAN_ENV}
    if plan is not None:
        env[FAULT_PLAN_ENV] = str(plan)
    return subprocess.run([sys.executable, "-c", code, str(out)], env=env, capture_output=True, text=True,
                          timeout=900)


def _plan(path: Path, stage: str, slot: str) -> Path:
    path.write_text(json.dumps({"faults": [{"stage": stage, "slot": slot, "times": 1, "error": "crash"}]}))
    return path


def _twins(corpus: Corpus) -> list[tuple[str, str]]:
    index = published_environments(corpus)
    return [(a, b) for a, b in itertools.combinations(sorted(index), 2) if index[a].is_twin_of(index[b])]


def test_a_crash_before_publish_then_resume_leaves_no_near_duplicate(tmp_path: Path) -> None:
    first, second = _twin_rng_seeds()
    out = tmp_path / "corpus"
    corpus = Corpus(out)

    crashed = _build(out, 1, first, _plan(tmp_path / "crash-publish.json", "publish", f"{SEED}:0"))
    assert crashed.returncode == -signal.SIGKILL, crashed.stderr[-2000:]
    assert corpus.environment_dirs() == []  # killed between staging and publish: nothing landed
    assert any(corpus.staging_dir.iterdir())  # the finished staging folder it left behind

    # another build lands the near-duplicate first, and is killed right after its rename, before the corpus' index
    # of published environments (and its manifest row) were written
    twin = _build(out, 1, second, _plan(tmp_path / "crash-index.json", "publish-index", f"{SEED}:0"))
    assert twin.returncode == -signal.SIGKILL, twin.stderr[-2000:]
    (landed,) = [p.name for p in corpus.environment_dirs()]
    assert f"{SEED}:{second}:0" in published_slots(corpus)  # the index heals from the listing of envs/

    resumed = _build(out, 1, first)  # the crashed build resumes: its slot is rebuilt and compared before publish
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert [p.name for p in corpus.environment_dirs()] == [landed]
    assert _twins(corpus) == []
    rows = {r["slot"]: r for r in read_manifest(corpus).to_pylist()}
    assert rows[f"{SEED}:{first}:0"]["status"] == "duplicate"
    assert rows[f"{SEED}:{first}:0"]["reason"] == f"near-duplicate of {landed} (same seed, domain and public schema)"
    # the killed twin's row was lost with its process; the next build's writer recovers it from the folder
    assert rows[f"{SEED}:{second}:0"]["status"] == "accepted" and rows[f"{SEED}:{second}:0"]["env_id"] == landed
    assert rows[f"{SEED}:{second}:0"]["data_hash"] == published_environments(corpus)[landed].data_hash

    again = _build(out, 1, second)  # resuming the twin's build finds its slot published: nothing to do
    assert again.returncode == 0, again.stderr[-2000:]
    assert [p.name for p in corpus.environment_dirs()] == [landed] and _twins(corpus) == []
