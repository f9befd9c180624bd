"""Generating one slot: the stage functions, and the slot's one-way pipeline with its repair loop.

A slot flows one way: `SlotKey` → `TaskSpec` (drafted once; each rejected attempt is repaired into the next) →
staged `EnvFolder` (developer, MLOps, writer) → data contracts (injected: great-expectations lives outside the core)
→ `Verdict` → finalized folder (validation.json and config.yaml; `finalize_environment` returns the hashes) →
published through the near-duplicate check (`sandmle_core.publish`), withheld as a duplicate (an attempt withheld
as alike in pixel statistics only is redrawn, like a rejected one), or recorded as a failure → `SlotOutcome` →
`ManifestRow`. Nothing is read back that the slot itself wrote. A slot already published
is not rebuilt (resume).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sandmle_core import __version__
from sandmle_core.agents.base import Backend, BuildResult, Check, Usage, Verdict
from sandmle_core.agents.verifier import contract_checks, decide
from sandmle_core.envfolder import EnvFolder
from sandmle_core.errors import SandmleError
from sandmle_core.faults import maybe_fail
from sandmle_core.layout import Corpus, EnvironmentConfig, Provenance, SandmleBlock, hash_files, write_config
from sandmle_core.outcomes import EnvHashes, SlotOutcome, manifest_row
from sandmle_core.profile import TaskProfile
from sandmle_core.publish import Fingerprint, Publication, publish_unique, published_slots
from sandmle_core.records import clear_failure
from sandmle_core.sandbox.base import Isolation
from sandmle_core.slot_ends import ALIKE_ERROR, cached_outcome, give_up, told_rejected, withheld_as_alike
from sandmle_core.slots import SlotKey
from sandmle_core.taskspec import TaskSpec

__all__ = [
    "ALIKE_ERROR",
    "DEFAULT_ATTEMPTS",
    "ContractChecker",
    "EnvHashes",
    "SlotOutcome",
    "build_environment",
    "finalize_environment",
    "generate_environment",
    "generate_slot",
    "manifest_row",
    "take_usage",
]

ContractChecker = Callable[[EnvFolder, TaskSpec], list[dict[str, Any]]]
DEFAULT_ATTEMPTS = 4


def build_environment(spec: TaskSpec, staging: EnvFolder | Path, backend: Backend, data: bool = True) -> BuildResult:
    """Developer, MLOps and writer: everything of the environment folder except config.yaml and validation.json
    (`data=False`: on the data already in `staging`, after a data repair round)."""
    staging = EnvFolder.of(staging)
    timings: dict[str, float] = {}
    where = f"{spec.seed_id}:{spec.index}"
    if data:
        maybe_fail("synthesize", where)
        t = time.perf_counter()
        backend.developer.build_data(spec, staging)
        timings["synthesize"] = time.perf_counter() - t
    maybe_fail("ladder", where)
    t = time.perf_counter()
    ladder = backend.developer.run_ladder(spec, staging)
    timings["ladder"] = time.perf_counter() - t
    # the seconds inside the scripts themselves: what `ladder` minus this costs is sandbox start, imports and I/O
    timings["ladder_compute"] = ladder.compute_seconds
    # CPU seconds, steadier than wall seconds on a shared machine: the scripts' own, and the whole sandboxed ladder's
    timings["ladder_scripts_cpu"] = sum(r.cpu_seconds or 0.0 for r in ladder.runs)
    if ladder.cpu_seconds is not None:
        timings["ladder_cpu"] = ladder.cpu_seconds
    if ladder.harness is not None:  # ladder runs a warm harness served (summed over the attempts like the others)
        timings["ladder_warm"] = float(ladder.harness.startswith("warm"))
    t = time.perf_counter()
    thresholds = backend.mlops.write_grader(spec, staging, ladder)
    backend.writer.write_description(spec, staging, thresholds)
    timings["grader_and_description"] = time.perf_counter() - t
    return BuildResult(staging=staging, ladder=ladder, thresholds=thresholds, usage=take_usage(backend),
                       timings=timings)


def take_usage(backend: Backend) -> Usage:
    """The LLM usage the backend spent since the last take (an empty Usage for a backend without a model)."""
    return getattr(backend.developer, "last_usage", None) or Usage()


def finalize_environment(spec: TaskSpec, build: BuildResult, verdict: Verdict, key: SlotKey, attempt: int,
                         backend: Backend) -> EnvHashes:
    """Write validation.json and config.yaml (with every file's hash) into the staging folder.

    Returns:
        The hashes config.yaml records (spec, data, every file), so no later stage reads them back.
    """
    staging = build.staging
    report = {
        "env_id": spec.env_id,
        "accepted": verdict.accepted,
        "reason": verdict.reason,
        "kendall_tau": verdict.kendall_tau,
        "sample_score": verdict.sample_score,
        "reference_score": verdict.reference_score,
        "oracle_score": verdict.oracle_score,
        "medal_stability": verdict.medal_stability,
        "medal_recipe": verdict.medal_recipe,
        "notes": verdict.notes,
        "checks": [c.model_dump(mode="json") for c in verdict.checks],
        "ladder": [r.model_dump(mode="json", exclude={"seconds"}) for r in build.ladder.runs],
    }
    staging.validation.write_text(json.dumps(report, indent=2, sort_keys=True) + "\n")
    prepared = hash_files(staging.prepared, exclude=())
    hashes = EnvHashes(spec_hash=spec.spec_hash(), schema_hash=spec.schema_signature(),
                       data_hash=hashlib.sha256(json.dumps(prepared, sort_keys=True).encode()).hexdigest(),
                       files=hash_files(staging.root))
    block = SandmleBlock(
        modality=spec.modality.value,
        task_type=spec.task_type.value,
        domain=spec.domain.key,
        grading=spec.grading,
        thresholds=build.thresholds,
        sizes={"train": spec.n_train, "test": spec.n_test},
        provenance=Provenance(seed_id=spec.seed_id, index=spec.index, rng_seed=key.rng_seed, backend=backend.name,
                              model=backend.model, attempt=attempt, sandmle_version=__version__),
        spec_hash=hashes.spec_hash,
        data_hash=hashes.data_hash,
        hashes=hashes.files,
        spec=spec.model_dump(mode="json"),
        usage=None if backend.name == "offline" else build.usage.model_dump(),
    )
    write_config(staging.root, EnvironmentConfig.for_environment(spec.env_id, spec.title, block))
    return hashes


@dataclass
class _Ledger:
    """What one slot accumulates over its attempts: stage timings and LLM usage."""

    timings: dict[str, float] = field(default_factory=dict)
    usage: Usage = field(default_factory=Usage)

    def time(self, stage: str, since: float) -> None:
        self.timings[stage] = self.timings.get(stage, 0.0) + time.perf_counter() - since


@dataclass(frozen=True)
class _Attempt:
    """One attempt's build (None when a stage failed), its verdict, and the domain failure that stopped it."""

    build: BuildResult | None
    verdict: Verdict
    stage: str = "validate"
    error_type: str | None = None
    message: str | None = None
    sandbox: Isolation | None = None  # where the ladder ran, and what that sandbox did not isolate


def _attempt(spec: TaskSpec, staging: EnvFolder, backend: Backend, check_contracts: ContractChecker,
             ledger: _Ledger) -> _Attempt:
    """Build, check and verify one attempt; a domain failure becomes a rejecting verdict naming its stage.

    A developer with `repair_data` (the Claude developer of a script rule) gets a rejecting verdict back for a
    bounded number of data repair rounds; each repaired dataset is built and verified again within this attempt."""
    build, stage = None, "build"
    repair_data = getattr(backend.developer, "repair_data", None)
    try:
        build = build_environment(spec, staging, backend)
        while True:
            for k, v in build.timings.items():
                ledger.timings[k] = ledger.timings.get(k, 0.0) + v
            stage = "contracts"
            contracts, violation = _check_contracts(spec, staging, check_contracts, ledger, repair_data is not None)
            if violation is not None:  # the data's to repair: a verdict of the failing contract checks
                verdict = decide(spec.env_id, contract_checks(violation.failures))  # type: ignore[attr-defined]
            else:
                stage, t = "validate", time.perf_counter()
                verdict = backend.verifier.verify(spec, staging, build, contracts)
                ledger.time("validate", t)
            stage, t = "synthesize", time.perf_counter()
            if verdict.accepted or repair_data is None or not repair_data(spec, build, verdict):
                if violation is not None:  # not repaired: the contract stage fails as it always did
                    stage = "contracts"
                    raise violation
                break
            ledger.time("synthesize", t)
            ledger.usage = ledger.usage.add(build.usage)  # the next build takes the repair round's own calls
            stage, build = "build", None
            build = build_environment(spec, staging, backend, data=False)
        failure: dict[str, str] = {}
    except SandmleError as exc:
        stage = getattr(exc, "stage", None) or stage  # a GenerationError names the exact stage that failed
        failure = {"stage": stage, "error_type": type(exc).__name__, "message": str(exc)}
        verdict = Verdict(env_id=spec.env_id, accepted=False, reason=f"{stage}: {exc}", repair="new_seed",
                          checks=[Check(name=stage, group="solutions", passed=False, detail=str(exc)[:300])])
    if build is not None:  # after verify: an LLM review adds its own calls to the build's usage
        ledger.usage = ledger.usage.add(build.usage)
    sandbox = build.ladder.sandbox if build is not None and build.ladder is not None else None
    return _Attempt(None if failure else build, verdict, **failure, sandbox=sandbox)


def _check_contracts(spec: TaskSpec, staging: EnvFolder, check_contracts: ContractChecker, ledger: _Ledger,
                     repairable: bool) -> tuple[list[dict[str, Any]], SandmleError | None]:
    """The data contracts' results. When the developer can repair data, a violation that carries its failing results
    is returned instead of raised (the caller raises it when no repair follows); otherwise it propagates."""
    t = time.perf_counter()
    try:
        return check_contracts(staging, spec), None
    except SandmleError as exc:
        if not repairable or not getattr(exc, "failures", None):
            raise
        return [], exc
    finally:
        ledger.time("contracts", t)


def _run_full_scale(spec: TaskSpec, build: BuildResult, verdict: Verdict, backend: Backend, ledger: _Ledger
                    ) -> Verdict:
    """After acceptance, before finalizing: the benchmark's full-scale run of a developer that has one (the Claude
    developer, for a `script` rule's generate.py). The developer records its outcome on the private side (without
    seconds); its wall and CPU seconds go to the slot's timings (`full_scale`, `full_scale_cpu`).

    A failed run does not reject: the micro environment was verified in full and is served as it is, while the
    full-scale output is never kept nor verified. It is made visible as a note of the verdict (validation.json and
    the manifest's `notes`): that environment cannot be re-synthesised at full scale as it stands. A run the sandbox
    could not start (a typed error) is such a failure too, not a crash of the slot."""
    run = getattr(backend.developer, "run_full_scale", None)
    try:
        record = run(spec, build.staging) if run is not None else None
    except SandmleError as exc:
        note = f"full-scale run not made ({type(exc).__name__}): {exc}"[:400]
        return verdict.model_copy(update={"notes": [*verdict.notes, note]})
    if record is None:
        return verdict
    ledger.timings["full_scale"] = ledger.timings.get("full_scale", 0.0) + record["wall_seconds"]
    ledger.timings["full_scale_cpu"] = ledger.timings.get("full_scale_cpu", 0.0) + record["cpu_seconds"]
    if record["outcome"] == "ok":
        return verdict
    note = f"full-scale run {record['outcome']} ({record['n_train']} train rows): {record['problem']}"[:400]
    return verdict.model_copy(update={"notes": [*verdict.notes, note]})


def _land(spec: TaskSpec, build: BuildResult, verdict: Verdict, key: SlotKey, attempt: int, corpus: Corpus,
          backend: Backend, ledger: _Ledger, earlier: tuple[str, ...] = ()) -> tuple[SlotOutcome, Publication]:
    """Finalize an accepted attempt and publish it, unless a published environment is its near-duplicate.

    Returns:
        The outcome (accepted, or duplicate naming the twin) and the publication (`alike`: withheld for its images).
    """
    t = time.perf_counter()
    hashes = finalize_environment(spec, build, verdict, key, attempt, backend)
    maybe_fail("publish", key.where)  # rehearse a crash between staging and publish
    publication = publish_unique(corpus, build.staging, Fingerprint.of_spec(spec, key, hashes.data_hash))
    if not publication.alike:  # the slot ends here; an alike one goes on, and its record keeps earlier history
        clear_failure(corpus, key.seed_id, key.rng_seed, key.index)
    ledger.time("publish", t)
    if publication.published:
        return SlotOutcome(key, spec.env_id, "accepted", attempt, spec, verdict, ledger.timings, ledger.usage, hashes,
                           sandbox=build.ladder.sandbox, earlier=earlier), publication
    return SlotOutcome(key, spec.env_id, "duplicate", attempt, spec, verdict, ledger.timings, ledger.usage, hashes,
                       message=f"near-duplicate of {publication.twin_of} ({publication.reason})",
                       sandbox=build.ladder.sandbox, earlier=earlier), publication


def generate_slot(profile: TaskProfile, key: SlotKey, seed_ref: str, corpus: Corpus, backend: Backend,
                  check_contracts: ContractChecker, max_attempts: int = DEFAULT_ATTEMPTS, first_attempt: int = 1,
                  published: dict[str, str] | None = None) -> SlotOutcome:
    """Build one slot end to end (`_generate_slot`), then add to its usage the LLM calls no build took: a draft that
    failed, an attempt whose stage raised, a review of the last rejected attempt. Measured, so that a failed slot's
    spending is in its manifest row too (a build budget adds these rows up)."""
    cpu = time.thread_time()
    outcome = _generate_slot(profile, key, seed_ref, corpus, backend, check_contracts, max_attempts, first_attempt,
                             published)
    # the CPU seconds of this thread (the host side of the slot: synthesis, contracts, grading, publishing)
    outcome = replace(outcome, timings={**outcome.timings, "host_cpu": time.thread_time() - cpu})
    leftover = take_usage(backend)
    if leftover.calls:
        outcome = replace(outcome, usage=outcome.usage.add(leftover))
    return outcome


def _generate_slot(profile: TaskProfile, key: SlotKey, seed_ref: str, corpus: Corpus, backend: Backend,
                   check_contracts: ContractChecker, max_attempts: int = DEFAULT_ATTEMPTS, first_attempt: int = 1,
                   published: dict[str, str] | None = None) -> SlotOutcome:
    """Build one slot end to end, repairing the spec after each rejected attempt.

    Domain failures (a typed `SandmleError` in any stage, or a rejecting verdict) lead to a repaired spec and another
    attempt; so does an accepted attempt withheld at publish as alike in pixel statistics to a published environment
    (the next attempt's rng seed draws its scene, look and patterns afresh; the notes of the slot's row tell every
    attempt withheld so). After `max_attempts` the failure is recorded in `failed/<env_id>.json` — a slot whose every
    attempt was alike too (status failed, stage publish, `ALIKE_ERROR`). Bugs propagate.

    Args:
        published: slot → env_id of the corpus' published environments (computed when not given).

    Returns:
        The slot's outcome: accepted, duplicate (withheld: a published environment of the same data, or of the same
        seed, domain and schema, is its near-duplicate), rejected, failed, or cached (already published: not
        rebuilt).
    """
    ledger = _Ledger(usage=Usage(model=backend.model))
    attempt = first_attempt
    history: list[dict[str, str | int]] = []  # one entry per failed attempt, kept in the failure record
    done = published_slots(corpus) if published is None else published
    if str(key) in done:
        return cached_outcome(key, done[str(key)], attempt, corpus, ledger.timings, ledger.usage)
    t = time.perf_counter()
    try:
        spec = backend.strategist.draft_spec(key.seed_id, profile, key.index, key.rng_seed, attempt=attempt)
    except SandmleError as exc:  # e.g. the LLM strategist is unavailable: record the slot, keep the build going
        return give_up(key, seed_ref, corpus, backend, history, SlotOutcome(
            key, f"{key.seed_id}-slot{key.index:03d}", "failed", attempt, None, None, ledger.timings, ledger.usage,
            stage=getattr(exc, "stage", None) or "draft", error_type=type(exc).__name__, message=str(exc)))
    ledger.time("draft", t)
    withheld: list[str] = []  # attempts accepted but withheld at publish as alike to a published environment
    earlier: list[str] = []  # every earlier attempt as the landed slot's notes tell it: withheld, or rejected
    while True:
        if corpus.is_published(spec.env_id):
            return cached_outcome(key, spec.env_id, attempt, corpus, ledger.timings, ledger.usage)
        staging = corpus.staging_folder(spec.env_id)
        tried = _attempt(spec, staging, backend, check_contracts, ledger)
        verdict = tried.verdict
        last = attempt - first_attempt + 1 >= max_attempts
        if verdict.accepted and tried.build is not None:
            verdict = _run_full_scale(spec, tried.build, verdict, backend, ledger)
            landed, publication = _land(spec, tried.build, verdict, key, attempt, corpus, backend, ledger,
                                        tuple(earlier))
            if not publication.alike:  # published, or a twin another attempt cannot escape (same seed and domain)
                return landed
            # alike in pixel statistics only: another attempt draws the scene, look and patterns afresh
            told = withheld_as_alike(attempt, spec.env_id, publication)
            withheld.append(told)
            earlier.append(told)
            ledger.timings["alike_withheld"] = float(len(withheld))
            history.append({"attempt": attempt, "env_id": spec.env_id, "stage": "publish",
                            "error_type": ALIKE_ERROR, "message": told[:300]})
            if last:  # every attempt alike: a failed slot with its reason, never a silent loss
                return give_up(key, seed_ref, corpus, backend, history, replace(  # no data published: no hash
                    landed, status="failed", hashes=None, stage="publish", error_type=ALIKE_ERROR, message=told,
                    earlier=tuple(earlier)))
            verdict = verdict.model_copy(update={"repair": "new_seed"})
        else:
            shutil.rmtree(staging.root, ignore_errors=True)
            history.append({"attempt": attempt, "env_id": spec.env_id, "stage": tried.stage or "validate",
                            "error_type": tried.error_type or "Rejected",
                            "message": (tried.message or verdict.reason or "rejected")[:300]})
            if last:
                return give_up(key, seed_ref, corpus, backend, history, SlotOutcome(
                    key, spec.env_id, "failed" if tried.error_type else "rejected", attempt, spec, verdict,
                    ledger.timings, ledger.usage, stage=tried.stage, error_type=tried.error_type or "Rejected",
                    message=tried.message or verdict.reason or "rejected", sandbox=tried.sandbox,
                    earlier=tuple(earlier)))
            earlier.append(told_rejected(attempt, spec.env_id, str(history[-1]["stage"]), str(history[-1]["message"])))
        attempt += 1
        try:
            spec = backend.strategist.repair_spec(spec, verdict, attempt, profile, key.rng_seed)
        except SandmleError as exc:
            return give_up(key, seed_ref, corpus, backend, history, SlotOutcome(
                key, spec.env_id, "failed", attempt, spec, verdict, ledger.timings, ledger.usage,
                stage=getattr(exc, "stage", None) or "draft", error_type=type(exc).__name__, message=str(exc),
                earlier=tuple(earlier)))


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
    return generate_slot(profile, SlotKey(task.id, rng_seed, index), str(seed), corpus, get_backend(backend),
                         check_contracts or (lambda staging, spec: []), max_attempts=max_attempts)
