"""A warm ladder harness: one bubblewrap-sandboxed harness per thread that imports the libraries once and serves
environments one after another (issue 19: the imports were ~1.6 of the ~1.8 CPU s an environment's harness spent
outside its scripts).

Each environment's runs are forked from the warm parent exactly as in the one-shot harness (`harness.py`: same
child set-up, same clean-up between runs). What a warm parent adds is a boundary BETWEEN environments:
- the environment's public files are copied into an exchange folder the sandbox sees read-only as ./public, and its
  scripts and job file into the workspace; after the environment the host empties both, the workspace and the
  sandbox's /tmp and /dev/shm (the harness has already emptied them after its last run);
- a run's children never write the parent's memory (fork: copy on write; the parent is not dumpable, so not via
  /proc either), the library trees are read-only binds, and requests and replies travel on descriptors that every
  run closes before its script starts;
- the harness is stopped and a fresh one started after `SANDMLE_WARM_LADDER_ENVS` environments (default 20) and
  whenever anything looks wrong: a non-zero status or no reply, a run that timed out or left a process behind, a
  process count in its cgroup above the idle one, or a file where none is expected.
An environment whose warm run fails is run again one-shot (a fresh sandbox, as before). The backends other than
bubblewrap have no warm mode; `WarmUnavailable` says why, and the caller runs one-shot and says so in its result.
"""

from __future__ import annotations

import atexit
import json
import os
import select
import shutil
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

from sandmle_core.sandbox import Isolation, Limits, Sandbox, Workspace
from sandmle_core.sandbox.cgroups import CgroupRun
from sandmle_core.sandbox.process import child_env
from sandmle_core.sandbox.runner import _final_isolation, preexec_for
from sandmle_core.sandbox.workspace import remove_tree_contents

__all__ = ["WarmHarness", "WarmUnavailable", "stop_warm_harness", "warm_harness"]

HARNESS = Path(__file__).with_name("harness.py")
FITMEMO = Path(__file__).with_name("fitmemo.py")
READY_SECONDS = 120.0
_local = threading.local()
_every: list[WarmHarness] = []  # stopped at exit: their sandboxes and workspaces go with the process


class WarmUnavailable(Exception):
    """The warm harness cannot serve this environment (backend, size, or it failed); the reason is the message."""


def _tree_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


