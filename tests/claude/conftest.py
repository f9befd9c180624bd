"""Fixtures of the Claude backend tests: the fake Messages API server and an environment pointing the backend at it.

Nothing here mocks the SDK: the backend builds a real `anthropic.Anthropic` client that talks HTTP to the local
server. The API key is a distinctive string, so tests can prove it is never written anywhere.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sandmle_core.profile import TaskProfile, profile_seed
from sandmle_core.seeds import get_bundled_seed
from tests.claude.fake_anthropic import FakeAnthropic

API_KEY = "sk-ant-test-0123456789-NEVER-WRITE-ME"


def point_at(mp: pytest.MonkeyPatch, fake: FakeAnthropic, limit_dir: Path, **extra: str) -> None:
    """Environment variables that aim `get_backend("claude")` at the fake server with fast retries."""
    mp.setenv("ANTHROPIC_API_KEY", API_KEY)
    mp.setenv("ANTHROPIC_BASE_URL", fake.url)
    mp.setenv("SANDMLE_CLAUDE_LIMIT_DIR", str(limit_dir))
    mp.setenv("SANDMLE_CLAUDE_MAX_RETRIES", "2")
    mp.setenv("SANDMLE_CLAUDE_TIMEOUT", "30")
    for var in ("SANDMLE_CLAUDE_MODEL", "SANDMLE_CLAUDE_MAX_TOKENS", "SANDMLE_CLAUDE_REPAIRS",
                "SANDMLE_CLAUDE_CODE_ROUNDS", "SANDMLE_CLAUDE_DATA_ROUNDS", "SANDMLE_CLAUDE_TOOL_CHOICE",
                "SANDMLE_CLAUDE_REVIEW",
                "SANDMLE_CLAUDE_PRICES", "SANDMLE_CLAUDE_TRANSCRIPTS", "SANDMLE_CLAUDE_CONCURRENCY",
                "SANDMLE_CLAUDE_RULE"):
        mp.delenv(var, raising=False)
    for key, value in extra.items():
        mp.setenv(key, value)


@pytest.fixture
def fake() -> Iterator[FakeAnthropic]:
    with FakeAnthropic() as server:
        yield server


@pytest.fixture
def claude_env(fake: FakeAnthropic, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakeAnthropic:
    point_at(monkeypatch, fake, tmp_path / "slots")
    return fake


@pytest.fixture(scope="session")
def breast_cancer() -> TaskProfile:
    return profile_seed(get_bundled_seed("breast-cancer"))
