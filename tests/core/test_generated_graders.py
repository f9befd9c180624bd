"""The generated grade.py and evaluator.py, run in a subprocess, agree with grade_submission to 5 decimals."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from sandmle_core.grading import (
    constant_submission,
    grade_submission,
    perfect_submission,
    render_evaluator_py,
    render_grade_py,
)
from sandmle_core.leaderboard import Thresholds
from sandmle_core.metrics import METRICS
from tests.core.grading_cases import case

THRESHOLDS = Thresholds(gold=0.9, silver=0.8, bronze=0.7, median=0.6, lower_is_better=False, n_entries=25)
CHECK = """
import json, runpy, sys
import pandas as pd
grade = runpy.run_path(sys.argv[1])["grade"]
answers = pd.read_csv(sys.argv[2])
out = []
for path in sys.argv[3:]:
    try:
        out.append(grade(pd.read_csv(path), answers))
    except Exception as exc:
        out.append("invalid: " + type(exc).__name__)
print(json.dumps(out))
"""


@pytest.mark.parametrize("metric", sorted(METRICS))
def test_generated_files_agree_with_library(metric: str, tmp_path: Path) -> None:
    answers, spec, sub = case(metric)
    env = tmp_path / "env"
    (env / "prepared" / "private").mkdir(parents=True)
    answers.to_csv(env / "prepared" / "private" / "answers.csv", index=False)
    (env / "grade.py").write_text(render_grade_py(spec))
    (env / "evaluator.py").write_text(render_evaluator_py(spec, THRESHOLDS))
    subs = {
        "noisy": sub,
        "perfect": perfect_submission(answers, spec),
        "constant": constant_submission(answers, spec, answers),
        "broken": sub.iloc[1:],
    }
    paths = []
    for name, frame in subs.items():
        frame.to_csv(tmp_path / f"{name}.csv", index=False)
        paths.append(str(tmp_path / f"{name}.csv"))
    out = subprocess.run([sys.executable, "-c", CHECK, str(env / "grade.py"), str(env / "prepared/private/answers.csv"),
                          *paths], capture_output=True, text=True, check=True)
    got = json.loads(out.stdout)
    expected = [grade_submission(pd.read_csv(p), answers, spec) for p in paths[:3]]
    assert got[:3] == expected
    assert got[3] == "invalid: SubmissionError"

    ok = subprocess.run([sys.executable, str(env / "evaluator.py"), "--submission_path", paths[0]],
                        capture_output=True, text=True, cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    report = json.loads(ok.stdout)
    assert report == {"score": expected[0], "is_lower_better": False, "gold_threshold": 0.9,
                      "silver_threshold": 0.8, "bronze_threshold": 0.7, "median_threshold": 0.6}
    bad = subprocess.run([sys.executable, str(env / "evaluator.py"), "--submission_path", paths[3]],
                         capture_output=True, text=True)
    assert bad.returncode == 1 and "missing" in bad.stderr


def test_rendering_is_deterministic() -> None:
    _, spec, _ = case("auc")
    assert render_grade_py(spec) == render_grade_py(spec)
    assert render_evaluator_py(spec, THRESHOLDS) == render_evaluator_py(spec, THRESHOLDS)
