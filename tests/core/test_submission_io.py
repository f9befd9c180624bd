"""The one safe submission reader, attacked with real files: links (to private answers, to /dev/zero, through a
linked parent folder), hard links, FIFOs with and without a writer, devices, sockets, directories, oversized and
sparse 2 GB files, paths leaving the workspace — each refused with its reason, without reading the file."""

from __future__ import annotations

import os
import stat
import threading
import tracemalloc
from pathlib import Path

import pandas as pd
import pytest

from sandmle_core.errors import InvalidSubmission, SubmissionRefused
from sandmle_core.submission_io import parse_submission, read_regular_file, read_submission_file, submission_cap
from tests.fixtures.hostile_files import plant

CAP = 1 << 20
GOLD = "id,y\n1,0\n2,1\n"


@pytest.fixture()
def site(tmp_path: Path) -> tuple[Path, Path]:
    """An environment-like private folder holding the gold submission, and an agent's workspace next to it."""
    private = tmp_path / "env" / "prepared" / "private"
    private.mkdir(parents=True)
    (private / "gold_submission.csv").write_text(GOLD)
    workspace = tmp_path / "ws"
    workspace.mkdir()
    return private, workspace


def _plant(kind: str, private: Path, ws: Path) -> str:
    """Make the attack `kind` in the workspace; returns the name to read (relative to the workspace)."""
    return str(plant(kind, ws, private / "gold_submission.csv", oversize=CAP).relative_to(ws))


ATTACKS = [
    ("symlink to gold", "symbolic link"),
    ("relative symlink to gold", "symbolic link"),
    ("symlink to /dev/zero", "symbolic link"),
    ("dangling symlink", "symbolic link"),
    ("hard link to gold", "2 hard links"),
    ("fifo", "FIFO"),
    ("directory", "directory"),
    ("socket", "socket"),
    ("oversized", "larger than 1 MB"),
    ("sparse 2 GB", "larger than 1 MB (2147483648 bytes"),
    ("linked parent folder", "folder out on its path is a symbolic link"),
    ("missing", "no such file"),
]


@pytest.mark.parametrize(("kind", "reason"), ATTACKS, ids=[a[0] for a in ATTACKS])
def test_each_attack_is_refused_with_its_reason(site, kind: str, reason: str) -> None:
    private, ws = site
    name = _plant(kind, private, ws)
    tracemalloc.start()
    try:
        with pytest.raises(SubmissionRefused) as info:
            read_submission_file(name, CAP, root=ws)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert reason in info.value.reason, info.value.reason
    assert isinstance(info.value, InvalidSubmission)  # graded as invalid wherever an agent wrote the file
    assert peak < 4 * CAP  # nothing large was read, whatever the file claims to hold
    # and the same file given as a path (no workspace) is refused too: nothing grades gold through a link
    with pytest.raises(SubmissionRefused):
        read_submission_file(ws / name, CAP)


def test_a_fifo_with_a_writer_is_refused_without_reading(site) -> None:
    _, ws = site
    fifo = ws / "submission.csv"
    os.mkfifo(fifo)
    writer_fd = os.open(fifo, os.O_RDWR | os.O_NONBLOCK)  # a writer holding the pipe open, data waiting
    try:
        os.write(writer_fd, GOLD.encode())
        with pytest.raises(SubmissionRefused, match="FIFO"):
            read_submission_file("submission.csv", CAP, root=ws)
    finally:
        os.close(writer_fd)


def test_devices_are_refused_directly_and_in_a_workspace(site) -> None:
    _, ws = site
    with pytest.raises(SubmissionRefused, match="character device"):
        read_regular_file("/dev/zero", CAP)
    try:
        os.mknod(ws / "submission.csv", stat.S_IFCHR | 0o600, os.makedev(1, 5))  # /dev/zero's numbers
    except PermissionError:
        pytest.skip("creating device nodes needs root")
    with pytest.raises(SubmissionRefused, match="character device"):
        read_submission_file("submission.csv", CAP, root=ws)


@pytest.mark.parametrize("path", ["../env/prepared/private/gold_submission.csv", "/etc/passwd", "a/../../x.csv", "."])
def test_paths_leaving_the_workspace_are_refused(site, path: str) -> None:
    _, ws = site
    with pytest.raises(SubmissionRefused, match=r"inside|not a file path"):
        read_submission_file(path, CAP, root=ws)


def test_a_link_swapped_in_for_a_parent_folder_after_the_fact(site) -> None:
    """A real folder works; the same path through a linked folder does not — even when the final file is plain."""
    private, ws = site
    (ws / "out").mkdir()
    (ws / "out" / "submission.csv").write_text(GOLD)
    assert read_submission_file("out/submission.csv", CAP, root=ws).shape == (2, 2)
    (ws / "out" / "submission.csv").unlink()
    (ws / "out").rmdir()
    (ws / "out").symlink_to(private)
    with pytest.raises(SubmissionRefused, match="symbolic link"):
        read_submission_file("out/gold_submission.csv", CAP, root=ws)


