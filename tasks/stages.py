"""One thin Prefect task per stage of a corpus build. Each calls one function of `sandmle_core.pipeline`.

Units are coarse on purpose: `build_environment` is one slot end to end (draft → synthesize → ladder in the sandbox →
graders → contracts → verify → publish or record), because a Dask submission through prefect-dask costs 130–250 ms
while an environment takes a second or two; finer tasks would spend the build on orchestration. A slot's task run is
named after its stable slot key (`build-<seed>-<rng seed>-<index>`), whatever env id its spec ends up with; the env id
it published is in its result (a `ManifestRow`) and its final state, with `<status> <env id>` as the message
(Prefect 3 cannot add tags to a task run once it has started): `Completed` named `Accepted`; `Completed` named
`Not accepted` for a near-duplicate withheld on purpose; and `Failed` for a slot that ran out of attempts (status
`failed` or `rejected`, recorded in failed/) — the row is still the state's data, and a returned failure is never
retried by Prefect (the repair loop already spent the slot's attempts), only an exception is. Arguments and
results are small (paths, SlotJobs, typed rows) — never DataFrames.

Imports: prefect and sandmle_core (never flows).
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path
from typing import Any

from prefect import task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.states import Completed, Failed, State
from prefect.tasks import exponential_backoff

from sandmle_core import pipeline
from sandmle_core.layout import Corpus
from sandmle_core.pipeline import SlotJob
from sandmle_core.publish import corpus_identity, published_slots
from sandmle_core.recheck import validate_environment as recheck_environment
from sandmle_core.records import ManifestRow, ManifestWriter

__all__ = [
    "ACCEPTED_STATE",
    "BUILD_RETRIES",
    "FAILED_STATUSES",
    "NOT_ACCEPTED_STATE",
    "SLOT_RUN_PREFIX",
    "VALIDATE_RUN_PREFIX",
    "analyze_seed",
    "build_environment",
    "corpus_slug",
    "plan_slots",
    "publish_summary",
    "record_failure",
    "validate_environment",
    "write_manifest",
]

# Transient failures (I/O, a busy machine) are retried with exponential backoff; domain failures are handled inside
# the unit by the repair loop and never reach Prefect as exceptions.
BUILD_RETRIES = 2
ACCEPTED_STATE = "Accepted"
NOT_ACCEPTED_STATE = "Not accepted"
FAILED_STATUSES = frozenset({"failed", "rejected"})
"""Slot statuses that end the slot's task run Failed: the slot has no environment and a failure record."""
SLOT_RUN_PREFIX = "build-"
"""How every slot task run's name starts (`build-<seed>-<rng seed>-<index>`); a subflow's wrapper task run, say
`build-environments-…`, starts so too and is told apart by its subflow run. Slot task runs carry no tags
(`flows._common.untagged`): a caller finds them through its flow run's tags."""
VALIDATE_RUN_PREFIX = "validate-"
"""How every `validate-environment` task run's name starts (what `sandmle validate`'s progress bar counts)."""


def corpus_slug(corpus_root: str | Path) -> str:
    """The corpus folder's name as Prefect accepts it in artifact keys and run names (lowercase, digits, dashes)."""
    import re

    return re.sub(r"[^a-z0-9]+", "-", Path(corpus_root).name.lower()).strip("-") or "corpus"


def contract_checker():
    """The great-expectations contract check, imported lazily (GX costs seconds to import)."""
    from sandmle.data_contracts import contract_checker as checker

    return checker


@task(name="analyze-seed", task_run_name="analyze-{seed_ref}", retries=2, retry_delay_seconds=exponential_backoff(1),
      cache_policy=NO_CACHE)
def analyze_seed(seed_ref: str, corpus_root: str) -> tuple[str, str]:
    """Profile a seed into `<corpus>/.work/profiles/<seed>.json`; returns (seed id, profile path).

    Never cached: profiling takes about a second, and a cached result would hand the plan a profile path that a
    removed corpus no longer holds, or a profile written by older profiling code.
    """
    seed_id, path = pipeline.analyze_seed(seed_ref, corpus_root)
    return seed_id, str(path)


@task(name="plan-slots", task_run_name="plan-{seed_ref}")
def plan_slots(seed_ref: str, profile_path: str, per_seed: int, rng_seed: int, corpus_root: str, backend: str,
               max_attempts: int) -> list[SlotJob]:
    """The slots of a seed not yet published, each carrying the seed's profile (read here, once)."""
    return pipeline.plan_slots(seed_ref, pipeline.read_profile(profile_path), per_seed, rng_seed, corpus_root,
                               backend, max_attempts=max_attempts)


