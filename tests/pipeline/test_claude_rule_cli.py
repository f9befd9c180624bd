"""`sandmle build --backend claude --rule script` and `sandmle regenerate ... --rule script`: the flag reaches the Dask
worker that builds the slot (the CLI, the build-corpus or regenerate-failed flow, the real anthropic SDK against the
local Messages API server), without SANDMLE_CLAUDE_RULE set."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from sandmle_core.agents.claude.generator import PROGRAM_FILE, TRANSCRIPT_FILE
from sandmle_core.layout import Corpus, read_environment
from sandmle_core.records import read_manifest
from tests.claude.conftest import point_at
from tests.claude.fake_anthropic import FakeAnthropic
from tests.claude.generators import generator_reply, ladder_reply, script_rule_reply
from tests.claude.replies import description_reply, metric_reply, review_reply

# its seconds in `make test` (2026-12-06): scheduled with the heavy modules, so it never runs last, alone
pytestmark = [pytest.mark.prefect, pytest.mark.slow, pytest.mark.heavy(54)]

SANDMLE = [sys.executable, "-m", "sandmle.cli.__main__"]


def test_the_rule_flag_makes_the_developer_write_the_generator(prefect_api, tmp_path):
    out = tmp_path / "corpus"
    with FakeAnthropic() as fake, pytest.MonkeyPatch.context() as mp:
        point_at(mp, fake, tmp_path / "slots")  # SANDMLE_CLAUDE_RULE unset: only the flag asks for scripts
        assert "SANDMLE_CLAUDE_RULE" not in os.environ
        fake.push(script_rule_reply(), generator_reply(), ladder_reply(), metric_reply(), description_reply(),
                  review_reply())
        env = {**os.environ, "PREFECT_API_URL": prefect_api}
        result = subprocess.run([*SANDMLE, "build", "--backend", "claude", "--rule", "script", "--seed",
                                 "breast-cancer", "--per-seed", "1", "--out", str(out), "--workers", "1",
                                 "--no-contracts", "--rng-seed", "11"], env=env, capture_output=True, text=True,
                                timeout=1500)
        roles = [r.body["messages"][0]["content"][0]["text"].split(".")[0] for r in fake.requests]
        assert fake.unscripted == 0
    assert result.returncode == 0, result.stderr[-3000:]
    assert roles[:2] == ["Role: strategist", "Role: developer (data generator)"]
    [row] = read_manifest(Corpus(out)).to_pylist()
    assert row["status"] == "accepted"
    env_dir = Corpus(out).env_dir(row["env_id"])
    assert read_environment(env_dir).config.sandmle.spec["rule"]["kind"] == "script"
    private = env_dir / "prepared" / "private"
    assert (private / PROGRAM_FILE).is_file()
    assert json.loads((private / TRANSCRIPT_FILE).read_text())["full_scale"]["outcome"] == "ok"


def test_the_rule_flag_of_regenerate_makes_the_developer_write_the_generator(prefect_api, tmp_path):
    from sandmle_core.records import FailureRecord, read_failures, write_failure

    out = tmp_path / "corpus"
    out.mkdir()
    write_failure(Corpus(out), FailureRecord(env_id="breast-cancer-slot000", seed_id="breast-cancer",
                                             seed_ref="breast-cancer", index=0, rng_seed=11, backend="claude",
                                             stage="llm", error_type="LLMUnavailable", message="overloaded"))
    with FakeAnthropic() as fake, pytest.MonkeyPatch.context() as mp:
        point_at(mp, fake, tmp_path / "slots")  # SANDMLE_CLAUDE_RULE unset: only the flag asks for scripts
        fake.push(script_rule_reply(), generator_reply(), ladder_reply(), metric_reply(), description_reply(),
                  review_reply())
        env = {**os.environ, "PREFECT_API_URL": prefect_api}
        result = subprocess.run([*SANDMLE, "regenerate", str(out), "--backend", "claude", "--rule", "script",
                                 "--workers", "1"], env=env, capture_output=True, text=True, timeout=1500)
        roles = [r.body["messages"][0]["content"][0]["text"].split(".")[0] for r in fake.requests]
        assert fake.unscripted == 0
    assert result.returncode == 0, result.stderr[-3000:]
    assert "retried 1, fixed 1, still failed 0" in result.stdout
    assert roles[:2] == ["Role: strategist", "Role: developer (data generator)"]
    [row] = [r for r in read_manifest(Corpus(out)).to_pylist() if r["status"] == "accepted"]
    env_dir = Corpus(out).env_dir(row["env_id"])
    assert read_environment(env_dir).config.sandmle.spec["rule"]["kind"] == "script"
    assert (env_dir / "prepared" / "private" / PROGRAM_FILE).is_file() and read_failures(Corpus(out)) == []
