"""The corpus build: analyze seeds → plan slots → build each slot on Dask (publish or record) → manifest → summary.

Imports: prefect, `sandmle.tasks` and `sandmle_core` (flows compose tasks; they hold no build logic of their own).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger
from prefect.futures import as_completed
from sandmle.flows._common import dask_runner, export_api_url
from sandmle.tasks import stages

from sandmle_core.errors import UnsupportedSeed
from sandmle_core.generate import DEFAULT_ATTEMPTS
from sandmle_core.layout import Corpus
from sandmle_core.pipeline import SlotJob, count_diversity
from sandmle_core.records import ManifestRow, ManifestWriter
from sandmle_core.recovery import unrecorded_rows
from sandmle_core.refusals import unsupported_rows
from sandmle_core.seeds import resolve_seed

__all__ = ["build_corpus", "build_environments"]


@flow(name="build-environments")
def build_environments(jobs: list[SlotJob], corpus_root: str, contracts: bool = True,
                       refused: list[ManifestRow] | None = None) -> list[ManifestRow]:
    """Fan the slots out — one task run per slot, named by its slot key, tagged with seed and modality — and write
    each finished slot's row through the flow's one manifest writer. A slot whose unit still fails after its retries
    is recorded in failed/ and never stops the others. Environments that a killed build published but never recorded
    get their rows first."""
    logger = get_run_logger()
    corpus = Corpus(Path(corpus_root))
    writer = ManifestWriter(corpus)
    writer.add(*unrecorded_rows(corpus))
    writer.add(*(refused or []))  # slots of unsupported seeds, already recorded in failed/
    futures = {}
    for job in jobs:
        task = stages.build_environment.with_options(
            task_run_name=job.key.run_name,
            tags=[stages.SLOT_TAG, f"seed:{job.key.seed_id}", f"modality:{job.profile.modality.value}"])
        futures[task.submit(job, contracts)] = job
    for future in as_completed(list(futures)):
        job = futures[future]
        try:
            row = future.result()
        except Exception as exc:  # the unit failed after its retries: record it, keep going
            message = f"{type(exc).__name__}: {exc}"
            logger.warning("slot %s failed after retries: %s", job.key, message)
            row = stages.record_failure(job, "build", message, stages.BUILD_RETRIES + 1)
        writer.add(row)
    stages.write_manifest(writer)
    return writer.rows


@flow(name="build-corpus", log_prints=True)
def build_corpus(
    seeds: list[str] | None = None,
    out: str = "corpus",
    per_seed: int = 3,
    backend: str = "offline",
    rng_seed: int = 0,
    dask_address: str | None = None,
    workers: int | None = None,
    max_attempts: int = DEFAULT_ATTEMPTS,
    contracts: bool = True,
) -> dict[str, Any]:
    """Build (or resume) a corpus of `per_seed` environments per seed under `out`.

    Args:
        seeds: bundled seed ids or paths of mle-bench competition folders (default: every bundled seed).
        out: the corpus folder; finished environments in it are kept and not rebuilt.
        dask_address: an existing Dask scheduler; otherwise a LocalCluster with `workers` process workers.
        contracts: run the great-expectations data contracts on every environment.

    Returns:
        Counts, the corpus path, the markdown summary and `unsupported_seeds` (seed id → reason) — the seeds whose
        Task DNA no generator family keeps; their slots are in failed/ with that reason.
    """
    from sandmle_core.seeds import bundled_seed_ids

    if backend == "claude":  # a missing key stops the build before any work
        from sandmle_core.agents.claude import require_api_key

        require_api_key()
    start = time.perf_counter()
    root = Path(out).resolve()
    root.mkdir(parents=True, exist_ok=True)
    refs = list(seeds) if seeds else bundled_seed_ids()
    jobs: list[SlotJob] = []
    refused: list[ManifestRow] = []
    unsupported: dict[str, str] = {}
    for ref in refs:
        try:
            _, profile = stages.analyze_seed(str(ref), str(root))
        except UnsupportedSeed as exc:  # a typed outcome: record its slots, go on with the other seeds
            seed_id = resolve_seed(str(ref)).id
            unsupported[seed_id] = exc.problem
            get_run_logger().warning("seed %s is unsupported: %s", seed_id, exc.problem)
            refused += unsupported_rows(seed_id, str(ref), exc.problem, per_seed, rng_seed, root, backend)
            continue
        jobs += stages.plan_slots(str(ref), profile, per_seed, rng_seed, str(root), backend, max_attempts)
    fan_out = build_environments  # without slots to build, no Dask cluster is started for the manifest's sake
    if jobs:
        export_api_url()
        runner = dask_runner(workers, dask_address, root / ".work" / "dask")
        fan_out = build_environments.with_options(task_runner=runner)
    rows = fan_out(jobs, str(root), contracts, refused)
    diversity = count_diversity(rows)
    wall = time.perf_counter() - start
    summary = stages.publish_summary(rows, diversity, wall)
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.status] = counts.get(row.status, 0) + 1
    return {"corpus": str(root), "slots": len(rows), "counts": counts, "diversity": diversity,
            "wall_seconds": round(wall, 3), "summary": summary,
            "skipped_published": per_seed * (len(refs) - len(unsupported)) - len(jobs),
            "unsupported_seeds": unsupported}
