"""The Claude developer's `script` path: the model writes generate.py, sandmle runs it, checks it, repairs it.

For a spec whose rule is a `ScriptRule`, `synthesize_by_script` asks the model (tool `submit_generator`) for a program
that writes the environment's files from the rule (`script_prompts.generator_prompt`), then per round:

1. runs it twice in the strict sandbox with the slot's seed (`generator.generate_twice`): a crash or a sandbox
   stop goes back with the stderr tail, two outputs that differ in a byte go back as non-deterministic;
2. checks the files against `table_layout` (every file, its columns, n_train / n_test rows, unique and disjoint
   ids, answers for exactly the test ids, sample and oracle submissions the grader accepts);
3. installs them into the staging folder (plus the gold submission sandmle derives from the answers) and runs the
   verifier's own data checks on them: the data leakage checks, no public file carrying the test answers, realism
   and Task DNA.

A failure is fed back with its figures for at most `code_rounds` repair rounds; after that `GeneratorRejected`
(its `kind` the last failure). The accepted program and the developer's conversation ship on the private side
(`prepared/private/generate.py`, `generate_transcript.json`); every later verifier check (contracts, ladder,
thresholds, description leaks) then runs on this data exactly as on offline data. When the verifier rejects the
environment for a check the data can fix, `ScriptGenerator.repair` sends the failing checks and their figures back
into the same conversation (a data repair round, at most `data_rounds`, each listed in the transcript's
`data_rounds`); the pipeline then rebuilds the ladder, grader and description on the new data and verifies again.
When the rounds are spent the attempt is rejected: the strategist redesigns the rule from the figures, and the next
attempt's generator prompt carries them (`session.notes`).
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from sandmle_core.agents.base import Check
from sandmle_core.agents.checks import data_leakage_checks
from sandmle_core.agents.claude.errors import GeneratorRejected
from sandmle_core.agents.claude.generator import (
    PROGRAM_FILE,
    TRANSCRIPT_FILE,
    GeneratorRun,
    generate_twice,
    generator_args,
    generator_seed,
    run_full_scale,
)
from sandmle_core.agents.claude.script_prompts import generator_prompt, table_layout
from sandmle_core.agents.claude.script_schemas import GeneratorProposal
from sandmle_core.agents.claude.session import AgentSession, Conversation
from sandmle_core.agents.realism import realism_checks
from sandmle_core.agents.verifier import dna_checks
from sandmle_core.envfolder import EnvFolder
from sandmle_core.errors import InvalidSubmission
from sandmle_core.grading import grade_submission
from sandmle_core.reference_submissions import perfect_submission, seed_layout
from sandmle_core.sandbox import Limits
from sandmle_core.taskspec import MAX_TRAIN_ROWS, MIN_TRAIN_ROWS, TaskSpec

__all__ = ["ScriptGenerator", "answers_in_public_check", "data_feedback", "layout_problems", "record_full_scale",
           "synthesize_by_script"]

MIN_LEAKED_ROWS = 5
LEAKED_SHARE = 0.9  # a public file agreeing with 90% of the test answers (id and value) gives them away


def layout_problems(spec: TaskSpec, out: Path) -> list[str]:
    """What is wrong with a generator's output folder against the environment contract (empty: nothing)."""
    layout, g = table_layout(spec), spec.grading
    problems, frames = [], {}
    for rel, columns in layout.items():
        if not (out / rel).is_file():
            problems.append(f"{rel} is missing")
            continue
        frame = pd.read_csv(out / rel)
        frames[rel] = frame
        if list(frame.columns) != columns:
            problems.append(f"{rel} has columns {list(frame.columns)[:12]}, expected {columns}")
        elif g.id_column in columns and frame[g.id_column].duplicated().any():  # edges.csv: its contract's check
            problems.append(f"{rel} repeats ids")
    extra = sorted(p.relative_to(out).as_posix() for p in (out / "private").rglob("*")
                   if p.is_file() and p.relative_to(out).as_posix() not in layout) if (out / "private").is_dir() else []
    problems += [f"unexpected private file {e}" for e in extra[:3]]
    if problems:
        return problems
    train, test, answers = (frames[f"{p}.csv"] for p in ("public/train", "public/test", "private/answers"))
    if not MIN_TRAIN_ROWS <= len(train) <= MAX_TRAIN_ROWS or len(train) != spec.n_train:
        problems.append(f"train.csv has {len(train)} rows, --n-train was {spec.n_train} (50-200 at micro scale)")
    if len(test) != spec.n_test:
        problems.append(f"test.csv has {len(test)} rows, --n-test was {spec.n_test}")
    ids = set(test[g.id_column].astype(str))
    for rel in ("private/answers.csv", "public/sample_submission.csv", "private/oracle_submission.csv"):
        if set(frames[rel][g.id_column].astype(str)) != ids:
            problems.append(f"{rel} does not hold exactly the test ids")
    if ids & set(train[g.id_column].astype(str)):
        problems.append("train and test ids overlap")
    for rel in ("public/sample_submission.csv", "private/oracle_submission.csv"):
        try:
            grade_submission(frames[rel], answers, g)
        except (InvalidSubmission, ValueError) as exc:
            problems.append(f"{rel} is not a valid submission: {exc}"[:300])
    return problems


