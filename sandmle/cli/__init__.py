"""Entry point of the `sandmle` console script.

Each command lives in its own module (one per area) and registers itself on the shared typer app when imported.
Exit statuses (documented in the README): 0 success; 1 the command ran but something it built or checked failed
(a failed slot, an unsupported seed, a broken environment); 4 a build's Dask cluster lost all its workers for good;
130/143 interrupted by SIGINT/SIGTERM (the run's Prefect API server and Dask cluster stopped first); 2 bad input —
an expected failure (`SandmleError`) or a usage error (unknown option, a value outside its choices) — printed as ONE
`error:` line naming what was wrong and where, before anything starts; anything else is a bug and shows its traceback.

Imports: typer and rich at module level; `sandmle_core`, `sandmle.flows` and the rest inside command bodies.
"""

from __future__ import annotations

import importlib
import sys

import typer

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
    from typer._click.exceptions import ClickException, NoArgsIsHelpError, UsageError  # typer 0.29 vendors click

    from sandmle.runtime import Interrupted, signal_received
    from sandmle_core.errors import SandmleError

    try:
        try:
            code = app(standalone_mode=False)
        except Exception as exc:  # raised while a caught signal unwound: wrapped by a library on the way
            if (signum := signal_received()) is None:
                raise
            raise Interrupted(signum) from exc
        if (signum := signal_received()) is not None:  # swallowed on the way: the run still did not finish
            raise Interrupted(signum)
    except Interrupted as exc:  # the with-blocks have unwound: the run's API server and Dask cluster are stopped
        _error_line(f"{exc}: stopped; the Prefect API server and Dask cluster this run started were stopped, the "
                    "environments finished so far are kept and a re-run resumes")
        sys.exit(128 + exc.signum)
    except SandmleError as exc:
        _error_line(str(exc))
        sys.exit(2)
    except NoArgsIsHelpError as exc:  # bare `sandmle` (or a group without its command): the help, as usual
        exc.show()
        sys.exit(2)
    except UsageError as exc:  # typer's boxed usage panel is many lines; an operator greps for `error:`
        where = f" (in `sandmle {exc.ctx.info_name}`)" if exc.ctx and exc.ctx.parent else ""
        _error_line(exc.format_message() + where)
        sys.exit(2)
    except ClickException as exc:
        _error_line(exc.format_message())
        sys.exit(exc.exit_code)
    except typer.Abort:
        _error_line("aborted")
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)


def _error_line(message: str) -> None:
    from rich.console import Console

    Console(stderr=True).print(f"[bold red]error:[/] {' '.join(message.split())}", highlight=False, soft_wrap=True)
