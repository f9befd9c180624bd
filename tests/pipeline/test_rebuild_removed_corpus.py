"""A corpus folder removed and built again at the same path is built for real: Prefect's result cache never hands
the new corpus the old one's slot results (which claimed environments the new folder did not hold)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from sandmle_core.layout import Corpus
from sandmle_core.publish import corpus_identity
from sandmle_core.records import read_manifest

pytestmark = [pytest.mark.prefect, pytest.mark.slow, pytest.mark.heavy(77)]

SANDMLE = [sys.executable, "-m", "sandmle.cli.__main__"]


def test_a_removed_corpus_is_rebuilt_not_replayed_from_the_cache(prefect_api, tmp_path):
    out = tmp_path / "corpus"
    args = ["build", "--seed", "breast-cancer", "--per-seed", "1", "--out", str(out), "--workers", "1",
            "--no-contracts", "--rng-seed", "11", "--json"]
    env = {**os.environ, "PREFECT_API_URL": prefect_api}
    first = subprocess.run([*SANDMLE, *args], env=env, capture_output=True, text=True, timeout=900)
    assert first.returncode == 0, first.stderr[-2000:]
    built = sorted(p.name for p in Corpus(out).environment_dirs())
    assert len(built) == 1
    shutil.rmtree(out)

    again = subprocess.run([*SANDMLE, *args], env=env, capture_output=True, text=True, timeout=900)
    assert again.returncode == 0, again.stderr[-2000:]
    corpus = Corpus(out)
    rows = read_manifest(corpus).to_pylist()
    accepted = [r["env_id"] for r in rows if r["status"] == "accepted"]
    assert sorted(accepted) == built  # the same environments (determinism) ...
    assert all(corpus.is_published(env_id) for env_id in accepted)  # ... and every one of them is really there
    assert json.loads(again.stdout)["counts"] == {"accepted": 1}


def _identity(root: str) -> str:
    return corpus_identity(Corpus(Path(root)))


def test_the_corpus_identity_is_one_token_under_concurrent_first_use(tmp_path):
    with ProcessPoolExecutor(max_workers=4) as pool:
        tokens = set(pool.map(_identity, [str(tmp_path / "c")] * 16))
    assert len(tokens) == 1 and len(next(iter(tokens))) == 32
    assert not list((tmp_path / "c" / ".work").glob("*.tmp"))  # no leftovers
    shutil.rmtree(tmp_path / "c")
    assert _identity(str(tmp_path / "c")) not in tokens  # a folder built again is a new corpus
