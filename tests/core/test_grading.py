"""grade_submission for every metric: optimum, worse constants, order independence, every malformed case."""

from __future__ import annotations

import ast
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sandmle_core.errors import InvalidSubmission
from sandmle_core.grading import constant_submission, grade_submission, perfect_submission
from sandmle_core.metrics import METRICS, get_metric
from tests.core.grading_cases import case

ALL = sorted(METRICS)


def test_registry_covers_every_family() -> None:
    assert set(ALL) == {
        "auc", "mean_column_auc", "binary_log_loss", "multiclass_log_loss", "accuracy", "rmse", "rmsle",
        "mean_column_rmsle", "mae", "quadratic_weighted_kappa", "macro_f1",
    }
    with pytest.raises(KeyError, match="known metrics"):
        get_metric("f2")


@pytest.mark.parametrize("metric", ALL)
def test_perfect_constant_and_shuffled(metric: str) -> None:
    answers, spec, sub = case(metric)
    m = get_metric(metric)
    assert math.isclose(grade_submission(perfect_submission(answers, spec), answers, spec), m.optimum, abs_tol=1e-9)
    const = grade_submission(constant_submission(answers, spec, answers), answers, spec)
    assert const != m.optimum and (const > m.optimum if m.lower_is_better else const < m.optimum)
    score = grade_submission(sub, answers, spec)
    shuffled = sub.sample(frac=1.0, random_state=3).reset_index(drop=True)
    assert grade_submission(shuffled, answers, spec) == score
    assert score == round(score, 5)


def _malformed(metric: str) -> list[tuple[str, pd.DataFrame, str]]:
    _answers, spec, sub = case(metric)
    first = spec.submission_columns[0]
    out = [
        ("missing id", sub.iloc[1:], "missing"),
        ("extra id", pd.concat([sub, sub.iloc[[0]].assign(id="zzz")]), "not in the test set"),
        ("duplicate id", pd.concat([sub, sub.iloc[[0]]]), "duplicate ids"),
        ("missing column", sub.drop(columns=[first]), "missing columns"),
        ("extra column", sub.assign(other=1), "unexpected columns"),
    ]
    nan = sub.copy()
    nan[first] = nan[first].astype(object)
    nan.loc[0, first] = np.nan
    out.append(("nan", nan, "NaN"))
    kind = get_metric(metric).kind
    if kind != "label":
        text = sub.copy()
        text[first] = text[first].astype(object)
        text.loc[0, first] = "abc"
        out.append(("non numeric", text, "non-numeric"))
    if kind == "probability":
        out.append(("out of range", sub.assign(**{first: sub[first] + 1.0}), "outside [0, 1]"))
    if kind == "class_probabilities":
        bad = sub.copy()
        bad.loc[0, list(spec.submission_columns)] = 0.1
        out.append(("not summing to 1", bad, "sum to 1"))
    if kind == "label":
        odd = sub.copy()
        odd[first] = odd[first].astype(object)
        odd.loc[0, first] = "zebra"
        out.append(("unknown label", odd, "not one of the classes"))
    if metric in ("rmsle", "mean_column_rmsle"):
        out.append(("negative", sub.assign(**{first: -sub[first]}), "negative"))
    return out


@pytest.mark.parametrize(
    ("metric", "what", "reason"),
    [(m, what, reason) for m in ALL for what, _, reason in _malformed(m)],
)
def test_malformed_submission_is_invalid_with_reason(metric: str, what: str, reason: str) -> None:
    answers, spec, _ = case(metric)
    bad = next(df for w, df, _ in _malformed(metric) if w == what)
    with pytest.raises(InvalidSubmission, match=re.escape(reason)):
        grade_submission(bad, answers, spec)


def test_grading_accepts_paths_and_reports_unreadable_files(tmp_path: Path) -> None:
    answers, spec, sub = case("rmse")
    sub.to_csv(tmp_path / "s.csv", index=False)
    answers.to_csv(tmp_path / "a.csv", index=False)
    assert grade_submission(tmp_path / "s.csv", tmp_path / "a.csv", spec) == grade_submission(sub, answers, spec)
    with pytest.raises(InvalidSubmission, match="cannot read"):
        grade_submission(tmp_path / "nope.csv", answers, spec)


def test_log_loss_does_not_warn() -> None:
    import warnings

    for metric in ("binary_log_loss", "multiclass_log_loss"):
        answers, spec, sub = case(metric)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            grade_submission(sub, answers, spec)


def test_runtime_imports_only_stdlib_numpy_pandas_sklearn() -> None:
    import sandmle_core.grader_runtime as runtime

    tree = ast.parse(Path(runtime.__file__).read_text())
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            roots.add((node.module or "").split(".")[0])
    assert roots <= {"math", "numpy", "pandas", "sklearn"}, roots
