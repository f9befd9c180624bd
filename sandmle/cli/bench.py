"""`sandmle bench`: run the benchmark and write bench/results/<date>/{report.md,results.json,*.png} — a new folder
per run (<date>, then <date>b, <date>c, ...)."""

from __future__ import annotations

from pathlib import Path

import typer

from sandmle.cli._app import app

SECTIONS = ("micro", "throughput", "sandbox", "quality", "medals", "profile", "acceptance", "scaleout")


@app.command()
def bench(
    out: Path = typer.Option(Path("bench/results"), "--out",
                             help="results root; each run writes a new folder: <date>, then <date>b, <date>c, ..."),
    quick: bool = typer.Option(False, "--quick", help="smaller sizes and fewer repeats (a smoke run)"),
    section: list[str] = typer.Option(None, "--section", help=f"{' | '.join(SECTIONS)} (repeatable)"),
    corpus: Path = typer.Option(None, "--corpus", help="a built corpus for the quality and medals sections instead "
                                "of the throughput section's build (needs --section, without throughput)"),
) -> None:
    """Measure micro-vs-full speed-up, build throughput and overhead, sandbox/grading latency and corpus quality.

    Exit 0 when every section ran, 1 when one failed (the others' figures are still written), 2 on bad options.
    """
    unknown = sorted(set(section or ()) - set(SECTIONS))
    if unknown:
        typer.echo(f"error: --section {', '.join(unknown)}: not a benchmark section (known: {', '.join(SECTIONS)})",
                   err=True)
        raise typer.Exit(2)
    if corpus is not None:
        if not section or "throughput" in section:
            typer.echo("error: --corpus: replaces the throughput section's build, so name the sections to run with "
                       "--section and leave throughput out (e.g. --section medals)", err=True)
            raise typer.Exit(2)
        if not (corpus / "envs").is_dir():
            typer.echo(f"error: --corpus {corpus}: not a sandmle corpus (no envs/ folder)", err=True)
            raise typer.Exit(2)
    import json

    from sandmle.bench.runner import run_bench

    folder = run_bench(out, quick=quick, sections=tuple(section) if section else SECTIONS,
                       corpus=None if corpus is None else corpus.resolve())
    typer.echo((folder / "report.md").read_text())
    typer.echo(f"results: {folder}")
    errors = json.loads((folder / "results.json").read_text()).get("errors") or {}
    if errors:  # every other section's figures are written; the run still did not succeed
        first = next(iter(errors))
        typer.echo(f"error: bench section(s) {', '.join(errors)} failed ({first}: {errors[first]['error']}); "
                   f"see {folder / 'results.json'}", err=True)
        raise typer.Exit(1)