def answers_in_public_check(spec: TaskSpec, folder: EnvFolder) -> Check:
    """No public CSV pairs test ids with their answers (a copy of answers.csv, the target column in test.csv): a file
    agreeing with the answers on at least `LEAKED_SHARE` of at least `MIN_LEAKED_ROWS` test ids gives them away (an
    uninformed sample submission agrees only where the prior happens to be right)."""
    g = spec.grading
    answers = pd.read_csv(folder.answers, dtype=str)
    worst, where = 0.0, None
    for path in sorted(folder.public.rglob("*.csv")):
        frame = pd.read_csv(path, dtype=str)
        for target in (t for t in spec.target.columns if t in frame and g.id_column in frame):
            both = frame[[g.id_column, target]].merge(answers[[g.id_column, target]], on=g.id_column)
            share = float((both[f"{target}_x"] == both[f"{target}_y"]).mean()) if len(both) >= MIN_LEAKED_ROWS else 0.0
            if share > worst:
                worst, where = share, f"{folder.relpath(path)}:{target}"
    leaked = worst >= LEAKED_SHARE
    return Check(name="public_files_hold_no_answers", group="leakage", passed=not leaked, figure=round(worst, 4),
                 detail=f"{worst:.0%} of the test answers (id and value) found in {where}" if leaked else
                 f"best agreement of a public file with the test answers: {worst:.0%} ({where or 'none'})",
                 repair="new_seed")


def _install(spec: TaskSpec, out: Path, folder: EnvFolder) -> None:
    """Put a checked output into the staging folder: public/ as written, answers, oracle, and the gold submission."""
    for target in (folder.public, folder.private):
        if target.exists():
            shutil.rmtree(target)
    shutil.copytree(out / "public", folder.public)
    folder.private.mkdir(parents=True)
    shutil.copyfile(out / "private" / "answers.csv", folder.answers)
    shutil.copyfile(out / "private" / "oracle_submission.csv", folder.oracle_submission)
    answers = pd.read_csv(folder.answers)
    seed_layout(perfect_submission(answers, spec.grading), answers, spec.grading).to_csv(folder.gold_submission,
                                                                                        index=False)


def _attempt(spec: TaskSpec, source: str, folder: EnvFolder, limits: Limits, backend: str | None
             ) -> tuple[str | None, str | None, GeneratorRun]:
    """One round: run twice, check, install. Returns (failure kind, feedback text, the run); kind None = accepted."""
    args = generator_args("out", spec.n_train, spec.n_test, generator_seed(spec), "micro")
    with tempfile.TemporaryDirectory(prefix="sandmle-gen-") as tmp:
        out = Path(tmp) / "out"
        run, differing = generate_twice(source, args, out, limits, backend)
        if not run.ok:
            return run.outcome, (f"generate.py {run.outcome} ({run.problem}) in the sandbox "
                                 f"(`python generate.py {' '.join(args)}`). stderr tail:\n```\n"
                                 f"{run.stderr_tail[-2500:]}\n```"), run
        if differing:
            return "non_deterministic", (f"generate.py is non-deterministic: two runs with the same options wrote "
                                         f"different bytes in {differing[:8]}. Draw every random number from "
                                         f"numpy.random.default_rng(--seed) and nothing else."), run
        problems = layout_problems(spec, out)
        if problems:
            return "layout", "The files do not follow the contract:\n" + "\n".join(f"- {p}" for p in problems), run
        _install(spec, out, folder)
    failed = [c for c in (*data_leakage_checks(spec, folder), answers_in_public_check(spec, folder),
                          *realism_checks(spec, folder), *dna_checks(spec, folder)) if not c.passed]
    if failed:
        return "checks", "The data failed the verifier's checks:\n" + "\n".join(
            f"- {c.name} ({c.group}): figure {c.figure} — {c.detail}" for c in failed), run
    return None, None, run


