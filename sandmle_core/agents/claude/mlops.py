"""The Claude MLOps engineer: sandmle's deterministic grader, and the model's explanation of the metric.

The metric, its direction and the thresholds are fixed (the seed's metric family; the mle-bench medal rule on the
ladder's leaderboard), and grade.py / evaluator.py are rendered from the one grading runtime the verifier checks
against — an LLM-written grader could only be worse at agreeing with it to 5 decimals. What the model adds is the
explanation of what the metric rewards in this task's terms; the writer puts it under "Evaluation". The note must
not quote a threshold (the verifier's leakage checks cover the rest of description.md).

Metric proposals (`metric_proposals`, off by default: one more call per slot): when the strategist has built a spec,
`choose_metric` offers the model the registry's metrics that `sandmle_core.metrics.metric_refusal` allows for the
seed (same direction, submission kind and task type) and asks for one of them or none. A proposal the rule refuses
is recorded in the transcript and the seed's metric kept; an allowed one becomes the spec's grading metric before
anything is built, so data, ladder, grader, thresholds, description and the verifier's DNA check all follow it.
The graders stay sandmle's: the model only names a metric. A seed with no alternative costs no call; a slot asks
once (its repairs reuse the answer).
"""

from __future__ import annotations

import re
from pathlib import Path

from sandmle_core.agents.base import LadderRun
from sandmle_core.agents.claude.prompts import metric_choice_prompt, metric_prompt
from sandmle_core.agents.claude.schemas import MetricNote, MetricProposal
from sandmle_core.agents.claude.session import AgentSession, Conversation
from sandmle_core.agents.offline.mlops import OfflineMLOps
from sandmle_core.envfolder import EnvFolder
from sandmle_core.leaderboard import Thresholds
from sandmle_core.metrics import TASK_METRICS, metric_refusal
from sandmle_core.taskspec import TaskSpec

__all__ = ["ClaudeMLOps"]


def _quoted(value: float, text: str) -> bool:
    shown = {f"{value:.5f}".rstrip("0").rstrip("."), f"{value:.4f}".rstrip("0").rstrip("."),
             f"{value:.3f}".rstrip("0").rstrip(".")}
    return any(len(s.replace("-", "").replace(".", "").lstrip("0")) >= 2
               and re.search(rf"(?<![\d.]){re.escape(s)}(?!\d)", text) for s in shown)


class ClaudeMLOps:
    """MLOps role of the Claude backend (see the module docstring)."""

    def __init__(self, session: AgentSession) -> None:
        self.session = session
        self._offline = OfflineMLOps()
        self._chosen: dict[tuple[str, int, int], str] = {}

    def choose_metric(self, spec: TaskSpec) -> TaskSpec:
        """`spec` graded by the registered metric the model proposes when the rule allows it, else unchanged.

        Raises:
            AgentGaveUp, LLMUnavailable, LLMRequestRejected: no valid answer from the model.
        """
        seed, task_type = spec.dna.metric, spec.dna.task_type.value
        slot = (spec.seed_id, spec.index, spec.rng_seed)
        if slot not in self._chosen:
            candidates = sorted(m for m in TASK_METRICS.get(task_type, frozenset())
                                if m != seed and metric_refusal(m, seed, task_type) is None)
            self._chosen[slot] = self._ask_metric(spec, candidates) if candidates else seed
        metric = self._chosen[slot]
        if metric == spec.grading.metric:
            return spec
        return spec.model_copy(update={"grading": spec.grading.model_copy(update={"metric": metric})})

    def _ask_metric(self, spec: TaskSpec, candidates: list[str]) -> str:
        seed, task_type = spec.dna.metric, spec.dna.task_type.value
        conv = Conversation.start("mlops", "draft", "propose_metric", metric_choice_prompt(spec, candidates))
        proposal = self.session.ask(conv, MetricProposal.model_validate)
        proposed = (proposal.metric or seed).strip()
        refusal = metric_refusal(proposed, seed, task_type)
        self.session.transcript.write({"role": "mlops", "stage": "draft", "metric": {
            "seed": seed, "proposed": proposal.metric, "refused": refusal, "kept": refusal is not None}})
        return seed if refusal else proposed

    def write_grader(self, spec: TaskSpec, staging: EnvFolder | Path, ladder: LadderRun) -> Thresholds:
        """grade.py, evaluator.py, leaderboard.csv and thresholds (as offline), then the model's metric note."""
        thresholds = self._offline.write_grader(spec, staging, ladder)
        means = {k: round(v, 5) for k, v in ladder.level_means().items()}
        conv = Conversation.start("mlops", "grader", "explain_metric", metric_prompt(spec, means, ladder.sample_score))
        secret = (thresholds.gold, thresholds.silver, thresholds.bronze, thresholds.median)

        def validate(data: dict) -> MetricNote:
            note = MetricNote.model_validate(data)
            leaked = [v for v in secret if _quoted(v, note.explanation)]
            if leaked:
                raise ValueError(f"the explanation quotes leaderboard thresholds {leaked}: describe, do not quote")
            return note

        note = self.session.ask(conv, validate)
        self.session.notes.setdefault(spec.env_id, {})["metric_note"] = note.explanation
        return thresholds
