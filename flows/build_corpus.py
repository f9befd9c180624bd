"""The corpus build: analyze seeds → plan slots → build each slot on Dask (publish or record) → manifest → summary.

Imports: prefect, `sandmle.tasks` and `sandmle_core` (flows compose tasks; they hold no build logic of their own).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger
from prefect.states import Completed, Failed
from sandmle.flows._common import dask_runner, export_api_url, untagged
from sandmle.flows._watchdog import ClusterLost, ClusterWatchdog, finished_futures, mark_lost
from sandmle.tasks import stages

from sandmle_core.budget import UNBUILT, BuildBudget, InvalidBudget, parse_budget, unbuilt_row
from sandmle_core.build_lock import build_lock
from sandmle_core.errors import UnsupportedSeed
from sandmle_core.generate import DEFAULT_ATTEMPTS
from sandmle_core.layout import Corpus
from sandmle_core.mix import MixPlan, plan_mix, plan_to_dict, seed_modality
from sandmle_core.pipeline import SlotJob, count_diversity, longest_first, read_profile, seed_seconds
from sandmle_core.records import ManifestRow, ManifestWriter
from sandmle_core.recovery import unrecorded_rows
from sandmle_core.refusals import unsupported_rows
from sandmle_core.sandbox.cleanup import clean_leaks
from sandmle_core.seeds import resolve_seed

__all__ = ["REGENERATE_DEPLOYMENT", "budget_report", "build_corpus", "build_environments", "finish", "flow_result",
           "regenerate_after_failures", "slot_row"]

# The deployment a failed nightly triggers (deployments/nightly.py and prefect.yaml register it under this name).
REGENERATE_DEPLOYMENT = "regenerate-failed/regenerate-failed"


@flow(name="build-environments")
def build_environments(jobs: list[SlotJob], corpus_root: str, contracts: bool = True,
                       build_id: str | None = None, refused: list[ManifestRow] | None = None,
                       budget_usd: float | None = None, window: int = 1) -> list[ManifestRow]:
    """Fan the slots out — one untagged task run per slot, named by its slot key — and write
    each finished slot's row through the flow's one manifest writer. A slot whose unit still fails after its retries
    is recorded in failed/ and never stops the others. Environments that a killed build published but never recorded
    get their rows first. Every row this run writes carries `build_id`.

    With `budget_usd` (`sandmle_core.budget`), at most `window` slots are in flight, and a slot is submitted only
    while the cost the finished slots reported is below the cap; the slots never started get `unbuilt` rows."""
    logger = get_run_logger()
    corpus = Corpus(Path(corpus_root))
    writer = ManifestWriter(corpus)
    writer.add(*unrecorded_rows(corpus))
    stamp = {"build_id": build_id} if build_id else {}
    writer.add(*(r.model_copy(update=stamp) for r in refused or []))  # slots of unsupported seeds, already in failed/
    budget = BuildBudget(budget_usd, planned=len(jobs)) if budget_usd else None
    from prefect.context import get_run_context

    watchdog = ClusterWatchdog(get_run_context().task_runner, logger) if jobs else None
    slots = _finished_slots(jobs, contracts, budget, window, watchdog)
    try:
        _record_slots(slots, writer, budget, stamp, logger)
    except ClusterLost as exc:  # the finished slots stay recorded; the others are built by a re-run
        logger.error("build stopped: %s; %d slot(s) recorded, the rest are built again by the next run", exc,
                     len(writer.rows))
        stages.write_manifest(writer)
        mark_lost(exc.pending, str(exc))
        raise
    if budget is not None:
        unbuilt = [unbuilt_row(job.key, job.backend, budget, regenerating=job.failed_env_id is not None)
                   for job in jobs[budget.started:]]
        budget.unbuilt = [r.slot for r in unbuilt]
        if unbuilt:
            logger.warning("budget of $%g reached ($%.4f spent): %d slot(s) not built", budget.limit_usd,
                           budget.spent_usd, len(unbuilt))
        writer.add(*(r.model_copy(update=stamp) for r in unbuilt))
    stages.write_manifest(writer)
    return writer.rows


def _record_slots(slots: Iterator[tuple[SlotJob, Any]], writer: ManifestWriter, budget: BuildBudget | None,
                  stamp: dict[str, str], logger: Any) -> None:
    """Write each finished slot's row (a unit that raised in every retry gets its failure record)."""
    for job, future in slots:
        row = slot_row(future)
        if row is None:  # the unit raised in every one of its retries: record it, keep going
            message = _error_text(future)
            logger.warning("slot %s failed after retries: %s", job.key, message)
            row = stages.record_failure(job, "build", message, stages.BUILD_RETRIES + 1)
        elif row.status != "accepted":
            logger.warning("slot %s not accepted: %s (%s)", job.key, row.status, (row.reason or "")[:200])
        else:
            logger.info("slot %s accepted as %s", job.key, row.env_id)
        if budget is not None:  # charged before the generator resumes and decides on the next submission
            budget.charge(row)
        writer.add(row.model_copy(update=stamp))


