"""Typed errors, one per concept.

Two failure tiers (STYLE.md): domain failures — a broken folder, an invalid submission, a spec that cannot be
built — are subclasses of `SandmleError` that carry what was wrong and where; anything else is a bug and propagates.
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "EnvironmentFormatError",
    "GenerationError",
    "InvalidSubmission",
    "ProfileError",
    "SandboxError",
    "SandmleError",
    "SeedError",
    "SpecError",
    "SubmissionRefused",
    "TamperedEnvironment",
]


class SandmleError(Exception):
    """Base class of every expected, explainable failure in sandmle."""


class _PathProblem(SandmleError):
    """A problem located in one file or folder: the message always names the path first."""

    def __init__(self, path: str | Path, problem: str) -> None:
        self.path = Path(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")

    def __reduce__(self):  # keep the two fields across pickling (Dask, Prefect results)
        return (type(self), (self.path, self.problem))


class EnvironmentFormatError(_PathProblem):
    """An environment folder (or corpus file) does not follow the format of DESIGN.md."""


class SeedError(_PathProblem):
    """A seed competition folder is missing a file or holds one that cannot be read."""


class UnsupportedSeed(SeedError):
    """A seed read correctly whose Task DNA no registered generator family can keep (a typed outcome, not a crash):
    the build records its slots in failed/ with this reason and goes on with the other seeds."""


class ProfileError(_PathProblem):
    """The Task DNA of a seed cannot be extracted (for example, no target column can be found)."""


class TamperedEnvironment(EnvironmentFormatError):
    """A file that grading reads no longer matches the hash config.yaml recorded when the environment was built."""


class InvalidSubmission(SandmleError):
    """A submission cannot be graded. `reason` says what is wrong in words an agent can act on."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)

    def __reduce__(self):
        return (type(self), (self.reason,))


class SubmissionRefused(InvalidSubmission):
    """The submission file was not even read: missing, a link, a FIFO, a device, a directory, or over the size cap.

    Where the submission path is the user's own input (`sandmle grade`) this is bad input (exit 2); where an agent
    wrote the file (run-solution, the RL environment) it is an invalid submission like any other.
    """


class SpecError(SandmleError):
    """A TaskSpec (or a value derived from it) is inconsistent."""


class SandboxError(SandmleError):
    """The sandbox itself cannot run (backend missing, workspace cannot be built) — not a failure of the code run."""


class GenerationError(SandmleError):
    """One stage of building an environment failed for a stated reason."""

    def __init__(self, stage: str, reason: str) -> None:
        self.stage = stage
        self.reason = reason
        super().__init__(f"{stage}: {reason}")

    def __reduce__(self):
        return (type(self), (self.stage, self.reason))
