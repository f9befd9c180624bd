"""The sandbox's values: limits, the typed result of a run with the isolation it ran under, the backend protocol.

A result never hides how weak its sandbox was: `RunResult.isolation` names the backend, the policy it was chosen
under, what it isolates and what it does not (see `policy.ISOLATION` for the vocabulary), and `warnings` says the
same in sentences. The workspace a run happens in lives in `workspace.py`.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field

from sandmle_core.sandbox.workspace import Workspace

__all__ = ["Isolation", "Limits", "RunResult", "Sandbox", "StopReason", "Workspace"]


class Limits(BaseModel):
    """What one run may use. Memory and processes are enforced by cgroups where available (else rlimits).

    The disk a run may fill is a property of its workspace (`Workspace.create(disk_mb=...)`), which outlives runs.
    """

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
    DISK = "disk"
    OUTPUT = "output"
    PROCESSES = "processes"
    SIGNAL = "signal"


class Isolation(BaseModel):
    """What the sandbox of a run isolated: the backend, the policy that admitted it, and the isolation lists."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    backend: str
    policy: str = Field(description="strict | permissive | unchecked (a backend built directly, not by policy)")
    weak_allowed: bool = Field(default=False, description="strict policy, weaker backend accepted knowingly")
    isolates: list[str]
    missing: list[str]

    @property
    def complete(self) -> bool:
        return not self.missing


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
    isolation: Isolation
    warnings: list[str] = []
    usage_measured: bool = True  # False: cpu_seconds and peak_memory_mb are 0, not the program's (see warnings)

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and self.stopped_by == StopReason.NONE


class Sandbox(Protocol):
    """Runs code in a workspace under limits."""

    name: str
    isolation: Isolation

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
