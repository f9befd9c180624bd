"""The README's cost per environment: two slots of breast-cancer built by the Claude backend through the real SDK
against the local Messages API server (`fake_anthropic.py`: its token counts, characters / 4 of the JSON, with its
simulated prompt cache), priced with `pricing.py` at the default model's list prices. The first slot writes the
prompt cache, the second reads it. Run: `PYTHONPATH=. .venv/bin/python -m tests.claude.measure_cost`.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from sandmle.data_contracts import contract_checker

from sandmle_core.pipeline import SlotJob, analyze_seed, read_profile, run_slot
from sandmle_core.slots import SlotKey
from tests.claude.conftest import point_at
from tests.claude.fake_anthropic import FakeAnthropic
from tests.claude.replies import PROPOSAL, happy_build, proposal


def main() -> None:
    """Build the two slots; print each one's tokens, cost, and cost per role."""
    root = Path(tempfile.mkdtemp())
    corpus = root / "corpus"
    with FakeAnthropic() as fake, pytest.MonkeyPatch.context() as mp:
        point_at(mp, fake, root / "slots")
        seed_id, path = analyze_seed("breast-cancer", corpus)
        profile = read_profile(path)
        for i in range(2):
            fake.push(*happy_build(proposal(domain={**PROPOSAL["domain"], "key": f"soil_lab_{i}"})))
            row = run_slot(SlotJob(SlotKey(seed_id, 5, i), "breast-cancer", profile, str(corpus), backend="claude",
                                   max_attempts=1), contract_checker)
            print(f"slot {i}: {row.status}, {row.model}: input {row.input_tokens}, output {row.output_tokens}, "
                  f"cache read {row.cache_read_tokens}, cache write {row.cache_write_tokens}: ${row.cost_usd}")
            by_role = json.loads(row.usage_json or "{}").get("by_role", {})
            print("  per role:", json.dumps({k: v["cost_usd"] for k, v in by_role.items()}))


if __name__ == "__main__":
    main()
