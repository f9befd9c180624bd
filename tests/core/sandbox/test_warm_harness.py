"""The warm ladder harness (`ladder.warm`): one bubblewrap harness serves environment after environment, and no run
of one environment may reach a later environment's runs.

An earlier environment's script is the adversary: it leaves files in the workspace, /tmp and /dev/shm, tries to
write the exchange folder (./public), a library file of the interpreter and the parent's memory, rewrites
`sys.modules` and pandas in its own process, forges a reply on the harness's old stdout, kills its parent or leaves a
daemon. A later environment's probe looks for all of it, and what it found comes back in its submission, judged on
the host. The harness's restarts (after N environments, after a leftover process, on an unexpected file) and the
one-shot fallback (announced) are checked on the real sandbox too.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from sandmle_core.agents.offline.developer import PRELOAD, run_ladder_scripts
from sandmle_core.errors import GenerationError
from sandmle_core.ladder import LadderScript
from sandmle_core.ladder import warm as warm_module
from sandmle_core.ladder.warm import stop_warm_harness, warm_harness
from sandmle_core.sandbox import Limits, _status, get_sandbox

pytestmark = pytest.mark.skipif(not _status("bwrap").works, reason="needs a working bubblewrap sandbox")

ATTACK = r'''
import os, sys, pandas
import pandas as pd
tried = []
for path in ("stash.txt", "/tmp/stash.txt", "/dev/shm/stash.txt", "solutions/nested/stash.txt", "runs/stash.txt"):
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    open(path, "w").write("planted")
os.chmod("solutions/nested", 0)
for path in ("public/planted.txt", "public/train.csv", pandas.__file__, "/proc/%d/mem" % os.getppid()):
    try:
        with open(path, "a") as fh:
            fh.write("planted")
        tried.append("wrote:" + path)
    except OSError:
        pass
sys.modules["sklearn"] = "planted"  # in this run's copy of the parent's memory only
pd.read_csv = lambda *a, **k: "planted"
pandas.__version__ = "planted"
os.write(1, b'{"status": 0}\n{"status": 0}\n')  # a forged reply on the harness's old stdout
for fd in os.listdir("/proc/self/fd"):  # beyond 0-2 only this run's two hidden output files: no pipe, no socket
    target = os.readlink("/proc/self/fd/" + fd) if os.path.exists("/proc/self/fd/" + fd) else ""
    if int(fd) > 2 and target.startswith(("pipe:", "socket:")):
        tried.append("fd:" + fd)
if os.readlink("/proc/self/fd/0") != "/dev/null":
    tried.append("stdin:" + os.readlink("/proc/self/fd/0"))
open("submission.csv", "w").write("id,found\n0," + ("|".join(tried) or "refused") + "\n")
'''

PROBE = r'''
import os, sys
import pandas as pd
found = []
for path in ("stash.txt", "/tmp/stash.txt", "/dev/shm/stash.txt", "solutions/nested", "runs", "public/planted.txt"):
    if os.path.exists(path):
        found.append("file:" + path)
if sorted(os.listdir("public")) != ["train.csv"] or open("public/train.csv").read() != "id,y\n0,1\n":
    found.append("public:" + ";".join(sorted(os.listdir("public"))))
if "planted" in open(pd.__file__).read() or pd.__version__ == "planted" or pd.read_csv.__name__ != "read_csv":
    found.append("pandas")
if sys.modules.get("sklearn") == "planted":
    found.append("sys.modules")
mine = {1, os.getpid(), os.getppid()}
found += ["process:" + p for p in os.listdir("/proc") if p.isdigit() and int(p) not in mine]
open("submission.csv", "w").write("id,found\n0," + ("|".join(found) or "nothing") + "\n")
'''

DAEMON = r'''
import os, time
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        time.sleep(60)
        os._exit(0)
    os._exit(0)
open("submission.csv", "w").write("id,found\n0,daemon\n")
'''

KILL_PARENT = r'''
import os, signal
os.kill(os.getppid(), signal.SIGKILL)
'''


@pytest.fixture(autouse=True)
def fresh_harness():
    stop_warm_harness()
    yield
    stop_warm_harness()


def _environment(tmp_path: Path, name: str, extra: dict[str, str] | None = None) -> Path:
    public = tmp_path / name
    public.mkdir()
    (public / "train.csv").write_text("id,y\n0,1\n")
    for rel, text in (extra or {}).items():
        (public / rel).write_text(text)
    return public


def _ladder(public: Path, *sources: str) -> tuple[list, list[str], dict]:
    seen: list[str] = []

    def grade(sub: pd.DataFrame, answers: pd.DataFrame) -> float:
        seen.append(str(sub["found"].iloc[0]))
        return 1.0

    figures: dict = {}
    scripts = [LadderScript(level, f"s{level}", "", source) for level, source in enumerate(sources)]
    runs, _, _, _ = run_ladder_scripts(scripts, public, pd.DataFrame({"id": [0]}), grade, seeds=(1,),
                                       backend="bwrap", run_timeout=60, figures=figures, warm=True)
    assert [r.error for r in runs] == [None] * len(sources)
    return runs, seen, figures


def _pid() -> int | None:
    harness = getattr(warm_module._local, "harness", None)
    return None if harness is None or harness.proc is None else harness.proc.pid


def test_an_environment_reaches_nothing_an_earlier_one_left(tmp_path) -> None:
    _, seen, figures = _ladder(_environment(tmp_path, "a", {"secret.txt": "A"}), ATTACK)
    assert seen == ["refused"], "a run wrote into public/, a library file, the parent's memory or a descriptor"
    assert figures["harness"] == "warm"
    served_by = _pid()
    assert served_by is not None, "the harness was stopped: nothing in the attack should have looked wrong"
    _, seen, figures = _ladder(_environment(tmp_path, "b"), PROBE, PROBE)  # a longer ladder: a larger budget
    assert _pid() == served_by and figures["harness"] == "warm"  # the same warm parent served the probes
    assert seen == ["nothing", "nothing"]


def test_a_leftover_process_restarts_the_harness(tmp_path) -> None:
    runs, _, figures = _ladder(_environment(tmp_path, "a"), DAEMON)
    assert runs[0].error is None and figures["harness"].startswith("warm (then restarted: a run timed out or left")
    assert _pid() is None
    _, seen, figures = _ladder(_environment(tmp_path, "b"), PROBE)
    assert seen == ["nothing"] and figures["harness"] == "warm"


def test_a_killed_parent_fails_that_environment_only(tmp_path) -> None:
    scripts = [LadderScript(0, "kill", "", KILL_PARENT)]
    with pytest.raises(GenerationError, match="the ladder harness stopped"):  # warm, then one-shot, as before
        run_ladder_scripts(scripts, _environment(tmp_path, "a"), pd.DataFrame({"id": [0]}), lambda s, a: 1.0,
                           seeds=(1,), backend="bwrap", run_timeout=60, warm=True)
    assert _pid() is None
    _, seen, figures = _ladder(_environment(tmp_path, "b"), PROBE)
    assert seen == ["nothing"] and figures["harness"] == "warm"


def test_the_harness_is_restarted_after_n_environments(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("SANDMLE_WARM_LADDER_ENVS", "2")
    pids = []
    for name in ("a", "b", "c"):
        _, seen, figures = _ladder(_environment(tmp_path, name), PROBE)
        assert seen == ["nothing"] and figures["harness"] == "warm"
        pids.append(_pid())
    assert pids[0] is not None and pids[1] is None and pids[2] not in (None, pids[0])


def test_an_unexpected_file_stops_the_harness(tmp_path) -> None:
    limits = Limits(wall_seconds=60, cpu_seconds=60, memory_mb=2048)
    harness = warm_harness(get_sandbox("bwrap", policy="permissive"), PRELOAD, limits, 20)
    files = {"solutions/00_probe.py": PROBE}
    job = {"timeout": 30, "scratch": ["/tmp", "/dev/shm"], "pid_namespace": True,
           "runs": [{"script": "solutions/00_probe.py", "seed": 1, "out": "runs/00-1.csv"}]}
    report, cpu = harness.run(_environment(tmp_path, "a"), files, job, 60)
    assert report["runs"][0]["ok"] and cpu > 0
    assert harness.ws is not None
    (harness.ws.scratch / "late.txt").write_text("x")  # as if something still ran after the last clean-up
    assert harness.finish(report, files) == "unexpected files ['tmp/late.txt']"
    assert harness.proc is None and harness.restarts == 1


def test_mount_points_in_tmp_are_kept_and_a_file_beside_them_still_stops_the_harness(tmp_path) -> None:
    # a clone under /tmp binds its venv at the same path, so bwrap makes tmp/<clone>/... in the sandbox's /tmp: those
    # empty folders are the harness's own (removing one would unmount the venv); anything new under them is not
    limits = Limits(wall_seconds=60, cpu_seconds=60, memory_mb=2048)
    harness = warm_harness(get_sandbox("bwrap", policy="permissive"), PRELOAD, limits, 20)
    files = {"solutions/00_probe.py": PROBE}
    job = {"timeout": 30, "scratch": ["/tmp", "/dev/shm"], "pid_namespace": True,
           "runs": [{"script": "solutions/00_probe.py", "seed": 1, "out": "runs/00-1.csv"}]}
    report, _ = harness.run(_environment(tmp_path, "a"), files, job, 60)
    assert harness.ws is not None
    harness._mount_points |= {"tmp/clone", "tmp/clone/venv"}  # as bwrap leaves them for a venv under /tmp
    (harness.ws.scratch / "clone" / "venv").mkdir(parents=True)
    assert harness.finish(report, files) is None and (harness.ws.scratch / "clone" / "venv").is_dir()
    report, _ = harness.run(_environment(tmp_path, "b"), files, job, 60)
    (harness.ws.scratch / "clone").mkdir(exist_ok=True)  # the harness empties /tmp before a run; a real mount stays
    (harness.ws.scratch / "clone" / "late.txt").write_text("x")
    assert harness.finish(report, files) == "unexpected files ['tmp/clone/late.txt']"
    assert harness.proc is None


@pytest.mark.parametrize(("backend", "setting", "why"), [
    ("rlimit", "20", "one-shot: the rlimit backend has no warm mode"),
    ("unshare", "20", "one-shot: the unshare backend has no warm mode"),
    ("bwrap", "0", "one-shot: SANDMLE_WARM_LADDER_ENVS=0"),
])
def test_the_fallback_is_announced(tmp_path, monkeypatch, backend, setting, why) -> None:
    if not _status(backend).works:
        pytest.skip(f"the {backend} backend does not work here")
    monkeypatch.setenv("SANDMLE_WARM_LADDER_ENVS", setting)
    figures: dict = {}
    runs, _, _, _ = run_ladder_scripts([LadderScript(0, "probe", "", PROBE)], _environment(tmp_path, "a"),
                                       pd.DataFrame({"id": [0]}), lambda s, a: 1.0, seeds=(1,), backend=backend,
                                       run_timeout=60, figures=figures, warm=True)
    assert runs[0].error is None and figures["harness"] == why
