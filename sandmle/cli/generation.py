"""`sandmle profile SEED` and `sandmle generate SEED --count K` (plain loop, no orchestration)."""

from __future__ import annotations

from pathlib import Path

import typer

from sandmle.cli._app import app, print_json


@app.command()
def profile(
    seed: str = typer.Argument(..., help="bundled seed id, competition folder, or (with --mlebench-root) an "
                                         "mle-bench competition id"),
    data_dir: Path = typer.Option(None, "--data-dir", help="mle-bench's data root (the split layout)"),
    mlebench_root: Path = typer.Option(None, "--mlebench-root", help="the mle-bench repository"),
) -> None:
    """A seed's Task DNA: modality, task type, metric, label cardinality, class balance, feature mix, ..."""
    from sandmle_core.profile import profile_seed
    from sandmle_core.seeds import resolve_seed, seed_refs

    # the same seed options as `build` and `seeds check`: a split competition needs --data-dir to find its data
    refs = seed_refs([seed], data_dir, mlebench_root)
    print_json(profile_seed(resolve_seed(refs[0] if refs else seed)).model_dump(mode="json"))


@app.command()
def generate(
    seed: str = typer.Argument(..., help="bundled seed id or competition folder"),
    count: int = typer.Option(3, "--count", min=1, help="environments to generate"),
    rng_seed: int = typer.Option(0, "--rng-seed"),
    out: Path = typer.Option(Path("corpus"), "--out"),
    backend: str = typer.Option("offline", "--backend"),
    no_contracts: bool = typer.Option(False, "--no-contracts", help="skip the great-expectations stage"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Generate K environments of one seed in a plain loop and print each verdict."""
    from sandmle_core.generate import generate_environment

    checker = None
    if not no_contracts:
        from sandmle.data_contracts import contract_checker as checker
    rows = []
    for index in range(count):
        outcome = generate_environment(seed, index, rng_seed, out, backend=backend, check_contracts=checker)
        v = outcome.verdict
        t = v.thresholds if v else None
        rows.append({"env_id": outcome.env_id, "status": outcome.status, "attempts": outcome.attempts,
                     "domain": outcome.spec.domain.key if outcome.spec else None,
                     "metric": outcome.spec.grading.metric if outcome.spec else None,
                     "sample": v.sample_score if v else None, "reference": v.reference_score if v else None,
                     "gold": t.gold if t else None, "bronze": t.bronze if t else None,
                     "kendall_tau": v.kendall_tau if v else None, "reason": outcome.message or (v.reason if v else "")})
    if as_json:
        print_json(rows)
    else:
        from rich.console import Console
        from rich.table import Table

        table = Table(title=f"{seed}: {sum(r['status'] in ('accepted', 'cached') for r in rows)}/{count} accepted")
        for col in ("env_id", "domain", "metric", "sample", "reference", "gold", "bronze", "kendall_tau", "status"):
            table.add_column(col)
        for r in rows:
            table.add_row(*("" if r[c] is None else str(r[c]) for c in
                            ("env_id", "domain", "metric", "sample", "reference", "gold", "bronze", "kendall_tau",
                             "status")))
        Console().print(table)
    if any(r["status"] not in ("accepted", "cached") for r in rows):
        raise typer.Exit(1)
