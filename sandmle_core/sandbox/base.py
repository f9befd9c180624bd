"""The sandbox's values: limits, the typed result of a run, and the workspace a run happens in.

A workspace is a fresh host directory. Inside the sandbox it is the working directory (writable) and holds
`public/` — the environment's `prepared/public`, exposed read-only — plus whatever files the caller placed there
(a solution script, a harness). Nothing else of the host is reachable on the isolating backends. A workspace can be
reused across runs (an RL episode runs many steps in one), and cleans itself up when closed.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from enum import StrEnum
from pathlib import Path
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field

from sandmle_core.errors import SandboxError

__all__ = ["Limits", "RunResult", "Sandbox", "StopReason", "Workspace"]


class Limits(BaseModel):
    """What one run may use. Memory and processes are enforced by cgroups where available (else rlimits)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    wall_seconds: float = Field(default=120.0, gt=0)
    cpu_seconds: float = Field(default=120.0, gt=0)
    memory_mb: int = Field(default=2048, gt=16)
    output_bytes: int = Field(default=4_000_000, gt=0, description="stdout + stderr; more stops the run")
    file_size_mb: int = Field(default=512, gt=0, description="largest file a run may write")
    max_processes: int = Field(default=64, gt=0)
    tail_bytes: int = Field(default=8192, gt=0, description="how much of stdout/stderr the result keeps")


class StopReason(StrEnum):
    NONE = "none"
    TIMEOUT = "timeout"
    MEMORY = "memory"
    OUTPUT = "output"
    PROCESSES = "processes"
    SIGNAL = "signal"


class RunResult(BaseModel):
    """The outcome of one sandboxed run. A failing or killed program is a result, never an exception."""

    model_config = ConfigDict(extra="forbid")

    exit_code: int
    stdout_tail: str
    stderr_tail: str
    wall_seconds: float
    cpu_seconds: float
    peak_memory_mb: float
    files_written: list[str]
    stopped_by: StopReason
    backend: str
    warnings: list[str] = []

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and self.stopped_by == StopReason.NONE


class Workspace:
    """A fresh directory for sandboxed runs: `public/` (read-only inside) + a writable working directory.

    Use as a context manager, or call `close()`; `keep=True` leaves the directory for inspection.
    """

    def __init__(self, root: Path, public_source: Path | None, keep: bool = False) -> None:
        self.root = root
        self.public_source = public_source
        self.keep = keep
        self._public_copied = False

    @classmethod
    def create(
        cls,
        public_dir: str | Path | None = None,
        files: dict[str, str | bytes] | None = None,
        base_dir: str | Path | None = None,
        keep: bool = False,
    ) -> Workspace:
        """Make a workspace exposing `public_dir` as ./public and holding `files` (relative path → content).

        Raises:
            SandboxError: when `public_dir` is not a directory or a file path leaves the workspace.
        """
        source = None if public_dir is None else Path(public_dir).resolve()
        if source is not None and not source.is_dir():
            raise SandboxError(f"{source}: the public data folder does not exist")
        root = Path(tempfile.mkdtemp(prefix="sandmle-ws-", dir=base_dir)).resolve()
        (root / "public").mkdir()
        ws = cls(root, source, keep)
        for rel, content in (files or {}).items():
            ws.write(rel, content)
        return ws

    def write(self, rel: str, content: str | bytes) -> Path:
        """Place a file in the workspace (not under public/)."""
        path = (self.root / rel).resolve()
        if self.root not in path.parents or (self.root / "public") in [path, *path.parents]:
            raise SandboxError(f"{rel}: files must stay inside the workspace and outside public/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode() if isinstance(content, str) else content)
        return path

    def materialize_public(self) -> None:
        """Copy the public data into ./public and make it read-only (for backends that cannot bind-mount)."""
        if self._public_copied or self.public_source is None:
            return
        target = self.root / "public"
        shutil.rmtree(target)
        shutil.copytree(self.public_source, target)
        for dirpath, dirnames, filenames in os.walk(target):
            for name in filenames:
                os.chmod(os.path.join(dirpath, name), stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
            for name in dirnames:
                os.chmod(os.path.join(dirpath, name), 0o555)
        os.chmod(target, 0o555)
        self._public_copied = True

    def snapshot(self) -> dict[str, tuple[int, int]]:
        """(size, mtime_ns) of every file outside public/, keyed by relative path."""
        out: dict[str, tuple[int, int]] = {}
        for dirpath, dirnames, filenames in os.walk(self.root):
            if Path(dirpath) == self.root and "public" in dirnames:
                dirnames.remove("public")
            for name in filenames:
                path = Path(dirpath) / name
                try:
                    st = path.lstat()
                except OSError:
                    continue
                out[path.relative_to(self.root).as_posix()] = (st.st_size, st.st_mtime_ns)
        return out

    def close(self) -> None:
        if self.keep or not self.root.exists():
            return
        for dirpath, dirnames, _ in os.walk(self.root):  # undo read-only copies so they can be removed
            for name in dirnames:
                os.chmod(os.path.join(dirpath, name), 0o755)
        os.chmod(self.root, 0o755)
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Sandbox(Protocol):
    """Runs code in a workspace under limits."""

    name: str

    def run_command(
        self, argv: list[str], workspace: Workspace, limits: Limits, env: dict[str, str] | None = None
    ) -> RunResult: ...

    def run_python(
        self,
        script: str | Path,
        workspace: Workspace,
        limits: Limits,
        args: tuple[str, ...] | list[str] = (),
        env: dict[str, str] | None = None,
    ) -> RunResult: ...
