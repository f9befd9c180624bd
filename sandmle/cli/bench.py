"""`sandmle bench`: run the benchmark and write bench/results/<date>/{report.md,results.json,*.png}."""

from __future__ import annotations

from pathlib import Path

import typer

from sandmle.cli._app import app

SECTIONS = ("micro", "throughput", "sandbox", "quality", "medals", "profile", "acceptance")


@app.command()
def bench(
    out: Path = typer.Option(Path("bench/results"), "--out", help="results root; a folder per date is created"),
    quick: bool = typer.Option(False, "--quick", help="smaller sizes and fewer repeats (a smoke run)"),
    section: list[str] = typer.Option(None, "--section", help=f"{' | '.join(SECTIONS)} (repeatable)"),
) -> None:
    """Measure micro-vs-full speed-up, build throughput and overhead, sandbox/grading latency and corpus quality."""
    unknown = sorted(set(section or ()) - set(SECTIONS))
    if unknown:
        typer.echo(f"error: --section {', '.join(unknown)}: not a benchmark section (known: {', '.join(SECTIONS)})",
                   err=True)
        raise typer.Exit(2)
    from sandmle.bench.run import run_bench

    folder = run_bench(out, quick=quick, sections=tuple(section) if section else SECTIONS)
    typer.echo((folder / "report.md").read_text())
    typer.echo(f"results: {folder}")
