"""The sandbox with real processes on the default backend: limits, isolation, results — never a crash."""

from __future__ import annotations

import os
import socket
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pytest

from sandmle_core.errors import SandboxError
from sandmle_core.sandbox import Limits, StopReason, Workspace, available_backends, get_sandbox

FAST = Limits(wall_seconds=20, cpu_seconds=20, memory_mb=1024, max_processes=64)


@pytest.fixture(scope="module")
def sandbox():
    return get_sandbox()


@pytest.fixture
def env_dir(tmp_path: Path) -> Path:
    public, private = tmp_path / "env" / "prepared" / "public", tmp_path / "env" / "prepared" / "private"
    public.mkdir(parents=True)
    private.mkdir(parents=True)
    pd.DataFrame({"id": range(60), "x": range(60), "y": [i % 2 for i in range(60)]}).to_csv(public / "train.csv",
                                                                                          index=False)
    pd.DataFrame({"id": range(60, 80), "x": range(60, 80)}).to_csv(public / "test.csv", index=False)
    (private / "answers.csv").write_text("id,y\n60,SECRET\n")
    return tmp_path / "env"


def test_default_backend_is_isolating(sandbox) -> None:
    assert sandbox.name == "bwrap", "make test installs bubblewrap; the default must be the isolating backend"


def test_infinite_loop_stops_as_timeout(sandbox) -> None:
    with Workspace.create() as ws:
        r = sandbox.run_python("while True: pass", ws, Limits(wall_seconds=2, cpu_seconds=30))
    assert r.stopped_by == StopReason.TIMEOUT and r.wall_seconds < 3.0 and not r.ok


def test_cpu_limit_stops_as_timeout(sandbox) -> None:
    with Workspace.create() as ws:
        r = sandbox.run_python("while True: pass", ws, Limits(wall_seconds=20, cpu_seconds=1))
    assert r.stopped_by == StopReason.TIMEOUT and r.wall_seconds < 5


def test_memory_limit(sandbox) -> None:
    with Workspace.create() as ws:
        r = sandbox.run_python("x = bytearray(4 * 1024**3)", ws, Limits(memory_mb=512))
    assert r.stopped_by == StopReason.MEMORY and r.exit_code != 0


def test_fork_bomb_is_contained(sandbox) -> None:
    bomb = "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n"
    with Workspace.create() as ws:
        r = sandbox.run_python(bomb, ws, Limits(wall_seconds=3, max_processes=32))
    assert r.stopped_by in (StopReason.PROCESSES, StopReason.TIMEOUT)
    with Workspace.create() as ws:  # the machine is still usable
        assert sandbox.run_python("print(1)", ws, FAST).stdout_tail.strip() == "1"


def test_output_flood_is_cut_keeping_the_tail(sandbox) -> None:
    code = "import sys\nfor i in range(2_000_000):\n    sys.stdout.write(f'{i:060d}\\n')\n"  # ~120 MB
    with Workspace.create() as ws:
        r = sandbox.run_python(code, ws, Limits(output_bytes=100_000_000, tail_bytes=4096))
    assert r.stopped_by == StopReason.OUTPUT
    assert len(r.stdout_tail) <= 4096 and r.stdout_tail.strip().splitlines()[-1].strip("0").isdigit()


def test_network_is_unreachable(sandbox) -> None:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    port = server.getsockname()[1]
    threading.Thread(target=lambda: server.accept(), daemon=True).start()
    code = f"import socket\nsocket.create_connection(('127.0.0.1', {port}), timeout=2)\nprint('connected')"
    with Workspace.create() as ws:
        r = sandbox.run_python(code, ws, FAST)
    server.close()
    assert r.exit_code != 0 and "connected" not in r.stdout_tail


@pytest.mark.parametrize("path", ["ABS", "../private/answers.csv", "public/../../private/answers.csv"])
def test_private_answers_are_unreachable(sandbox, env_dir: Path, path: str) -> None:
    target = str(env_dir / "prepared" / "private" / "answers.csv") if path == "ABS" else path
    code = f"print(open({target!r}).read())"
    with Workspace.create(env_dir / "prepared" / "public") as ws:
        r = sandbox.run_python(code, ws, FAST)
    assert r.exit_code != 0 and "SECRET" not in r.stdout_tail


