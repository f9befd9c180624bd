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


def print_json(value: Any) -> None:
    """Print a JSON value on stdout (machine-readable output of a command)."""
    sys.stdout.write(json.dumps(value, indent=2, sort_keys=False, default=str) + "\n")
