"""The attack suite: every attack of issue 11 against every process backend, with real processes.

A row per attack (attacks.py) × backend. `BLOCK`: the attack must fail — judged on the host (true hashes, files
unchanged, the victim alive, the server never reached). Otherwise the backend cannot stop it: the property must be
announced as missing in the result and the strict policy must refuse the backend. Resource attacks get their own
runs and a typed `stopped_by`. bwrap and unshare run this machine's interpreter (a venv under /tmp here); rlimit runs
as an unprivileged uid, so it uses an interpreter that uid can reach (the system python when pyenv lives in /root).
"""

from __future__ import annotations

import hashlib
import os
import runpy
import shutil
import socket
import subprocess
import threading
import time
import uuid
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sandmle_core.errors import SandboxError
from sandmle_core.grading import render_grade_py
from sandmle_core.sandbox import Limits, Policy, StopReason, Workspace, make_sandbox
from sandmle_core.sandbox.cgroups import cgroup_support
from sandmle_core.sandbox.host import is_root, reachable_by, sandbox_ids
from sandmle_core.sandbox.policy import admit
from sandmle_core.sandbox.process import RlimitSandbox, python_paths
from sandmle_core.spec import GradingSpec
from tests.core.sandbox.attacks import ATTACKS, BLOCK, PROBES, probe_files

REPO = Path(__file__).resolve().parents[3]
BACKENDS = ("bwrap", "unshare", "rlimit")
# Run with NO sandbox (a plain child of the caller, as root), these probes must succeed: the judge can see an attack
# that works, so a pass on a backend means the backend stopped it.
UNSANDBOXED_SUCCEEDS = {
    "answers_abs", "own_answers_abs", "proc_self_root", "symlink_answers", "list_other_envs",
    "write_other_answers", "write_other_grader", "write_public", "etc_shadow", "root_ssh", "project_git", "prefect_db",
    "host_tmp_file", "host_system_file", "proc_all_environ", "victim_environ", "capabilities", "setns_net",
    "ptrace_victim", "kill_victim", "signal_caller", "cgroup_escape", "read_cgroupfs", "dev_shm_host",
    "write_host_tmp", "write_project", "net_loopback",
}
CANARY = f"sk-ant-canary-{uuid.uuid4().hex}"
pytestmark = pytest.mark.skipif(not is_root() or cgroup_support() is None,
                                reason="the attack table's expectations assume root with writable cgroups")


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _rlimit_python() -> str:
    uid, gid = sandbox_ids()
    for exe in (python_paths()[0], "/usr/bin/python3"):
        if all(reachable_by(p, uid, gid) is None for p in (exe, os.path.realpath(exe))):
            return exe
    pytest.skip(f"no interpreter uid {uid} can run (rlimit refuses to run as root instead)")


class _NoSandbox(RlimitSandbox):
    """The control: a plain child process of the caller, as the caller (root), no isolation at all."""

    def runs_as(self) -> tuple[int, int]:
        return os.getuid(), os.getgid()

    def demote(self) -> None:
        return None


@pytest.fixture(scope="module")
def boxes():
    out = {"bwrap": make_sandbox("bwrap"), "unshare": make_sandbox("unshare"),
           "rlimit": RlimitSandbox(python=_rlimit_python()), "none": _NoSandbox()}
    for box in out.values():  # what the policies do: strict for untrusted code refuses the weak ones (tested below)
        box.isolation = admit(box.isolation, Policy.PERMISSIVE, allow_weak=False)
    return out


def _mini_env(root: Path, name: str, seed: int) -> Path:
    """An environment folder as the corpus has them: public data, private answers, a generated grade.py."""
    rng = np.random.default_rng(seed)
    env = root / "envs" / name
    (env / "prepared/public").mkdir(parents=True)
    (env / "prepared/private").mkdir(parents=True)
    ids = np.arange(40)
    y = rng.integers(0, 2, 40)
    pd.DataFrame({"id": ids, "x": y + rng.normal(0, 1, 40)}).to_csv(env / "prepared/public/test.csv", index=False)
    pd.DataFrame({"id": ids, "target": rng.random(40).round(4)}).to_csv(
        env / "prepared/public/sample_submission.csv", index=False)
    pd.DataFrame({"id": ids, "target": y}).to_csv(env / "prepared/private/answers.csv", index=False)
    spec = GradingSpec(metric="auc", id_column="id", target_columns=("target",), submission_columns=("target",))
    (env / "grade.py").write_text(render_grade_py(spec))
    return env


