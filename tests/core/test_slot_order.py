"""The build submits its slots longest first (`pipeline.longest_first`): a build whose last slots are long ends with
one worker finishing them while the other idles. The order comes from the corpus' earlier slots of each seed
(`seed_seconds`, read from a real manifest) or, for a seed without any, from the slot's ladders and modality."""

from __future__ import annotations

from pathlib import Path

import pytest

from sandmle_core.layout import Corpus
from sandmle_core.pipeline import analyze_seed, longest_first, plan_slots, read_profile, seed_seconds
from sandmle_core.records import ManifestRow, append_manifest


@pytest.fixture(scope="module")
def jobs(tmp_path_factory: pytest.TempPathFactory) -> list:
    root = tmp_path_factory.mktemp("order")
    out = []
    for seed in ("co2", "penguins", "movies", "whale-calls"):  # the order a build lists them in
        _, profile = analyze_seed(seed, root)
        out += plan_slots(seed, read_profile(profile), 2, 7, root)
    return out


def _seeds(jobs: list) -> list[str]:
    return [j.key.seed_id for j in jobs]


def test_without_history_the_slots_with_most_ladder_work_go_first(jobs: list) -> None:
    ordered = longest_first(jobs)
    assert _seeds(ordered) == ["movies"] * 2 + ["whale-calls"] * 2 + ["penguins"] * 2 + ["co2"] * 2
    assert [j.key.index for j in ordered[:2]] == [0, 1]  # equal costs keep their order
    assert sorted(map(str, (j.key for j in ordered))) == sorted(map(str, (j.key for j in jobs)))  # nothing lost


def _row(seed: str, index: int, seconds: float | None, status: str = "accepted") -> ManifestRow:
    return ManifestRow(slot=f"{seed}:3:{index}", env_id=f"{seed}-{index}", seed_id=seed, index=index, rng_seed=3,
                       attempt_rng_seed=3, status=status, modality="tabular", task_type="binary", metric="roc_auc",
                       domain="earlier night", seconds_total=seconds, build_id="earlier")


def test_a_corpus_history_decides_the_order(jobs: list, tmp_path: Path) -> None:
    corpus = Corpus(tmp_path)
    append_manifest(corpus, [_row("co2", 0, 30.0), _row("co2", 1, 50.0, "rejected"), _row("co2", 2, None),
                             _row("movies", 0, 1.0), _row("penguins", 0, 4.0), _row("penguins", 1, 6.0)])
    history = seed_seconds(tmp_path)
    assert history == {"co2": 40.0, "movies": 1.0, "penguins": 5.0}  # a row without seconds is not counted
    # whale-calls has no history: its prior (one audio ladder, 4.8 s) places it between penguins and movies
    assert _seeds(longest_first(jobs, history)) == (["co2"] * 2 + ["penguins"] * 2 + ["whale-calls"] * 2
                                                    + ["movies"] * 2)


def test_a_new_corpus_has_no_history(tmp_path: Path) -> None:
    assert seed_seconds(tmp_path) == {}
