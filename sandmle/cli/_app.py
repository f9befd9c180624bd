"""The typer application that every CLI module registers its commands on.

Command modules import only typer and rich at module level; pandas, prefect, great_expectations and friends are
imported inside the command bodies so `sandmle --help` stays fast.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import typer

app = typer.Typer(
    name="sandmle",
    help="sandmle — an environment factory for training MLE agents with on-policy RL.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"sandmle {version('sandmle')}")
        raise typer.Exit(0)


@app.callback()
def _root(version: bool = typer.Option(False, "--version", is_eager=True, callback=_version,
                                       help="print the version and exit")) -> None:
    """sandmle — an environment factory for training MLE agents with on-policy RL."""


def print_json(value: Any) -> None:
    """Print a JSON value on stdout (machine-readable output of a command)."""
    sys.stdout.write(json.dumps(value, indent=2, sort_keys=False, default=str) + "\n")
