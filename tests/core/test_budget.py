"""The build budget's pieces: parsing, the account, the unbuilt row and the summary line (the build itself is in
tests/pipeline/test_budget.py)."""

from __future__ import annotations

import pytest

from sandmle_core.budget import BuildBudget, InvalidBudget, budget_line, parse_budget, unbuilt_row
from sandmle_core.records import ManifestRow
from sandmle_core.slots import SlotKey


@pytest.mark.parametrize(("text", "value"), [("0.5", 0.5), ("$2", 2.0), (" 10 ", 10.0), (0.02, 0.02)])
def test_a_positive_amount_is_a_budget(text, value):
    assert parse_budget(text) == value


@pytest.mark.parametrize("text", ["0", "-1", "nan", "inf", "abc", "", "1,5"])
def test_anything_else_is_refused(text):
    with pytest.raises(InvalidBudget):
        parse_budget(text)


def _row(cost: float) -> ManifestRow:
    return ManifestRow(slot="s:0:0", env_id="e", seed_id="s", index=0, rng_seed=0, attempt_rng_seed=0,
                       status="accepted", cost_usd=cost)


def test_the_account_is_exhausted_when_the_spent_cost_reaches_the_cap():
    budget = BuildBudget(0.1, planned=4)
    budget.charge(_row(0.06))
    assert not budget.exhausted
    budget.charge(_row(0.04))
    assert budget.exhausted and budget.spent_usd == 0.1


def test_unbuilt_rows_and_the_summary_line():
    budget = BuildBudget(0.1, spent_usd=0.12, started=2, planned=4)
    row = unbuilt_row(SlotKey("wine", 7, 3), "claude", budget)
    assert (row.status, row.stage, row.attempts, row.cost_usd) == ("unbuilt", "budget", 0, 0.0)
    assert row.slot == "wine:7:3" and "budget of $0.1 was spent ($0.1200)" in row.reason
    assert "run the same `sandmle build` again" in row.reason and "regenerate" not in row.reason
    again = unbuilt_row(SlotKey("wine", 7, 3), "claude", budget, regenerating=True).reason
    assert "the regeneration's budget" in again and "run `sandmle regenerate` on the corpus again" in again
    assert "sandmle build" not in again
    budget.unbuilt = [row.slot, "wine:7:2"]
    assert budget_line(budget.report()) == ("budget: spent $0.1200 of $0.1; stopped after 2 of 4 slots (2 not "
                                            "built, recorded as unbuilt in the manifest)")
    assert budget_line(BuildBudget(1.0, spent_usd=0.3, started=4, planned=4).report()) == (
        "budget: spent $0.3000 of $1; all 4 slots started")
