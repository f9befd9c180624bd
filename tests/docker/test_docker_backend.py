"""The REAL docker sandbox backend (`make test-docker`): real containers, real limits, real isolation.

Opt-in: the engine tests run only when SANDMLE_DOCKER_TESTS=1 (set by scripts/test-docker.sh, which starts a private
daemon and imports the image), so a plain `make test` never runs containers on whatever daemon the machine has; they
are skipped with the reason when not opted in or when no engine answers. The option-building tests run always.
"""

from __future__ import annotations

import os
import socket
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from sandmle_core.errors import SandboxError
from sandmle_core.sandbox import Limits, StopReason, Workspace, get_sandbox
from sandmle_core.sandbox.docker_backend import DockerSandbox, container_options
from sandmle_core.sandbox.process import INSIDE, python_paths
from sandmle_core.settings import get_settings

REPO = Path(__file__).resolve().parents[2]
FAST = Limits(wall_seconds=30, cpu_seconds=30, memory_mb=1024, max_processes=64)


def _engine_problem() -> str | None:
    """Why the engine tests cannot run here, or None."""
    if os.environ.get("SANDMLE_DOCKER_TESTS") != "1":
        return ("docker tests are opt-in: `make test-docker` starts a private Docker daemon, imports the image and "
                "runs them (SANDMLE_DOCKER_TESTS=1)")
    try:
        DockerSandbox(get_settings().docker_image).client()
    except SandboxError as exc:
        return f"no Docker engine answers (DOCKER_HOST={os.environ.get('DOCKER_HOST', 'unset')}): {exc}"
    return None


@pytest.fixture(scope="module")
def sandbox() -> DockerSandbox:
    problem = _engine_problem()
    if problem:
        pytest.skip(problem)
    box = get_sandbox("docker")
    assert isinstance(box, DockerSandbox)
    image = get_settings().docker_image
    try:
        box.client().images.get(image)
    except Exception as exc:  # docker.errors.ImageNotFound and friends
        pytest.fail(f"image {image} is not in the engine (scripts/test-docker.sh imports it): {exc}")
    return box


