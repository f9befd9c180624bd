"""Progress bars as an operator sees them: `export`, `eval` and `validate` run as real processes on a pseudo-terminal
draw a bar that ends at N/N; the same commands in a pipe (CI logs, `--json`) print no bar at all."""

from __future__ import annotations

import os
import re
import select
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def _on_terminal(args: list[str], cwd: Path) -> tuple[int, str]:
    """Run `sandmle ARGS` with stdout and stderr on a pseudo-terminal; return the exit code and what it drew."""
    master, slave = os.openpty()
    env = {**os.environ, "COLUMNS": "120", "TERM": "xterm-256color"}
    proc = subprocess.Popen([sys.executable, "-m", "sandmle.cli", *args], stdin=subprocess.DEVNULL, stdout=slave,
                            stderr=slave, cwd=cwd, env=env)
    os.close(slave)
    chunks = []
    while True:
        ready, _, _ = select.select([master], [], [], 1.0)
        if ready:
            try:
                data = os.read(master, 65536)
            except OSError:  # the child closed the terminal
                break
            if not data:
                break
            chunks.append(data)
        elif proc.poll() is not None:
            break
    os.close(master)
    return proc.wait(), _ANSI.sub("", b"".join(chunks).decode(errors="replace"))


def test_export_and_eval_draw_a_bar_on_a_terminal_and_nothing_in_a_pipe(tiny_corpus: Path, tmp_path: Path) -> None:
    code, shown = _on_terminal(["export", str(tiny_corpus), str(tmp_path / "tasks.parquet"), "--layout", "tasks"],
                               tmp_path)
    assert code == 0 and re.search(r"environments.*2/2", shown), shown
    code, shown = _on_terminal(["eval", str(tiny_corpus), "--agent", "ladder:0", "--json"], tmp_path)
    assert code == 0 and re.search(r"episodes.*2/2", shown), shown[-2000:]
    piped = subprocess.run([sys.executable, "-m", "sandmle.cli", "export", str(tiny_corpus),
                            str(tmp_path / "again.parquet"), "--layout", "tasks"], capture_output=True, text=True,
                           cwd=tmp_path)
    assert piped.returncode == 0 and "2/2" not in piped.stderr + piped.stdout and "━" not in piped.stderr


def test_validate_counts_its_environments_on_a_terminal(tiny_corpus: Path, tmp_path: Path) -> None:
    code, shown = _on_terminal(["validate", str(tiny_corpus)], tmp_path)
    assert code == 0 and re.search(r"environments.*2/2", shown) and "checked 2 environments, 0 broken" in shown, shown


def test_the_build_bar_asks_the_api_of_the_run_that_drew_it(monkeypatch):
    """Prefect's settings are context variables: the bar's polling thread saw none of the run's (`prefect_api()` sets
    the API URL in a temporary settings context), and its client asked for Prefect's ephemeral server of the process
    instead — a second API server when that place was not the run's. The thread now runs in a copy of the context
    that drew the bar."""
    import threading

    from prefect.settings import PREFECT_API_URL, temporary_settings

    from sandmle.cli import progress

    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    asked, polled = [], threading.Event()

    def count(tag: str, prefix: str) -> progress.SlotCounts:
        asked.append(PREFECT_API_URL.value())
        polled.set()
        return progress.SlotCounts(done=0, accepted=0, not_accepted=0)

    monkeypatch.setattr(progress, "count_slots", count)
    with temporary_settings(updates={PREFECT_API_URL: "http://127.0.0.1:9/api"}), progress.BuildProgress(
            "tag", 1, interval=0.01):
        assert polled.wait(timeout=120)
    assert PREFECT_API_URL.value() != "http://127.0.0.1:9/api"  # outside the context: not this run's
    assert set(asked) == {"http://127.0.0.1:9/api"}
