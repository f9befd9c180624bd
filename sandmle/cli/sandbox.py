"""`sandmle doctor` (which sandbox backends work here, cleaning leftovers) and `sandmle run-solution ENV SCRIPT.py`.

run-solution runs untrusted code: it asks for the strict sandbox policy, which refuses a backend without filesystem
isolation (one `error:` line saying how to get bubblewrap, exit 2) unless `--allow-weak-sandbox` is given — and then
the result names the backend and what it does not isolate.
"""

from __future__ import annotations

from pathlib import Path

import typer

from sandmle.cli._app import app, print_json


@app.command()
def doctor(
    as_json: bool = typer.Option(False, "--json", help="machine-readable output"),
    clean: bool = typer.Option(False, "--clean", help="remove cgroups and workspaces left by killed runs"),
    services: bool = typer.Option(False, "--services/--no-services",
                                  help="also check the Prefect API, a Dask LocalCluster and great-expectations "
                                       "(~30 s; exit 1 when one fails)"),
) -> None:
    """Which sandbox backends work here, what each isolates and misses, which one each policy picks (about a second).
    With --services, also the Prefect API, Dask and great-expectations, each checked for real (exit 1 when one of
    them fails). The sandbox verdict never waits for, or depends on, those services."""
    from sandmle_core.errors import SandboxError
    from sandmle_core.sandbox import available_backends, get_sandbox
    from sandmle_core.sandbox.cgroups import cgroup_support
    from sandmle_core.sandbox.cleanup import clean_leaks

    cleaned = clean_leaks() if clean else None
    statuses = available_backends()
    choice: dict[str, str] = {}
    for policy in ("strict", "permissive"):
        try:
            choice[policy] = get_sandbox(policy=policy, allow_weak=False).name
        except SandboxError as exc:
            choice[policy] = f"refused: {exc}"
    from sandmle.cli.services import run_checks

    checked = run_checks() if services else []
    if as_json:
        print_json({"strict": choice["strict"], "permissive": choice["permissive"], "cgroups": cgroup_support(),
                    "backends": [s.__dict__ | {"isolates": list(s.isolates), "missing": list(s.missing)}
                                 for s in statuses], "cleaned": cleaned,
                    "services": [c.__dict__ for c in checked], "services_checked": services})
        _exit_for_services(checked)
        return
    from rich.console import Console
    from rich.table import Table

    console = Console()
    table = Table(title=f"sandbox backends (cgroups: {cgroup_support() or 'none'})")
    for col in ("backend", "works", "strict ok", "does NOT isolate", "start-up ms", "detail"):
        table.add_column(col, overflow="fold")
    for s in statuses:
        table.add_row(s.name, "yes" if s.works else "no", "yes" if s.strict_ok else "no", ", ".join(s.missing) or "-",
                      "" if s.startup_ms is None else f"{s.startup_ms:.0f}", s.detail[:300])
    console.print(table)
    console.print(f"strict policy (run-solution, eval, RL environment, Claude code): {choice['strict']}",
                  highlight=False, soft_wrap=True)
    console.print(f"permissive policy (sandmle's own ladder scripts): {choice['permissive']}", highlight=False)
    if cleaned is not None:
        console.print(f"cleaned: {len(cleaned['workspaces'])} workspaces, {len(cleaned['cgroups'])} cgroup folders "
                      "of killed runs", highlight=False)
    for c in checked:
        mark = "[green]ok[/]" if c.ok else "[bold red]FAILED[/]"
        console.print(f"{c.name}: {mark} {c.detail} ({c.seconds:.1f} s)", highlight=False, soft_wrap=True)
    if not services:
        console.print("services: not checked (`sandmle doctor --services` checks the Prefect API, a Dask "
                      "LocalCluster and great-expectations)", highlight=False, soft_wrap=True)
    _exit_for_services(checked)


def _exit_for_services(checked: list) -> None:
    """Exit 1 (the command ran, something it checked failed) when a service check failed."""
    if any(not c.ok for c in checked):
        raise typer.Exit(1)


@app.command("run-solution")
def run_solution(
    env_dir: Path = typer.Argument(..., help="an environment folder"),
    script: Path = typer.Argument(..., help="a solution script: reads ./public, writes ./submission.csv"),
    backend: str | None = typer.Option(None, help="force a sandbox backend"),
    timeout: float = typer.Option(600.0, help="wall-clock limit in seconds"),
    memory_mb: int = typer.Option(4096, help="memory limit"),
    allow_weak_sandbox: bool = typer.Option(False, "--allow-weak-sandbox",
                                            help="accept a backend without filesystem isolation (unshare, rlimit)"),
) -> None:
    """Run a solution in the sandbox against the environment's public data, then grade what it wrote."""
    import os

    from sandmle.cli.grading import grade_report_json
    from sandmle_core.errors import SandboxError
    from sandmle_core.integrity import verify_grading_files
    from sandmle_core.layout import read_environment
    from sandmle_core.sandbox import Limits, Workspace, get_sandbox

    env = read_environment(env_dir)
    verify_grading_files(env)  # a tampered environment is refused before anything runs (and checked again to grade)
    if not script.is_file():
        raise SandboxError(f"{script}: no such solution script")
    limits = Limits(wall_seconds=timeout, cpu_seconds=timeout, memory_mb=memory_mb)
    sandbox = get_sandbox(backend, policy="strict", allow_weak=allow_weak_sandbox or None)
    with Workspace.create(env.public_dir, files={"solution.py": script.read_text()}) as ws:
        result = sandbox.run_python("solution.py", ws, limits)
        timings = {"wall_seconds": result.wall_seconds, "cpu_seconds": result.cpu_seconds,
                   "peak_memory_mb": result.peak_memory_mb, "usage_measured": result.usage_measured,
                   "backend": result.backend,
                   "stopped_by": str(result.stopped_by), "exit_code": result.exit_code}
        isolation = {**result.isolation.model_dump(), "warnings": result.warnings}
        submission = ws.root / "submission.csv"
        if not result.ok or not os.path.lexists(submission):  # links and FIFOs are the reader's to refuse
            print_json({"env_id": env.env_id, "valid": False, "reason": "the solution did not write submission.csv"
                        if result.ok else f"the solution failed ({result.stopped_by}, exit {result.exit_code})",
                        "stderr_tail": result.stderr_tail[-2000:], "timings": timings, "sandbox": isolation})
            raise typer.Exit(1)
        data, valid = grade_report_json(env.root, Path("submission.csv"), 1.0, timings, root=ws.root,
                                        refusal_is_error=False)
    print_json({**data, "sandbox": isolation})
    raise typer.Exit(0 if valid else 1)
