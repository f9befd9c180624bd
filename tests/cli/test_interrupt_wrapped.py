"""A SIGINT/SIGTERM that lands inside a library which wraps exceptions still ends the CLI as interrupted.

`unwind_on_signals` raises `Interrupted` wherever the main thread is. On 2026-12-07 a SIGINT met Prefect serialising a
task's context for `DaskTaskRunner.submit`: pydantic wrapped the `Interrupted` in a `PydanticSerializationError`,
and `sandmle build` exited 1 with a traceback instead of 130 with its `error:` line. These run the real CLI entry
point in a subprocess with the build replaced by code that delivers a real signal at such a place."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import pytest

_PRELUDE = textwrap.dedent("""
    import os, signal, sys
    import pydantic
    import sandmle.cli as cli
    from sandmle.runtime import unwind_on_signals

    SIG = signal.Signals[sys.argv[1]]

    class Context(pydantic.BaseModel):
        name: str

        @pydantic.field_serializer("name")
        def _name(self, value):
            os.kill(os.getpid(), SIG)  # the handler runs here, inside pydantic-core's serialiser
            for _ in range(1000):
                pass
            return value
""")

_WRAPPED = _PRELUDE + textwrap.dedent("""
    def build(**kwargs):
        with unwind_on_signals():
            Context(name="slot").model_dump()
        return 0
""")

_SWALLOWED = _PRELUDE + textwrap.dedent("""
    def build(**kwargs):
        with unwind_on_signals():
            try:
                Context(name="slot").model_dump()
            except BaseException:  # a library that catches everything and carries on
                pass
        return 0
""")

_RUN = "\ncli.app = build\ncli.main()\n"


def _run(script: str, sig: signal.Signals) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", script + _RUN, sig.name], capture_output=True, text=True,
                          timeout=120, env={**os.environ, "PREFECT_HOME": os.devnull})


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_wrapped_by_pydantic_exits_as_interrupted(sig):
    proc = _run(_WRAPPED, sig)
    assert proc.returncode == 128 + sig, proc.stderr[-2000:]
    assert f"error: interrupted by {sig.name}" in proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr[-2000:]


def test_a_signal_swallowed_on_the_way_does_not_exit_0():
    proc = _run(_SWALLOWED, signal.SIGINT)
    assert proc.returncode == 130, proc.stderr[-2000:]
    assert "error: interrupted by SIGINT" in proc.stderr


def test_an_error_without_a_signal_is_not_called_an_interruption():
    script = _PRELUDE + "\ndef build(**kwargs):\n    with unwind_on_signals():\n        raise RuntimeError('boom')\n"
    proc = _run(script, signal.SIGINT)
    assert proc.returncode == 1
    assert "RuntimeError: boom" in proc.stderr
    assert "interrupted" not in proc.stderr
