"""Entry point of the `sandmle` console script.

Each command lives in its own module (one per area) and registers itself on the shared typer app when imported.
An expected failure (`SandmleError`) prints one clear line naming what was wrong and exits with status 2; anything
else is a bug and shows its traceback.

Imports: typer and rich at module level; `sandmle_core`, `sandmle.flows` and the rest inside command bodies.
"""

from __future__ import annotations

import importlib
import sys

from sandmle.cli._app import app

__all__ = ["app", "main"]

# Command modules, in the order their commands appear in `sandmle --help`.
_COMMAND_MODULES: tuple[str, ...] = (
    "pipeline",
    "seeds",
    "generation",
    "grading",
    "sandbox",
    "export",
    "evaluate",
    "bench",
)


def _register() -> None:
    for name in _COMMAND_MODULES:
        importlib.import_module(f"sandmle.cli.{name}")


def main() -> None:
    """Run the CLI."""
    from sandmle.runtime import configure_environment

    configure_environment()  # project-local PREFECT_HOME and no telemetry, before anything imports prefect
    _register()
    from sandmle_core.errors import SandmleError

    try:
        app()
    except SandmleError as exc:
        from rich.console import Console

        Console(stderr=True).print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        sys.exit(2)