class WarmHarness:
    """One long-lived sandboxed harness; `run` serves one environment (see the module docstring)."""

    def __init__(self, sandbox: Sandbox, preload: tuple[str, ...], limits: Limits, max_envs: int) -> None:
        self.sandbox, self.preload, self.limits, self.max_envs = sandbox, preload, limits, max_envs
        self.served = 0
        self.restarts = 0  # how many harnesses were stopped because something looked wrong
        self.ws: Workspace | None = None
        self.proc: subprocess.Popen | None = None
        self.cgroup: CgroupRun | None = None
        self._cpu_mark = 0.0
        self._idle_tasks = 0
        self._mount_points: set[str] = set()  # what bwrap made in /tmp and /dev/shm for its binds (a venv under /tmp)
        self._stderr: list[bytes] = []
        self.key: tuple = ()  # what `warm_harness` compares to reuse this harness

    # -- life cycle ---------------------------------------------------------------------------------------------
    def start(self) -> None:
        self.ws = Workspace.create()
        self.ws.public_source = self.ws.top / "exchange"
        self.ws.public_source.mkdir()
        self.sandbox.prepare(self.ws)
        self.ws.write("harness.py", HARNESS.read_text())
        self.ws.write("fitmemo.py", FITMEMO.read_text())  # the chains' fit memo, imported by the harness at start
        self.cgroup = CgroupRun.create(self.limits.memory_mb, self.limits.max_processes)
        argv = self.sandbox.wrap([self.sandbox.python, "harness.py", "--serve", *self.preload], self.ws, self.limits,
                                 child_env(None, "/tmp"))
        self.proc = subprocess.Popen(argv, cwd=self.ws.root, env={}, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, preexec_fn=preexec_for(self.limits, self.cgroup),
                                     start_new_session=True)
        self._stderr = []
        threading.Thread(target=self._drain, args=(self.proc.stderr, self._stderr), daemon=True).start()
        self._cpu_mark, self.served = 0.0, 0
        if self._reply(READY_SECONDS) != {"ready": True}:
            raise WarmUnavailable(f"the warm harness did not start: {self._tail()}")
        self._idle_tasks = self._tasks()
        self._mount_points = self._scratch_paths()

    @property
    def isolation(self) -> Isolation:
        """What the running harness isolates (as `execute` reports it for a one-shot run)."""
        assert self.ws is not None
        return _final_isolation(self.sandbox.isolation, self.cgroup, self.ws)

    @staticmethod
    def _drain(stream: Any, sink: list[bytes]) -> None:
        for chunk in iter(lambda: stream.read1(65536), b""):
            sink.append(chunk)
            del sink[:-8]

    def _tail(self) -> str:
        return b"".join(self._stderr).decode("utf-8", "replace")[-800:]

    def stop(self) -> None:
        if self.proc is not None:
            try:
                os.killpg(self.proc.pid, 9)
            except (ProcessLookupError, PermissionError):
                pass
            if self.cgroup is not None:
                self.cgroup.kill_all()
            self.proc.wait()
            for stream in (self.proc.stdin, self.proc.stdout):
                stream.close()
        if self.cgroup is not None:
            self.cgroup.remove()
        if self.ws is not None:
            self.ws.close()
        self.proc = self.cgroup = self.ws = None

    def _tasks(self) -> int:
        if self.cgroup is None:
            return 0
        path = self.cgroup.dirs.get("all") or self.cgroup.dirs["pids"]
        return len((path / "cgroup.procs").read_text().split())

    def _reply(self, seconds: float) -> dict | None:
        """The next reply line, or None at end of file or after `seconds`."""
        assert self.proc is not None and self.proc.stdout is not None
        fd, line, deadline = self.proc.stdout.fileno(), b"", time.monotonic() + seconds
        while not line.endswith(b"\n"):
            ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
            chunk = os.read(fd, 4096) if ready else b""
            if not chunk or len(line) > 4096:
                return None
            line += chunk
        return json.loads(line)

    # -- one environment ----------------------------------------------------------------------------------------
    def run(self, public_dir: Path, files: dict[str, str], job: dict, wall_seconds: float) -> tuple[dict, float]:
        """Serve one environment: its report (as `harness.py` writes it) and the CPU seconds it cost the harness
        (the first environment of a harness pays its start and imports). The outputs are left in the workspace
        until `finish`.

        Raises:
            WarmUnavailable: the public files do not fit, or the harness failed (it is stopped; run one-shot).
        """
        if self.proc is None:
            self.start()
        assert self.ws is not None and self.proc is not None and self.proc.stdin is not None
        if _tree_bytes(public_dir) > self.ws.disk_mb * 2**20 // 4:
            raise WarmUnavailable("the public files are larger than a quarter of the workspace")
        shutil.copytree(public_dir, self.ws.public_source, dirs_exist_ok=True)
        for rel, content in files.items():
            self.ws.write(rel, content)
        self.ws.write("job.json", json.dumps(job))
        request = json.dumps({"job": "job.json", "results": "runs/results.json"}) + "\n"
        try:
            self.proc.stdin.write(request.encode())
            self.proc.stdin.flush()
        except OSError as exc:
            self.stop()
            raise WarmUnavailable(f"the warm harness is gone: {exc}") from None
        reply = self._reply(wall_seconds)
        results = self.ws.root / "runs" / "results.json"
        if reply != {"status": 0} or not results.is_file():
            tail = self._tail()
            self.stop()
            raise WarmUnavailable(f"the warm harness stopped (reply {reply}): {tail}")
        cpu = (self.cgroup.cpu_seconds() or 0.0) if self.cgroup is not None else 0.0
        cost, self._cpu_mark = cpu - self._cpu_mark, cpu
        self.served += 1
        return json.loads(results.read_text()), cost

    def suspicion(self, report: dict, files: dict[str, str]) -> str | None:
        """Why this harness should not serve another environment, or None."""
        assert self.ws is not None and self.proc is not None
        if self.proc.poll() is not None:
            return "the harness exited"
        if any(r["leftover_processes"] or r["error"] == "timed out" for r in report["runs"]):
            return "a run timed out or left a process behind"
        if self._tasks() != self._idle_tasks:
            return "its cgroup holds more processes than when idle"
        expected = {"harness.py", "fitmemo.py", "job.json", "runs", "public", "runs/results.json", *files}
        expected |= {r["out"] for r in report["runs"] if r["ok"]} | {os.path.dirname(rel) for rel in files}
        found = {p.relative_to(self.ws.root).as_posix() for p in self.ws.root.rglob("*")
                 if not p.is_relative_to(self.ws.root / "public")}
        unexpected = sorted((found | self._scratch_paths()) - expected - self._mount_points)
        return f"unexpected files {unexpected[:3]}" if unexpected else None

    def _scratch_paths(self) -> set[str]:
        """Every path in the sandbox's /tmp and /dev/shm, as `tmp/...` and `shm/...`."""
        assert self.ws is not None
        return {f"{name}/{p.relative_to(folder).as_posix()}" for name, folder in (("tmp", self.ws.scratch),
                                                                                 ("shm", self.ws.shm))
                for p in folder.rglob("*")}

    def finish(self, report: dict, files: dict[str, str]) -> str | None:
        """Empty the exchange folder, the workspace and the scratch folders; stop the harness when `suspicion`
        says so (it is restarted by the next `run`). Returns the reason it was stopped, if any."""
        assert self.ws is not None and self.ws.public_source is not None
        suspect = self.suspicion(report, files)
        tops = [path.split("/") for path in self._mount_points]  # removing them would unmount the binds
        tmp, shm = (tuple(p[1] for p in tops if p[0] == where) for where in ("tmp", "shm"))
        for folder, keep in ((self.ws.public_source, ()), (self.ws.root, ("public",)), (self.ws.scratch, tmp),
                             (self.ws.shm, shm)):
            remove_tree_contents(folder, keep)
        if suspect is not None or self.served >= self.max_envs:
            self.restarts += suspect is not None
            self.stop()
        return suspect