@functools.cache
def _code_digest() -> str:
    """A digest of sandmle_core's code and catalog (read once per process)."""
    root = Path(pipeline.__file__).parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.suffix in (".py", ".yaml") and path.is_file():
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _build_key(context: Any, parameters: dict[str, Any]) -> str:
    """A rerun reuses a slot's finished result unless the slot has been published (or unpublished) since.

    Only within the same corpus (`corpus_identity`: a folder removed and built again is a new corpus), the same seed
    profile and the same sandmle_core code — a cached result never claims an environment the corpus lacks, and a
    failure is not replayed after the code or the seed changed.
    """
    job: SlotJob = parameters["job"]
    corpus = Corpus(Path(job.corpus_root))
    published = published_slots(corpus).get(str(job.key))
    profile = hashlib.sha256(job.profile.model_dump_json().encode()).hexdigest()[:16]
    return (f"build:{job.corpus_root}:{corpus_identity(corpus)}:{job.key}:{job.backend}:{job.first_attempt}:"
            f"{job.max_attempts}:{parameters.get('contracts')}:{published}:{profile}:{_code_digest()}")


def _retry_exceptions_only(task: Any, task_run: Any, state: State) -> bool:
    """Retry a unit that raised (transient I/O, a busy machine); never one that returned its slot's failure."""
    return not isinstance(state.data, ManifestRow)


@task(name="build-environment", retries=BUILD_RETRIES, retry_delay_seconds=exponential_backoff(2),
      retry_jitter_factor=0.5, retry_condition_fn=_retry_exceptions_only, cache_key_fn=_build_key,
      persist_result=True, log_prints=False)
def build_environment(job: SlotJob, contracts: bool = True) -> State:
    """One slot end to end; its result is the slot's manifest row (accepted / duplicate / rejected / failed)."""
    row = pipeline.run_slot(job, contract_checker() if contracts else None)
    message = f"{row.status} {row.env_id}"
    if row.status in FAILED_STATUSES:
        return Failed(data=row, message=message)
    name = ACCEPTED_STATE if row.status == "accepted" else NOT_ACCEPTED_STATE
    return Completed(data=row, name=name, message=message)


@task(name="validate-environment", task_run_name="validate-{env_dir.name}", retries=1, log_prints=False)
def validate_environment(env_dir: Path, contracts: bool = True) -> dict[str, Any]:
    return recheck_environment(env_dir, contract_checker() if contracts else None)


@task(name="record-failure", task_run_name="record-failure-{job.key.seed_id}-{job.key.rng_seed}-{job.key.index}")
def record_failure(job: SlotJob, stage: str, message: str, attempts: int) -> ManifestRow:
    """A unit that crashed after its retries: write failed/<env_id>.json and return the slot's manifest row."""
    return pipeline.failure_row(job, stage, message, attempts)


@task(name="write-manifest", cache_policy=NO_CACHE)
def write_manifest(writer: ManifestWriter) -> str:
    """Close the flow's one manifest writer (every row went through it as its slot finished)."""
    return str(writer.close())


@task(name="publish-summary")
def publish_summary(rows: list[ManifestRow], diversity: dict[str, Any], wall_seconds: float, corpus_root: str,
                    run: dict[str, Any]) -> str:
    """Prefect artifacts keyed by corpus (`corpus-summary-<corpus>`, `corpus-failures-<corpus>`): this run's summary
    followed by the corpus totals, and a table of this run's failures; the same report goes into the corpus as
    report.md + report.json."""
    from sandmle_core.mix import achieved_mix, mix_markdown, plan_from_dict
    from sandmle_core.report import corpus_totals, image_variety, totals_markdown, variety_markdown, write_report

    corpus = Corpus(Path(corpus_root))
    variety = image_variety(corpus, rows)
    summary = pipeline.summarize(rows, diversity, wall_seconds) + variety_markdown(variety)
    if run.get("mix"):  # a build with a target mix: the achieved shares beside the target
        plan = plan_from_dict(run["mix"])  # a row counts under its seed's mix key (pizza's text rows: multimodal)
        accepted = [plan.categories.get(r.seed_id) or r.modality for r in rows if r.status == "accepted" and r.modality]
        summary += mix_markdown(plan, accepted)
        run = {**run, "mix": {**run["mix"], "achieved": achieved_mix(accepted)}}
    summary += totals_markdown(corpus_totals(corpus))
    write_report(corpus, rows, summary, run, variety)
    slug = corpus_slug(corpus_root)
    create_markdown_artifact(key=f"corpus-summary-{slug}", markdown=summary,
                             description=f"sandmle corpus build of {corpus_root}")
    failures = [{"env_id": r.env_id, "seed": r.seed_id, "status": r.status, "stage": r.stage or "",
                 "reason": (r.reason or "")[:200], "attempts": r.attempts}
                for r in rows if r.status != "accepted"]
    if failures:
        create_table_artifact(key=f"corpus-failures-{slug}", table=failures,
                              description=f"environments of {corpus_root} that did not land in this run")
    return summary
