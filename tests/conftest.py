"""Shared test set-up: project-local caches, so tests never write into the user's home directory; under `make test`'s
parallel workers (pytest-xdist), one Prefect home per worker and the heavy modules scheduled first."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from threadpoolctl import threadpool_limits

REPO = Path(__file__).resolve().parents[1]

# Bundled seeds are built once into the project cache and reused by every test session.
os.environ.setdefault("SANDMLE_CACHE_DIR", str(REPO / ".cache"))
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

# One BLAS/OpenMP thread per process, as the sandbox runs every script (sandbox/process.py): `make test` runs two xdist
# workers on two cores, and a BLAS pool of two threads in each spun four threads on two cores — a 400-row logistic
# regression took 7.4 s instead of 0.5 s. The variables reach the subprocesses (CLI runs, Dask workers) too;
# threadpoolctl limits the pools of libraries a plugin may already have loaded.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
threadpool_limits(1)

# Each xdist worker is its own process with its own ephemeral Prefect server; so that two servers never share one SQLite
# database, every worker gets its own PREFECT_HOME (set before anything imports prefect). The seed cache stays
# shared: building a bundled seed into it is serialised by a file lock (seeds/bundled.py).
_WORKER = os.environ.get("PYTEST_XDIST_WORKER")
if _WORKER:
    _HOME = Path(os.environ.get("PREFECT_HOME") or REPO / ".prefect") / f"xdist-{_WORKER}"
    _HOME.mkdir(parents=True, exist_ok=True)  # prefect makes no parents: it warns on stderr, which CLI tests read
    os.environ["PREFECT_HOME"] = str(_HOME)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Heavy modules first, longest first (their `heavy` mark carries the seconds measured for them), the rest in
    collection order: `make test` hands whole modules to its workers in this order, so the longest build starts at once
    and the short tests fill the other worker around it."""

    def cost(item: pytest.Item) -> float:
        mark = item.get_closest_marker("heavy")
        return -float(mark.args[0]) if mark and mark.args else 0.0

    items.sort(key=cost)  # stable: equal costs keep their collection order
    default = float(config.getini("timeout") or 0)
    for item in items:
        guard = heavy_timeout(item, default)
        if guard is not None:
            item.add_marker(pytest.mark.timeout(guard))


LOAD_FACTOR = 4  # a heavy module's hang guard: its measured seconds times this, for a 2-core machine loaded 4x


def heavy_timeout(item: pytest.Item, default: float) -> float | None:
    """The hang guard of a test in a heavy module (None: leave it alone): `LOAD_FACTOR` times the module's measured
    seconds when that is above the suite's default, so a fixture that does a build's worth of work is guarded by its
    work, not by a clock sized for one test. pytest-timeout charges a module fixture's set-up to the first test that
    uses it, and the heavy modules run first. A test's own `timeout` mark wins."""
    mark = item.get_closest_marker("heavy")
    if mark is None or not mark.args or item.get_closest_marker("timeout") is not None:
        return None
    guard = LOAD_FACTOR * float(mark.args[0])
    return guard if guard > default else None


@pytest.fixture(scope="session")
def tiny_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny real corpus (two accepted environments: AUC and multi-class log loss), built once per run and shared by
    the service and export tests (under xdist the first worker to ask builds it, every worker tests its own copy)."""
    from sandmle.bench.plain import build_plain

    from tests.fixtures.built_once import built_once

    def build(root: Path) -> None:
        result = build_plain(["breast-cancer", "penguins"], root, per_seed=1, rng_seed=5)
        assert [r.status for r in result["rows"]] == ["accepted", "accepted"], result["summary"]

    return built_once(tmp_path_factory, "tiny-corpus", build)