def _submit(job: SlotJob, contracts: bool) -> Any:
    """One slot's task run, named by its slot key and untagged (`untagged`: no concurrency round trip per slot)."""
    task = stages.build_environment.with_options(task_run_name=job.key.run_name)
    with untagged():
        return task.submit(job, contracts)


def _finished_slots(jobs: list[SlotJob], contracts: bool, budget: BuildBudget | None, window: int,
                    watchdog: ClusterWatchdog | None) -> Iterator[tuple[SlotJob, Any]]:
    """(job, future) as slots finish. Without a budget every slot is submitted at once; with one, at most `window`
    run at a time and none is submitted once the caller has charged the finished slots up to the cap (jobs are
    submitted in order: `budget.started` of them were). While it waits, `watchdog` looks at the cluster."""
    running: dict[Any, SlotJob] = {}
    if budget is None:
        running = {_submit(job, contracts): job for job in jobs}
    while True:
        while budget is not None and budget.started < len(jobs) and len(running) < window and not budget.exhausted:
            job = jobs[budget.started]
            running[_submit(job, contracts)] = job
            budget.started += 1
        if not running:
            return
        for future in finished_futures(list(running), watchdog):
            yield running.pop(future), future
            if budget is not None:  # the caller charged it: maybe submit the next before yielding more
                break


def slot_row(future: Any) -> ManifestRow | None:
    """The slot's row from its final state — a Failed slot still carries its row — or None when the unit raised."""
    future.wait()
    if _dask_error(future) is not None:  # Dask gave up on it (a worker lost in every try): no Prefect state
        return None
    data = future.state.result(raise_on_failure=False)
    return data if isinstance(data, ManifestRow) else None


def _dask_error(future: Any) -> BaseException | None:
    wrapped = getattr(future, "wrapped_future", None)
    return wrapped.exception() if wrapped is not None and getattr(wrapped, "status", "") == "error" else None


def _error_text(future: Any) -> str:
    data = _dask_error(future) or future.state.result(raise_on_failure=False)
    return f"{type(data).__name__}: {data}" if isinstance(data, BaseException) else str(future.state.message)


# The result dicts of the last flow runs of this process that reached `finish`, by flow run id (the newest _KEPT).
# The state a flow run ends in is the one the API answered: when the proposal of the final state had to be re-sent (the
# API's SQLite was locked, 2026-12-05), the API rejects the duplicate and answers with the state it stored, which has no
# data (results are not persisted), so the dict is kept here as well for the CLI that started the run in this process.
_FINISHED: dict[str, dict[str, Any]] = {}
_KEPT = 16


def flow_result(state: Any) -> dict[str, Any]:
    """The result dict of a build/regenerate flow run's final state, whether it ended Completed or Failed, also when
    the state is the API's copy without data (a flow run of this process)."""
    from prefect.exceptions import MissingResult

    kept = _FINISHED.get(str(state.state_details.flow_run_id))
    try:
        data = state.result(raise_on_failure=False)
    except MissingResult as exc:  # a Completed state's copy without data
        data = exc
    if isinstance(data, dict):
        return data
    if kept is not None:
        return kept
    if isinstance(data, BaseException):  # the flow itself crashed: that is a bug, show it
        raise data
    raise TypeError(f"the flow run's final state {state.name!r} carries no result dict: {type(data).__name__}")


