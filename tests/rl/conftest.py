"""One tiny real corpus for every RL test: one breast-cancer environment built by the offline pipeline (~15 s)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def rl_corpus(tmp_path_factory) -> Path:
    from sandmle.bench.plain import build_plain

    from tests.fixtures.built_once import built_once

    def build(out: Path) -> None:
        result = build_plain(["breast-cancer"], out, per_seed=1, rng_seed=5)
        accepted = [r for r in result["rows"] if r.status == "accepted"]
        assert len(accepted) == 1, result["summary"]

    return built_once(tmp_path_factory, "rl-corpus", build)  # one build per run, not one per xdist worker


@pytest.fixture(scope="session")
def env_dir(rl_corpus) -> Path:
    (path,) = sorted((rl_corpus / "envs").iterdir())
    return path


@pytest.fixture()
def isolated(env_dir):
    """The environment on the default sandbox; tests of isolation need a backend that hides the host filesystem."""
    from sandmle_core.consume.gym import MLEEnvironment

    env = MLEEnvironment(env_dir)
    if env.sandbox.name not in ("bwrap", "docker"):
        pytest.skip(f"the {env.sandbox.name} backend does not isolate the filesystem")
    yield env
    env.close()