def _grade_sample(env: Path) -> float | str:
    """Grade the environment's sample submission with the environment's own grade.py and answers."""
    try:
        module = runpy.run_path(str(env / "grade.py"))
        return module["grade"](pd.read_csv(env / "prepared/public/sample_submission.csv"),
                              pd.read_csv(env / "prepared/private/answers.csv"))
    except Exception as exc:  # a tampered grader or answers: whatever it does, it is not the same grade
        return f"cannot grade: {exc}"


@pytest.fixture(scope="module")
def host(tmp_path_factory: pytest.TempPathFactory):
    """A corpus of two environments, a loopback server, a canary key in /root/.ssh, secrets in the project and the
    host's /tmp — everything removed afterwards."""
    root = tmp_path_factory.mktemp("attack-corpus")
    own, other = _mini_env(root, "env-a", 1), _mini_env(root, "env-b", 2)
    token = uuid.uuid4().hex[:12]
    ssh = Path("/root/.ssh")
    made_ssh = not ssh.exists()
    ssh.mkdir(mode=0o700, exist_ok=True)
    ssh_canary = ssh / f"sandmle-canary-{token}"
    ssh_canary.write_text(f"-----BEGIN KEY----- {CANARY}\n")
    ssh_canary.chmod(0o600)
    prefect_dir = Path(os.environ.get("PREFECT_HOME") or REPO / ".prefect")
    made_prefect = not prefect_dir.exists()
    prefect_dir.mkdir(parents=True, exist_ok=True)
    prefect_file = prefect_dir / "prefect.db" if (prefect_dir / "prefect.db").exists() else \
        prefect_dir / f"sandmle-canary-{token}.db"
    if not prefect_file.exists():
        prefect_file.write_text(CANARY)
    tmp_secret = Path("/tmp") / f"sandmle-attack-secret-{token}"
    tmp_secret.write_text(CANARY)
    tmp_secret.chmod(0o644)
    git = REPO / ".git"
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    accepted: list[int] = []

    def serve() -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            accepted.append(1)
            conn.close()

    threading.Thread(target=serve, daemon=True).start()
    ctx = {"own_answers": str(own / "prepared/private/answers.csv"),
           "other_answers": str(other / "prepared/private/answers.csv"), "other_grader": str(other / "grade.py"),
           "envs_dir": str(root / "envs"), "fake_answers": "id,target\n0,0\n", "ssh_canary": str(ssh_canary),
           "git_files": [str(git if git.is_file() else git / "HEAD")], "prefect_file": str(prefect_file),
           "host_tmp_secret": str(tmp_secret), "canary": CANARY, "caller": os.getpid(),
           "port": server.getsockname()[1], "public_file": "test.csv"}
    truth = {p: _sha(Path(p)) for p in (ctx["own_answers"], ctx["other_answers"], "/etc/shadow", ctx["ssh_canary"],
                                       ctx["prefect_file"], ctx["host_tmp_secret"], "/etc/hostname",
                                       *ctx["git_files"]) if Path(p).exists()}
    yield {"ctx": ctx, "own": own, "other": other, "accepted": accepted, "truth": truth, "token": token,
           "score": _grade_sample(other)}
    server.close()
    for path in (ssh_canary, tmp_secret):
        path.unlink(missing_ok=True)
    if prefect_file.name.startswith("sandmle-canary-"):
        prefect_file.unlink(missing_ok=True)
    if made_prefect:
        shutil.rmtree(prefect_dir, ignore_errors=True)
    if made_ssh:
        shutil.rmtree(ssh, ignore_errors=True)


def _observe(host: dict, ctx: dict, victim: subprocess.Popen, accepted_before: int) -> dict:
    """What the host sees right after one backend's probes: then undo whatever a (permitted) attack left behind."""
    other, own = host["other"], host["own"]
    changed = [p for p, data in host["corpus_bytes"].items() if p.read_bytes() != data]
    seen = {"victim_dead": victim.poll() is not None, "connected": len(host["accepted"]) > accepted_before,
            "corpus_changed": bool(changed), "score_after": _grade_sample(other),
            "public_pwned": (own / "prepared/public/pwn.txt").exists()}
    for path in changed:
        path.write_bytes(host["corpus_bytes"][path])
    for key in ("shm", "host_tmp_drop", "project_drop"):
        path = Path(ctx[key])
        seen[key] = path.exists()
        path.unlink(missing_ok=True)
    return seen


