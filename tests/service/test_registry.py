"""The one environment registry and the one grade_report: sandmle environments and mle-bench competitions alike.

A bare mle-bench competition (description.md, prepared/, its own grade.py, no leaderboard) sits next to a sandmle
environment; the registry finds both, loads both, and `grade_report` grades both — refusing links, reporting
a crashing grader as invalid only when the caller asks, and reporting no medals where there is no leaderboard.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from sandmle_core.consume.episodes import run_ladder_episode
from sandmle_core.consume.registry import discover, is_environment_dir, load
from sandmle_core.consume.report import grade_report
from sandmle_core.consume.service import GradingService
from sandmle_core.errors import EnvironmentFormatError, SubmissionRefused
from sandmle_core.grading import EVALUATOR_KEYS, evaluator_json
from sandmle_core.layout import Corpus

GRADE_PY = '''
import pandas as pd

def grade(submission, answers):
    if "crash" in submission.columns:
        raise RuntimeError("the competition's grader broke")
    merged = answers.merge(submission, on="id", suffixes=("", "_pred"))
    if len(merged) != len(answers):
        raise ValueError("ids do not match the answers")
    return float((merged["label"] == merged["label_pred"]).mean())
'''


def _competition(root: Path, name: str = "tiny-comp") -> Path:
    comp = root / name
    public, private = comp / "prepared" / "public", comp / "prepared" / "private"
    public.mkdir(parents=True)
    private.mkdir(parents=True)
    (comp / "description.md").write_text("# Tiny competition\nPredict the label.\n")
    (comp / "grade.py").write_text(GRADE_PY)
    pd.DataFrame({"id": range(8), "x": range(8), "label": [0, 1] * 4}).to_csv(public / "train.csv", index=False)
    pd.DataFrame({"id": range(8, 12), "x": range(8, 12)}).to_csv(public / "test.csv", index=False)
    pd.DataFrame({"id": range(8, 12), "label": 0}).to_csv(public / "sample_submission.csv", index=False)
    pd.DataFrame({"id": range(8, 12), "label": [0, 1, 0, 1]}).to_csv(private / "answers.csv", index=False)
    return comp


def test_one_registry_finds_environments_and_competitions_side_by_side(tiny_corpus: Path, tmp_path: Path) -> None:
    env_dir = Corpus(tiny_corpus).environment_dirs()[0]
    shutil.copytree(env_dir, tmp_path / env_dir.name)
    comp = _competition(tmp_path)
    (tmp_path / "notes").mkdir()  # neither kind: skipped, not an error
    assert is_environment_dir(comp) and is_environment_dir(env_dir) and not is_environment_dir(tmp_path / "notes")
    found = discover(tmp_path)
    assert list(found) == sorted([env_dir.name, "tiny-comp"])
    assert discover([comp]) == {"tiny-comp": comp.resolve()}
    assert {name: load(path).kind for name, path in found.items()} == {env_dir.name: "sandmle", "tiny-comp": "mlebench"}


def test_grade_report_grades_a_competition_without_a_leaderboard(tmp_path: Path) -> None:
    task = load(_competition(tmp_path))
    report = grade_report(task, "id,label\n8,0\n9,1\n10,0\n11,1\n")
    assert report.valid and report.score == 1.0 and report.thresholds is None
    assert not report.any_medal and report.human_rank == 0.0 and report.reward == pytest.approx(0.3)
    assert evaluator_json(report.score, report.thresholds) == dict.fromkeys(EVALUATOR_KEYS) | {"score": 1.0}
    wrong = grade_report(task, pd.DataFrame({"id": [1, 2], "label": [0, 0]}))
    assert not wrong.valid and "ids do not match" in wrong.reason


def test_grade_report_turns_a_grader_crash_into_invalid_only_when_asked(tmp_path: Path) -> None:
    task = load(_competition(tmp_path))
    crash = pd.DataFrame({"id": [8], "crash": [1]})
    # an mle-bench grader's exceptions are the submission's fault by mle-bench's rule: invalid, never a crash
    assert "RuntimeError" in grade_report(task, crash).reason
    sandmle_task = load(_competition(tmp_path, "other"))
    sandmle_task.kind = "sandmle"  # our own grader: an unexpected exception is a bug and propagates ...
    with pytest.raises(RuntimeError):
        grade_report(sandmle_task, crash)
    seen: list[Exception] = []
    report = grade_report(sandmle_task, crash, on_grader_error=lambda exc: seen.append(exc) or "grader error")
    assert not report.valid and report.reason == "grader error" and isinstance(seen[0], RuntimeError)  # ... unless


def test_grade_report_refuses_a_linked_submission(tmp_path: Path) -> None:
    task = load(_competition(tmp_path))
    secret = task.answers_path
    work = tmp_path / "work"
    work.mkdir()
    (work / "submission.csv").symlink_to(secret)  # an agent pointing its submission at the answers
    report = grade_report(task, Path("submission.csv"), root=work, what="submission.csv")
    assert not report.valid and report.score is None
    with pytest.raises(SubmissionRefused):
        grade_report(task, work / "submission.csv", refusal_is_error=True)
    with pytest.raises(TypeError):  # a caller's bug is not an invalid submission
        grade_report(task, 42)  # type: ignore[arg-type]


def test_the_service_refuses_a_competition_instead_of_guessing(tmp_path: Path) -> None:
    service = GradingService(_competition(tmp_path))
    with pytest.raises(EnvironmentFormatError, match="serves sandmle environments"):
        service.grade("tiny-comp", "id,label\n8,0\n")


def test_a_competition_without_solutions_needs_a_renderer(tmp_path: Path) -> None:
    from sandmle_core.consume.evaluate import EvaluationError

    comp = _competition(tmp_path)
    with pytest.raises(EvaluationError, match="no ladder renderer"):
        run_ladder_episode(comp, 0)
    record = run_ladder_episode(comp, 0, render_ladder=lambda root, data_dir: [
        ("00_copy.py", "import shutil\nshutil.copy('public/sample_submission.csv', 'submission.csv')\n")])
    assert record.valid and record.score == 0.5 and record.script == "00_copy.py"