def finish(result: dict[str, Any], failed: int, unsupported: list[str] | None = None) -> Any:
    """The flow's final state by the documented rule: Failed when any slot of this run failed (after its attempts
    and retries), any seed was unsupported, or the build budget stopped it before every slot started (the message
    says which); Completed otherwise. The result dict is the state's data either way (and kept for `flow_result`)."""
    from prefect.runtime import flow_run

    _FINISHED[str(flow_run.id)] = result
    for old in list(_FINISHED)[:-_KEPT]:
        del _FINISHED[old]
    budget = result.get("budget") or {}
    if failed or unsupported or budget.get("stopped"):
        what = [f"{failed} slot(s) failed"] if failed else []
        what += [f"unsupported seed(s): {', '.join(unsupported)}"] if unsupported else []
        what += [f"budget of ${budget['limit_usd']:g} reached (${budget['spent_usd']:.4f} spent): "
                 f"{budget['slots_unbuilt']} slot(s) not built"] if budget.get("stopped") else []
        return Failed(data=result, message="; ".join(what))
    return Completed(data=result)


def default_build_id() -> str:
    """The flow run's scheduled start (UTC, to the second): the same in the run's name and in its body."""
    from prefect.runtime import flow_run

    return flow_run.scheduled_start_time.strftime("%Y%m%dT%H%M%SZ")


def _build_run_name() -> str:
    from prefect.runtime import flow_run

    params = flow_run.parameters
    return f"build-{stages.corpus_slug(params.get('out') or 'corpus')}-{params.get('build_id') or default_build_id()}"


def regenerate_after_failures(flow: Any, flow_run: Any, state: Any) -> None:
    """The build's on_failure hook: a scheduled build (a run of a deployment, e.g. the nightly) that ended with failed
    slots triggers a run of the regenerate-failed deployment on the same corpus, tagged with the build's run id.

    Runs started by the CLI or by hand have no deployment: their operator runs `sandmle regenerate` (the exit code
    and the failure records say when). A build that failed only because a seed is unsupported triggers nothing:
    regenerating cannot fix an unsupported seed. When the regenerate-failed deployment is not registered (a work
    pool that deployed only the nightly), the run's log in the UI says so and names the command to run instead."""
    from prefect.deployments import run_deployment
    from prefect.exceptions import ObjectNotFound
    from prefect.logging.loggers import flow_run_logger

    if flow_run.deployment_id is None:
        return
    try:
        data = flow_result(state)  # also when the hook got the API's copy of the state (no data: see `_FINISHED`)
    except Exception:  # the flow itself crashed: nothing to regenerate
        return
    if "slot(s) failed" not in (state.message or ""):
        return
    logger = flow_run_logger(flow_run=flow_run, flow=flow)  # reaches the run's log in the UI, unlike a plain logger
    params = flow_run.parameters
    try:
        run = run_deployment(REGENERATE_DEPLOYMENT, timeout=0, as_subflow=False,
                             parameters={"corpus": data["corpus"], "backend": params.get("backend", "offline"),
                                         "workers": params.get("workers"), "max_attempts": params.get(
                                             "max_attempts", DEFAULT_ATTEMPTS)},
                             tags=["sandmle", "after-failed-build", f"build-run:{flow_run.id}"])
    except ObjectNotFound:
        logger.error("build %s ended with failures (%s), but the %s deployment is not registered: nothing was "
                     "triggered; run `sandmle regenerate %s`, or deploy deployments/nightly.py (it registers both)",
                     flow_run.name, state.message, REGENERATE_DEPLOYMENT, data["corpus"])
        return
    logger.info("build %s ended with failures (%s): triggered %s as flow run %s", flow_run.name, state.message,
                REGENERATE_DEPLOYMENT, run.name)


