"""The benchmark's acceptance section (issue 14): K slots of a family really build and are judged, a family whose
seed cannot be prepared is "not measured" (never passed), and the goals table and report carry one row per family."""

from __future__ import annotations

import pytest
from sandmle.bench import acceptance
from sandmle.bench.acceptance import acceptance_lines, bench_acceptance
from sandmle.bench.goals import goal_rows


def test_one_slot_of_a_cheap_family_builds_and_is_judged(tmp_path) -> None:
    result = bench_acceptance(tmp_path, k=1, families=("seq2seq",), rng_seed=3)
    (row,) = result["families"]
    assert row["measured"] and row["k"] == 1 and row["seed"].startswith(str(tmp_path))  # the fixture competition
    assert row["accepted"] == 1, row["failure_reasons"]
    assert row["monotone"] == row["beats_sample"] == 1 and row["min_tau"] is not None
    assert row["rebuild_identical"] is True  # the slot built again from scratch: every file the same
    assert row["pass"] is (row["mean_tau"] >= 0.8)
    # the seconds of the environment and its ratio to the compute of its ladder scripts (issue 19's figure)
    assert row["median_seconds_per_env"] > 0 and row["median_env_over_compute"] > 1.0
    goals = {g["goal"]: g for g in goal_rows({"acceptance": result})}
    assert goals["K=1 builds accepted, seq2seq (issue 14)"]["value"] == 1.0
    ratio = goals["time per env / ladder compute, seq2seq (acceptance builds)"]
    assert ratio["value"] == row["median_env_over_compute"] and ratio["pass"] is (ratio["value"] <= 1.1)
    lines = "\n".join(acceptance_lines(result))
    assert "| seq2seq | text-normalization-challenge-english-language | 1/1 |" in lines and "| yes |" in lines


def test_a_rebuild_that_differs_is_caught(tmp_path) -> None:
    import shutil

    from sandmle_core.layout import Corpus

    (row,) = bench_acceptance(tmp_path, k=1, families=("seq2seq",), rng_seed=3)["families"]
    assert row["rebuild_identical"] is True
    work = tmp_path / "seq2seq"
    shutil.rmtree(work / "rebuild")
    (env_dir,) = Corpus(work / "corpus").environment_dirs()
    with (env_dir / "description.md").open("a") as fh:  # the first build's folder differs by one byte
        fh.write(" ")
    assert acceptance._rebuild_identical(row["seed"], work, 1, 3) is False
    assert "| NO |" in "\n".join(acceptance_lines({"k": 1, "goal": "g", "families": [{**row,
                                                   "rebuild_identical": False, "pass": False}]}))


def test_a_family_whose_seed_cannot_be_prepared_is_not_measured(tmp_path, monkeypatch) -> None:
    monkeypatch.setitem(acceptance.FAMILIES, "seq2seq", (None, "no-such-competition"))
    result = bench_acceptance(tmp_path, k=10, families=("seq2seq",))
    (row,) = result["families"]
    assert row["measured"] is False and row["pass"] is None and "no-such-competition" in row["error"]
    (goal,) = [g for g in goal_rows({"acceptance": result}) if "issue 14" in g["goal"]]
    assert goal["pass"] is None and goal["value"] is None  # not measured is never a pass
    assert "not measured" in "\n".join(acceptance_lines(result))


@pytest.mark.parametrize("families, k", [(("hypergraph",), 10), (("tabular",), 0)])
def test_an_unknown_family_or_k_below_one_is_refused(tmp_path, families, k) -> None:
    with pytest.raises(ValueError, match=r"unknown families|k must be"):
        bench_acceptance(tmp_path, k=k, families=families)
    assert not any(tmp_path.iterdir())
