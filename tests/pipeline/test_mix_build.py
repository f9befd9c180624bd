"""A build with a target modality mix, for real (Prefect API, Dask LocalCluster): the slots follow the mix across
modalities, the summary and report.json put the achieved mix beside the target, and a resume plans nothing new."""

from __future__ import annotations

import json

import pytest
from sandmle.flows.build_corpus import flow_result

from sandmle_core.layout import Corpus
from sandmle_core.records import read_manifest

pytestmark = [pytest.mark.prefect, pytest.mark.slow]


def test_a_build_follows_the_mix_and_reports_it(prefect_api, tmp_path):
    from sandmle.flows.build_corpus import build_corpus

    out = tmp_path / "corpus"
    args = {"seeds": ["breast-cancer", "penguins", "co2"], "out": str(out), "per_seed": 1, "rng_seed": 7,
            "workers": 1, "contracts": False, "mix": {"time_series": 2.0, "tabular": 1.0}}
    result = flow_result(build_corpus(**args, return_state=True))
    # 3 slots (1 per seed x 3 seeds) re-apportioned: two thirds to the one time-series seed, one to the first tabular
    assert result["slots_per_seed"] == {"breast-cancer": 1, "penguins": 0, "co2": 2}
    rows = read_manifest(Corpus(out)).to_pylist()
    assert sorted(r["slot"] for r in rows) == ["breast-cancer:7:0", "co2:7:0", "co2:7:1"]
    accepted = [r["modality"] for r in rows if r["status"] == "accepted"]
    assert accepted, result["summary"]
    assert "## Modality mix (this run)" in result["summary"]
    assert "| time_series | 66.7% | 66.7% | 2 |" in result["summary"]
    run = json.loads((out / "report.json").read_text())["run"]
    assert run["mix"]["slots"] == result["slots_per_seed"]
    assert run["mix"]["effective"]["tabular"] == pytest.approx(1 / 3)
    assert run["mix"]["achieved"] == {m: accepted.count(m) / len(accepted) for m in sorted(set(accepted))}
    again = flow_result(build_corpus(**args, return_state=True))  # same mix, same seeds: the same slots, all kept
    assert again["skipped_published"] == len(accepted) and again["slots"] == 3 - len(accepted)