@flow(name="build-corpus", flow_run_name=_build_run_name, log_prints=True, on_failure=[regenerate_after_failures])
def build_corpus(
    seeds: list[str] | None = None,
    out: str = "corpus",
    per_seed: int = 3,
    backend: str = "offline",
    rng_seed: int | None = 0,
    dask_address: str | None = None,
    workers: int | None = None,
    max_attempts: int = DEFAULT_ATTEMPTS,
    contracts: bool = True,
    build_id: str | None = None,
    mix: dict[str, float] | None = None,
    budget_usd: float | None = None,
) -> dict[str, Any]:
    """Build (or resume) a corpus of `per_seed` environments per seed under `out`.

    Args:
        seeds: bundled seed ids or paths of mle-bench competition folders (default: every bundled seed).
        out: the corpus folder; finished environments in it are kept and not rebuilt.
        dask_address: an existing Dask scheduler; otherwise a LocalCluster with `workers` process workers.
        contracts: run the great-expectations data contracts on every environment.
        rng_seed: the build's rng seed; None derives it from the run's scheduled date (YYYYMMDD), so that each
            night of a schedule plans new slots and the corpus grows by `per_seed` per seed.
        build_id: names the flow run `build-<corpus>-<build id>` and is written into every manifest row of the run
            (default: the run's scheduled start, UTC).
        mix: a target modality mix (`sandmle_core.mix.parse_mix`): the `per_seed` × supported-seeds slots are
            re-apportioned across the seeds so that the modalities follow it (`plan_mix`); the summary reports the
            achieved mix beside the target.
        budget_usd: a cap on the build's LLM cost (claude backend only; `sandmle_core.budget`): no slot is started
            once the finished slots' measured cost reaches it; the others are recorded as `unbuilt`.

    Returns:
        A Completed or Failed state (the rule is `finish`'s) whose data is the counts, the corpus path and the
        markdown summary; call with `return_state=True` and read it with `flow_result`.
    """
    from sandmle_core.seeds import bundled_seed_ids

    if backend == "claude":  # a missing key stops the build before any work
        from sandmle_core.agents.claude import require_api_key

        require_api_key()
    if budget_usd is not None:
        budget_usd = parse_budget(budget_usd)
        if backend == "offline":
            raise InvalidBudget("a budget is for the claude backend: the offline backend makes no API calls")
    logger = get_run_logger()
    start = time.perf_counter()
    root = Path(out).resolve()
    root.mkdir(parents=True, exist_ok=True)
    refs = list(seeds) if seeds else bundled_seed_ids()
    if rng_seed is None:
        from prefect.runtime import flow_run

        rng_seed = int(flow_run.scheduled_start_time.strftime("%Y%m%d"))
    build_id = build_id or default_build_id()
    with build_lock(root):  # a second build into the same corpus refuses at once (CorpusBusy) and says who holds it
        try:
            removed = clean_leaks()  # sandbox workspaces and cgroups whose owning process is gone
        except OSError as exc:  # cleaning is a courtesy: say so, never stop the build for it
            logger.warning("could not clean leftovers of killed runs: %s", exc)
            removed = {"workspaces": [], "cgroups": []}
        if removed["workspaces"] or removed["cgroups"]:
            logger.info("removed leftovers of killed runs: %s", removed)
        return _build(logger, start, root, refs, per_seed, backend, rng_seed, dask_address, workers, max_attempts,
                      contracts, build_id, mix, budget_usd)


