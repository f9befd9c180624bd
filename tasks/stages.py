"""One thin Prefect task per stage of a corpus build. Each calls one function of `sandmle_core.pipeline`.

Units are coarse on purpose: `build_environment` is one environment end to end (draft → synthesize → ladder in the
sandbox → graders → contracts → verify → publish or record), because a Dask submission through prefect-dask costs
130–250 ms while an environment takes a second or two; finer tasks would spend the build on orchestration.
Arguments and results are small (paths, SlotJobs, manifest rows as dicts) — never DataFrames.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from prefect import task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import INPUTS, TASK_SOURCE
from prefect.tasks import exponential_backoff

from sandmle_core import pipeline
from sandmle_core.layout import Corpus
from sandmle_core.pipeline import SlotJob
from sandmle_core.records import ManifestRow, append_manifest

__all__ = [
    "analyze_seed",
    "build_environment",
    "filter_corpus",
    "plan_slots",
    "publish_summary",
    "record_failure",
    "validate_environment",
    "write_manifest",
]

# Transient failures (I/O, a busy machine) are retried with exponential backoff; domain failures are handled inside
# the unit by the repair loop and never reach Prefect as exceptions.
BUILD_RETRIES = 2


def contract_checker():
    """The great-expectations contract check, imported lazily (GX costs seconds to import)."""
    from sandmle.data_contracts import contract_checker as checker

    return checker


@task(name="analyze-seed", task_run_name="analyze-{seed_ref}", retries=2, retry_delay_seconds=exponential_backoff(1),
      cache_policy=INPUTS + TASK_SOURCE, cache_expiration=timedelta(hours=12), persist_result=True)
def analyze_seed(seed_ref: str, corpus_root: str) -> tuple[str, str]:
    """Profile a seed into `<corpus>/.work/profiles/<seed>.json`; returns (seed id, profile path)."""
    seed_id, path = pipeline.analyze_seed(seed_ref, corpus_root)
    if not path.is_file():  # a cached result whose file was removed: recompute
        seed_id, path = pipeline.analyze_seed(seed_ref, corpus_root)
    return seed_id, str(path)


@task(name="draft-specs", task_run_name="draft-{seed_id}")
def plan_slots(seed_id: str, seed_ref: str, profile_path: str, per_seed: int, rng_seed: int, corpus_root: str,
               backend: str, max_attempts: int) -> list[SlotJob]:
    """Draft the first-attempt spec of every slot not yet published; each job is named by its env id."""
    return pipeline.plan_slots(seed_id, seed_ref, Path(profile_path), per_seed, rng_seed, corpus_root, backend,
                               max_attempts=max_attempts)


def _build_key(context: Any, parameters: dict[str, Any]) -> str:
    job: SlotJob = parameters["job"]
    published = Corpus(Path(job.corpus_root)).is_published(job.env_id)
    return f"build:{job.corpus_root}:{job.env_id}:{job.first_attempt}:{job.max_attempts}:{published}"


@task(name="build-environment", retries=BUILD_RETRIES, retry_delay_seconds=exponential_backoff(2),
      retry_jitter_factor=0.5, cache_key_fn=_build_key, persist_result=True, log_prints=False)
def build_environment(job: SlotJob, contracts: bool = True) -> dict[str, Any]:
    """One environment end to end; returns its manifest row (status accepted / rejected / failed)."""
    return pipeline.run_slot(job, contract_checker() if contracts else None)


@task(name="validate-environment", task_run_name="validate-{env_dir.name}", retries=1, log_prints=False)
def validate_environment(env_dir: Path, contracts: bool = True) -> dict[str, Any]:
    return pipeline.validate_environment(env_dir, contract_checker() if contracts else None)


@task(name="record-failure", task_run_name="record-failure-{job.env_id}")
def record_failure(job: SlotJob, stage: str, message: str, attempts: int) -> dict[str, Any]:
    """A unit that crashed after its retries: write failed/<env_id>.json and the manifest row."""
    return pipeline.failure_row(job, stage, message, attempts)


@task(name="filter-corpus")
def filter_corpus(corpus_root: str, rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    return pipeline.filter_corpus(corpus_root, rows)


@task(name="write-manifest")
def write_manifest(corpus_root: str, rows: list[dict[str, Any]]) -> str:
    corpus = Corpus(Path(corpus_root))
    append_manifest(corpus, [ManifestRow.model_validate(r) for r in rows])
    return str(corpus.manifest_path)


@task(name="publish-summary")
def publish_summary(rows: list[dict[str, Any]], diversity: dict[str, Any], wall_seconds: float) -> str:
    """Prefect artifacts: the markdown summary and a table of failures."""
    summary = pipeline.summarize(rows, diversity, wall_seconds)
    create_markdown_artifact(key="corpus-summary", markdown=summary, description="sandmle corpus build")
    failures = [{"env_id": r["env_id"], "seed": r["seed_id"], "status": r["status"], "stage": r.get("stage") or "",
                 "reason": (r.get("reason") or "")[:200], "attempts": r.get("attempts", 1)}
                for r in rows if r["status"] not in ("accepted",)]
    if failures:
        create_table_artifact(key="corpus-failures", table=failures, description="environments that did not land")
    return summary
