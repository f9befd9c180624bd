"""`sandmle eval CORPUS_OR_MLEBENCH_DIR --agent ladder:<level>|ladder:top|claude --limit N [--json]`."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import typer

from sandmle.cli._app import app, print_json


def render_seed_ladder(root: Path, data_dir: str | Path | None) -> list[tuple[str, str]]:
    """The solution ladder of a competition that ships no solutions/, rendered from its profile (the build wing's
    seed loader, profiler and ladder; the consume wing's evaluation gets it passed in)."""
    from sandmle_core.ladder import ladder_for
    from sandmle_core.ladder.configs import config_from_profile
    from sandmle_core.profile import profile_seed
    from sandmle_core.seeds import load_seed

    profile = profile_seed(load_seed(root, data_dir))
    return [(s.filename, s.source) for s in ladder_for(config_from_profile(profile))]


@app.command("eval")
def eval_command(
    path: Path = typer.Argument(..., help="a corpus, an environment or mle-bench competition folder, or a folder of "
                                          "them"),
    agent: str = typer.Option("ladder:top", "--agent", help="ladder:<level>, ladder:top, claude or claude:<model>"),
    limit: int | None = typer.Option(None, "--limit", help="evaluate at most N tasks (sorted by id)"),
    as_json: bool = typer.Option(False, "--json", help="print the JSON report instead of Markdown"),
    report_dir: Path | None = typer.Option(None, "--report-dir", help="also write report.json and report.md here"),
    seed: int = typer.Option(0, help="exported to the sandbox as SANDMLE_SEED"),
    backend: str | None = typer.Option(None, help="force a sandbox backend"),
    workers: int = typer.Option(1, help="episodes run in parallel"),
    data_dir: Path | None = typer.Option(None, "--data-dir", help="mle-bench data directory (<id>/prepared/...)"),
    step_timeout: float = typer.Option(300.0, help="wall-clock limit of one step, seconds"),
    memory_mb: int = typer.Option(4096, help="memory limit of one step"),
    reward: str = typer.Option("dense", help="dense (SandMLE) or sparse"),
    max_turns: int = typer.Option(20, help="turn limit of a claude episode"),
) -> None:
    """Run an agent over environments in sandboxes: valid-submission rate, medals, above-median, HumanRank, reward."""
    from sandmle.cli.checks import InputError
    from sandmle_core.consume.agent_spec import EvaluationError, parse_agent
    from sandmle_core.sandbox import Limits

    if not path.exists():
        raise InputError(f"{path}: no such corpus, environment or competition folder")
    parse_agent(agent)  # a malformed --agent is refused before any sandbox starts (and before scikit-learn loads)
    if reward not in ("dense", "sparse"):
        raise EvaluationError(f"--reward must be dense or sparse, not {reward!r}")
    kind: Literal["dense", "sparse"] = "dense" if reward == "dense" else "sparse"
    limits = Limits(wall_seconds=step_timeout, cpu_seconds=step_timeout, memory_mb=memory_mb)
    from sandmle.cli.progress import item_progress
    from sandmle_core.consume.evaluate import evaluate
    from sandmle_core.consume.registry import discover

    with item_progress("episodes", lambda: len(list(discover(path))[:limit])) as advance:
        report = evaluate(path, agent, limit=limit, seed=seed, sandbox=backend, limits=limits, reward=kind,
                          workers=workers, data_dir=data_dir, max_turns=max_turns, render_ladder=render_seed_ladder,
                          on_episode=lambda record: advance(record.env_id))
    data = report.model_dump(mode="json")
    markdown = report.to_markdown()
    if report_dir is not None:
        import json

        report_dir.mkdir(parents=True, exist_ok=True)
        (report_dir / "report.json").write_text(json.dumps(data, indent=2) + "\n")
        (report_dir / "report.md").write_text(markdown)
    if as_json:
        print_json(data)
    else:
        typer.echo(markdown, nl=False)
    # The report above still holds every other environment's episode; one line per refused one. A tampered
    # environment or one the harness cannot run (no ladder at all) is bad input: exit 2. A ladder level that some
    # environment lacks (`ladder:9` on a 6-level ladder) never gets here: `evaluate` refuses it before any episode.
    refused = [r for r in report.episodes if r.error_type in ("TamperedEnvironment", "EvaluationError")]
    if refused:
        for record in refused:
            typer.echo(f"error: {record.error}", err=True)
        raise typer.Exit(2)