def _data_failures(checks: list[Check]) -> list[Check]:
    """The failed checks the program's data can fix: all but the LLM review and the description's own checks."""
    return [c for c in checks if not c.passed and c.group != "review" and not c.name.startswith("description_")]


def data_feedback(checks: list[Check], level_means: dict[int, float]) -> str | None:
    """The verifier's failures a generator can fix, as feedback for its program (None: none of them is the data's).

    Everything but the LLM review and the description's own checks (the writer's, not the program's): data
    contracts, the grader's checks on the program's sample and oracle submissions, ladder order and gain,
    thresholds, leakage, realism and Task DNA.
    """
    failed = _data_failures(checks)
    if not failed:
        return None
    means = {k: round(v, 5) for k, v in sorted(level_means.items())}
    return ("The environment built from your data was rejected by the verifier (the data contracts, then the "
            "solution ladder trained on your train.csv and graded on your answers):\n"
            + "\n".join(f"- {c.name} ({c.group}): figure {c.figure} — {c.detail}"[:400] for c in failed[:12])
            + f"\nLadder mean score per level (level 0 = the simplest): {means}.\nChange the program so that the "
              "data passes these checks and call `submit_generator` again with the whole program.")


class ScriptGenerator:
    """One environment's generator conversation: the first program, its code repairs, and later data repairs."""

    def __init__(self, session: AgentSession, spec: TaskSpec, staging: EnvFolder | Path,
                 backend: str | None = None) -> None:
        cfg = session.config
        self.session, self.spec, self.folder, self.backend = session, spec, EnvFolder.of(staging), backend
        self.limits = Limits(wall_seconds=cfg.script_timeout, cpu_seconds=cfg.script_timeout, memory_mb=2048)
        previous = session.notes.get(spec.env_id, {}).get("generator_feedback")  # a rejected attempt's checks
        self.conv = Conversation.start("developer", "generator", "submit_generator", generator_prompt(spec, previous))
        self.code_rounds = 0  # repair rounds after executions (conv.rounds also counts schema repairs)
        self.data_rounds: list[dict[str, Any]] = []  # one per verifier rejection sent back to the program
        self.source, self.run = "", None

    def synthesize(self) -> dict[str, Any]:
        """Get, run, check and repair the program until accepted; install its data and ship it.

        Returns:
            The synthesis stats (rows, rounds, the sandbox backend).

        Raises:
            GeneratorRejected: still failing after `code_rounds` repair rounds (`kind`: crashed, stopped,
                bad_output, non_deterministic, layout or checks).
            AgentGaveUp, LLMUnavailable, LLMRequestRejected: the model delivered no valid program.
            SandboxError: no strict sandbox on this machine.
        """
        cfg, rounds = self.session.config, 0
        while True:
            self.source = self.session.ask(self.conv, GeneratorProposal.model_validate).source
            kind, feedback, run = _attempt(self.spec, self.source, self.folder, self.limits, self.backend)
            self.run = run
            self.session.transcript.write({"role": "developer", "stage": "generator", "round": self.conv.rounds,
                                           "executed": {"outcome": kind or "accepted", "stopped_by": run.stopped_by,
                                                        "sandbox": run.isolation.backend,
                                                        "feedback": (feedback or "")[-600:]}})
            if kind is None:
                break
            if rounds >= cfg.code_rounds:  # the gist first: a verdict keeps only the reason's first 300 characters
                lines = [ln.strip() for ln in (run.stderr_tail if kind in ("crashed", "stopped") else feedback or ""
                                               ).splitlines() if ln.strip()]
                raise GeneratorRejected("synthesize", f"generate.py rejected ({kind}) after {rounds} repair round(s)"
                                                      f": {lines[-1] if lines else run.problem} | {feedback}"[:2000],
                                        kind)
            rounds += 1
            self.conv.rounds += 1
            self.conv.feedback(feedback or "")
        self.code_rounds += rounds
        self._ship()
        return {"n_train": self.spec.n_train, "n_test": self.spec.n_test, "generator_rounds": self.code_rounds,
                "data_rounds": len(self.data_rounds), "sandbox": run.isolation.backend}

    def repair(self, checks: list[Check], level_means: dict[int, float]) -> bool:
        """Send a verifier rejection back to the program for one data repair round (at most `data_rounds`).

        Returns:
            True when a repaired program's data is installed (build the rest again and re-verify); False when
            the rounds are spent or nothing failed that the data could fix (the strategist redesigns).

        Raises:
            GeneratorRejected, AgentGaveUp, LLMUnavailable, LLMRequestRejected: as `synthesize`.
        """
        feedback = data_feedback(checks, level_means)
        if feedback is None or len(self.data_rounds) >= self.session.config.data_rounds:
            return False
        failed = [f"{c.name}: {c.figure}" for c in _data_failures(checks)]  # what the feedback sent
        self.data_rounds.append({"round": len(self.data_rounds) + 1, "conversation_round": self.conv.rounds + 1,
                                 "failed": failed[:12]})
        self.session.transcript.write({"role": "developer", "stage": "generator", "round": self.conv.rounds + 1,
                                       "data_repair": self.data_rounds[-1]})
        self.conv.rounds += 1
        self.conv.feedback(feedback)
        self.synthesize()
        return True

    def _ship(self) -> None:
        """The accepted program and its conversation (with every data repair round) on the private side."""
        assert self.run is not None
        (self.folder.private / PROGRAM_FILE).write_text(self.source)
        (self.folder.private / TRANSCRIPT_FILE).write_text(json.dumps(
            {"seed": generator_seed(self.spec), "rounds": self.code_rounds, "data_rounds": self.data_rounds,
             "files": self.run.files, "messages": self.conv.messages}, indent=1, sort_keys=True) + "\n")