@pytest.fixture(scope="module")
def batches(boxes, host):
    """One sandboxed run of every probe per backend (forking per probe), with the canary key in our environment
    and in a victim process's; each backend gets its own victim and drop paths, observed right after its run."""
    out = {}
    old = os.environ.get("ANTHROPIC_API_KEY")
    os.environ["ANTHROPIC_API_KEY"] = CANARY  # a backend passing our environment on would leak it
    host["corpus_bytes"] = {p: p.read_bytes() for p in (host["other"] / "grade.py",
                                                        host["other"] / "prepared/private/answers.csv")}
    try:
        for name in (*BACKENDS, "none"):
            victim = subprocess.Popen(["sleep", "600"], env={"ANTHROPIC_API_KEY": CANARY, "PATH": "/usr/bin:/bin"})
            tag = f"{host['token']}-{name}"
            ctx = {**host["ctx"], "victim": victim.pid, "shm_name": f"sandmle-attack-{tag}",
                   "shm": f"/dev/shm/sandmle-attack-{tag}", "host_tmp_drop": f"/tmp/sandmle-attack-drop-{tag}",
                   "project_drop": str(REPO / f"attack-{tag}.txt")}
            accepted = len(host["accepted"])
            with Workspace.create(host["own"] / "prepared/public", files=probe_files(ctx)) as ws:
                run = boxes[name].run_python("attack.py", ws, Limits(wall_seconds=120, cpu_seconds=120))
                results = ws.root / "attack_results.json"
                text = results.read_text() if results.is_file() else None
            out[name] = (run, text, _observe(host, ctx, victim, accepted))
            victim.kill()
            victim.wait()
    finally:
        os.environ.pop("ANTHROPIC_API_KEY") if old is None else os.environ.__setitem__("ANTHROPIC_API_KEY", old)
    return out


def _succeeded(attack_id: str, rec: dict, host: dict, seen: dict) -> bool:
    """Did the probe achieve its goal — judged on the host wherever the host can see it."""
    ctx, truth, value = host["ctx"], host["truth"], rec.get("result")
    reads = {"answers_abs": "other_answers", "own_answers_abs": "own_answers", "proc_self_root": "other_answers",
             "proc_1_root": "other_answers", "symlink_answers": "other_answers", "hardlink_answers": "other_answers",
             "answers_relative": "own_answers", "root_ssh": "ssh_canary", "prefect_db": "prefect_file",
             "host_tmp_file": "host_tmp_secret"}
    if attack_id in reads:
        return rec["ok"] and value == truth[ctx[reads[attack_id]]]
    if attack_id in ("etc_shadow", "host_system_file"):
        return rec["ok"] and value in truth.values()
    if attack_id == "project_git":
        return rec["ok"] and any(v in truth.values() for v in value)
    if attack_id == "list_other_envs":
        return rec["ok"] and host["other"].name in value
    if attack_id in ("write_other_answers", "write_other_grader"):
        return seen["corpus_changed"] or seen["score_after"] != host["score"]
    if attack_id in ("write_public", "remount_public_rw"):
        return rec["ok"] or seen["public_pwned"]
    observed = {"kill_victim": "victim_dead", "net_loopback": "connected", "dev_shm_host": "shm",
                "write_host_tmp": "host_tmp_drop", "write_project": "project_drop"}
    if attack_id in observed:
        return seen[observed[attack_id]] or (attack_id == "net_loopback" and rec["ok"])
    if attack_id in ("proc_1_environ", "proc_self_environ", "proc_all_environ", "victim_environ", "setns_net",
                     "ptrace_victim"):
        return rec["ok"] and value is True
    if attack_id in ("capabilities", "cgroup_escape", "read_cgroupfs"):
        return rec["ok"] and bool(value)
    return rec["ok"]  # signal_caller, net_public: doing it at all is the success


def _judge(attack_id: str, backend: str, succeeded: bool, run, record_property) -> None:
    expected = next(a for a in ATTACKS if a.id == attack_id).expected(backend)
    record_property("outcome", f"{attack_id}|{backend}|{expected}|{'SUCCEEDED' if succeeded else 'failed'}")
    if expected == BLOCK:
        assert not succeeded, f"{attack_id} succeeded on {backend}"
        return
    assert expected in run.isolation.missing, f"{backend} does not announce missing {expected}"
    assert any(expected in w for w in run.warnings), run.warnings
    with pytest.raises(SandboxError, match="strict sandbox policy"):
        admit(run.isolation, Policy.STRICT, allow_weak=False)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("attack_id", [a.id for a in PROBES])
