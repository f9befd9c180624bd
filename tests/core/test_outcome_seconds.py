"""A slot's seconds_total is the sum of its stages: the seconds inside the ladder scripts (`ladder_compute`) are a
part of the `ladder` stage and are kept in timings_json, not counted a second time."""

from __future__ import annotations

import json

from sandmle_core.agents.base import Usage
from sandmle_core.outcomes import SlotOutcome, manifest_row
from sandmle_core.slots import SlotKey


def test_seconds_total_counts_each_stage_once() -> None:
    timings = {"synthesize": 1.0, "ladder": 6.0, "ladder_compute": 4.5, "contracts": 0.5, "validate": 0.25}
    row = manifest_row(SlotOutcome(SlotKey("s", 1, 0), "s-x", "accepted", 1, None, None, timings, Usage()),
                       "offline")
    assert row.seconds_total == 7.75
    assert json.loads(row.timings_json)["ladder_compute"] == 4.5  # still reported, as a part of the ladder
    assert row.seconds_total / json.loads(row.timings_json)["ladder_compute"] < 2.0
