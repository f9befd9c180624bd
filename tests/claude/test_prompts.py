"""The developer's prompt names the public files a ladder script has to read, per modality."""

from __future__ import annotations

import pytest

from sandmle_core.agents.claude.prompts import SYSTEM_PROMPT, developer_prompt
from sandmle_core.agents.offline.strategist import OfflineStrategist
from sandmle_core.ladder import ladder_for
from sandmle_core.ladder.configs import config_from_spec
from sandmle_core.profile import profile_seed
from sandmle_core.seeds import get_bundled_seed


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
