"""The ladder harness's process boundary: one sandboxed parent forks every run, and no run may reach another's state.

Generated code runs in this harness too (the Claude developer's scripts), so an earlier run is an adversary of the
later ones: it tries to leave files in the workspace, /tmp and /dev/shm, rewrite a later script, leave a daemon behind
and cancel its own time limit; a later run looks for all of it, for the earlier run's submission, and for the
parent's descriptors and memory through /proc. What the later run found comes back in its submission and is judged
on the host.
"""

from __future__ import annotations

import pandas as pd
import pytest

from sandmle_core.agents.offline.developer import run_ladder_scripts
from sandmle_core.ladder import LadderScript
from sandmle_core.sandbox import _status

pytestmark = pytest.mark.skipif(not _status("bwrap").works, reason="needs a working bubblewrap sandbox")

PLANT = r'''
import os, subprocess, sys, time
secret = "SECRET-" + os.environ["SANDMLE_SEED"]
for path in ("stash.txt", "/tmp/stash.txt", "/dev/shm/stash.txt", "solutions/nested/stash.txt"):
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "w") as fh:
        fh.write(secret)
os.chmod("solutions/nested", 0)  # a folder the next clean-up must still be able to empty
with open("solutions/01_probe.py", "a") as fh:  # rewrite the next run's script
    fh.write("\nopen('submission.csv', 'w').write('id,found\\n0,rewritten\\n')\n")
if os.fork() == 0:  # a daemon outside the run's process group, left behind for the next run
    os.setsid()
    if os.fork() == 0:
        time.sleep(60)
        os._exit(0)
    os._exit(0)
open("submission.csv", "w").write("id,found\n0," + secret + "\n")
'''

PROBE = r'''
import os
found = []
for path in ("stash.txt", "/tmp/stash.txt", "/dev/shm/stash.txt", "solutions/nested", "runs"):
    if os.path.exists(path):
        found.append("file:" + path)
mine = {1, os.getpid(), os.getppid()}
found += ["process:" + p for p in os.listdir("/proc") if p.isdigit() and int(p) not in mine]
for what in ("/proc/%d/fd" % os.getppid(), "/proc/%d/mem" % os.getppid(), "/proc/%d/environ" % os.getppid()):
    try:
        if what.endswith("fd"):
            for fd in os.listdir(what):
                found.append("parent-fd:" + open(os.path.join(what, fd), "rb").read(64).decode("latin-1"))
        else:
            open(what, "rb").read(16)
            found.append("readable:" + what)
    except OSError:
        pass
open("submission.csv", "w").write("id,found\n0," + ("|".join(found) or "nothing") + "\n")
'''

HANG = r'''
import signal
signal.alarm(0)  # cancel the harness's own alarm: the parent must still stop the run
while True:
    pass
'''


def _run(scripts: list[LadderScript], tmp_path, timeout: float = 60.0, backend: str = "bwrap") -> tuple[list, list]:
    public = tmp_path / "public"
    public.mkdir(exist_ok=True)
    (public / "train.csv").write_text("id,y\n0,1\n")
    seen: list[str] = []

    def grade(sub: pd.DataFrame, answers: pd.DataFrame) -> float:
        seen.append(str(sub["found"].iloc[0]))
        return 1.0

    runs, _, _, _ = run_ladder_scripts(scripts, public, pd.DataFrame({"id": [0]}), grade, seeds=(1, 2),
                                       backend=backend, run_timeout=timeout)
    return runs, seen


@pytest.mark.parametrize("backend", ["bwrap", "unshare"])
def test_a_run_reaches_nothing_an_earlier_run_left(tmp_path, backend) -> None:
    if not _status(backend).works:
        pytest.skip(f"the {backend} backend does not work here")
    scripts = [LadderScript(0, "plant", "", PLANT), LadderScript(1, "probe", "", PROBE)]
    runs, seen = _run(scripts, tmp_path, backend=backend)
    assert [r.error for r in runs] == [None] * 4
    # the planting runs return their own secret: the harness did copy each run's own submission out
    assert seen[:2] == ["SECRET-1", "SECRET-2"]
    # the probes (run after both planting runs) found no file, no process, no rewritten script, no parent state
    assert seen[2:] == ["nothing", "nothing"]


def test_the_parent_stops_a_run_that_cancels_its_alarm(tmp_path) -> None:
    scripts = [LadderScript(0, "hang", "", HANG), LadderScript(1, "probe", "", PROBE)]
    runs, seen = _run(scripts, tmp_path, timeout=2.0)
    assert [r.error for r in runs[:2]] == ["timed out", "timed out"]
    assert [r.score for r in runs[2:]] == [1.0, 1.0] and seen == ["nothing", "nothing"]