def record_full_scale(session: AgentSession, spec: TaskSpec, staging: EnvFolder | Path,
                      backend: str | None = None) -> dict[str, Any] | None:
    """Run an accepted environment's generate.py once at full scale (`config.full_scale` times the micro rows, in the
    strict sandbox: wall and CPU 10x `script_timeout`, 4 GB of memory, a 2 GB workspace) and record the outcome as
    `full_scale` in its generate_transcript.json — without the run's seconds, so that the private side stays
    byte-identical between builds of the same inputs (the seconds go to the manifest's timings, by the caller).

    Returns:
        The record with `wall_seconds` and `cpu_seconds`, or None when `full_scale` is 0.
    """
    cfg, folder = session.config, EnvFolder.of(staging)
    if cfg.full_scale == 0:
        return None
    seconds = 10 * cfg.script_timeout
    record = run_full_scale(spec, (folder.private / PROGRAM_FILE).read_text(), cfg.full_scale,
                            Limits(wall_seconds=seconds, cpu_seconds=seconds, memory_mb=4096), disk_mb=2048,
                            backend=backend)
    kept = {k: v for k, v in record.items() if k not in ("wall_seconds", "cpu_seconds")}
    path = folder.private / TRANSCRIPT_FILE
    transcript = json.loads(path.read_text())
    path.write_text(json.dumps({**transcript, "full_scale": kept}, indent=1, sort_keys=True) + "\n")
    session.transcript.write({"role": "developer", "stage": "generator", "full_scale": record})
    return record


def synthesize_by_script(session: AgentSession, spec: TaskSpec, staging: EnvFolder | Path,
                         backend: str | None = None) -> dict[str, Any]:
    """Get, run, check and repair the generator of a script-rule spec; install its data into `staging`
    (`ScriptGenerator.synthesize`; keep the `ScriptGenerator` to send later verifier failures back to it)."""
    return ScriptGenerator(session, spec, staging, backend).synthesize()
