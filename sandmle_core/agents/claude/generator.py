"""Run the developer's `generate.py` in the strict sandbox and take only byte-identical, well-formed output.

A `script` rule (`sandmle_core.script_rule`) is implemented by a program the model wrote, so the program is an
adversary like any generated code: it runs under the `strict` sandbox policy (no network, no host paths, no caller
environment, CPU, wall and memory limits) in a fresh workspace that holds nothing but the program. Its output is
taken out of the workspace file by file — regular files only: a symbolic link, FIFO or device in the output is a
`bad_output` result, never followed. Every run is a typed `GeneratorRun` (ok / crashed / stopped / bad_output, with
the stderr tail and the isolation it ran under); the program is run twice with the same seed, and two outputs that
differ in any byte make it `non_deterministic`.

`run_generator` is one run; `generate_twice` is the determinism contract; `regenerate` re-synthesises a published
environment from the program its private side ships, at any scale (`--scale full` with many more rows).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import tempfile
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from sandmle_core.envfolder import EnvFolder
from sandmle_core.sandbox import Isolation, Limits, Workspace, get_sandbox
from sandmle_core.taskspec import TaskSpec

__all__ = ["PROGRAM_FILE", "TRANSCRIPT_FILE", "GeneratorRun", "generate_twice", "generator_args",
           "generator_seed", "regenerate", "run_generator"]

PROGRAM_FILE = "generate.py"  # in prepared/private/, beside answers.csv
TRANSCRIPT_FILE = "generate_transcript.json"
Outcome = Literal["ok", "crashed", "stopped", "bad_output"]


class GeneratorRun(BaseModel):
    """One sandboxed run of a generator program.

    Attributes:
        outcome: ok; crashed (non-zero exit); stopped (by a sandbox limit: `stopped_by` says which); bad_output (the
            output holds something other than regular files and folders).
        files: relative path under `--out` -> sha256 of every file written (empty unless ok).
        isolation: the sandbox backend and what it isolated (the strict policy admits only complete ones).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    outcome: Outcome
    exit_code: int
    stopped_by: str
    stderr_tail: str
    problem: str | None = None
    files: dict[str, str] = {}
    isolation: Isolation

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"


def generator_seed(spec: TaskSpec) -> int:
    """The `--seed` of a spec's generator: a function of the spec's content hash (same spec, same data)."""
    return int(spec.spec_hash()[:8], 16)


def generator_args(out: str, n_train: int, n_test: int, seed: int, scale: str) -> tuple[str, ...]:
    """The generator's command line after `generate.py`."""
    return ("--out", out, "--n-train", str(n_train), "--n-test", str(n_test), "--seed", str(seed), "--scale", scale)


def _harvest(out: Path, dest: Path) -> tuple[dict[str, str], str | None]:
    """Copy the regular files under `out` to `dest` without following any link; hash them.

    Returns:
        relative path -> sha256, and the first problem found (a link or special file; no output at all).
    """
    if not out.is_dir() or out.is_symlink():
        return {}, "the program wrote no --out folder"
    files: dict[str, str] = {}
    for top, dirs, names in os.walk(out, followlinks=False):
        for name in sorted(dirs + names):
            path = Path(top) / name
            mode = os.lstat(path).st_mode
            rel = path.relative_to(out).as_posix()
            if stat.S_ISDIR(mode):
                (dest / rel).mkdir(parents=True, exist_ok=True)
                continue
            if not stat.S_ISREG(mode):
                return {}, f"{rel} is not a regular file (links, FIFOs and devices are refused)"
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
            with os.fdopen(fd, "rb") as src:
                data = src.read()
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            (dest / rel).write_bytes(data)
            files[rel] = hashlib.sha256(data).hexdigest()
    if not files:
        return {}, "the program wrote no files under --out"
    return dict(sorted(files.items())), None


def run_generator(source: str, args: tuple[str, ...], dest: Path, limits: Limits,
                  backend: str | None = None) -> GeneratorRun:
    """Run `source` as generate.py with `args` (whose `--out` is relative to its workspace) in the strict sandbox;
    copy what it wrote under `--out` into `dest`.

    Raises:
        SandboxError: when the strict policy finds no backend that isolates enough (never a weaker fallback).
    """
    out = args[args.index("--out") + 1]
    with Workspace.create(None, files={PROGRAM_FILE: source}) as ws:
        result = get_sandbox(backend, policy="strict").run_python(PROGRAM_FILE, ws, limits, args=args)
        base = {"exit_code": result.exit_code, "stopped_by": str(result.stopped_by),
                "stderr_tail": result.stderr_tail[-3000:], "isolation": result.isolation}
        if result.stopped_by != "none":
            return GeneratorRun(outcome="stopped", problem=f"stopped by the sandbox: {result.stopped_by}", **base)
        if result.exit_code != 0:
            return GeneratorRun(outcome="crashed", problem=f"exit code {result.exit_code}", **base)
        dest.mkdir(parents=True, exist_ok=True)
        files, problem = _harvest(ws.root / out, dest)
    if problem is not None:
        shutil.rmtree(dest, ignore_errors=True)
        return GeneratorRun(outcome="bad_output", problem=problem, **base)
    return GeneratorRun(outcome="ok", files=files, **base)


def generate_twice(source: str, args: tuple[str, ...], dest: Path, limits: Limits, backend: str | None = None
                   ) -> tuple[GeneratorRun, list[str]]:
    """Run the program twice with the same options into separate workspaces; keep the first output in `dest`.

    Returns:
        The first run (or the second, when only it failed), and the files whose bytes differ between the two runs
        (present in one only, or with another sha256); an empty list means deterministic.
    """
    first = run_generator(source, args, dest, limits, backend)
    if not first.ok:
        return first, []
    with tempfile.TemporaryDirectory(prefix="sandmle-gen-") as tmp:
        second = run_generator(source, args, Path(tmp) / "out", limits, backend)
    if not second.ok:
        return second, []
    a, b = first.files, second.files
    return first, sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))


def regenerate(env_dir: str | Path, dest: str | Path, n_train: int, n_test: int, scale: str = "full",
               limits: Limits | None = None, backend: str | None = None) -> GeneratorRun:
    """Re-synthesise an environment from the generate.py its private side ships (any size), into `dest`.

    The seed is the one the build used (from config.yaml's spec), so `n_train`/`n_test` of the micro build give
    the published files back byte for byte.

    Raises:
        EnvironmentFormatError: the folder has no config.yaml; FileNotFoundError: it ships no generator program.
        SandboxError: no strict sandbox here.
    """
    from sandmle_core.layout import read_environment

    env = read_environment(env_dir)
    spec = TaskSpec.model_validate(env.config.sandmle.spec)
    source = (EnvFolder.of(env_dir).private / PROGRAM_FILE).read_text()
    args = generator_args("out", n_train, n_test, generator_seed(spec), scale)
    limits = limits or Limits(wall_seconds=900, cpu_seconds=900, memory_mb=4096)
    return run_generator(source, args, Path(dest), limits, backend)
