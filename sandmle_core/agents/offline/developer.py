"""The offline ML developer: data from the hidden rule, the sample submission, the solution ladder and its runs.

The ladder runs in the sandbox — every level with rng seeds 0–2 — inside one sandboxed harness process that imports
the heavy libraries once and forks per run (`sandmle_core.ladder.harness`). Submissions come back through the
workspace and are graded here, on the host, against the private answers the sandbox never sees.
"""

from __future__ import annotations

import json
import logging
import shutil
import time
from pathlib import Path
from typing import Any

import pandas as pd

from sandmle_core.agents.base import LadderRun, RunScore
from sandmle_core.envfolder import EnvFolder, sample_submission_name
from sandmle_core.errors import GenerationError, InvalidSubmission
from sandmle_core.grading import constant_submission, grade_submission, perfect_submission, seed_layout
from sandmle_core.ladder import LadderScript, ladder_for
from sandmle_core.ladder.configs import config_from_spec
from sandmle_core.ladder.warm import FITMEMO, HARNESS, WarmUnavailable, warm_harness
from sandmle_core.modalities import get_kit
from sandmle_core.modalities.image.named import tables_of
from sandmle_core.sandbox import Isolation, Limits, Sandbox, Workspace, get_sandbox
from sandmle_core.settings import get_settings
from sandmle_core.submission_io import read_submission_file
from sandmle_core.taskspec import TaskSpec

__all__ = ["LADDER_SEEDS", "OfflineDeveloper", "run_ladder_scripts", "write_reference_submissions"]

_log = logging.getLogger(__name__)
# three runs per level since 2026-12-04 (four before): with the medal recipe kept by re-runs, three gave the same
# medal stability under fresh seeds for 21 % less CPU per environment (README, "Benchmark figures")
LADDER_SEEDS = (0, 1, 2)
_LADDER_CAP = 256 * 2**20  # full-scale bench submissions included; what matters here is no link, no path out
PRELOAD = (
    "numpy",
    "pandas",
    "sklearn.linear_model",
    "sklearn.ensemble",
    "sklearn.neighbors",
    "sklearn.model_selection",
    "sklearn.preprocessing",
    "sklearn.impute",
    "sklearn.pipeline",
    "sklearn.compose",
    "sklearn.feature_extraction.text",
    "sklearn.naive_bayes",
    "sklearn.calibration",
    "PIL.Image",
    # imported lazily by every tabular run (scikit-learn's dataframe adapters, pandas' CSV writer and pyarrow
    # compatibility) and by the image and audio readers: ~15 ms a run, paid once in the parent instead
    "narwhals.stable.v2._namespace",
    "narwhals._pandas_like.namespace",
    "narwhals._pandas_like.dataframe",
    "narwhals._interchange.dataframe",
    "pandas.io.formats.csvs",
    "pyarrow.pandas_compat",
    "PIL.PngImagePlugin",
    "wave",
)


def _run_boundary(backend: str, ws: Workspace | None) -> dict[str, Any]:
    """What the harness empties between runs and whether it owns its pid namespace (then it kills every process but
    its init and itself after each run): the namespace backends' /tmp and /dev/shm are the workspace's own, the
    rlimit backend's /tmp is the host's, so only its workspace scratch folder is emptied there."""
    if backend in ("bwrap", "unshare"):
        return {"scratch": ["/tmp", "/dev/shm"], "pid_namespace": True}
    if backend == "rlimit" and ws is not None:
        return {"scratch": [str(ws.scratch)], "pid_namespace": False}
    return {"scratch": ["/tmp"], "pid_namespace": False}  # docker: the container's own /tmp


def _grade_runs(runs: list[tuple[LadderScript, int]], report: dict, root: Path, answers: pd.DataFrame, grade: Any,
                error_tail: int) -> list[RunScore]:
    scores: list[RunScore] = []
    for (script, seed), run in zip(runs, report["runs"], strict=True):
        score, error = None, run["error"]
        if run["ok"]:
            try:
                # the path comes back from inside the sandbox: the safe reader keeps it in the workspace
                score = grade(read_submission_file(run["out"], _LADDER_CAP, root=root), answers)
            except (InvalidSubmission, ValueError, OSError) as exc:
                error = f"invalid submission: {exc}"
        scores.append(RunScore(level=script.level, name=script.name, seed=seed, score=score,
                               error=None if error is None else str(error)[-error_tail:],
                               seconds=run["seconds"], cpu_seconds=run.get("cpu_seconds"),
                               fits_reused=run.get("fits_reused", 0)))
    return scores


