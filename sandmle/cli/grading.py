"""`sandmle grade ENV_DIR SUBMISSION`: score, validity, thresholds, medals, HumanRank and reward as JSON."""

from __future__ import annotations

from pathlib import Path

import typer

from sandmle.cli._app import app


def grade_report_json(env_dir: Path, submission: Path, format_rate: float, timings: dict | None = None) -> tuple[dict,
                                                                                                                 bool]:
    """The grade report of one submission file against an environment (shared by grade and run-solution)."""
    from sandmle_core.errors import InvalidSubmission
    from sandmle_core.grading import grade_submission, read_table
    from sandmle_core.layout import read_environment
    from sandmle_core.leaderboard import make_grade_report

    env = read_environment(env_dir)
    try:
        score, reason = grade_submission(read_table(submission), env.answers_path, env.grading), None
    except InvalidSubmission as exc:
        score, reason = None, exc.reason
    report = make_grade_report(score, reason, env.leaderboard_scores(), env.thresholds, format_rate=format_rate)
    data = {"env_id": env.env_id, "metric": env.grading.metric, **report.model_dump(mode="json")}
    if timings:
        data["timings"] = timings
    return data, report.valid


@app.command()
def grade(
    env_dir: Path = typer.Argument(..., help="an environment folder"),
    submission: Path = typer.Argument(..., help="a submission CSV"),
    format_rate: float = typer.Option(1.0, help="share of well-formed agent turns, for the reward's format term"),
) -> None:
    """Grade a submission: score, validity (with the reason), thresholds, medals, HumanRank and reward."""
    from sandmle.cli._app import print_json

    data, valid = grade_report_json(env_dir, submission, format_rate)
    print_json(data)
    raise typer.Exit(0 if valid else 1)
