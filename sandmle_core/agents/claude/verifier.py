"""The Claude verifier: every programmatic check first, then an LLM review on top — never instead.

For a `script` rule the programmatic checks get one more, `public_files_hold_no_answers` (the developer's gate,
recorded in validation.json). The verifier only judges: the full-scale run of an accepted generate.py (a benchmark
run, not a check) happens after acceptance, in the pipeline (`generate._run_full_scale`). A writer's fallback
to the rendered description becomes a note of the verdict (validation.json and the manifest's `notes`).

The review runs only when the programmatic verdict accepts (a rejected environment is rejected anyway; reviewing it
would only spend tokens). The model sees the hidden rule in words, the ladder's figures and description.md, and
answers two questions, each becoming a `review` check: does the description leak the rule, and is the task
meaningful? A failed review check asks for a new seed; the Claude strategist then asks the model for a corrected
proposal with the review's reasons.

Usage: the review happens after `generate.build_environment` read the build's usage. When the environment is
accepted, the review's cost is added to `build.usage` in place, so config.yaml counts it; when it is rejected, the
cost stays in the session's ledger and is counted with the next attempt's build.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sandmle_core.agents.base import BuildResult, Check, Usage, Verdict
from sandmle_core.agents.claude.prompts import review_prompt
from sandmle_core.agents.claude.schemas import Review
from sandmle_core.agents.claude.script_developer import answers_in_public_check
from sandmle_core.agents.claude.session import AgentSession, Conversation
from sandmle_core.agents.claude.writer import FALLBACK_NOTE
from sandmle_core.agents.verifier import ProgrammaticVerifier, redecide
from sandmle_core.envfolder import EnvFolder
from sandmle_core.script_rule import ScriptRule
from sandmle_core.taskspec import TaskSpec

__all__ = ["ClaudeVerifier", "review_checks"]


def review_checks(review: Review) -> list[Check]:
    """The review's two answers as verifier checks."""
    return [
        Check(name="review_no_rule_leak", group="review", passed=not review.rule_leak,
              figure=review.leak_evidence[:200] or None, repair="new_seed",
              detail="LLM review: the description must not reveal the hidden rule"
              + (f" ({review.leak_evidence[:200]})" if review.rule_leak and review.leak_evidence else "")),
        Check(name="review_task_meaningful", group="review", passed=review.meaningful, figure=None,
              repair="new_seed", detail=f"LLM review: {review.reason[:300]}"),
    ]


def _absorb(target: Usage, extra: Usage) -> None:
    """Add `extra` into `target` in place (BuildResult is frozen; its Usage is the environment's running account)."""
    total = target.add(extra)
    for name in Usage.model_fields:
        setattr(target, name, getattr(total, name))


class ClaudeVerifier:
    """Verifier role of the Claude backend (see the module docstring)."""

    def __init__(self, session: AgentSession) -> None:
        self.session = session
        self.programmatic = ProgrammaticVerifier()

    def verify(self, spec: TaskSpec, staging: EnvFolder | Path, build: BuildResult,
                contracts: list[dict[str, Any]]) -> Verdict:
        verdict = self.programmatic.verify(spec, staging, build, contracts)
        fallback = self.session.notes.get(spec.env_id, {}).get(FALLBACK_NOTE)
        if fallback:  # announced in validation.json and the manifest, not only in the transcript
            verdict = verdict.model_copy(update={"notes": [*verdict.notes, fallback]})
        if isinstance(spec.rule, ScriptRule):  # a model wrote the public files: record that they hold no answers
            verdict = redecide(verdict, [*verdict.checks, answers_in_public_check(spec, EnvFolder.of(staging))])
        if not verdict.accepted or not self.session.config.review:
            return verdict
        means = {k: round(v, 5) for k, v in build.ladder.level_means().items()}
        figures = {"metric": spec.grading.metric, "level_means": means, "sample": build.ladder.sample_score,
                   "oracle": build.ladder.oracle_score, "kendall_tau": verdict.kendall_tau,
                   "thresholds": build.thresholds.model_dump(mode="json")}
        description = EnvFolder.of(staging).description.read_text()
        conv = Conversation.start("verifier", "validate", "review_environment",
                                  review_prompt(spec, description, figures))
        review = self.session.ask(conv, Review.model_validate)
        checks = verdict.checks + review_checks(review)
        final = redecide(verdict, checks)
        if final.accepted:
            _absorb(build.usage, self.session.take_usage())
        return final