def _run_warm(sandbox: Sandbox, public_dir: Path, files: dict[str, str], job: dict, limits: Limits,
              grade_in: Any, figures: dict[str, Any]) -> tuple[list[RunScore], Isolation]:
    """The ladder in this thread's warm harness (`ladder.warm`).

    Raises:
        WarmUnavailable: no warm mode here, or the warm harness failed on this environment (then run it one-shot).
    """
    harness = warm_harness(sandbox, PRELOAD, limits, get_settings().warm_ladder_envs)
    report, cpu = harness.run(public_dir, files, {**job, **_run_boundary(sandbox.name, None)}, limits.wall_seconds)
    isolation = harness.isolation
    try:
        assert harness.ws is not None
        scores = grade_in(report, harness.ws.root)
    finally:
        stopped = harness.finish(report, files)
    figures.update(harness_cpu=cpu, harness="warm" if stopped is None else f"warm (then restarted: {stopped})")
    return scores, isolation


def run_ladder_scripts(
    scripts: list[LadderScript],
    public_dir: Path,
    answers: pd.DataFrame,
    grade: Any,
    seeds: tuple[int, ...] = LADDER_SEEDS,
    limits: Limits | None = None,
    backend: str | None = None,
    run_timeout: float = 120.0,
    error_tail: int = 500,
    policy: str = "permissive",
    figures: dict[str, Any] | None = None,
    warm: bool = False,
    chain: bool = False,
    full_fit: tuple[int, ...] = (0,),
) -> tuple[list[RunScore], float, float, Isolation]:
    """Run every script with every seed in one sandboxed harness; grade each submission on the host.

    Args:
        scripts: the ladder.
        public_dir: the folder the scripts see as ./public (read-only).
        answers: the private answers (never enter the sandbox).
        grade: `grade(submission_df, answers_df) -> float`, raising InvalidSubmission.
        seeds: rng seeds per script.
        limits: sandbox limits for the whole harness.
        backend: sandbox backend override.
        run_timeout: wall seconds allowed to each run inside the harness.
        error_tail: characters of each failed run's error text kept (the Claude developer feeds them back).
        policy: the sandbox policy — `permissive` for sandmle's own scripts, `strict` for generated code.
        figures: when given, receives `harness_cpu`: the CPU seconds of the whole sandboxed harness (interpreter
            start, imports and every run; its cgroup's figure when it had one; a warm harness's first environment
            pays its start and imports), and `harness`: "warm", or "one-shot" with the reason when warm was asked.
        warm: run in this thread's warm harness (`ladder.warm`) when the backend has one; else, or when it fails
            on this environment, one-shot, saying why in `figures["harness"]`.
        chain: run each seed's scripts one after the other in one process whose deterministic scikit-learn fits are
            memoized (`ladder/fitmemo.py`: the same submissions, ~25% less CPU on a tabular ladder) — for sandmle's
            own scripts only, never with the strict policy (generated code keeps one process per run).
        full_fit: the seeds whose runs fit every training row (SANDMLE_SUBSAMPLE=0); every other seed's runs fit
            its seeded 90% subsample. The build's ladder: seed 0; a fresh re-run: the first seed of each set.

    Returns:
        The runs, the seconds spent inside the scripts, the wall seconds of the whole sandboxed run, and the
        isolation the scripts ran under.

    Raises:
        GenerationError: when the harness itself cannot run.
        SandboxError: when the policy refuses every backend that works here.
    """
    start = time.perf_counter()
    figures = {} if figures is None else figures
    runs = [(s, seed) for s in scripts for seed in seeds]
    if chain and policy == "strict":
        raise ValueError("generated code (the strict policy) runs one process per run: no chains")
    job = {
        "preload": list(PRELOAD),
        "chain": chain,
        "timeout": run_timeout,
        "runs": [{"script": f"solutions/{s.filename}", "seed": seed, "subsample": seed not in full_fit,
                  "out": f"runs/{s.level:02d}-{seed}.csv"} for s, seed in runs],
    }
    files = {f"solutions/{s.filename}": s.source for s in scripts}
    budget = 60 + max(30.0, run_timeout / 2) * len(runs)
    limits = limits or Limits(wall_seconds=budget, cpu_seconds=budget, memory_mb=4096)
    sandbox = get_sandbox(backend, policy=policy)

    def grade_in(report: dict, root: Path) -> list[RunScore]:
        return _grade_runs(runs, report, root, answers, grade, error_tail)

    if warm:
        try:
            scores, isolation = _run_warm(sandbox, public_dir, files, job, limits, grade_in, figures)
            return scores, sum(r.seconds for r in scores), time.perf_counter() - start, isolation
        except WarmUnavailable as exc:
            figures["harness"] = f"one-shot: {exc}"
            _log.info("ladder harness one-shot: %s", exc)
    scores, isolation = _run_one_shot(sandbox, public_dir, files, job, limits, grade_in, figures)
    return scores, sum(r.seconds for r in scores), time.perf_counter() - start, isolation


