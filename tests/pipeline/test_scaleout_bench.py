"""The simulated scale-out benchmark (issue 19) on a real flow: two worker counts build the same slots into corpora
that already hold earlier nights' rows, and every process's CPU is accounted for — the Dask workers' own CPU holds
the slots' host side, the central share and the per-CPU figures come out, the earlier rows are not counted as this
run's, and the manifest writer's journal leaves nothing behind."""

from __future__ import annotations

import pytest

from sandmle_core.layout import Corpus
from sandmle_core.records import read_manifest

pytestmark = [pytest.mark.prefect, pytest.mark.slow, pytest.mark.heavy(90)]


def test_two_worker_counts_are_compared_per_cpu_second_with_every_process_counted(prefect_api, tmp_path):
    from sandmle.bench.goals import goal_rows, machine_facts
    from sandmle.bench.report import render_report
    from sandmle.bench.scaleout import bench_scaleout

    so = bench_scaleout(tmp_path, ("breast-cancer",), per_seed=1, workers=(1, 2), prior_rows=300)
    assert [r["workers"] for r in so["runs"]] == [1, 2]
    for run in so["runs"]:
        cpu = run["cpu_seconds"]
        assert run["slots"] == 1 and run["accepted"] == 1  # the 300 earlier rows are not this run's
        # the slots' host side runs inside the worker processes: a sampler that missed them would fail this
        assert cpu["worker_processes"] >= cpu["slots_host"] > 0
        assert cpu["sandboxed_ladders"] > 0 and cpu["flow_process"] > 0
        parts = cpu["flow_process"] + cpu["api_server"] + cpu["worker_processes"] + cpu["sandboxed_ladders"]
        assert cpu["total"] == pytest.approx(parts, abs=0.05)
        assert 0 < run["central_share"] < 1 and run["accepted_per_cpu_minute"] > 0
        corpus = Corpus(tmp_path / f"flow-{run['workers']}")
        assert read_manifest(corpus).num_rows == 301 and not corpus.manifest_journal_dir.exists()
    assert so["per_cpu_ratio"] > 0 and so["central_per_env_ratio"] > 0
    assert {m["prior_rows"] for m in so["manifest_rows"]} == {0, 300}
    verdicts = {g["goal"]: g for g in goal_rows({"scaleout": so})}
    assert verdicts["simulated 2 workers vs 1, accepted per CPU second"]["value"] == so["per_cpu_ratio"]
    report = render_report({"machine": machine_facts(), "scaleout": so})
    assert "## Simulated scale-out (2 one-thread workers on these cores)" in report
