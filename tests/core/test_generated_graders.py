"""The generated grade.py and evaluator.py, run in a subprocess, agree with grade_submission to 5 decimals.

Every metric's files are rendered into one folder each and exercised by ONE child interpreter (importing
scikit-learn once per child costs seconds on a loaded machine); the evaluator's real command line, with its exit
codes, is run for two metrics.
"""

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
MARKS = {"is_lower_better": False, "gold_threshold": 0.9, "silver_threshold": 0.8, "bronze_threshold": 0.7,
         "median_threshold": 0.6}
CHECK = """
import contextlib, io, json, runpy, sys
import pandas as pd
out = {}
for job in json.loads(sys.argv[1]):
    grade = runpy.run_path(job["grade"])["grade"]
    answers = pd.read_csv(job["answers"])
    scores = []
    for path in job["subs"]:
        try:
            scores.append(grade(pd.read_csv(path), answers))
        except Exception as exc:
            scores.append("invalid: " + type(exc).__name__)
    main = runpy.run_path(job["evaluator"])["main"]
    runs = []
    for path in (job["subs"][0], job["subs"][3]):
        stdout, stderr = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            code = main(["--submission_path", path])
        runs.append([code, stdout.getvalue(), stderr.getvalue()])
    out[job["metric"]] = {"scores": scores, "evaluator": runs}
print(json.dumps(out))
"""


def _render(metric: str, root: Path) -> dict:
    answers, spec, sub = case(metric)
    env = root / metric.replace("@", "_at_")
    (env / "prepared" / "private").mkdir(parents=True)
    answers.to_csv(env / "prepared" / "private" / "answers.csv", index=False)
    (env / "grade.py").write_text(render_grade_py(spec))
    (env / "evaluator.py").write_text(render_evaluator_py(spec, THRESHOLDS))
    subs = {"noisy": sub, "perfect": perfect_submission(answers, spec),
            "constant": constant_submission(answers, spec, answers), "broken": sub.iloc[1:]}
    paths = []
    for name, frame in subs.items():
        frame.to_csv(env / f"{name}.csv", index=False)
        paths.append(str(env / f"{name}.csv"))
    expected = [grade_submission(pd.read_csv(p), answers, spec) for p in paths[:3]]
    return {"metric": metric, "grade": str(env / "grade.py"), "evaluator": str(env / "evaluator.py"),
            "answers": str(env / "prepared/private/answers.csv"), "subs": paths, "expected": expected}


def test_generated_files_agree_with_library_for_every_metric(tmp_path: Path) -> None:
    jobs = [_render(metric, tmp_path) for metric in sorted(METRICS)]
    run = subprocess.run([sys.executable, "-c", CHECK, json.dumps(jobs)], capture_output=True, text=True,
                         cwd=tmp_path)
    assert run.returncode == 0, run.stderr[-2000:]
    got = json.loads(run.stdout)
    for job in jobs:
        result = got[job["metric"]]
        assert result["scores"][:3] == job["expected"], job["metric"]
        assert result["scores"][3] == "invalid: SubmissionError", job["metric"]
        (ok_code, ok_out, _), (bad_code, _, bad_err) = result["evaluator"]
        assert ok_code == 0 and json.loads(ok_out) == {"score": job["expected"][0], **MARKS}, job["metric"]
        assert bad_code == 1 and "missing" in bad_err, job["metric"]


@pytest.mark.parametrize("metric", ["auc", "map@5"])
def test_evaluator_command_line_exit_codes(metric: str, tmp_path: Path) -> None:
    job = _render(metric, tmp_path)
    ok = subprocess.run([sys.executable, job["evaluator"], "--submission_path", job["subs"][0]],
                        capture_output=True, text=True, cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout) == {"score": job["expected"][0], **MARKS}
    bad = subprocess.run([sys.executable, job["evaluator"], "--submission_path", job["subs"][3]],
                         capture_output=True, text=True)
    assert bad.returncode == 1 and "missing" in bad.stderr


def test_rendering_is_deterministic() -> None:
    _, spec, _ = case("auc")
    assert render_grade_py(spec) == render_grade_py(spec)
    assert render_evaluator_py(spec, THRESHOLDS) == render_evaluator_py(spec, THRESHOLDS)
