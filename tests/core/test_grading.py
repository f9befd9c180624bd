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
        "lrap", "kl_divergence", "error_rate", "mcc", "micro_f1", "map@5", "map@12", "ndcg@10", "levenshtein",
        "normalized_levenshtein", "word_jaccard", "log_mae", "pearson", "spearman",
    }
    for name in ALL:  # every metric explains itself to the writer
        m = get_metric(name)
        assert m.title and m.description and m.formula and m.kind
    assert get_metric("map@7").kind == "ranked_list" and "MAP@7" in get_metric("map@7").title
    for bad in ("f2", "map@0", "map@01", "map@1001", "ndcg@", "map@-3", "mapk@5"):
        with pytest.raises(KeyError, match="known metrics"):
            get_metric(bad)


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
    kind = get_metric(metric).kind
    nan = sub.copy()
    nan[first] = nan[first].astype(object)
    nan.loc[0, first] = np.nan
    if kind not in ("text", "label_set"):  # there a missing cell is the empty text / the empty set (tested apart)
        out.append(("nan", nan, "NaN"))
    if kind in ("probability", "class_probabilities", "value"):
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
    if kind in ("label_set", "ranked_list"):
        for literal in ("['i01', 'i02']", "a,b", '"a b"'):
            odd = sub.copy()
            odd[first] = odd[first].astype(object)
            odd.loc[0, first] = literal
            out.append((f"list literal {literal}", odd, "not a space-separated list"))
    if kind == "label_set":
        odd = sub.copy()
        odd.loc[0, first] = "a zebra"
        out.append(("unknown label in set", odd, "not one of the classes"))
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


def test_no_metric_warns() -> None:
    import warnings

    for metric in ALL:
        answers, spec, sub = case(metric)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            grade_submission(sub, answers, spec)
            grade_submission(constant_submission(answers, spec, answers), answers, spec)


@pytest.mark.parametrize("module", ["grader_formulas", "grader_checks", "grader_runtime"])
def test_runtime_imports_only_stdlib_numpy_pandas_sklearn(module: str) -> None:
    import importlib

    path = Path(importlib.import_module(f"sandmle_core.{module}").__file__)
    roots = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            roots |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            if (node.module or "").startswith("sandmle_core.grader_"):
                continue  # the runtime's own parts: rendered grade.py files hold them inline
            roots.add((node.module or "").split(".")[0])
    assert roots <= {"math", "numpy", "pandas", "sklearn"}, roots


def test_rendered_runtime_is_self_contained() -> None:
    from sandmle_core.grading import render_grade_py

    _, spec, _ = case("map@5")
    source = render_grade_py(spec)
    assert "sandmle_core" not in source and "sandmle" not in source.split("CONFIG")[0].split('"""', 2)[2]
    namespace: dict = {}
    exec(compile(source, "grade.py", "exec"), namespace)
    assert {"score_submission", "levenshtein", "align_submission", "grade"} <= set(namespace)
