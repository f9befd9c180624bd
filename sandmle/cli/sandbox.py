"""`sandmle doctor` (which sandbox backends work here) and `sandmle run-solution ENV_DIR SCRIPT.py`."""

from __future__ import annotations

from pathlib import Path

import typer

from sandmle.cli._app import app, print_json


@app.command()
def doctor(as_json: bool = typer.Option(False, "--json", help="machine-readable output")) -> None:
    """Which sandbox backends work on this machine, what each isolates, and their start-up time."""
    from sandmle_core.sandbox import available_backends, get_sandbox
    from sandmle_core.sandbox.cgroups import cgroup_support

    statuses = available_backends()
    try:
        default = get_sandbox().name
    except Exception:
        default = None
    if as_json:
        print_json({"default": default, "cgroups": cgroup_support(),
                    "backends": [s.__dict__ | {"isolates": list(s.isolates)} for s in statuses]})
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"sandbox backends (default: {default}; cgroups: {cgroup_support() or 'none'})")
    for col in ("backend", "works", "isolates", "start-up ms", "detail"):
        table.add_column(col)
    for s in statuses:
        table.add_row(s.name, "yes" if s.works else "no", ", ".join(s.isolates),
                      "" if s.startup_ms is None else f"{s.startup_ms:.0f}", s.detail[:80])
    Console().print(table)


@app.command("run-solution")
def run_solution(
    env_dir: Path = typer.Argument(..., help="an environment folder"),
    script: Path = typer.Argument(..., help="a solution script: reads ./public, writes ./submission.csv"),
    backend: str | None = typer.Option(None, help="force a sandbox backend"),
    timeout: float = typer.Option(600.0, help="wall-clock limit in seconds"),
    memory_mb: int = typer.Option(4096, help="memory limit"),
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
    with Workspace.create(env.public_dir, files={"solution.py": script.read_text()}) as ws:
        result = get_sandbox(backend).run_python("solution.py", ws, limits)
        timings = {"wall_seconds": result.wall_seconds, "cpu_seconds": result.cpu_seconds,
                   "peak_memory_mb": result.peak_memory_mb, "backend": result.backend,
                   "stopped_by": str(result.stopped_by), "exit_code": result.exit_code}
        submission = ws.root / "submission.csv"
        if not result.ok or not os.path.lexists(submission):  # links and FIFOs are the reader's to refuse
            print_json({"env_id": env.env_id, "valid": False, "reason": "the solution did not write submission.csv"
                        if result.ok else f"the solution failed ({result.stopped_by}, exit {result.exit_code})",
                        "stderr_tail": result.stderr_tail[-2000:], "timings": timings})
            raise typer.Exit(1)
        data, valid = grade_report_json(env.root, Path("submission.csv"), 1.0, timings, root=ws.root,
                                        refusal_is_error=False)
    print_json(data)
    raise typer.Exit(0 if valid else 1)
