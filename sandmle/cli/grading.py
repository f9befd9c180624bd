"""`sandmle grade ENV_DIR SUBMISSION`: score, validity, thresholds, medals, HumanRank and reward as JSON.

Before anything is graded the environment's grading files are checked against config.yaml's hashes (a tampered
answers.csv, grade.py or leaderboard.csv is one `error:` line, exit 2), and the submission is read by the one safe
reader: a link, FIFO, device, directory, hard-linked or oversized file is refused without being read.
"""

from __future__ import annotations

from pathlib import Path

import typer

from sandmle.cli._app import app


def grade_report_json(env_dir: Path, submission: Path, format_rate: float, timings: dict | None = None, *,
                      root: Path | None = None, refusal_is_error: bool = True) -> tuple[dict, bool]:
    """The grade report of one submission file against an environment (shared by grade and run-solution).

    Args:
        env_dir: the environment folder; its grading files are verified first.
        submission: the submission file (relative to `root` when given).
        format_rate: share of well-formed agent turns, for the reward's format term.
        timings: extra figures to attach (run-solution's run).
        root: the workspace the submission must lie in (no link on the way out of it).
        refusal_is_error: a refused file (link, FIFO, device, ...) raises instead of grading as invalid.

    Raises:
        TamperedEnvironment: a grading file differs from config.yaml's hashes.
        SubmissionRefused: only with `refusal_is_error`.
    """
    from sandmle_core.consume.registry import load
    from sandmle_core.consume.report import grade_report
    from sandmle_core.layout import read_environment

    env = read_environment(env_dir)  # a folder that is not a sandmle environment fails here, saying what is wrong
    task = load(env_dir)  # hashes verified: TamperedEnvironment before anything is graded
    report = grade_report(task, Path(submission), format_rate, root=root, refusal_is_error=refusal_is_error)
    data = {"env_id": env.env_id, "metric": env.grading.metric, **report.model_dump(mode="json")}
    if timings:
        data["timings"] = timings
    return data, report.valid


@app.command()
def grade(
    env_dir: Path = typer.Argument(..., help="an environment folder"),
    submission: Path = typer.Argument(..., help="a submission CSV (a plain file: links, FIFOs, devices are refused)"),
    format_rate: float = typer.Option(1.0, help="share of well-formed agent turns, for the reward's format term"),
) -> None:
    """Grade a submission: score, validity (with the reason), thresholds, medals, HumanRank and reward."""
    from sandmle.cli._app import print_json

    data, valid = grade_report_json(env_dir, submission, format_rate)
    print_json(data)
    raise typer.Exit(0 if valid else 1)
