"""What the Claude roles are asked per modality: the developer's prompt names the public files a ladder script reads;
a script rule is offered only where its table layout can state the slot's files."""

from __future__ import annotations

import json
from importlib import import_module
from pathlib import Path

import pytest

from sandmle_core.agents import get_backend
from sandmle_core.agents.claude.prompts import SYSTEM_PROMPT, developer_prompt
from sandmle_core.agents.offline.strategist import OfflineStrategist
from sandmle_core.ladder import ladder_for
from sandmle_core.ladder.configs import config_from_spec
from sandmle_core.modalities.ranking import is_ranking
from sandmle_core.profile import profile_seed
from sandmle_core.script_rule import ScriptRule
from sandmle_core.seeds import get_bundled_seed, resolve_seed, seed_refs
from tests.claude.conftest import point_at
from tests.claude.fake_anthropic import FakeAnthropic, tool_reply
from tests.fixtures.mlebench import write_competition
from tests.fixtures.mlebench.comps_ranking import HM_ID


def _prompt(seed: str) -> str:
    spec = OfflineStrategist().draft_spec(seed, profile_seed(get_bundled_seed(seed)), 0, 3)
    config = config_from_spec(spec)
    return developer_prompt(spec, config, "id,x", ladder_for(config)[0].source)


@pytest.mark.parametrize("seed", ["karate", "karate-links"])
def test_a_graph_ladder_is_told_of_the_node_and_edge_tables(seed):
    prompt = _prompt(seed)
    assert "./public/nodes.csv" in prompt and "./public/edges.csv" in prompt


def test_a_tabular_ladder_prompt_names_no_graph_files():
    prompt = _prompt("breast-cancer")
    assert "nodes.csv" not in prompt and "edges.csv" not in prompt
    assert "nodes.csv and edges.csv" in SYSTEM_PROMPT  # the general rule still lists them among what a task may ship


def test_a_ranking_slot_is_framed_not_scripted(tmp_path):
    """A ranking slot's public files are candidate rows per query beside queries.csv, which a script rule's table
    layout cannot state: in script mode the strategist frames the offline draft (its ranking rule stays) and the
    transcript says why, instead of asking a program for one-row-per-id tables the ranking kit cannot read."""
    root = tmp_path / "hm"
    paths = write_competition(HM_ID, root, "split")
    ref = seed_refs([str(root / "competitions" / HM_ID)], data_dir=paths["data"])[0]
    profile = profile_seed(resolve_seed(ref))
    with FakeAnthropic() as fake, pytest.MonkeyPatch.context() as mp:
        point_at(mp, fake, tmp_path / "slots", SANDMLE_CLAUDE_RULE="script")
        backend = get_backend("claude")
        scaffold = OfflineStrategist().draft_spec(HM_ID, profile, 0, 2026)
        story = "A fashion retailer wants to order each shopper's candidate articles by what they will buy next. " * 2
        fake.push(tool_reply("frame_spec", {"title": "Next Purchases of Fashion Shoppers", "story": story}))
        spec = backend.strategist.draft_spec(HM_ID, profile, 0, 2026)
        assert fake.unscripted == 0 and len(fake.requests) == 1
        path = backend.strategist.session.transcript.bind(tmp_path / "corpus" / ".staging" / spec.env_id, spec.env_id)
    assert is_ranking(spec) and spec.rule == scaffold.rule and not isinstance(spec.rule, ScriptRule)
    assert spec.title == "Next Purchases of Fashion Shoppers"
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert any("not offered: a ranking slot" in line.get("script_rule", "") for line in lines)


@pytest.mark.parametrize("modality", ["tabular", "text", "image", "audio", "graph", "ranking", "time_series"])
def test_the_developer_is_told_the_seed_and_subsample_rule_the_offline_ladders_follow(modality):
    """The harness fits the build's seed 0 and a fresh re-run's first seed on every row (SANDMLE_SUBSAMPLE=0); a
    Claude-written script that subsampled whenever SEED != 0 would measure its medal stability on other fits."""
    text = Path(import_module(f"sandmle_core.modalities.{modality}.ladder").__file__).read_text(encoding="utf-8")
    line = next(s for s in text.splitlines() if s.startswith("SUBSAMPLE = "))
    assert line.split("  #")[0] in SYSTEM_PROMPT.replace("`", "")
    assert "when SEED != 0 the" not in SYSTEM_PROMPT
