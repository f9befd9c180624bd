"""The Claude developer: the data from the rule, and a solution ladder the model writes and debugs by running it.

`build_data` synthesizes the data exactly like the offline developer (the spec's rule is one of sandmle's rule
models, calibrated by the strategist) — or, for a `script` rule, has the model write the data-generating program
(`script_developer.py`) — and binds the transcript to the environment. `run_ladder` asks the model for
5-8 standalone ladder scripts (it sees the public spec and the first training rows, never the rule or the
answers), runs every script with every ladder seed in one sandboxed harness, grades the submissions on the host,
and applies the verifier's own solution and threshold checks. A crash, a timeout, an invalid submission or a
failed check goes back to the model — the stderr tail, the failing figure — for at most `code_rounds` repair rounds.
Failures the scripts cannot fix (the data is trivially perfect, gold reaches the optimum) end the rounds early:
the verifier then asks the strategist for more noise. The last ladder is returned either way; the verifier, not
the developer, decides.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any

import pandas as pd

from sandmle_core.agents.base import BuildResult, Check, LadderRun, RunScore, Usage, Verdict
from sandmle_core.agents.claude.prompts import developer_prompt
from sandmle_core.agents.claude.schemas import LadderProposal
from sandmle_core.agents.claude.script_developer import ScriptGenerator, record_full_scale
from sandmle_core.agents.claude.session import AgentSession, Conversation
from sandmle_core.agents.offline.developer import LADDER_SEEDS, OfflineDeveloper, run_ladder_scripts
from sandmle_core.agents.offline.mlops import leaderboard_scores
from sandmle_core.agents.verifier import solution_checks, threshold_checks
from sandmle_core.envfolder import EnvFolder
from sandmle_core.grading import grade_submission
from sandmle_core.ladder import LadderScript, ladder_for
from sandmle_core.ladder.configs import config_from_spec
from sandmle_core.leaderboard import build_leaderboard, thresholds_from_leaderboard
from sandmle_core.metrics import get_metric
from sandmle_core.modalities.image.named import tables_of
from sandmle_core.sandbox import Isolation, Limits
from sandmle_core.script_rule import ScriptRule
from sandmle_core.taskspec import TaskSpec

__all__ = ["SCRIPT_FIXABLE", "ClaudeDeveloper", "run_scripts"]

# Checks a better ladder can fix; the others (trivially perfect data, gold at the optimum) are the data's fault.
SCRIPT_FIXABLE = frozenset({"ladder_runs_valid", "ladder_order_kept", "reference_beats_sample",
                            "thresholds_strictly_monotone", "thresholds_beat_sample"})
def run_scripts(scripts: list[LadderScript], public_dir: Path, answers: pd.DataFrame, spec: TaskSpec,
                per_run_timeout: float, backend: str | None
                ) -> tuple[list[RunScore], dict[int, str], float, Isolation]:
    """Run every script with every ladder seed in one sandboxed harness (the offline developer's runner); grade on
    the host.

    Returns:
        The runs, the first error text per level (a long tail, for the model's feedback), the seconds spent
        inside the scripts, and the isolation they ran under (generated code: the strict sandbox policy).

    Raises:
        GenerationError: when the sandboxed harness itself cannot run.
    """
    budget = 60 + (per_run_timeout + 5) * len(scripts) * len(LADDER_SEEDS)
    scores, compute, _, isolation = run_ladder_scripts(
        scripts, public_dir, answers, lambda sub, ans: grade_submission(sub, ans, spec.grading),
        limits=Limits(wall_seconds=budget, cpu_seconds=budget, memory_mb=4096), backend=backend,
        run_timeout=per_run_timeout, error_tail=2500, policy="strict")
    errors: dict[int, str] = {}
    for run in scores:
        if run.error is not None and run.level not in errors:
            errors[run.level] = run.error
    return scores, errors, compute, isolation


def _feedback(scripts: list[LadderScript], errors: dict[int, str], failed: list[Check], ladder: LadderRun,
              spec: TaskSpec) -> str:
    metric = get_metric(spec.grading.metric)
    lines = ["Your ladder ran in the sandbox and needs repair."]
    for level, error in sorted(errors.items()):
        name = next(s.name for s in scripts if s.level == level)
        lines.append(f"\n## level {level} ({name}) failed — stderr / traceback tail:\n```\n{error}\n```")
    if failed:
        lines.append("\n## failed checks")
        lines += [f"- {c.name}: figure {c.figure} — {c.detail}" for c in failed]
    means = {k: round(v, 5) for k, v in ladder.level_means().items()}
    lines.append(f"\nMetric {metric.name} ({'lower' if metric.lower_is_better else 'higher'} is better). Mean score "
                 f"per level: {means}; sample submission {ladder.sample_score:.5f}; metric optimum {metric.optimum}.")
    lines.append("Call `submit_ladder` again with the whole corrected ladder (every script, not only the changed "
                 "ones).")
    return "\n".join(lines)


class ClaudeDeveloper:
    """Developer role of the Claude backend (see the module docstring)."""

    def __init__(self, session: AgentSession, sandbox_backend: str | None = None) -> None:
        self.session = session
        self.sandbox_backend = sandbox_backend
        self._data = OfflineDeveloper(sandbox_backend=sandbox_backend)
        self._generators: dict[str, ScriptGenerator] = {}  # env_id -> its generator conversation (script rules)

    @property
    def last_usage(self) -> Usage:
        """The API usage since the previous read: read once per build by `generate.build_environment`, it covers the
        strategist's draft or repair, the developer, MLOps and writer calls of that build, and a carried-over
        review of a rejected previous attempt."""
        return self.session.take_usage()

    def build_data(self, spec: TaskSpec, staging: EnvFolder | Path) -> dict[str, Any]:
        """The data, sample and gold submissions (as offline, or from the model's generate.py for a `script` rule),
        and the transcript bound to this environment.

        Raises:
            GeneratorRejected: a script rule's program still failed after the repair rounds (`script_developer`).
        """
        self.session.transcript.bind(staging, spec.env_id)
        self._generators.pop(spec.env_id, None)
        if isinstance(spec.rule, ScriptRule):
            generator = ScriptGenerator(self.session, spec, staging, self.sandbox_backend)
            self._generators[spec.env_id] = generator
            return generator.synthesize()
        return self._data.build_data(spec, staging)

    def repair_data(self, spec: TaskSpec, build: BuildResult, verdict: Verdict) -> bool:
        """Send a rejecting verdict back to a script rule's generate.py for one data repair round.

        Returns:
            True when repaired data is installed in `build.staging` (the caller rebuilds ladder, grader and
            description and verifies again); False for a calibrated rule, when the `data_rounds` are spent or no
            failure is the data's (the strategist repairs the spec instead).

        Raises:
            GeneratorRejected: the repaired program failed the generator's own checks after its code rounds.
        """
        generator = self._generators.get(spec.env_id)
        if generator is None or verdict.accepted:
            return False
        return generator.repair(verdict.checks, build.ladder.level_means())

    def run_full_scale(self, spec: TaskSpec, staging: EnvFolder | Path) -> dict[str, Any] | None:
        """The benchmark's one full-scale run of an accepted script rule's generate.py, recorded as `full_scale` in
        its generate_transcript.json (`script_developer.record_full_scale`); the pipeline calls it after acceptance.

        Returns:
            The record (with the run's seconds), or None for a calibrated rule or `full_scale` 0.
        """
        if not isinstance(spec.rule, ScriptRule):
            return None
        return record_full_scale(self.session, spec, staging, self.sandbox_backend)

    def run_ladder(self, spec: TaskSpec, staging: EnvFolder | Path) -> LadderRun:
        """Ask for the ladder, run it, repair it from the sandbox's feedback; write the last one to solutions/.

        Raises:
            AgentGaveUp, LLMUnavailable, LLMRequestRejected: the model could not deliver a valid ladder.
            GenerationError: the sandbox itself failed.
        """
        start = time.perf_counter()
        cfg = self.session.config
        staging = EnvFolder.of(staging)
        public = staging.public
        answers = pd.read_csv(staging.answers)
        config = config_from_spec(spec)
        head = tables_of(spec, staging)[0].head(5).to_csv(index=False).strip()  # labels in names: the listing
        level0 = ladder_for(config)[0].source
        conv = Conversation.start("developer", "ladder", "submit_ladder", developer_prompt(spec, config, head, level0))

        def grade(path: Path) -> float:
            return grade_submission(pd.read_csv(path), answers, spec.grading)

        sample, oracle, perfect = (grade(staging.sample_submission), grade(staging.oracle_submission),
                                   grade(staging.gold_submission))
        rounds = 0
        while True:
            proposal = self.session.ask(conv, LadderProposal.model_validate)
            scripts = [LadderScript(level=s.level, name=s.name, summary=s.summary, source=s.source)
                       for s in proposal.scripts]
            runs, errors, seconds, isolation = run_scripts(scripts, public, answers, spec, cfg.script_timeout,
                                                           self.sandbox_backend)
            ladder = LadderRun(runs=runs, sample_score=sample, oracle_score=oracle, perfect_score=perfect,
                               compute_seconds=round(seconds, 6), wall_seconds=0.0, sandbox=isolation)
            failed = self._failed_checks(spec, staging, ladder)
            fixable = [c for c in failed if c.name in SCRIPT_FIXABLE]
            self.session.transcript.write({
                "role": "developer", "stage": "ladder", "round": conv.rounds, "executed": {
                    "level_means": {k: round(v, 5) for k, v in ladder.level_means().items()},
                    "errors": {k: v[-300:] for k, v in errors.items()},
                    "failed_checks": [f"{c.name}: {c.figure}" for c in failed]}})
            if not fixable or rounds >= cfg.code_rounds:
                break
            rounds += 1
            conv.rounds += 1
            conv.feedback(_feedback(scripts, errors, fixable, ladder, spec))
        folder = staging.solutions
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir()
        for script in scripts:
            (folder / script.filename).write_text(script.source)
        return ladder.model_copy(update={"wall_seconds": round(time.perf_counter() - start, 6)})

    @staticmethod
    def _failed_checks(spec: TaskSpec, staging: EnvFolder, ladder: LadderRun) -> list[Check]:
        """The verifier's solution and threshold checks on this ladder (the same code, the same bar)."""
        lower = get_metric(spec.grading.metric).lower_is_better
        board = build_leaderboard(leaderboard_scores(ladder, lower), lower_is_better=lower)
        thresholds = thresholds_from_leaderboard(board)
        build = BuildResult(staging, ladder, thresholds, Usage(), {})
        checks, _, _ = solution_checks(spec, build)
        if ladder.scores():
            checks += threshold_checks(spec, build)
        return [c for c in checks if not c.passed]
