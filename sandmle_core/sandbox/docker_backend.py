"""The docker backend: the same limits as container options, no network, only the workspace mounted.

No image can be pulled on an offline machine, so the image is expected to exist locally (`make test-docker` builds
one by importing a minimal root filesystem); the host's interpreter and site-packages are bind-mounted read-only at
the same paths, so the container runs exactly the Python the host has. `container_options` is a pure function of
the limits and workspace, unit-tested everywhere; running needs a Docker engine that answers.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

from sandmle_core.errors import SandboxError
from sandmle_core.sandbox.base import Limits, RunResult, StopReason, Workspace
from sandmle_core.sandbox.host import is_root
from sandmle_core.sandbox.policy import backend_isolation, describe
from sandmle_core.sandbox.process import INSIDE, child_env, python_paths

__all__ = ["DockerSandbox", "container_options"]

_SIGXCPU = 24


def _watch_output(container: Any, limit: int, flooded: threading.Event) -> None:
    """Count the container's output as it streams; kill the container once it exceeds `limit` bytes."""
    total = 0
    try:
        for chunk in container.logs(stream=True, follow=True, stdout=True, stderr=True):
            total += len(chunk)
            if total > limit:
                flooded.set()
                container.kill()
                return
    except Exception:  # the container went away while we were reading: nothing more to count
        return


def container_options(workspace: Workspace, limits: Limits, image: str, env: dict[str, str]) -> dict[str, Any]:
    """Keyword arguments for `docker.containers.create` enforcing `limits`."""
    _, trees = python_paths()
    volumes = {str(workspace.root): {"bind": INSIDE, "mode": "rw"}}
    if workspace.public_source is not None:
        volumes[str(workspace.public_source)] = {"bind": f"{INSIDE}/public", "mode": "ro"}
    else:  # no data to show: an empty, read-only public/ all the same (as the process backends do)
        empty = workspace.root / "public"
        empty.mkdir(exist_ok=True)
        volumes[str(empty)] = {"bind": f"{INSIDE}/public", "mode": "ro"}
    for tree in trees:
        volumes[tree] = {"bind": tree, "mode": "ro"}
    size = limits.file_size_mb * 2**20
    cpu = int(limits.cpu_seconds + 0.999)
    return {
        "image": image,
        "working_dir": INSIDE,
        "network_disabled": True,
        "network_mode": "none",
        "mem_limit": f"{limits.memory_mb}m",
        "memswap_limit": f"{limits.memory_mb}m",
        "pids_limit": limits.max_processes,
        "nano_cpus": 1_000_000_000,
        "ulimits": [
            {"Name": "cpu", "Soft": cpu, "Hard": cpu + 1},
            {"Name": "fsize", "Soft": size, "Hard": size},
            {"Name": "core", "Soft": 0, "Hard": 0},
        ],
        "volumes": volumes,
        "environment": env,
        "read_only": True,
        "tmpfs": {"/tmp": "rw,size=512m"},
        "cap_drop": ["ALL"],
        "security_opt": ["no-new-privileges"],
        "detach": True,
        # a real init as PID 1: the script then gets SIGXCPU at the soft CPU limit (PID 1 ignores it)
        "init": True,
    }


class DockerSandbox:
    """Runs each command in a fresh container of a local image."""

    name = "docker"

    def __init__(self, image: str, client: Any | None = None) -> None:
        self.image = image
        self._client = client
        # the engine enforces memory and pids itself; the workspace is a tmpfs when sandmle is root
        self.isolation = backend_isolation("docker", root=is_root(), cgroups=True)

    def client(self) -> Any:
        if self._client is None:
            try:
                import docker

                self._client = docker.from_env(timeout=10)
                self._client.ping()
            except Exception as exc:  # the SDK raises several unrelated types when no engine answers
                raise SandboxError(f"no Docker engine answers: {exc}") from exc
        return self._client

    def run_command(
        self, argv: list[str], workspace: Workspace, limits: Limits, env: dict[str, str] | None = None
    ) -> RunResult:
        client = self.client()
        options = container_options(workspace, limits, self.image, child_env(env, "/tmp"))
        before = workspace.snapshot()
        start = time.perf_counter()
        try:
            container = client.containers.create(command=list(argv), **options)
        except Exception as exc:
            raise SandboxError(f"cannot create a container from {self.image}: {exc}") from exc
        stopped = StopReason.NONE
        try:
            container.start()
            flooded = threading.Event()
            watcher = threading.Thread(target=_watch_output, args=(container, limits.output_bytes, flooded),
                                       daemon=True)
            watcher.start()
            try:
                status = container.wait(timeout=limits.wall_seconds)
                code = int(status.get("StatusCode", 1))
            except Exception:  # requests' ReadTimeout: the wall limit passed
                container.kill()
                stopped, code = StopReason.TIMEOUT, 137
            watcher.join(timeout=5)
            if flooded.is_set():
                stopped = StopReason.OUTPUT
            wall = time.perf_counter() - start
            state = container.attrs if stopped != StopReason.NONE else client.api.inspect_container(container.id)
            if state.get("State", {}).get("OOMKilled"):
                stopped = StopReason.MEMORY
            elif stopped == StopReason.NONE and code == 128 + _SIGXCPU:
                stopped = StopReason.TIMEOUT  # the CPU-time limit
            elif stopped == StopReason.NONE and code > 128:
                stopped = StopReason.SIGNAL
            out = container.logs(stdout=True, stderr=False)[-limits.tail_bytes:].decode("utf-8", "replace")
            err = container.logs(stdout=False, stderr=True)[-limits.tail_bytes:].decode("utf-8", "replace")
        finally:
            container.remove(force=True)
        after = workspace.snapshot()
        return RunResult(exit_code=code, stdout_tail=out, stderr_tail=err, wall_seconds=round(wall, 6),
                         cpu_seconds=0.0, peak_memory_mb=0.0,
                         files_written=sorted(k for k, v in after.items() if before.get(k) != v),
                         stopped_by=stopped, backend=self.name, isolation=self.isolation,
                         warnings=[*describe(self.isolation), "docker backend: CPU time and peak memory are not "
                                                              "measured"])

    def run_python(
        self,
        script: str | Path,
        workspace: Workspace,
        limits: Limits,
        args: tuple[str, ...] | list[str] = (),
        env: dict[str, str] | None = None,
    ) -> RunResult:
        exe, _ = python_paths()
        script = str(script)
        argv = [exe, script, *args] if script.endswith(".py") and "\n" not in script else [exe, "-c", script, *args]
        return self.run_command(argv, workspace, limits, env)
