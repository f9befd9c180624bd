"""Data contracts (great-expectations) on real environments: good ones pass, planted faults fail by name."""

from __future__ import annotations

import json
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sandmle.data_contracts import (
    ARTIFACTS,
    ContractViolation,
    build_data_docs,
    check_environment,
    contract_checker,
    require,
)

from sandmle_core.agents import get_backend
from sandmle_core.errors import EnvironmentFormatError
from sandmle_core.generate import generate_slot
from sandmle_core.layout import Corpus, read_environment
from sandmle_core.profile import profile_seed
from sandmle_core.seeds import get_bundled_seed
from sandmle_core.slots import SlotKey
from sandmle_core.spec import ColumnKind
from sandmle_core.taskspec import TaskSpec

TRAIN, TEST, SAMPLE, ANSWERS = ARTIFACTS
# The session fixture generates one environment end to end (ladder included): ~10-15 s of this file's time.
pytestmark = pytest.mark.slow

KEYS = {"artifact", "expectation", "column", "success", "observed", "detail"}


@pytest.fixture(scope="session")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One accepted penguins environment, generated with the real contract checker injected."""
    corpus = Corpus(tmp_path_factory.mktemp("contracts-corpus"))
    profile = profile_seed(get_bundled_seed("penguins"))
    outcome = generate_slot(profile, SlotKey("penguins", 7, 0), "penguins", corpus, get_backend("offline"),
                            contract_checker)
    assert outcome.status == "accepted", outcome.message
    return corpus.env_dir(outcome.env_id)


@pytest.fixture(scope="session", params=["anes96", "movies", "digits", "docstrings", "co2"])
def staged(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, TaskSpec]:
    """A staging folder (data + sample submission, no config.yaml) of another task type or modality."""
    seed = request.param
    backend = get_backend("offline")
    spec = backend.strategist.draft_spec(seed, profile_seed(get_bundled_seed(seed)), 0, 7)
    staging = tmp_path_factory.mktemp(f"staged-{seed}")
    backend.developer.build_data(spec, staging)
    return staging, spec


def _spec(env_dir: Path) -> TaskSpec:
    return TaskSpec.model_validate(read_environment(env_dir).config.sandmle.spec)


def test_accepted_environment_meets_every_expectation(published: Path) -> None:
    results = check_environment(published)
    assert results and all(set(r) == KEYS for r in results)
    assert {r["artifact"] for r in results} == set(ARTIFACTS)
    failed = [r for r in results if not r["success"]]
    assert failed == []
    json.dumps(results)  # JSON-friendly as returned
    require(results)
    spec = _spec(published)
    checked = {(r["artifact"], r["column"]) for r in results}
    for col in [spec.grading.id_column, *[c.name for c in spec.columns], *spec.target.columns]:
        assert (TRAIN, col) in checked
    for col in spec.grading.submission_columns:
        assert (SAMPLE, col) in checked
    assert check_environment(published, spec) == results  # same results with the spec passed in


def test_other_task_types_and_modalities_pass_in_staging(staged: tuple[Path, TaskSpec]) -> None:
    staging, spec = staged
    assert not (staging / "config.yaml").exists()
    results = contract_checker(staging, spec)
    assert results and all(r["success"] for r in results)
    kinds = {c.kind for c in spec.columns}
    expectations = {(r["column"], r["expectation"]) for r in results}
    if ColumnKind.IMAGE in kinds:  # image paths must point at files of the public folder
        image = next(c.name for c in spec.columns if c.kind == ColumnKind.IMAGE)
        assert (image, "expect_column_values_to_be_in_set") in expectations
    if spec.target.classes:
        assert (spec.target.columns[0], "expect_column_values_to_be_in_set") in expectations


def _plant_faults(env_dir: Path, target: Path, spec: TaskSpec) -> dict[str, tuple[str, str, str, object]]:
    """Copy the environment and plant one fault per kind; returns kind → (artifact, expectation, column, value)."""
    shutil.copytree(env_dir, target)
    read = {a: pd.read_csv(target / a) for a in ARTIFACTS}
    id_col, label = spec.grading.id_column, spec.target.columns[0]
    numeric = next(c.name for c in spec.columns if c.kind == ColumnKind.NUMERIC and not c.nullable)
    dropped = spec.columns[-1].name
    train, test, sample, answers = (read[a] for a in ARTIFACTS)
    duplicate = train.loc[0, id_col]
    train.loc[1, id_col] = duplicate
    train.loc[2, numeric] = np.nan
    lost_id = sample.loc[5, id_col]
    sample = sample.drop(index=5)
    prob_col = spec.grading.submission_columns[0]
    sample[prob_col] = sample[prob_col].astype(float)
    sample.loc[0, prob_col] = 1.5
    answers[label] = answers[label].astype(object)
    answers.loc[3, label] = "not_a_class"
    test = test.drop(columns=[dropped])
    for artifact, frame in zip(ARTIFACTS, (train, test, sample, answers), strict=True):
        frame.to_csv(target / artifact, index=False)
    return {
        "duplicate id in train": (TRAIN, "expect_column_values_to_be_unique", id_col, duplicate),
        "NaN in a non-nullable column": (TRAIN, "expect_column_values_to_not_be_null", numeric, None),
        "test id missing from the sample submission": (SAMPLE, "expect_column_distinct_values_to_contain_set",
                                                       id_col, lost_id),
        "probability above 1": (SAMPLE, "expect_column_values_to_be_between", prob_col, 1.5),
        "label outside the classes": (ANSWERS, "expect_column_values_to_be_in_set", label, "not_a_class"),
        "missing column": (TEST, "expect_column_to_exist", dropped, "absent"),
    }


def test_planted_faults_each_fail_naming_artifact_and_column(published: Path, tmp_path: Path) -> None:
    spec = _spec(published)
    faulty = tmp_path / published.name
    planted = _plant_faults(published, faulty, spec)
    results = check_environment(faulty)
    failures = [r for r in results if not r["success"]]
    with pytest.raises(ContractViolation) as caught:
        require(results)
    message = str(caught.value)
    for kind, (artifact, expectation, column, value) in planted.items():
        key = (artifact, expectation, column)
        hits = [f for f in failures if (f["artifact"], f["expectation"], f["column"]) == key]
        assert hits, f"{kind}: no failure of {expectation} on {artifact}:{column}"
        observed = hits[0]["observed"]
        assert value in observed if isinstance(observed, list) else observed == value, (kind, observed)
        assert artifact in message and f"column {column!r}" in message and expectation in message, kind
    # nothing else broke: every failure is one of the planted faults or its direct consequence
    columns = {(a, c) for a, _, c, _ in planted.values()}
    for f in failures:
        assert (f["artifact"], f["column"]) in columns or f["column"] is None, f
    table_level = {(f["artifact"], f["expectation"]) for f in failures if f["column"] is None}
    assert table_level == {(TEST, "expect_table_columns_to_match_ordered_list"),
                           (SAMPLE, "expect_table_row_count_to_equal")}
    assert caught.value.failures == failures


def test_checker_raises_contract_violation_in_staging(published: Path, tmp_path: Path) -> None:
    spec = _spec(published)
    staging = tmp_path / "staging"
    shutil.copytree(published / "prepared", staging / "prepared")
    (staging / ANSWERS).unlink()
    with pytest.raises(EnvironmentFormatError):
        check_environment(staging)  # no config.yaml and no spec
    with pytest.raises(ContractViolation) as caught:
        contract_checker(staging, spec)
    err = caught.value
    assert [(f["artifact"], f["expectation"]) for f in err.failures] == [(ANSWERS, "file_is_readable_csv")]
    assert ANSWERS in str(err) and "missing" in str(err)
    again = pickle.loads(pickle.dumps(err))
    assert isinstance(again, ContractViolation) and again.failures == err.failures and str(again) == str(err)


def test_data_docs_site_is_built(published: Path, tmp_path: Path) -> None:
    index = build_data_docs([published, published], tmp_path / "site")
    assert index == (tmp_path / "site" / "index.html").resolve()
    html = index.read_text()
    assert "<html" in html.lower() and published.name in html
    pages = list((tmp_path / "site" / "validations").rglob("*.html"))
    assert len(pages) == len(ARTIFACTS)  # one validation result per artifact, the duplicate env counted once
    assert check_environment(published)  # the cached check context still works after a docs context was made


def test_importing_the_package_does_not_import_great_expectations() -> None:
    code = "import sys, sandmle.data_contracts\nprint('great_expectations' in sys.modules)\n"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