def _stop_every() -> None:
    for harness in _every:
        harness.stop()


def warm_harness(sandbox: Sandbox, preload: tuple[str, ...], limits: Limits, max_envs: int) -> WarmHarness:
    """This thread's warm harness for `sandbox`'s backend (one per thread: a Dask worker thread, a test)."""
    if sandbox.name != "bwrap":
        raise WarmUnavailable(f"the {sandbox.name} backend has no warm mode")
    if max_envs < 1:
        raise WarmUnavailable("SANDMLE_WARM_LADDER_ENVS=0")
    harness: WarmHarness | None = getattr(_local, "harness", None)
    # the CPU rlimit is per process: the parent's own (imports, clean-ups) adds up over the environments it serves;
    # each environment's wall budget is enforced per request, so ladders of other lengths share the harness
    key = (preload, limits.model_copy(update={"cpu_seconds": 1.0, "wall_seconds": 1.0}), max_envs)
    if harness is None or harness.key != key:
        if harness is not None:
            harness.stop()
        harness = _local.harness = WarmHarness(
            sandbox, preload, limits.model_copy(update={"cpu_seconds": limits.cpu_seconds * max_envs}), max_envs)
        harness.key = key
        if not _every:
            atexit.register(_stop_every)
        _every.append(harness)
    harness.sandbox = sandbox
    return harness


def stop_warm_harness() -> None:
    """Stop this thread's warm harness, if it has one (the next warm ladder starts a fresh one)."""
    harness: WarmHarness | None = getattr(_local, "harness", None)
    if harness is not None:
        harness.stop()
        _local.harness = None
