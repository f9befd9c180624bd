"""The one way a submission is graded and reported: `grade_report(task, submission)`, shared by every consumer.

`sandmle grade`, `sandmle run-solution`, the grading service (in process and over HTTP), the gym's score tool and
final grade, and evaluation all call `grade_report`: the submission is read by the one safe reader
(`submission_io`: no links, regular files only, a size cap from the answers' size), graded by the task's own grader
on the host, and bundled with thresholds, medals, HumanRank and both rewards (`leaderboard.make_grade_report`). The
evaluator-JSON contract those consumers print lives with the evaluator renderer (`grading.evaluator_json`).

Failure tiers follow mle-bench's grader wrapper: an invalid or refused submission is a normal outcome (a report with
`valid=false` and the reason); a refused file raises instead when the caller says so (the CLI's exit code 2); any
other exception of the grader propagates unless the caller turns it into an invalid report (`on_grader_error`).

Imports: the format wing (leaderboard, submission_io, errors) and the consume wing's task loader.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from sandmle_core.consume.tasks import Task
from sandmle_core.errors import InvalidSubmission, SubmissionRefused
from sandmle_core.leaderboard import GradeReport, make_grade_report
from sandmle_core.submission_io import parse_submission, read_submission_file, submission_cap

__all__ = ["Submission", "grade_report", "read_submission"]

Submission = pd.DataFrame | str | bytes | os.PathLike
"""A submission: a table, CSV text (`str` or UTF-8 `bytes`), or a path to a CSV file (`pathlib.Path`)."""


def read_submission(submission: Submission, max_bytes: int | None = None, *, root: str | os.PathLike | None = None,
                    what: str | None = None) -> pd.DataFrame:
    """A submission as a table: CSV text is parsed as the environment's evaluator.py parses its file; a path is read
    by the safe reader (`read_submission_file`).

    Args:
        submission: a DataFrame, CSV text (`str` or UTF-8 `bytes`), or a path (`os.PathLike`).
        max_bytes: the size cap of a file (default: `submission_cap` with no answers size, i.e. the floor).
        root: the folder a path must lie in (no link on the way out of it).
        what: how error messages name the file.

    Raises:
        InvalidSubmission: the text or file is not a readable CSV; `SubmissionRefused` when the file is missing, a
            link, a FIFO, a device, a directory, hard-linked or over the cap.
        TypeError: `submission` is none of the accepted kinds (a caller's bug, not a bad submission).
    """
    if isinstance(submission, pd.DataFrame):
        return submission
    if isinstance(submission, bytes | bytearray | str):
        return parse_submission(bytes(submission) if isinstance(submission, bytearray) else submission)
    if isinstance(submission, os.PathLike):
        cap = submission_cap(None) if max_bytes is None else max_bytes
        return read_submission_file(submission, cap, root=root, what=what)
    raise TypeError(f"a submission is a DataFrame, CSV text or a path, not {type(submission).__name__}")


def grade_report(task: Task, submission: Submission, format_rate: float = 1.0, *,
                 max_bytes: int | None = None, root: str | os.PathLike | None = None, what: str | None = None,
                 refusal_is_error: bool = False,
                 on_grader_error: Callable[[Exception], str] | None = None) -> GradeReport:
    """Grade one submission against a task: score (or the reason it is invalid), thresholds, medals, rank, reward.

    Args:
        task: the loaded task (`tasks.load_task`; a sandmle environment's grading files were verified on load).
        submission: a DataFrame, CSV text, or a path to a CSV file.
        format_rate: share of well-formed agent turns, for the reward's format term.
        max_bytes: the file size cap (default: the task's `submission_cap`).
        root: the workspace a submission path must lie in.
        what: how error messages name the file (default: "the submission <path>").
        refusal_is_error: a refused file (link, FIFO, device, over the cap, ...) raises instead of grading invalid.
        on_grader_error: turns any other exception of the grader into an invalid report's reason (the service
            logs and counts it); None lets it propagate.

    Returns:
        The `GradeReport` (its thresholds are None for a competition without a leaderboard).

    Raises:
        SubmissionRefused: only with `refusal_is_error`.
    """
    cap = task.submission_cap if max_bytes is None else max_bytes
    if what is None and isinstance(submission, os.PathLike):
        what = f"the submission {Path(submission)}"
    try:
        frame = read_submission(submission, cap, root=root, what=what)  # a TypeError here is the caller's bug
    except SubmissionRefused as exc:
        if refusal_is_error:
            raise
        score, reason = None, exc.reason
    except InvalidSubmission as exc:
        score, reason = None, exc.reason
    else:
        score, reason = _score(task, frame, on_grader_error)
    return make_grade_report(score, reason, task.leaderboard or (), task.thresholds, format_rate=format_rate)


def _score(task: Task, frame: pd.DataFrame,
           on_grader_error: Callable[[Exception], str] | None) -> tuple[float | None, str | None]:
    try:
        return task.grade(frame), None
    except InvalidSubmission as exc:
        return None, exc.reason
    except Exception as exc:  # mle-bench's rule when the caller asks for it: a grader crash makes it invalid
        if on_grader_error is None:
            raise
        return None, on_grader_error(exc)
