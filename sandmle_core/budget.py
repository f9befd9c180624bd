"""A build's spending cap in USD (`sandmle build --backend claude --budget-usd X`): parsing, the running account,
the rows of the slots it left unbuilt, and the one summary line.

The account is kept centrally by the flow, from the `cost_usd` of the manifest rows of the slots this build
finished — the priced token counts the API answered with, never an estimate. The flow submits a slot only while the
spent cost is below the cap (at most one slot per worker in flight); once it reaches the cap no new slot is drafted,
the slots already running finish normally (stopping one mid-build would throw away what it already spent), and every
slot not started gets an `unbuilt` row (stage `budget`): not a failure of the generator, so nothing in `failed/`
(`regenerate` leaves it alone), and the same `sandmle build` run again later builds exactly those slots (resume);
a slot a `sandmle regenerate` left unbuilt keeps its failure record, and the next `regenerate` builds it.
The overshoot is bounded by what the slots in flight at the moment the cap was reached spend.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from sandmle_core.errors import SandmleError
from sandmle_core.records import ManifestRow
from sandmle_core.slots import SlotKey

__all__ = ["BUDGET_STAGE", "UNBUILT", "BuildBudget", "InvalidBudget", "budget_line", "parse_budget", "unbuilt_row"]

UNBUILT = "unbuilt"
"""The manifest status of a slot a build budget stopped before it was drafted."""
BUDGET_STAGE = "budget"


class InvalidBudget(SandmleError):
    """A --budget-usd value that is not a positive finite number of dollars."""


def parse_budget(text: str | float) -> float:
    """The budget in USD.

    Raises:
        InvalidBudget: when the value is not a number, or not finite and > 0.
    """
    try:
        value = float(str(text).strip().lstrip("$"))
    except ValueError:
        raise InvalidBudget(f"{text!r} is not a number of US dollars (e.g. 0.50)") from None
    if not math.isfinite(value) or value <= 0:
        raise InvalidBudget(f"{text!r} must be a finite number of US dollars > 0")
    return value


@dataclass
class BuildBudget:
    """The running account of one build: the cap, and what the finished slots of this build reported spending."""

    limit_usd: float
    spent_usd: float = 0.0
    started: int = 0
    planned: int = 0
    unbuilt: list[str] = field(default_factory=list)

    @property
    def exhausted(self) -> bool:
        return self.spent_usd >= self.limit_usd

    def charge(self, row: ManifestRow) -> None:
        """Add a finished slot's measured cost."""
        self.spent_usd = round(self.spent_usd + row.cost_usd, 6)

    def report(self) -> dict[str, Any]:
        """What the flow's result and the CLI show."""
        return {"limit_usd": self.limit_usd, "spent_usd": round(self.spent_usd, 6), "slots_started": self.started,
                "slots_planned": self.planned, "slots_unbuilt": len(self.unbuilt), "stopped": bool(self.unbuilt)}


def unbuilt_row(key: SlotKey, backend: str, budget: BuildBudget, regenerating: bool = False) -> ManifestRow:
    """The manifest row of a slot the budget stopped before it was drafted (no spec, no environment, no cost); its
    reason names the command that builds it later: the same `sandmle build`, or for a slot of a regeneration (which
    keeps its failure record) `sandmle regenerate`."""
    run, again = (("regeneration", "its failure record stays: run `sandmle regenerate` on the corpus again")
                  if regenerating else ("build", "run the same `sandmle build` again"))
    return ManifestRow(
        slot=str(key), env_id=f"{key.seed_id}-slot{key.index:03d}", seed_id=key.seed_id, index=key.index,
        rng_seed=key.rng_seed, attempt_rng_seed=key.rng_seed, attempts=0, status=UNBUILT, stage=BUDGET_STAGE,
        reason=(f"not built: the {run}'s budget of ${budget.limit_usd:g} was spent (${budget.spent_usd:.4f}) before "
                f"this slot started; {again} to build it"), backend=backend)


def budget_line(report: dict[str, Any]) -> str:
    """`budget: spent $0.0213 of $0.02; stopped after 3 of 8 slots` (or `...; all 8 slots started`)."""
    head = f"budget: spent ${report['spent_usd']:.4f} of ${report['limit_usd']:g}"
    if report["stopped"]:
        return (f"{head}; stopped after {report['slots_started']} of {report['slots_planned']} slots "
                f"({report['slots_unbuilt']} not built, recorded as unbuilt in the manifest)")
    return f"{head}; all {report['slots_planned']} slots started"
