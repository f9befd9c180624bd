"""`built_once`: a session fixture's build shared by the pytest-xdist workers of one run — built by one, copied by
every worker, rebuilt after a failed build."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fixtures.built_once import built_once


class _Factory:
    """What `built_once` asks of pytest's TempPathFactory: one worker's basetemp (`<run>/popen-gwN`)."""

    def __init__(self, base: Path) -> None:
        self.base = base
        base.mkdir(parents=True, exist_ok=True)

    def getbasetemp(self) -> Path:
        return self.base


def _build(folder: Path) -> None:
    folder.mkdir()
    (folder / "env.txt").write_text("built")
    with open(folder.parent / "builds.log", "a") as log:  # one line per build actually run
        log.write("x\n")


_WORKER = """
import sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[3])
from tests.fixtures.built_once import built_once
from tests.suite.test_built_once import _Factory, _build


def slow(folder):
    time.sleep(0.5)  # the other worker asks while this one builds
    _build(folder)


name = sys.argv[2]
copy = built_once(_Factory(Path(sys.argv[1]) / f"popen-{name}"), "corpus", slow)
(copy / "mine.txt").write_text(name)  # a worker writes into its own copy only
"""


def test_two_workers_build_once_and_get_their_own_copies(tmp_path):
    # Two fresh interpreters, as pytest-xdist's workers are (a fork of this worker would inherit whatever the tests
    # before it left behind: threads, locks, after-fork hooks).
    root = str(Path(__file__).resolve().parents[2])
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _WORKER, str(tmp_path), name, root],
            env={**os.environ, "PYTEST_XDIST_WORKER": name},
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("gw0", "gw1")
    ]
    errors = [p.communicate(timeout=120)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], errors
    assert (tmp_path / "builds.log").read_text() == "x\n"
    for name in ("gw0", "gw1"):
        copy = tmp_path / f"popen-{name}" / "corpus"
        assert (copy / "env.txt").read_text() == "built" and (copy / "mine.txt").read_text() == name
    assert not (tmp_path / "corpus.built" / "mine.txt").exists()


def test_a_failed_build_leaves_nothing_and_the_next_worker_builds(tmp_path, monkeypatch):
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw0")

    def broken(folder: Path) -> None:
        folder.mkdir()
        (folder / "half.txt").write_text("half")
        raise AssertionError("2 of 3 accepted")

    with pytest.raises(AssertionError, match="2 of 3 accepted"):
        built_once(_Factory(tmp_path / "popen-gw0"), "corpus", broken)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".corpus.lock", "popen-gw0"]
    copy = built_once(_Factory(tmp_path / "popen-gw1"), "corpus", _build)
    assert sorted(p.name for p in copy.iterdir()) == ["env.txt"]


def test_without_xdist_the_build_goes_under_the_session_basetemp(tmp_path, monkeypatch):
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)
    copy = built_once(_Factory(tmp_path / "session"), "corpus", _build)
    assert copy == tmp_path / "session" / "corpus" and (tmp_path / "session" / "corpus.built").is_dir()