def test_plain_files_are_read_and_parsed_from_bytes(site, tmp_path: Path, monkeypatch) -> None:
    _, ws = site
    (ws / "submission.csv").write_text(GOLD)
    frame = read_submission_file("submission.csv", CAP, root=ws)
    assert frame.equals(pd.DataFrame({"id": [1, 2], "y": [0, 1]}))
    monkeypatch.chdir(ws)
    assert read_submission_file("submission.csv", CAP).equals(frame)  # relative to the working directory
    assert read_regular_file(ws / "submission.csv", len(GOLD)) == GOLD.encode()  # exactly at the cap
    with pytest.raises(SubmissionRefused, match="larger than"):
        read_regular_file(ws / "submission.csv", len(GOLD) - 1)


def test_reading_never_blocks_while_a_fifo_appears_and_disappears(site) -> None:
    """Swap a plain file and a FIFO under the reader many times: every read ends, either parsed or refused."""
    _, ws = site
    path = ws / "submission.csv"
    path.write_text(GOLD)
    stop = threading.Event()

    def swap() -> None:
        while not stop.is_set():
            tmp = ws / "fifo.tmp"
            os.mkfifo(tmp)
            os.replace(tmp, path)
            path.unlink()
            path.write_text(GOLD)

    swapper = threading.Thread(target=swap, daemon=True)
    swapper.start()
    finished = 0
    try:
        for _ in range(300):
            try:
                read_submission_file("submission.csv", CAP, root=ws)
            except InvalidSubmission:  # refused (FIFO, replaced, missing) or caught half-written
                pass
            finished += 1
    finally:
        stop.set()
        swapper.join()
    assert finished == 300  # every read returned: a blocking open would hang here instead


@pytest.mark.parametrize(("data", "reason"), [
    (b"", "cannot read"), (b"\xff\xfe\x00garbage", "not UTF-8"), ("id,y\n1,\"unclosed\n", "cannot read"),
])
def test_unparseable_bytes_are_invalid_not_refused(data, reason: str) -> None:
    with pytest.raises(InvalidSubmission, match=reason) as info:
        parse_submission(data)
    assert not isinstance(info.value, SubmissionRefused)


def test_the_cap_follows_the_answers_and_the_settings(monkeypatch) -> None:
    monkeypatch.delenv("SANDMLE_SUBMISSION_FLOOR_MB", raising=False)
    monkeypatch.delenv("SANDMLE_SUBMISSION_FACTOR", raising=False)
    assert submission_cap(None) == 8 << 20 and submission_cap(1000) == 8 << 20
    assert submission_cap(1 << 20) == 20 << 20
    monkeypatch.setenv("SANDMLE_SUBMISSION_FLOOR_MB", "64")
    monkeypatch.setenv("SANDMLE_SUBMISSION_FACTOR", "0")
    assert submission_cap(10 << 20) == 64 << 20
    monkeypatch.setenv("SANDMLE_SUBMISSION_FACTOR", "lots")
    from sandmle_core.errors import SandmleError

    with pytest.raises(SandmleError, match="SANDMLE_SUBMISSION_FACTOR"):
        submission_cap(1)


def test_the_generated_evaluator_reads_submissions_safely(tmp_path: Path) -> None:
    """A trainer runs `python evaluator.py --submission_path X` on the host against a file an agent wrote."""
    import subprocess
    import sys

    from sandmle_core.grading import perfect_submission, render_evaluator_py
    from sandmle_core.leaderboard import Thresholds
    from tests.core.grading_cases import case

    answers, spec, _ = case("auc")
    env = tmp_path / "env"
    (env / "prepared" / "private").mkdir(parents=True)
    answers.to_csv(env / "prepared" / "private" / "answers.csv", index=False)
    gold = env / "prepared" / "private" / "gold_submission.csv"
    perfect_submission(answers, spec).to_csv(gold, index=False)
    marks = Thresholds(gold=0.9, silver=0.8, bronze=0.7, median=0.6, lower_is_better=False, n_entries=25)
    (env / "evaluator.py").write_text(render_evaluator_py(spec, marks))
    ws = tmp_path / "ws"
    ws.mkdir()
    planted = {"symlink": "symbolic link", "hardlink": "single link", "fifo": "not a regular file",
               "sparse": "larger than", "plain": None}
    (ws / "symlink").symlink_to(gold)
    os.link(gold, ws / "hardlink")
    os.mkfifo(ws / "fifo")
    with open(ws / "sparse", "wb") as fh:
        fh.truncate(2 << 30)
    (ws / "plain").write_bytes(gold.read_bytes())
    for name, reason in planted.items():
        run = subprocess.run([sys.executable, str(env / "evaluator.py"), "--submission_path", str(ws / name)],
                             capture_output=True, text=True, timeout=300)  # a hang fails instead of blocking
        if reason is None:
            assert run.returncode == 0 and '"score": 1.0' in run.stdout, run.stderr
        else:
            assert run.returncode == 1 and reason in run.stderr and run.stdout == "", (name, run.stderr)