def test_host_project_is_not_listable(sandbox, env_dir: Path) -> None:
    code = (
        "import os\nfor p in [%r, %r, '/root']:\n    try:\n        print(p, os.listdir(p))\n"
        "    except OSError as e:\n        print(p, 'ERR', type(e).__name__)\n"
        % (str(env_dir), str(Path(__file__).resolve().parents[3] / "sandmle_core"))
    )
    with Workspace.create(env_dir / "prepared" / "public") as ws:
        r = sandbox.run_python(code, ws, FAST)
    lines = r.stdout_tail.strip().splitlines()
    assert all("ERR" in line or line.endswith("['.pyenv']") for line in lines), lines


def test_writes_outside_workspace_fail_and_public_is_read_only(sandbox, env_dir: Path, tmp_path: Path) -> None:
    code = (
        "import os\nfor p in ['public/x.csv', %r, '/usr/x', '/tmp/x']:\n    try:\n        open(p, 'w').write('x')\n"
        "        print(p, 'WROTE')\n    except OSError as e:\n        print(p, 'ERR')\n" % str(tmp_path / "escape.txt")
    )
    with Workspace.create(env_dir / "prepared" / "public") as ws:
        r = sandbox.run_python(code, ws, FAST)
        assert not (tmp_path / "escape.txt").exists()
        assert not (env_dir / "prepared" / "public" / "x.csv").exists()
    lines = dict(line.rsplit(" ", 1) for line in r.stdout_tail.strip().splitlines())
    assert lines["public/x.csv"] == "ERR" and lines["/usr/x"] == "ERR"
    assert lines["/tmp/x"] == "WROTE"  # a private tmpfs, gone with the run


def test_crash_returns_exit_code_and_stderr(sandbox) -> None:
    with Workspace.create() as ws:
        r = sandbox.run_python("import sys\nprint('boom', file=sys.stderr)\nsys.exit(3)", ws, FAST)
    assert r.exit_code == 3 and "boom" in r.stderr_tail and r.stopped_by == StopReason.NONE


