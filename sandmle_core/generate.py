"""Generating environments: the stage functions, and one slot end to end with its repair loop.

Stages (each one core function, each one Prefect task in `tasks/`): draft a spec → build it in staging (developer,
MLOps, writer) → data contracts (injected: great-expectations lives outside the core) → verify → publish, or record
the failure. `generate_slot` chains them for one slot and retries with the strategist's repair until a verdict accepts
or the attempts run out; a slot already published is not rebuilt (resume).
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sandmle_core import __version__
from sandmle_core.agents.base import Backend, BuildResult, Check, Usage, Verdict
from sandmle_core.errors import SandmleError
from sandmle_core.faults import maybe_fail
from sandmle_core.layout import (
    Corpus,
    EnvironmentConfig,
    Provenance,
    SandmleBlock,
    hash_files,
    publish_environment,
    write_config,
)
from sandmle_core.profile import TaskProfile
from sandmle_core.records import (
    FailureRecord,
    ManifestRow,
    clear_failure,
    published_slots,
    slot_key,
    write_failure,
)
from sandmle_core.sandbox.base import Isolation
from sandmle_core.taskspec import TaskSpec

__all__ = [
    "ContractChecker",
    "SlotOutcome",
    "build_environment",
    "finalize_environment",
    "generate_environment",
    "generate_slot",
    "manifest_row",
]

ContractChecker = Callable[[Path, TaskSpec], list[dict[str, Any]]]
DEFAULT_ATTEMPTS = 4


def build_environment(spec: TaskSpec, staging: Path, backend: Backend) -> BuildResult:
    """Developer, MLOps and writer: everything of the environment folder except config.yaml and validation.json."""
    timings: dict[str, float] = {}
    where = f"{spec.seed_id}:{spec.index}"
    maybe_fail("synthesize", where)
    t = time.perf_counter()
    backend.developer.build_data(spec, staging)
    timings["synthesize"] = time.perf_counter() - t
    maybe_fail("ladder", where)
    t = time.perf_counter()
    ladder = backend.developer.run_ladder(spec, staging)
    timings["ladder"] = time.perf_counter() - t
    t = time.perf_counter()
    thresholds = backend.mlops.write_grader(spec, staging, ladder)
    backend.writer.write_description(spec, staging, thresholds)
    timings["grader_and_description"] = time.perf_counter() - t
    usage = getattr(backend.developer, "last_usage", None) or Usage()
    return BuildResult(staging=staging, ladder=ladder, thresholds=thresholds, usage=usage, timings=timings)


def finalize_environment(spec: TaskSpec, build: BuildResult, verdict: Verdict, base_rng_seed: int,
                         attempt: int, backend: Backend) -> Path:
    """Write validation.json and config.yaml (with every file's hash) into the staging folder."""
    staging = build.staging
    report = {
        "env_id": spec.env_id,
        "accepted": verdict.accepted,
        "reason": verdict.reason,
        "kendall_tau": verdict.kendall_tau,
        "sample_score": verdict.sample_score,
        "reference_score": verdict.reference_score,
        "oracle_score": verdict.oracle_score,
        "checks": [c.model_dump(mode="json") for c in verdict.checks],
        "ladder": [r.model_dump(mode="json", exclude={"seconds"}) for r in build.ladder.runs],
    }
    (staging / "validation.json").write_text(json.dumps(report, indent=2, sort_keys=True) + "\n")
    prepared = hash_files(staging / "prepared", exclude=())
    block = SandmleBlock(
        modality=spec.modality.value,
        task_type=spec.task_type.value,
        domain=spec.domain.key,
        grading=spec.grading,
        thresholds=build.thresholds,
        sizes={"train": spec.n_train, "test": spec.n_test},
        provenance=Provenance(seed_id=spec.seed_id, index=spec.index, rng_seed=base_rng_seed, backend=backend.name,
                              model=backend.model, attempt=attempt, sandmle_version=__version__),
        spec_hash=spec.spec_hash(),
        data_hash=_digest(prepared),
        hashes=hash_files(staging),
        spec=spec.model_dump(mode="json"),
        usage=None if backend.name == "offline" else build.usage.model_dump(),
    )
    write_config(staging, EnvironmentConfig.for_environment(spec.env_id, spec.title, block))
    return staging


def _digest(hashes: dict[str, str]) -> str:
    import hashlib

    return hashlib.sha256(json.dumps(hashes, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class SlotOutcome:
    """How one slot ended: accepted (published or already there) or failed, with its last verdict."""

    slot: str
    env_id: str
    status: str
    attempts: int
    spec: TaskSpec | None
    verdict: Verdict | None
    timings: dict[str, float]
    usage: Usage
    stage: str | None = None
    error_type: str | None = None
    message: str | None = None
    sandbox: Isolation | None = None  # where the ladder ran, and what that sandbox did not isolate


def manifest_row(outcome: SlotOutcome, base_rng_seed: int, backend: str) -> ManifestRow:
    """The manifest's row for a slot outcome."""
    spec, verdict = outcome.spec, outcome.verdict
    t = verdict.thresholds if verdict else None
    return ManifestRow(
        slot=outcome.slot, env_id=outcome.env_id, seed_id=outcome.slot.split(":")[0],
        index=int(outcome.slot.rsplit(":", 1)[1]), rng_seed=base_rng_seed,
        attempt_rng_seed=spec.rng_seed if spec else base_rng_seed, attempts=outcome.attempts,
        status=outcome.status, stage=outcome.stage, reason=outcome.message, backend=backend,
        model=outcome.usage.model, modality=spec.modality.value if spec else None,
        task_type=spec.task_type.value if spec else None, metric=spec.grading.metric if spec else None,
        lower_is_better=spec.dna.lower_is_better if spec else None, domain=spec.domain.key if spec else None,
        difficulty=spec.difficulty if spec else None, n_train=spec.n_train if spec else None,
        n_test=spec.n_test if spec else None, n_features=len(spec.columns) if spec else None,
        sample_score=verdict.sample_score if verdict else None,
        reference_score=verdict.reference_score if verdict else None,
        oracle_score=verdict.oracle_score if verdict else None,
        gold=t.gold if t else None, silver=t.silver if t else None, bronze=t.bronze if t else None,
        median=t.median if t else None, kendall_tau=verdict.kendall_tau if verdict else None,
        spec_hash=spec.spec_hash() if spec else None, schema_hash=spec.schema_signature() if spec else None,
        input_tokens=outcome.usage.input_tokens, output_tokens=outcome.usage.output_tokens,
        cache_read_tokens=outcome.usage.cache_read_tokens, cache_write_tokens=outcome.usage.cache_write_tokens,
        cost_usd=outcome.usage.cost_usd, seconds_total=round(sum(outcome.timings.values()), 4),
        timings_json=json.dumps({k: round(v, 4) for k, v in sorted(outcome.timings.items())}),
        sandbox_backend=outcome.sandbox.backend if outcome.sandbox else None,
        sandbox_missing=",".join(outcome.sandbox.missing) if outcome.sandbox else None,
    )


def generate_slot(
    profile: TaskProfile,
    seed_id: str,
    seed_ref: str,
    index: int,
    rng_seed: int,
    corpus: Corpus,
    backend: Backend,
    check_contracts: ContractChecker,
    max_attempts: int = DEFAULT_ATTEMPTS,
    first_attempt: int = 1,
    published: dict[str, str] | None = None,
) -> SlotOutcome:
    """Build one slot end to end, repairing the spec after each rejected attempt.

    Domain failures (a typed `SandmleError` in any stage, or a rejecting verdict) lead to a repaired spec and another
    attempt; after `max_attempts` the failure is recorded in `failed/<env_id>.json`. Bugs propagate.

    Args:
        published: slot → env_id of the corpus' published environments (computed when not given).

    Returns:
        The slot's outcome (a slot already published is not rebuilt: the outcome is then `cached`).
    """
    slot = slot_key(seed_id, rng_seed, index)
    timings: dict[str, float] = {}
    usage = Usage(model=backend.model)
    attempt = first_attempt
    done = published_slots(corpus) if published is None else published
    if slot in done:
        return SlotOutcome(slot, done[slot], "cached", attempt, None, None, timings, usage)
    t = time.perf_counter()
    try:
        spec = backend.strategist.draft_spec(seed_id, profile, index, rng_seed, attempt=attempt)
    except SandmleError as exc:  # e.g. the LLM strategist is unavailable: record the slot, keep the build going
        stage = getattr(exc, "stage", None) or "draft"
        env_id = f"{seed_id}-slot{index:03d}"
        write_failure(corpus, FailureRecord(env_id=env_id, seed_id=seed_id, seed_ref=seed_ref, index=index,
                                            rng_seed=rng_seed, backend=backend.name, stage=stage,
                                            error_type=type(exc).__name__, message=str(exc), attempts=attempt))
        return SlotOutcome(slot, env_id, "failed", attempt, None, None, timings, usage, stage=stage,
                           error_type=type(exc).__name__, message=str(exc))
    timings["draft"] = time.perf_counter() - t
    verdict: Verdict | None = None
    sandbox: Isolation | None = None
    stage, error_type, message = "validate", "", ""
    while True:
        if corpus.is_published(spec.env_id):
            return SlotOutcome(slot, spec.env_id, "cached", attempt, spec, None, timings, usage)
        staging = corpus.fresh_staging(spec.env_id)
        build = None
        try:
            stage = "build"
            build = build_environment(spec, staging, backend)
            for k, v in build.timings.items():
                timings[k] = timings.get(k, 0.0) + v
            stage, t = "contracts", time.perf_counter()
            contracts = check_contracts(staging, spec)
            timings["contracts"] = timings.get("contracts", 0.0) + time.perf_counter() - t
            stage, t = "validate", time.perf_counter()
            verdict = backend.verifier.verify(spec, staging, build, contracts)
            timings["validate"] = timings.get("validate", 0.0) + time.perf_counter() - t
        except SandmleError as exc:
            stage = getattr(exc, "stage", None) or stage  # a GenerationError names the exact stage that failed
            error_type, message = type(exc).__name__, str(exc)
            verdict = Verdict(env_id=spec.env_id, accepted=False, reason=f"{stage}: {message}", repair="new_seed",
                              checks=[Check(name=stage, group="solutions", passed=False, detail=message[:300])])
        if build is not None:  # after verify: an LLM review adds its own calls to the build's usage
            usage = usage.add(build.usage)
            sandbox = build.ladder.sandbox
        if verdict.accepted:
            t = time.perf_counter()
            finalize_environment(spec, build, verdict, rng_seed, attempt, backend)
            publish_environment(corpus, staging)
            clear_failure(corpus, seed_id, rng_seed, index)
            timings["publish"] = time.perf_counter() - t
            return SlotOutcome(slot, spec.env_id, "accepted", attempt, spec, verdict, timings, usage,
                               sandbox=build.ladder.sandbox)
        shutil.rmtree(staging, ignore_errors=True)
        if error_type == "":
            error_type, message = "Rejected", verdict.reason or "rejected"
        if attempt - first_attempt + 1 >= max_attempts:
            break
        attempt += 1
        try:
            spec = backend.strategist.repair_spec(spec, verdict, attempt, profile, rng_seed)
        except SandmleError as exc:
            stage = getattr(exc, "stage", None) or "draft"
            error_type, message = type(exc).__name__, str(exc)
            break
        error_type, message = "", ""
    record = FailureRecord(env_id=spec.env_id, seed_id=seed_id, seed_ref=seed_ref, index=index, rng_seed=rng_seed,
                           backend=backend.name, stage=stage, error_type=error_type, message=message,
                           attempts=attempt)
    write_failure(corpus, record)
    return SlotOutcome(slot, spec.env_id, "rejected" if error_type == "Rejected" else "failed", attempt, spec,
                       verdict, timings, usage, stage=stage, error_type=error_type, message=message, sandbox=sandbox)


def generate_environment(
    seed: str,
    index: int,
    rng_seed: int,
    out: str | Path,
    backend: str = "offline",
    check_contracts: ContractChecker | None = None,
    max_attempts: int = DEFAULT_ATTEMPTS,
) -> SlotOutcome:
    """One environment of a seed as plain Python (no orchestrator): draft, build, contracts, verify, publish.

    Args:
        seed: a bundled seed id or the path of an mle-bench competition folder.
        out: the corpus folder (accepted → `out/envs/<env_id>/`, rejected → `out/failed/<env_id>.json`).
        check_contracts: the data-contract stage (great-expectations lives outside the core; `sandmle generate`
            passes `sandmle.data_contracts.contract_checker`). None skips it.

    Returns:
        The outcome; `outcome.verdict` is the verifier's verdict of the last attempt.
    """
    from sandmle_core.agents import get_backend
    from sandmle_core.profile import profile_seed
    from sandmle_core.seeds import resolve_seed

    task = resolve_seed(seed)
    profile = profile_seed(task)
    corpus = Corpus(Path(out))
    corpus.root.mkdir(parents=True, exist_ok=True)
    return generate_slot(profile, task.id, str(seed), index, rng_seed, corpus, get_backend(backend),
                         check_contracts or (lambda staging, spec: []), max_attempts=max_attempts)