@pytest.fixture(autouse=True)
def _no_leftover_containers(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every engine test must leave no container behind (killed or not)."""
    if "sandbox" not in request.fixturenames:
        yield
        return
    box: DockerSandbox = request.getfixturevalue("sandbox")
    before = {c.id for c in box.client().containers.list(all=True)}
    yield
    left = [c.name for c in box.client().containers.list(all=True) if c.id not in before]
    assert not left, f"containers left behind: {left}"


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


def _lines(text: str) -> dict[str, str]:
    """'key RESULT' lines → {key: RESULT}."""
    return dict(line.rsplit(" ", 1) for line in text.strip().splitlines())


# ---- option building: always ---------------------------------------------------------------------------------


def test_container_options_enforce_the_limits(tmp_path: Path) -> None:
    limits = Limits(wall_seconds=5, cpu_seconds=2.5, memory_mb=300, file_size_mb=7, max_processes=9)
    with Workspace.create(tmp_path) as ws:
        opts = container_options(ws, limits, "img:tag", {"A": "1"})
    assert opts["image"] == "img:tag" and opts["network_mode"] == "none" and opts["network_disabled"]
    assert opts["mem_limit"] == opts["memswap_limit"] == "300m" and opts["pids_limit"] == 9
    assert {u["Name"]: (u["Soft"], u["Hard"]) for u in opts["ulimits"]} == {
        "cpu": (3, 4), "fsize": (7 * 2**20, 7 * 2**20), "core": (0, 0)}
    assert opts["read_only"] and opts["cap_drop"] == ["ALL"] and opts["environment"] == {"A": "1"}
    volumes = opts["volumes"]
    assert volumes[str(ws.root)] == {"bind": INSIDE, "mode": "rw"}
    assert volumes[str(tmp_path.resolve())] == {"bind": f"{INSIDE}/public", "mode": "ro"}
    trees = python_paths()[1]
    assert all(volumes[t] == {"bind": t, "mode": "ro"} for t in trees)
    assert set(volumes) == {str(ws.root), str(tmp_path.resolve()), *trees}  # nothing else of the host


# ---- the real engine: opt-in -----------------------------------------------------------------------------------


@pytest.mark.docker
def test_real_solution_runs_and_returns_output_and_exit_code(sandbox: DockerSandbox, env_dir: Path) -> None:
    script = (
        "import sys\nimport pandas as pd\nfrom sklearn.linear_model import LogisticRegression\n"
        "tr = pd.read_csv('public/train.csv'); te = pd.read_csv('public/test.csv')\n"
        "m = LogisticRegression().fit(tr[['x']], tr['y'])\n"
        "pd.DataFrame({'id': te['id'], 'y': m.predict_proba(te[['x']])[:, 1]}).to_csv('submission.csv', index=False)\n"
        "print('rows', len(te), sys.argv[1])\nprint('warn', file=sys.stderr)\nsys.exit(int(sys.argv[2]))\n"
    )
    with Workspace.create(env_dir / "prepared" / "public", files={"solve.py": script}) as ws:
        r = sandbox.run_python("solve.py", ws, FAST, args=["hello", "3"])
        assert r.backend == "docker" and r.exit_code == 3 and r.stopped_by == StopReason.NONE, r.stderr_tail
        assert r.stdout_tail.strip() == "rows 20 hello" and r.stderr_tail.strip() == "warn"
        assert r.files_written == ["submission.csv"] and 0 < r.wall_seconds < FAST.wall_seconds
        assert len(pd.read_csv(ws.root / "submission.csv")) == 20
        ok = sandbox.run_python("print(6 * 7)", ws, FAST)
    assert ok.ok and ok.stdout_tail.strip() == "42"


@pytest.mark.docker
def test_public_is_read_only_and_the_workspace_writable(sandbox: DockerSandbox, env_dir: Path) -> None:
    site = os.path.realpath(sys.prefix)  # the interpreter's own tree, mounted read-only
    targets = ["public/x.csv", "public/train.csv", "out.txt", "sub/dir/deep.txt", "/usr/x", f"{site}/x", "/tmp/x"]
    code = (
        "import os\nfor p in %r:\n    try:\n        os.makedirs(os.path.dirname(p) or '.', exist_ok=True)\n"
        "        open(p, 'a').write('x')\n        print(p, 'WROTE')\n    except OSError as e:\n"
        "        print(p, 'ERR')\n" % targets
    )
    public = env_dir / "prepared" / "public"
    before = {p.name: p.read_bytes() for p in public.iterdir()}
    with Workspace.create(public) as ws:
        r = sandbox.run_python(code, ws, FAST)
        assert r.ok, r.stderr_tail
        assert (ws.root / "out.txt").read_text() == "x" and (ws.root / "sub/dir/deep.txt").exists()
        assert sorted(r.files_written) == ["out.txt", "sub/dir/deep.txt"]
    assert _lines(r.stdout_tail) == {
        "public/x.csv": "ERR", "public/train.csv": "ERR", "out.txt": "WROTE", "sub/dir/deep.txt": "WROTE",
        "/usr/x": "ERR", f"{site}/x": "ERR", "/tmp/x": "WROTE"}  # /tmp: a tmpfs private to the container
    assert {p.name: p.read_bytes() for p in public.iterdir()} == before and not Path(site, "x").exists()


@pytest.mark.docker
def test_no_network(sandbox: DockerSandbox) -> None:
    server = socket.socket()
    server.bind(("0.0.0.0", 0))
    server.listen()
    port = server.getsockname()[1]
    threading.Thread(target=server.accept, daemon=True).start()
    code = (
        "import os, socket\nprint('interfaces', '+'.join(sorted(os.listdir('/sys/class/net'))))\n"
        "for host in ['127.0.0.1', '172.17.0.1', '10.0.2.2', '8.8.8.8']:\n    try:\n"
        f"        socket.create_connection((host, {port}), timeout=2).close()\n        print(host, 'CONNECTED')\n"
        "    except OSError:\n        print(host, 'ERR')\n"
    )
    try:
        with Workspace.create() as ws:
            r = sandbox.run_python(code, ws, FAST)
    finally:
        server.close()
    assert r.ok, r.stderr_tail
    assert _lines(r.stdout_tail) == {"interfaces": "lo", "127.0.0.1": "ERR", "172.17.0.1": "ERR", "10.0.2.2": "ERR",
                                     "8.8.8.8": "ERR"}


@pytest.mark.docker
def test_memory_hog_is_stopped_as_memory(sandbox: DockerSandbox) -> None:
    with Workspace.create() as ws:
        r = sandbox.run_python("x = bytearray(2 * 1024**3)\nprint('allocated')", ws, Limits(memory_mb=256))
    assert r.stopped_by == StopReason.MEMORY and r.exit_code != 0 and "allocated" not in r.stdout_tail


@pytest.mark.docker
def test_infinite_loop_is_stopped_as_timeout(sandbox: DockerSandbox) -> None:
    with Workspace.create() as ws:
        r = sandbox.run_python("print('started', flush=True)\nwhile True: pass", ws,
                               Limits(wall_seconds=2, cpu_seconds=60))
    assert r.stopped_by == StopReason.TIMEOUT and not r.ok
    assert 2 <= r.wall_seconds < 4.0, r.wall_seconds


@pytest.mark.docker
def test_host_private_paths_are_not_visible(sandbox: DockerSandbox, env_dir: Path, monkeypatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-test-secret")
    private = env_dir / "prepared" / "private" / "answers.csv"
    docker_socket = os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock").removeprefix("unix://")
    listed = [str(REPO), str(REPO / "sandmle_core"), "/root", str(env_dir), str(env_dir / "prepared"), "/etc"]
    read = [str(private), "../private/answers.csv", "public/../../private/answers.csv", str(REPO / "pyproject.toml"),
            "/etc/shadow", docker_socket, "/var/run/docker.sock"]
    code = (
        "import os\nfor p in %r:\n    try:\n        print(p, '+'.join(sorted(os.listdir(p))) or 'EMPTY')\n"
        "    except OSError:\n        print(p, 'ERR')\nfor p in %r:\n    try:\n        open(p, 'rb').read()\n"
        "        print(p, 'READ')\n    except OSError:\n        print(p, 'ERR')\n"
        "print('key', os.environ.get('ANTHROPIC_API_KEY', 'NONE'))\n" % (listed, read)
    )
    with Workspace.create(env_dir / "prepared" / "public") as ws:
        r = sandbox.run_python(code, ws, FAST)
    assert r.ok, r.stderr_tail
    seen = _lines(r.stdout_tail)
    assert "SECRET" not in r.stdout_tail and seen["key"] == "NONE"
    assert all(seen[p] == "ERR" for p in read), seen
    # The interpreter trees are mounted at their host paths, so their parents exist — holding nothing but them.
    assert seen[str(REPO)] in ("ERR", ".venv") and seen["/root"] in ("ERR", ".pyenv"), seen
    assert seen[str(REPO / "sandmle_core")] == seen[str(env_dir)] == seen[str(env_dir / "prepared")] == "ERR"
    assert set(seen["/etc"].split("+")) <= {"group", "hostname", "hosts", "ld.so.cache", "ld.so.conf", "mtab",
                                            "nsswitch.conf", "passwd", "resolv.conf"}, seen["/etc"]


@pytest.mark.docker
def test_process_count_is_bounded(sandbox: DockerSandbox) -> None:
    code = (
        "import os, time\nn = 0\nfor _ in range(200):\n    try:\n        pid = os.fork()\n    except OSError:\n"
        "        break\n    if pid == 0:\n        time.sleep(60)\n        os._exit(0)\n    n += 1\n"
        "print('forked', n, flush=True)\ntime.sleep(60)\n"
    )
    with Workspace.create() as ws:
        r = sandbox.run_python(code, ws, Limits(wall_seconds=2, max_processes=16))
        after = sandbox.run_python("print(1)", ws, FAST)  # the engine is still usable
    forked = int(r.stdout_tail.split()[1])
    assert 0 < forked < 16 and r.stopped_by == StopReason.TIMEOUT, r.stdout_tail
    assert after.ok and after.stdout_tail.strip() == "1"


# Known gaps of docker_backend.py, measured here; strict, so the fix turns them into failures to un-mark.
@pytest.mark.docker
def test_cpu_limit_is_stopped_as_timeout(sandbox: DockerSandbox) -> None:
    with Workspace.create() as ws:
        r = sandbox.run_python("while True: pass", ws, Limits(wall_seconds=20, cpu_seconds=1))
    assert r.stopped_by == StopReason.TIMEOUT and r.wall_seconds < 5, (r.stopped_by, r.exit_code, r.wall_seconds)


@pytest.mark.docker
def test_public_is_read_only_without_a_public_source(sandbox: DockerSandbox) -> None:
    with Workspace.create() as ws:
        r = sandbox.run_python("open('public/x', 'w').write('x')", ws, FAST)
        assert not (ws.root / "public" / "x").exists()
    assert r.exit_code != 0 and "Read-only file system" in r.stderr_tail


@pytest.mark.docker
def test_output_flood_is_stopped_as_output(sandbox: DockerSandbox) -> None:
    code = "import sys\nfor i in range(50_000):\n    sys.stdout.write(f'{i:060d}\\n')\n"  # ~3 MB
    with Workspace.create() as ws:
        r = sandbox.run_python(code, ws, Limits(output_bytes=1_000_000, tail_bytes=4096))
    assert r.stopped_by == StopReason.OUTPUT and len(r.stdout_tail) <= 4096