def test_secrets_do_not_leak_into_the_child(sandbox, monkeypatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-test-secret")
    with Workspace.create() as ws:
        r = sandbox.run_python("import os; print(os.environ.get('ANTHROPIC_API_KEY'))", ws, FAST)
    assert r.stdout_tail.strip() == "None"


def test_real_sklearn_solution_succeeds_with_timings(sandbox, env_dir: Path) -> None:
    script = (
        "import pandas as pd\nfrom sklearn.linear_model import LogisticRegression\n"
        "tr = pd.read_csv('public/train.csv'); te = pd.read_csv('public/test.csv')\n"
        "m = LogisticRegression().fit(tr[['x']], tr['y'])\n"
        "pd.DataFrame({'id': te['id'], 'y': m.predict_proba(te[['x']])[:, 1]}).to_csv('submission.csv', index=False)\n"
    )
    with Workspace.create(env_dir / "prepared" / "public", files={"solve.py": script}) as ws:
        r = sandbox.run_python("solve.py", ws, FAST)
        assert r.ok, r.stderr_tail
        assert r.files_written == ["submission.csv"]
        assert len(pd.read_csv(ws.root / "submission.csv")) == 20
    assert r.wall_seconds > 0 and r.cpu_seconds > 0 and r.peak_memory_mb > 10


def test_concurrent_runs_do_not_see_each_other(sandbox) -> None:
    def one(i: int) -> tuple[int, str]:
        with Workspace.create(files={f"mine_{i}.txt": str(i)}) as ws:
            r = sandbox.run_python("import os, time; time.sleep(0.3); print(sorted(os.listdir('.')))", ws, FAST)
            return i, r.stdout_tail.strip()

    with ThreadPoolExecutor(8) as pool:
        for i, out in pool.map(one, range(8)):
            assert out == str(sorted(["public", f"mine_{i}.txt"]))


def test_doctor_lists_every_backend() -> None:
    statuses = {s.name: s for s in available_backends()}
    assert set(statuses) == {"bwrap", "unshare", "rlimit", "docker"}
    assert statuses["bwrap"].works and statuses["bwrap"].strict_ok and "filesystem" in statuses["bwrap"].isolates
    assert not statuses["unshare"].strict_ok and "filesystem" in statuses["unshare"].missing
    rlimit = statuses["rlimit"]
    assert not rlimit.strict_ok
    # as root rlimit runs code as an unprivileged uid; where that uid cannot reach the interpreter it says so
    assert rlimit.works or "cannot reach" in rlimit.detail, rlimit.detail


def _weak(name: str):
    """A weaker backend as a permissive policy admits it; rlimit with an interpreter its unprivileged uid reaches."""
    if name == "unshare":
        return get_sandbox("unshare", policy="permissive")
    from sandmle_core.sandbox.host import reachable_by, sandbox_ids
    from sandmle_core.sandbox.process import RlimitSandbox, python_paths

    uid, gid = sandbox_ids()
    exe = next((e for e in (python_paths()[0], "/usr/bin/python3") if reachable_by(e, uid, gid) is None), None)
    if exe is None:
        pytest.skip(f"no interpreter uid {uid} can reach")
    return RlimitSandbox(python=exe)


@pytest.mark.parametrize("name", ["unshare", "rlimit"])
def test_fallback_backends_still_limit(name: str) -> None:
    sandbox = _weak(name)
    with Workspace.create() as ws:
        r = sandbox.run_python("while True: pass", ws, Limits(wall_seconds=1.5))
        assert r.stopped_by == StopReason.TIMEOUT and r.warnings and r.isolation.missing
        ok = sandbox.run_python("print(open('public/../x.txt','w').write('a'))", ws, FAST)
        assert ok.ok, ok.stderr_tail


def test_unknown_backend_and_bad_workspace_are_typed_errors(tmp_path: Path) -> None:
    with pytest.raises(SandboxError, match="unknown sandbox backend"):
        get_sandbox("vm")
    with pytest.raises(SandboxError, match="does not exist"):
        Workspace.create(tmp_path / "nope")
    with Workspace.create() as ws, pytest.raises(SandboxError, match="inside the workspace"):
        ws.write("../escape.txt", "x")
    assert os.path.exists(tmp_path)


def test_a_venv_reached_through_a_symlink_keeps_its_packages_inside(tmp_path: Path) -> None:
    """`.venv -> /somewhere/else`: the sandboxed interpreter must still find its site-packages (it looks for
    pyvenv.cfg next to the bin/ it was started from, so that path is bound too)."""
    import subprocess
    import sys

    if sys.prefix == sys.base_prefix:
        pytest.skip("the suite does not run in a virtualenv")
    link = tmp_path / "linked-venv"
    link.symlink_to(os.path.realpath(sys.prefix), target_is_directory=True)
    code = ("import pathlib, tempfile\n"
            "from sandmle_core.sandbox import Limits, Workspace, get_sandbox\n"
            "public = pathlib.Path(tempfile.mkdtemp()) / 'public'\npublic.mkdir()\n"
            "with Workspace.create(public, files={'s.py': 'import pandas, sklearn'}) as ws:\n"
            "    r = get_sandbox().run_python('s.py', ws, Limits(wall_seconds=60, cpu_seconds=60, memory_mb=1024,"
            " max_processes=64))\n"
            "print('OK' if r.ok else 'FAILED ' + r.stderr_tail[-300:])\n")
    repo = Path(__file__).resolve().parents[3]
    out = subprocess.run([str(link / "bin" / "python"), "-c", code], capture_output=True, text=True, timeout=120,
                         env={**os.environ, "PYTHONPATH": str(repo)}, cwd=tmp_path)
    assert out.stdout.strip() == "OK", (out.stdout, out.stderr[-2000:])