def _build(logger: Any, start: float, root: Path, refs: list[str], per_seed: int, backend: str, rng_seed: int,
           dask_address: str | None, workers: int | None, max_attempts: int, contracts: bool,
           build_id: str | None, mix: dict[str, float] | None = None, budget_usd: float | None = None) -> Any:
    """The body of `build_corpus`, run under the corpus' build lock."""
    logger.info("build %s into %s: %d seed(s), %d per seed, backend %s, rng seed %d", build_id or default_build_id(),
                root, len(refs), per_seed, backend, rng_seed)
    jobs: list[SlotJob] = []
    refused: list[ManifestRow] = []
    unsupported: dict[str, str] = {}
    analyzed: list[tuple[str, str, str]] = []  # (reference, seed id, profile path) of each supported seed
    for ref in refs:
        try:
            seed_id, profile = stages.analyze_seed(str(ref), str(root))
        except UnsupportedSeed as exc:  # a typed outcome: record its slots, go on with the other seeds
            seed_id = resolve_seed(str(ref)).id
            unsupported[seed_id] = exc.problem
            logger.warning("seed %s is unsupported: %s", seed_id, exc.problem)
            refused += unsupported_rows(seed_id, str(ref), exc.problem, per_seed, rng_seed, root, backend)
            continue
        analyzed.append((str(ref), seed_id, profile))
    per_seed_slots, mix_plan = _slot_counts(analyzed, per_seed, mix)
    if mix_plan is not None:
        logger.info("modality mix %s: slots per seed %s", mix_plan.effective, mix_plan.slots)
    for ref, seed_id, profile in analyzed:
        jobs += stages.plan_slots(ref, profile, per_seed_slots[seed_id], rng_seed, str(root), backend, max_attempts)
    jobs = longest_first(jobs, seed_seconds(root))  # no worker left alone with a long slot at the end
    fan_out = build_environments  # without slots to build, no Dask cluster is started for the manifest's sake
    if jobs:
        export_api_url()
        runner = dask_runner(workers, dask_address, root / ".work" / "dask", contracts)
        fan_out = build_environments.with_options(task_runner=runner)
    skipped = sum(per_seed_slots.values()) - len(jobs)
    logger.info("planned %d slot(s) of %d seed(s); %d already published", len(jobs), len(refs), skipped)
    window = workers or max(1, os.cpu_count() or 1)  # one slot per worker in flight when a budget is set
    rows = fan_out(jobs, str(root), contracts, build_id, refused, budget_usd, window)
    diversity = count_diversity(rows)
    wall = time.perf_counter() - start
    logger.info("built %d slot(s) in %.1f s; writing the summary, report.md and report.json", len(rows), wall)
    summary = stages.publish_summary(rows, diversity, wall, str(root),
                                     {"flow": "build-corpus", "build_id": build_id or default_build_id(),
                                      "rng_seed": rng_seed, "backend": backend, "wall_seconds": round(wall, 3),
                                      "mix": plan_to_dict(mix_plan) if mix_plan is not None else None})
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.status] = counts.get(row.status, 0) + 1
    result = {"corpus": str(root), "slots": len(rows), "counts": counts, "diversity": diversity,
              "wall_seconds": round(wall, 3), "summary": summary,
              "skipped_published": skipped, "slots_per_seed": per_seed_slots,
              "unsupported_seeds": unsupported}
    if budget_usd is not None:
        result["budget"] = budget_report(rows, jobs, budget_usd)
    failed = sum(counts.get(s, 0) for s in stages.FAILED_STATUSES) - len(refused)  # refusals are told apart
    return finish(result, failed, sorted(unsupported))


def budget_report(rows: list[ManifestRow], jobs: list[SlotJob], budget_usd: float) -> dict[str, Any]:
    """The budget's account from this run's rows (the flow's own rows: what its finished slots reported)."""
    planned = {str(job.key) for job in jobs}
    mine = [r for r in rows if r.slot in planned]
    unbuilt = [r for r in mine if r.status == UNBUILT]
    budget = BuildBudget(budget_usd, spent_usd=round(sum(r.cost_usd for r in mine), 6),
                         started=len(jobs) - len(unbuilt), planned=len(jobs), unbuilt=[r.slot for r in unbuilt])
    return budget.report()


def _slot_counts(analyzed: list[tuple[str, str, str]], per_seed: int,
                 mix: dict[str, float] | None) -> tuple[dict[str, int], MixPlan | None]:
    """Slots per seed id: `per_seed` each, or the mix's apportioning of `per_seed` × the supported seeds."""
    if not mix:
        return {seed_id: per_seed for _, seed_id, _ in analyzed}, None
    modalities = {seed_id: seed_modality(read_profile(profile)) for _, seed_id, profile in analyzed}
    plan = plan_mix(mix, modalities, per_seed * len(analyzed))
    return dict(plan.slots), plan
