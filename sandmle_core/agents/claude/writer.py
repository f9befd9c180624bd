"""The Claude technical writer: the model writes the Overview, sandmle writes the rest of description.md.

The data, column, evaluation and submission sections are rendered by the offline writer from the public spec (they
must be exact: file names, column kinds, metric formula, submission format); the model writes the Overview prose
from the public spec alone, and the MLOps engineer's note on the metric is added under "Evaluation". A candidate is
accepted only when the verifier's own description checks pass on it (no quoted answers, none of the hidden rule's
numbers); otherwise the failing check and its figure go back to the model.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from sandmle_core.agents.checks import leakage_checks
from sandmle_core.agents.claude.prompts import writer_prompt
from sandmle_core.agents.claude.schemas import OverviewProposal
from sandmle_core.agents.claude.session import AgentSession, Conversation
from sandmle_core.agents.offline.writer import render_description
from sandmle_core.envfolder import EnvFolder
from sandmle_core.leaderboard import Thresholds
from sandmle_core.taskspec import TaskSpec

__all__ = ["ClaudeWriter", "compose_description"]

_DESCRIPTION_CHECKS = ("description_has_no_answers", "description_hides_rule")


def compose_description(spec: TaskSpec, sample: pd.DataFrame, overview: str, metric_note: str | None) -> str:
    """description.md: the offline rendering with the model's Overview and the metric note under Evaluation."""
    text = render_description(spec.model_copy(update={"story": overview.strip()}), sample)
    if metric_note:
        head, sep, tail = text.partition("\n\n## Submission format")
        text = f"{head}\n\n### What the metric rewards here\n\n{metric_note.strip()}{sep}{tail}"
    return text


class ClaudeWriter:
    """Writer role of the Claude backend (see the module docstring)."""

    def __init__(self, session: AgentSession) -> None:
        self.session = session

    def write_description(self, spec: TaskSpec, staging: EnvFolder | Path, thresholds: Thresholds) -> Path:
        staging = EnvFolder.of(staging)
        sample = pd.read_csv(staging.sample_submission)
        note = self.session.notes.get(spec.env_id, {}).get("metric_note")
        path = staging.description
        conv = Conversation.start("writer", "description", "write_overview", writer_prompt(spec, note))

        def validate(data: dict) -> OverviewProposal:
            proposal = OverviewProposal.model_validate(data)
            path.write_text(compose_description(spec, sample, proposal.overview, note))
            failed = [c for c in leakage_checks(spec, staging) if c.name in _DESCRIPTION_CHECKS and not c.passed]
            if failed:
                raise ValueError("; ".join(f"{c.name} failed (figure {c.figure}): {c.detail}" for c in failed))
            return proposal

        self.session.ask(conv, validate)
        return path