def test_attack(attack_id: str, backend: str, batches, host, record_property) -> None:
    import json

    run, text, seen = batches[backend]
    assert run.ok and text is not None, f"the probe run itself failed on {backend}: {run.stderr_tail[-1500:]}"
    results = json.loads(text)
    assert set(results) == {a.id for a in PROBES}
    _judge(attack_id, backend, _succeeded(attack_id, results[attack_id], host, seen), run, record_property)


def test_probes_detect_success_without_a_sandbox(batches, host) -> None:
    import json

    run, text, seen = batches["none"]
    assert run.ok and text is not None, run.stderr_tail
    results = json.loads(text)
    worked = {a.id for a in PROBES if _succeeded(a.id, results[a.id], host, seen)}
    assert worked >= UNSANDBOXED_SUCCEEDS, sorted(UNSANDBOXED_SUCCEEDS - worked)


FILL = "f = open({path!r}, 'wb')\nfor _ in range(5 * 1024):\n    f.write(b'x' * 2**20)\n"


@pytest.mark.parametrize("backend", BACKENDS)
def test_resource_attacks(backend: str, boxes, record_property) -> None:
    box = boxes[backend]
    bomb = "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n"
    with Workspace.create(disk_mb=32) as ws:
        r = box.run_python(bomb, ws, Limits(wall_seconds=3, max_processes=32))
        _judge("fork_bomb", backend, r.stopped_by != StopReason.PROCESSES, r, record_property)
        assert box.run_python("print(1)", ws, Limits(wall_seconds=30)).stdout_tail.strip() == "1"
        r = box.run_python("x = bytearray(2 * 1024**3)", ws, Limits(memory_mb=256, wall_seconds=60))
        _judge("memory_hog", backend, r.stopped_by != StopReason.MEMORY or r.peak_memory_mb > 300, r,
               record_property)
    with Workspace.create(disk_mb=48) as ws:
        r = box.run_python(FILL.format(path="fill.bin"), ws, Limits(memory_mb=1024, wall_seconds=60))
        _judge("disk_fill_workspace", backend, r.stopped_by != StopReason.DISK or ws.used_bytes() > 49 * 2**20, r,
               record_property)
    drop = Path("/tmp") / f"sandmle-attack-fill-{uuid.uuid4().hex[:8]}"
    try:
        with Workspace.create(disk_mb=48) as ws:
            r = box.run_python(FILL.format(path=str(drop)), ws, Limits(memory_mb=1024, file_size_mb=16,
                                                                       wall_seconds=60))
            reached_host = drop.exists()
            _judge("disk_fill_tmp", backend, reached_host or r.stopped_by != StopReason.DISK, r, record_property)
    finally:
        drop.unlink(missing_ok=True)
    escape = ("import os\nfor c in ('pids', 'memory'):\n    try:\n"
              "        open(f'/sys/fs/cgroup/{c}/cgroup.procs', 'w').write(str(os.getpid()))\n"
              "    except OSError:\n        pass\nx = [bytearray(64 * 2**20) for _ in range(16)]\n")
    with Workspace.create() as ws:
        r = box.run_python(escape, ws, Limits(memory_mb=256, wall_seconds=60))
        _judge("cgroup_escape_hog", backend, r.stopped_by != StopReason.MEMORY or r.peak_memory_mb > 300, r,
               record_property)


DAEMON = """import os, sys, time
TOKEN = {token!r}
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        for _ in range(3000):
            with open('beat.txt', 'a') as fh:
                fh.write('.')
            time.sleep(0.02)
        os._exit(0)
    os._exit(0)
while not os.path.exists('beat.txt'):
    time.sleep(0.01)
print('parent done')
"""


@pytest.mark.parametrize("backend", BACKENDS)
def test_daemon_does_not_outlive_the_run(backend: str, boxes, record_property) -> None:
    token = f"sandmle-daemon-{uuid.uuid4().hex}"
    with Workspace.create() as ws:
        r = boxes[backend].run_python(DAEMON.format(token=token), ws, Limits(wall_seconds=30))
        assert r.ok, r.stderr_tail
        alive = []
        for pid in os.listdir("/proc"):
            try:
                if pid.isdigit() and token.encode() in Path(f"/proc/{pid}/cmdline").read_bytes():
                    alive.append(pid)
            except OSError:
                continue
        size = (ws.root / "beat.txt").stat().st_size
        time.sleep(0.3)  # a live daemon would add a beat every 20 ms
        grew = (ws.root / "beat.txt").stat().st_size != size
    _judge("daemon", backend, bool(alive) or grew, r, record_property)
