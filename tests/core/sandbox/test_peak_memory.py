"""Peak memory and exit status without a cgroup: a run's figures are its own, not those of the process that started it.

Linux starts a child's `ru_maxrss` at the memory its parent had at the fork, so a builder (a Dask worker) of 700 MB
that ran `print(1)` straight would report 700 MB. Each test starts a fresh Python that first touches BIG_MB of its
own memory, then runs the sandbox with `use_cgroup = False` (as on a machine without a writable cgroup), and prints
the results as JSON.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from sandmle_core.sandbox.host import is_root
from tests.core.sandbox.test_attacks import _rlimit_python

BIG_MB = 700
DRIVER = """
import json, sys
big = bytearray({big} * 2**20)
for i in range(0, len(big), 4096):
    big[i] = 1
from sandmle_core.sandbox import Limits, Workspace, get_sandbox
from sandmle_core.sandbox.process import RlimitSandbox
sandbox = RlimitSandbox(python={python!r}) if {rlimit} else get_sandbox()
sandbox.use_cgroup = {use_cgroup}
out = []
for code, wall in {runs!r}:
    with Workspace.create() as ws:
        r = sandbox.run_python(code, ws, Limits(wall_seconds=wall, cpu_seconds=30, memory_mb=2048))
    out.append(dict(peak=r.peak_memory_mb, cpu=r.cpu_seconds, code=r.exit_code, stopped=r.stopped_by.value,
                    warnings=r.warnings, wall=r.wall_seconds, err=r.stderr_tail[-300:], measured=r.usage_measured))
print(json.dumps(out))
"""
HOG = "x = bytearray(300 * 2**20)\nfor i in range(0, len(x), 4096):\n    x[i] = 1\n"


def _run(runs: list[tuple[str, float]], use_cgroup: bool = False, rlimit: bool = False) -> list[dict]:
    python = _rlimit_python() if rlimit and is_root() else sys.executable
    code = DRIVER.format(big=BIG_MB, python=python, rlimit=rlimit, use_cgroup=use_cgroup, runs=runs)
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.splitlines()[-1])


def test_a_small_run_reports_its_own_peak_not_its_starters() -> None:
    small, hog = _run([("print(1)", 20), (HOG, 20)])
    assert small["code"] == 0 and small["stopped"] == "none", small
    assert small["peak"] < 100, f"print(1) reported {small['peak']} MB: the {BIG_MB} MB of the process that started it"
    assert 300 <= hog["peak"] < 450, hog
    assert not any("not measured" in w for w in small["warnings"] + hog["warnings"])
    assert small["measured"] and hog["measured"]


def test_exit_codes_signals_and_timeouts_read_as_with_a_cgroup() -> None:
    runs = [("import sys; sys.exit(3)", 20), ("import os, signal; os.kill(os.getpid(), signal.SIGSEGV)", 20),
            (HOG + "while True: pass", 3), ("import sys; print('x' * 10, file=sys.stderr); raise SystemExit(1)", 20)]
    without = _run(runs)
    with_cgroup = _run(runs, use_cgroup=True)
    for a, b in zip(without, with_cgroup, strict=True):
        assert (a["code"], a["stopped"]) == (b["code"], b["stopped"]), (a, b)
    assert [r["code"] for r in without[:2]] == [3, 128 + 11] and without[2]["stopped"] == "timeout"
    assert without[2]["wall"] < 6, "the launcher reported after the timeout kill instead of waiting out its grace"
    assert 300 <= without[2]["peak"] < 450 and without[2]["cpu"] > 0.5, without[2]
    assert "x" * 10 in without[3]["err"]


@pytest.mark.skipif(not is_root(), reason="the rlimit backend demotes the command only as root")
def test_the_command_cannot_forge_or_hang_the_launchers_report() -> None:
    forge = ("import os\nhits = []\nfor fd in range(64):\n    try:\n"
             "        with open(f'/proc/{os.getppid()}/fd/{fd}', 'w') as fh:\n            fh.write('done 1 0 0 0\\n')\n"
             "        hits.append(fd)\n    except OSError:\n        pass\nassert not hits, hits\n")
    stop = "import os, signal, time\nos.kill(os.getppid(), signal.SIGSTOP)\ntime.sleep(0.5)"
    forged, stopped = _run([(forge + HOG, 20)], rlimit=True)[0], _run([(stop, 3)], rlimit=True)[0]
    assert forged["code"] == 0, forged
    assert 300 <= forged["peak"] < 450, forged
    assert stopped["stopped"] == "timeout" and stopped["wall"] < 8, stopped
    assert any("not measured" in w for w in stopped["warnings"]) and not stopped["measured"], stopped
    assert (stopped["cpu"], stopped["peak"]) == (0.0, 0.0)
