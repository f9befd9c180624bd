"""The nightly as a scheduler runs it, against the real Prefect API: the deployments registered, flow runs created
from the nightly deployment for two dates and executed as a worker would (`run_flow` on the created run).

Night 1 has a planted persistent failure: the run ends Failed and its on_failure hook creates a regenerate-failed run
of the corpus, which (the fault gone) fixes the slot. Night 2, a day later, plans new slots (its rng seed is its
date): the corpus grew and `sandmle diff` against a copy of night 1 lists the new environment."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime

import pytest
from typer.testing import CliRunner

from sandmle_core.layout import Corpus
from sandmle_core.records import read_failures, read_manifest

pytestmark = [pytest.mark.prefect, pytest.mark.slow, pytest.mark.heavy(64)]


def _night(day: int):
    from prefect.deployments import run_deployment
    from prefect.flow_engine import run_flow
    from sandmle.flows.build_corpus import build_corpus

    run = run_deployment("build-corpus/nightly-corpus", scheduled_time=datetime(2026, 11, day, 2, tzinfo=UTC),
                         timeout=0, as_subflow=False)
    return run, run_flow(build_corpus, flow_run=run, parameters=run.parameters, return_type="state")


def _runs_tagged(tag: str):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterTags

    with get_client(sync_client=True) as client:
        return client.read_flow_runs(flow_run_filter=FlowRunFilter(tags=FlowRunFilterTags(all_=[tag])))


def test_two_nights_grow_the_corpus_and_a_failed_night_triggers_regenerate(prefect_api, tmp_path, monkeypatch):
    from prefect.flow_engine import run_flow
    from sandmle.deployments.nightly import deployments
    from sandmle.flows.build_corpus import flow_result
    from sandmle.flows.regenerate_failed import regenerate_failed

    from sandmle_core.faults import FAULT_PLAN_ENV

    out = tmp_path / "corpus-nightly"
    for deployment in deployments(out=str(out), seeds=["breast-cancer"], per_seed=1, workers=1, max_attempts=2):
        deployment.apply()
    plan = tmp_path / "faults.json"
    plan.write_text(json.dumps({"faults": [{"stage": "ladder", "slot": "breast-cancer:0", "times": 99,
                                            "error": "generation"}]}))
    monkeypatch.setenv(FAULT_PLAN_ENV, str(plan))

    night1, state = _night(29)
    assert state.is_failed() and state.message == "1 slot(s) failed", state.message
    corpus = Corpus(out)
    assert [(f.seed_id, f.index) for f in read_failures(corpus)] == [("breast-cancer", 0)]
    assert read_manifest(corpus).to_pylist()[0]["slot"] == "breast-cancer:20261129:0"  # the night's date seeds it

    # the hook created a regenerate-failed run of this corpus; a worker would run it: so does the test
    (regen,) = _runs_tagged(f"build-run:{night1.id}")
    assert regen.parameters["corpus"] == str(out.resolve()) and regen.state.is_scheduled()
    plan.write_text(json.dumps({"faults": []}))
    regen_state = run_flow(regenerate_failed, flow_run=regen, parameters=regen.parameters, return_type="state")
    assert regen_state.is_completed() and flow_result(regen_state)["fixed"] == 1
    assert read_failures(corpus) == [] and len(corpus.environment_dirs()) == 1
    # the engine hands the hook the API's copy of the final state (no data: results are not persisted) when the API
    # rejected a re-sent proposal of it (its SQLite locked): the hook still reads the run's result and triggers
    from prefect.client.orchestration import get_client
    from sandmle.flows.build_corpus import build_corpus, regenerate_after_failures

    with get_client(sync_client=True) as client:
        copy = client.read_flow_run(night1.id)
    assert copy.state.data is None and copy.state.is_failed()
    regenerate_after_failures(build_corpus, copy, copy.state)
    assert len(_runs_tagged(f"build-run:{night1.id}")) == 2

    last_night = tmp_path / "night-1"
    shutil.copytree(out, last_night)
    night2, state = _night(30)
    assert state.is_completed(), state.message
    assert _runs_tagged(f"build-run:{night2.id}") == []  # a night without failures triggers nothing
    assert len(corpus.environment_dirs()) == 2  # the corpus grew by per_seed

    from sandmle.cli import _register
    from sandmle.cli._app import app

    _register()
    result = CliRunner().invoke(app, ["diff", str(last_night), str(out)])
    assert result.exit_code == 0, result.output
    added = {r["slot"] for r in read_manifest(corpus).to_pylist()} - {
        r["slot"] for r in read_manifest(Corpus(last_night)).to_pylist()}
    assert added == {"breast-cancer:20261130:0"}
    assert "+ breast-cancer:20261130:0" in result.output and result.output.rstrip().endswith(
        "1 added, 0 dropped, 0 changed")


def test_a_failed_night_without_the_regenerate_deployment_says_so_in_its_log(prefect_api, tmp_path, monkeypatch):
    """A work pool that deployed only the nightly: the hook triggers nothing and the night's log in the API names
    the missing deployment and the command to run instead (no traceback from the hook)."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId
    from prefect.exceptions import ObjectNotFound
    from prefect.logging.handlers import APILogWorker
    from sandmle.deployments.nightly import deployments
    from sandmle.flows.build_corpus import REGENERATE_DEPLOYMENT

    from sandmle_core.faults import FAULT_PLAN_ENV

    out = tmp_path / "corpus-alone"
    (nightly,) = [d for d in deployments(out=str(out), seeds=["breast-cancer"], per_seed=1, workers=1,
                                         max_attempts=1) if d.name == "nightly-corpus"]
    nightly.apply()
    with get_client(sync_client=True) as client:  # the other test of this file may have registered it
        try:
            client.delete_deployment(client.read_deployment_by_name(REGENERATE_DEPLOYMENT).id)
        except ObjectNotFound:
            pass
    plan = tmp_path / "faults.json"
    plan.write_text(json.dumps({"faults": [{"stage": "ladder", "slot": "breast-cancer:0", "times": 99,
                                            "error": "generation"}]}))
    monkeypatch.setenv(FAULT_PLAN_ENV, str(plan))

    night, state = _night(28)
    assert state.is_failed() and state.message == "1 slot(s) failed", state.message
    assert _runs_tagged(f"build-run:{night.id}") == []
    APILogWorker.drain_all(timeout=60)  # the hook's log line is sent by a background worker: wait for it
    with get_client(sync_client=True) as client:
        logs = client.read_logs(log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[night.id])))
    said = [log.message for log in logs if "is not registered" in log.message]
    assert len(said) == 1 and f"sandmle regenerate {out.resolve()}" in said[0], [log.message for log in logs][-5:]
