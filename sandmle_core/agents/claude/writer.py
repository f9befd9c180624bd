"""The Claude technical writer: the model writes the whole description.md; code verifies its facts.

The model writes every prose section (title, Overview, Data, Evaluation, Submission) from the public spec and the
public folder's listing through the tool `write_description`. A candidate is accepted only when the fact checks of
`description.py` pass (every public file and column named, the exact sample-submission header, the metric by name,
no file or column that does not exist) and the verifier's own description checks pass on the assembled file (no
quoted answers, none of the hidden rule's numbers); otherwise every failing check goes back to the model with its
figure, within the session's repair budget. The MLOps engineer's note is added under Evaluation, and the rendered
exact submission block under the model's Submission section (why: `description.py`).

When the model cannot produce a valid description within the budget, the writer falls back to the rendered
description (the offline writer's exact sections) with the model's Overview: the last proposal's Overview when it
passes the leak checks, else one from the `write_overview` tool (its own repair loop). The fallback is never silent:
the transcript gets a `fallback` line with the reason, a warning is logged, and the verifier puts it into the
verdict's `notes` (validation.json's `notes`, the manifest row's `notes`).
"""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from sandmle_core.agents.checks import description_checks
from sandmle_core.agents.claude.description import (
    DescriptionFacts,
    DescriptionProposal,
    assemble_description,
    fact_problems,
)
from sandmle_core.agents.claude.errors import AgentGaveUp
from sandmle_core.agents.claude.prompts import overview_prompt, writer_prompt
from sandmle_core.agents.claude.schemas import OverviewProposal
from sandmle_core.agents.claude.session import AgentSession, Conversation
from sandmle_core.agents.offline.writer import render_description
from sandmle_core.envfolder import EnvFolder
from sandmle_core.leaderboard import Thresholds
from sandmle_core.taskspec import TaskSpec

__all__ = ["FALLBACK_NOTE", "ClaudeWriter", "compose_description"]

FALLBACK_NOTE = "writer_fallback"  # session.notes[env_id] key: the verifier puts it into the verdict's notes

log = logging.getLogger(__name__)


def compose_description(spec: TaskSpec, sample: pd.DataFrame, overview: str, metric_note: str | None) -> str:
    """The fallback description.md: the offline rendering with the model's Overview and the metric note."""
    text = render_description(spec.model_copy(update={"story": overview.strip()}), sample)
    if metric_note:
        head, sep, tail = text.partition("\n\n## Submission format")
        text = f"{head}\n\n### What the metric rewards here\n\n{metric_note.strip()}{sep}{tail}"
    return text


def _leaks(spec: TaskSpec, staging: EnvFolder) -> list[str]:
    """The verifier's description checks that fail on the description.md written to `staging`, with figures."""
    return [f"{c.name} failed (figure {c.figure}): {c.detail}" for c in description_checks(spec, staging)
            if not c.passed]


class ClaudeWriter:
    """Writer role of the Claude backend (see the module docstring)."""

    def __init__(self, session: AgentSession) -> None:
        self.session = session

    def write_description(self, spec: TaskSpec, staging: EnvFolder | Path, thresholds: Thresholds) -> Path:
        staging = EnvFolder.of(staging)
        sample = pd.read_csv(staging.sample_submission)
        note = self.session.notes.get(spec.env_id, {}).get("metric_note")
        facts = DescriptionFacts.of(spec, staging.public, sample)
        conv = Conversation.start("writer", "description", "write_description",
                                  writer_prompt(spec, note, facts.listing(), facts.header))
        proposals: list[DescriptionProposal] = []

        def validate(data: dict) -> DescriptionProposal:
            proposal = DescriptionProposal.model_validate(data)
            proposals.append(proposal)
            problems = fact_problems(proposal, facts)
            staging.description.write_text(assemble_description(proposal, spec, sample, note))
            problems += _leaks(spec, staging)
            if problems:
                raise ValueError("\n- ".join(problems))
            return proposal

        self.session.notes.setdefault(spec.env_id, {}).pop(FALLBACK_NOTE, None)  # a rebuild writes afresh
        try:
            self.session.ask(conv, validate)
        except AgentGaveUp as exc:
            self._fall_back(spec, staging, sample, note, proposals[-1] if proposals else None, exc.reason)
        return staging.description

    def _fall_back(self, spec: TaskSpec, staging: EnvFolder, sample: pd.DataFrame, note: str | None,
                   last: DescriptionProposal | None, reason: str) -> None:
        """The rendered description with the model's Overview; recorded in the transcript and the log."""
        source = "the last write_description proposal"
        if last is not None:
            staging.description.write_text(compose_description(spec, sample, last.overview, note))
        if last is None or _leaks(spec, staging):
            source = "write_overview"
            conv = Conversation.start("writer", "description", "write_overview", overview_prompt(spec, note))

            def validate(data: dict) -> OverviewProposal:
                proposal = OverviewProposal.model_validate(data)
                staging.description.write_text(compose_description(spec, sample, proposal.overview, note))
                failed = _leaks(spec, staging)
                if failed:
                    raise ValueError("; ".join(failed))
                return proposal

            self.session.ask(conv, validate)
        self.session.transcript.write({"role": "writer", "stage": "description", "fallback": "rendered sections",
                                       "overview_from": source, "reason": reason})
        self.session.notes.setdefault(spec.env_id, {})[FALLBACK_NOTE] = (
            f"writer fallback: description.md is sandmle's rendered sections with the model's Overview (from "
            f"{source}); the model's description failed its checks: {reason}"[:600])
        log.warning("%s: the writer's description failed its checks; fell back to the rendered sections with the "
                    "model's Overview (from %s): %s", spec.env_id, source, reason[:300])
