"""`sandmle seeds` (the bundled seeds), `sandmle seeds check PATH…` (DNA and verdict), `sandmle seeds export DIR`."""

from __future__ import annotations

from pathlib import Path

import typer

from sandmle.cli._app import app, print_json

seeds_app = typer.Typer(help="Seed tasks: list the bundled ones, check any seed, export the bundled ones.",
                        invoke_without_command=True, no_args_is_help=False)
app.add_typer(seeds_app, name="seeds")


@seeds_app.callback()
def seeds(ctx: typer.Context, as_json: bool = typer.Option(False, "--json")) -> None:
    """The bundled seeds: id, modality, task type, metric and rows (built offline into the cache on first use)."""
    if ctx.invoked_subcommand is not None:
        return
    from sandmle_core.seeds import bundled_seed_ids
    from sandmle_core.seeds.checks import seed_row

    rows = [seed_row(seed_id) for seed_id in bundled_seed_ids()]
    if as_json:
        print_json(rows)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("id", "modality", "task type", "metric", "rows")
    for row in rows:
        table.add_row(row["id"], row["modality"], row["task_type"], row["metric"], str(row["rows"]))
    Console().print(table)


@seeds_app.command("check")
def check(
    paths: list[str] = typer.Argument(..., help="competition folders, bundled ids, or (with --mlebench-root) "
                                                "mle-bench competition ids"),
    data_dir: Path = typer.Option(None, "--data-dir", help="mle-bench's data root (the split layout)"),
    mlebench_root: Path = typer.Option(None, "--mlebench-root", help="the mle-bench repository"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Each seed's Task DNA and whether and how it will be generated (unsupported seeds say why)."""
    from sandmle_core.seeds import seed_refs
    from sandmle_core.seeds.checks import check_seed

    results = [check_seed(ref) for ref in seed_refs(list(paths), data_dir, mlebench_root) or []]
    if as_json:
        print_json(results)
        return
    for res in results:
        dna = res["dna"]
        typer.echo(f"{res['seed']}: {dna.get('modality')} · {dna.get('task_type')} · metric {dna.get('metric')} · "
                   f"id {dna.get('id_column')} · targets {', '.join(dna.get('target_columns', [])[:6])}"
                   f"{' …' if len(dna.get('target_columns', [])) > 6 else ''} · classes {dna.get('n_classes')}")
        if dna.get("train_only_columns"):
            typer.echo(f"  train-only columns (possible leaks): {', '.join(dna['train_only_columns'])}")
        typer.echo(f"  {'will be generated' if res['generated'] else 'NOT generated'}: {res['verdict']}")


@seeds_app.command("export")
def export(target: Path = typer.Argument(..., help="a new folder"),
           seed: list[str] = typer.Option(None, "--seed", help="bundled seed ids (default: all)")) -> None:
    """Write the bundled seeds as mle-bench competitions (split layout: competitions/<id>/ + data/<id>/prepared/)."""
    from sandmle_core.seeds.checks import export_bundled

    written = export_bundled(target, list(seed) if seed else None)
    typer.echo(f"wrote {len(written)} competitions under {target}/competitions (data under {target}/data); "
               f"read them back with --seed {target}/competitions/ID --data-dir {target}/data")
