"""Prefect runtime for the CLI: project-local PREFECT_HOME, no telemetry, and one API shared by every process.

Without a configured `PREFECT_API_URL`, Prefect starts an ephemeral API in each process that needs one (10–14 s each
with prefect 3.8). `prefect_api()` starts one local API server for the whole run and exports its URL before any Dask
worker starts, so the workers report to it instead of starting their own; that server collects its garbage off its
event loop (`sandmle.prefect_server`: a collection on the loop stalled 9 of 107 one-slot builds for 60 s).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["Interrupted", "configure_environment", "flush_to_api", "prefect_api", "signal_received",
           "unwind_on_signals"]

_received: list[int] = []  # the signal `unwind_on_signals` caught in this process, if any


class Interrupted(BaseException):
    """SIGTERM or SIGINT reached the CLI: raised in its main thread so that every `with` block unwinds — the flow
    run ends Crashed, the Dask cluster closes and the Prefect API server this run started stops. A BaseException,
    so that no `except Exception` on the way swallows it."""

    def __init__(self, signum: int):
        import signal

        super().__init__(f"interrupted by {signal.Signals(signum).name}")
        self.signum = signum


@contextmanager
def unwind_on_signals() -> Iterator[None]:
    """SIGTERM and SIGINT raise `Interrupted` in the main thread while this is active (a second signal kills at once,
    as without it). Prefect's own SIGTERM bridge, installed while a flow runs, marks the run Crashed and then re-sends
    the signal to the handler it found: this one. Without it that handler was the default one, and the process died
    there, leaving its API server (a uvicorn subprocess) running."""
    import signal

    def interrupt(signum: int, frame: object) -> None:
        _received.append(signum)
        for sig in (signal.SIGTERM, signal.SIGINT):  # the clean-up runs once; a second signal is not caught
            signal.signal(sig, signal.SIG_DFL if sig == signal.SIGTERM else signal.default_int_handler)
        raise Interrupted(signum)

    _received.clear()
    saved = {sig: signal.signal(sig, interrupt) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


def signal_received() -> int | None:
    """The signal `unwind_on_signals` caught, or None. `Interrupted` is raised wherever the main thread happens to
    be, and a library on the way may wrap it in its own error (pydantic turns it into a `PydanticSerializationError`
    when the signal lands inside Prefect's context serialisation) or swallow it: the CLI asks here, so that such a
    run still exits as interrupted, never as a crash or a success."""
    return _received[0] if _received else None


def configure_environment(project_dir: Path | None = None) -> None:
    """Defaults that must be in the environment before prefect is imported."""
    base = project_dir or Path.cwd()
    os.environ.setdefault("PREFECT_HOME", str(base / ".prefect"))
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    # INFO reaches the API (the UI's logs tab) while the terminal's console handler stays at WARNING: a quiet CLI
    # and a build whose stages can be followed in the UI.
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO")
    os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "WARNING")
    os.environ.setdefault("DASK_DISTRIBUTED__WORKER__DAEMON", "False")
    os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "warning")


@contextmanager
def prefect_api() -> Iterator[str]:
    """Yield the API URL to use: the configured one, or a local server started for this run (stopped afterwards)."""
    configure_environment()
    url = os.environ.get("PREFECT_API_URL")
    if url:
        yield url
        return
    from prefect.settings import PREFECT_API_URL, temporary_settings

    server = _server()
    _start(server, int(os.environ["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"]))
    os.environ["PREFECT_API_URL"] = server.api_url
    try:
        with temporary_settings(updates={PREFECT_API_URL: server.api_url}):
            yield server.api_url
    finally:
        try:
            flush_to_api()
        finally:
            os.environ.pop("PREFECT_API_URL", None)
            server.stop()


def _server():
    """Prefect's local API server (`SubprocessASGIServer`), its app made by `sandmle.prefect_server.create_app`: the
    same uvicorn command Prefect runs (prefect 3.8's `_run_uvicorn_command`: loopback, no UI, the settings of this
    process), with the server's garbage collection off its event loop (why: `sandmle.prefect_server`). It takes the
    place Prefect keeps for the ephemeral server it would start itself (`SubprocessASGIServer()`, one per process), as
    the base class did before: a client of the process that finds no API URL in its settings gets this server, not a
    second one (the progress bar's thread was such a client until it ran in its creator's context, 2026-12-08)."""
    import subprocess
    import sys

    from prefect.server.api.server import SubprocessASGIServer
    from prefect.settings import get_current_settings

    class Server(SubprocessASGIServer):
        def _run_uvicorn_command(self) -> subprocess.Popen:
            settings = get_current_settings().to_environment_variables(exclude_unset=True)
            return subprocess.Popen(
                [sys.executable, "-m", "uvicorn", "--app-dir", str(Path(__file__).parents[1]), "--factory",
                 "sandmle.prefect_server:create_app", "--host", "127.0.0.1", "--port", str(self.port), "--log-level",
                 "error", "--lifespan", "on"],
                env={**os.environ, "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1",
                     "PREFECT__SERVER_FINAL": "1", **settings})

    server = Server()
    if not isinstance(server, Server):
        import logging

        logging.getLogger(__name__).warning(
            "the Prefect API server of this process was started by Prefect itself before this run: its garbage "
            "collection stays on its event loop (builds reporting to it can stall 60 s, see sandmle/prefect_server.py)")
    return server


def _start(server, timeout: int) -> None:
    """Start the API server and wait until its /health answers, within `timeout` seconds.

    Prefect's own wait asks /health with httpx's default 5 s read timeout and gives up on the first slow answer: on a
    loaded 2-core machine the booting server (database migrations) can take longer than that to answer, and the run
    died with `httpx.ReadTimeout` although the server was coming up. The server process is left running then; this
    keeps asking, with a patient client, until the deadline.

    Raises:
        RuntimeError: the server did not answer /health with 200 within `timeout` (the process is stopped).
    """
    import time

    import httpx

    deadline = time.monotonic() + timeout
    try:
        server.start(timeout=timeout)
        return
    except httpx.TimeoutException:
        pass
    except RuntimeError as exc:  # prefect's own deadline: its process may still be running
        server.stop()
        raise RuntimeError(f"the local Prefect API server did not answer /health within {timeout} s") from exc
    with httpx.Client(timeout=30.0) as client:
        while time.monotonic() < deadline and server.server_process.poll() is None:
            try:
                if client.get(f"{server.api_url}/health").status_code == 200:
                    server.running = True  # prefect's start() marked it not running when its wait gave up
                    return
            except (httpx.TimeoutException, httpx.ConnectError):
                pass
            time.sleep(0.5)
    server.stop()
    raise RuntimeError(f"the local Prefect API server did not answer /health within {timeout} s")


def flush_to_api(timeout: float = 60.0) -> None:
    """Deliver the logs and events still queued for the API, while it is up.

    Prefect sends run logs (and events) from background queue services in batches, and drains them only at
    interpreter exit. With the API server this process started, exit comes after the server stopped: the last batch
    (a flow run's closing lines) then fails with "--- Error logging to API --- All connection attempts failed" on
    stderr, and the UI misses those lines. Draining here, before `server.stop()`, sends them.
    """
    import sys

    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    for service in (APILogWorker, EventsWorker):
        _, pending = service.drain_all(timeout=timeout, at_exit=False)
        if pending:  # announced, never silent: the UI will miss some of this run's logs or events
            sys.stderr.write(f"warning: {service.__name__} could not deliver everything to the Prefect API "
                             f"within {timeout:.0f} s\n")
