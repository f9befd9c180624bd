"""Leftovers of killed runs — a tmpfs workspace still mounted, a cgroup still there — are cleaned; live ones never."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sandmle_core.sandbox import Workspace
from sandmle_core.sandbox.cgroups import cgroup_support
from sandmle_core.sandbox.cleanup import clean_leaks, leaked_workspaces
from sandmle_core.sandbox.host import is_root, owner_alive, owner_tag

pytestmark = pytest.mark.skipif(not is_root() or cgroup_support() is None,
                                reason="leaked tmpfs mounts and cgroups exist only for root with cgroups")

# A process that makes a workspace and a cgroup, says where, and waits to be killed (as a crash would).
VICTIM = """
import json, sys, time
from sandmle_core.sandbox import Workspace
from sandmle_core.sandbox.cgroups import CgroupRun
ws = Workspace.create()
ws.write("data.bin", b"x" * 4096)
group = CgroupRun.create(256, 16)
print(json.dumps({"top": str(ws.top), "cgroups": [str(p) for p in group.dirs.values()]}), flush=True)
time.sleep(600)
"""


def _killed_leftovers() -> dict:
    proc = subprocess.Popen([sys.executable, "-c", VICTIM], stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.stdout.close()
    return json.loads(line)


def _mounted(path: str) -> bool:
    return any(line.split()[4] == path for line in Path("/proc/self/mountinfo").read_text().splitlines())


def test_the_next_start_cleans_leftovers_of_a_killed_process_and_keeps_live_ones() -> None:
    left = _killed_leftovers()
    assert _mounted(left["top"]) and all(Path(p).is_dir() for p in left["cgroups"])
    assert Path(left["top"]) in leaked_workspaces()
    with Workspace.create() as mine:  # ours: its owner (this process) is alive
        assert owner_alive(mine.top.name[len("sandmle-ws-"):])
        # the next sandmle process to start a sandbox run cleans up on its first workspace
        subprocess.run([sys.executable, "-c", "from sandmle_core.sandbox import Workspace\n"
                        "Workspace.create().close()"], check=True)
        assert not Path(left["top"]).exists() and not _mounted(left["top"])
        assert not any(Path(p).exists() for p in left["cgroups"])
        assert mine.root.is_dir() and _mounted(str(mine.top)) and mine.top not in leaked_workspaces()
        removed = clean_leaks()  # on demand (`sandmle doctor --clean`): still never a live one
        assert str(mine.top) not in removed["workspaces"] and mine.root.is_dir()
    assert not mine.top.exists() and not _mounted(str(mine.top))


def test_owner_tags_survive_pid_reuse() -> None:
    tag = owner_tag()
    pid, start = tag.split("-")
    assert owner_alive(f"{tag}-abc") and not owner_alive(f"{pid}-{int(start) + 1}-abc")
    assert owner_alive("no-owner-here")  # names without an owner are never cleaned


def test_doctor_cleans_and_shows_bwrap_working() -> None:
    from sandmle.cli import _register
    from sandmle.cli._app import app

    _register()
    left = _killed_leftovers()
    result = CliRunner().invoke(app, ["doctor", "--clean", "--json", "--no-services"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert left["top"] in data["cleaned"]["workspaces"] and not os.path.exists(left["top"])
    bwrap = next(b for b in data["backends"] if b["name"] == "bwrap")
    assert bwrap["works"] and bwrap["strict_ok"] and data["strict"] == "bwrap"