def _run_one_shot(sandbox: Sandbox, public_dir: Path, files: dict[str, str], job: dict, limits: Limits,
                  grade_in: Any, figures: dict[str, Any]) -> tuple[list[RunScore], Isolation]:
    """The ladder in a harness of its own (its workspace holds the harness and the chains' fit memo)."""
    files = {**files, **{path.name: path.read_text() for path in (HARNESS, FITMEMO)}}
    with Workspace.create(public_dir, files=files) as ws:
        job.update(_run_boundary(sandbox.name, ws))
        (ws.root / "job.json").write_text(json.dumps(job))
        result = sandbox.run_python("harness.py", ws, limits, args=("job.json", "runs/results.json"))
        results_path = ws.root / "runs" / "results.json"
        if not result.ok or not results_path.is_file():
            raise GenerationError("ladder", f"the ladder harness stopped ({result.stopped_by}, exit "
                                            f"{result.exit_code}): {result.stderr_tail[-800:]}")
        figures["harness_cpu"] = result.cpu_seconds
        figures.setdefault("harness", "one-shot")
        return grade_in(json.loads(results_path.read_text()), ws.root), result.isolation


def write_reference_submissions(spec: TaskSpec, folder: EnvFolder) -> None:
    """Write a synthesized folder's sample submission (the prior / mean, under the seed's own file name) and its
    gold submission, at whatever scale it was synthesized (the benchmark's full-scale folders too)."""
    kit = get_kit(spec.modality)
    answers = pd.read_csv(folder.answers)
    if kit.prior_submission is not None:  # targets in image files (per-pixel): the kit computes the prior
        sample = kit.prior_submission(spec, folder)
    else:
        train = tables_of(spec, folder)[0]  # train.csv, or the labels of a labels-in-names listing
        sample = constant_submission(answers[[spec.grading.id_column]], spec.grading, train[list(spec.target.columns)])
    sample_path = folder.public / sample_submission_name(spec.rule)  # a seed's own name (insults' "_null")
    seed_layout(sample, answers, spec.grading).to_csv(sample_path, index=False)
    seed_layout(perfect_submission(answers, spec.grading), answers, spec.grading).to_csv(folder.gold_submission,
                                                                                        index=False)


class OfflineDeveloper:
    """Developer role of the offline backend."""

    def __init__(self, sandbox_backend: str | None = None) -> None:
        self.sandbox_backend = sandbox_backend

    def build_data(self, spec: TaskSpec, staging: EnvFolder | Path) -> dict[str, Any]:
        """Synthesize the data, then the sample submission (the prior/mean) and the gold submission."""
        folder = EnvFolder.of(staging)
        result = get_kit(spec.modality).synthesize(spec, folder)
        write_reference_submissions(spec, folder)
        return {"n_train": result.n_train, "n_test": result.n_test, **result.stats}

    def write_solutions(self, spec: TaskSpec, staging: EnvFolder | Path) -> list[LadderScript]:
        scripts = ladder_for(config_from_spec(spec))
        folder = EnvFolder.of(staging).solutions
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir()
        for script in scripts:
            (folder / script.filename).write_text(script.source)
        return scripts

    def run_ladder(self, spec: TaskSpec, staging: EnvFolder | Path) -> LadderRun:
        """Write the ladder into solutions/, run it in the sandbox, and score the reference points."""
        start = time.perf_counter()
        folder = EnvFolder.of(staging)
        scripts = self.write_solutions(spec, folder)
        answers = pd.read_csv(folder.answers)

        def grade(sub: pd.DataFrame, ans: pd.DataFrame) -> float:
            return grade_submission(sub, ans, spec.grading)

        figures: dict[str, Any] = {}
        runs, compute, _, isolation = run_ladder_scripts(scripts, folder.public, answers, grade,
                                                         backend=self.sandbox_backend, policy="permissive",
                                                         figures=figures, warm=True, chain=True)
        return LadderRun(
            runs=runs,
            sample_score=grade(pd.read_csv(folder.sample_submission), answers),
            oracle_score=grade(pd.read_csv(folder.oracle_submission), answers),
            perfect_score=grade(pd.read_csv(folder.gold_submission), answers),
            compute_seconds=round(compute, 6),
            wall_seconds=round(time.perf_counter() - start, 6),
            cpu_seconds=figures.get("harness_cpu"),
            sandbox=isolation,
            harness=figures.get("harness"),
        )
