"""`sandmle bench`: run the benchmark and write bench/results/<date>/{report.md,results.json,*.png}."""

from __future__ import annotations

from pathlib import Path

import typer

from sandmle.cli._app import app

SECTIONS = ("micro", "throughput", "sandbox", "quality", "medals", "profile", "acceptance", "scaleout")


@app.command()
def bench(
    out: Path = typer.Option(Path("bench/results"), "--out", help="results root; a folder per date is created"),
    quick: bool = typer.Option(False, "--quick", help="smaller sizes and fewer repeats (a smoke run)"),
    section: list[str] = typer.Option(None, "--section", help=f"{' | '.join(SECTIONS)} (repeatable)"),
) -> None:
    """Measure micro-vs-full speed-up, build throughput and overhead, sandbox/grading latency and corpus quality.

    Exit 0 when every section ran, 1 when one failed (the others' figures are still written), 2 on bad options.
    """
    unknown = sorted(set(section or ()) - set(SECTIONS))
    if unknown:
        typer.echo(f"error: --section {', '.join(unknown)}: not a benchmark section (known: {', '.join(SECTIONS)})",
                   err=True)
        raise typer.Exit(2)
    import json

    from sandmle.bench.runner import run_bench

    folder = run_bench(out, quick=quick, sections=tuple(section) if section else SECTIONS)
    typer.echo((folder / "report.md").read_text())
    typer.echo(f"results: {folder}")
    errors = json.loads((folder / "results.json").read_text()).get("errors") or {}
    if errors:  # every other section's figures are written; the run still did not succeed
        first = next(iter(errors))
        typer.echo(f"error: bench section(s) {', '.join(errors)} failed ({first}: {errors[first]['error']}); "
                   f"see {folder / 'results.json'}", err=True)
        raise typer.Exit(1)
