"""Run the developer's `generate.py` in the strict sandbox and take only byte-identical, well-formed output.

A `script` rule (`sandmle_core.script_rule`) is implemented by a program the model wrote, so the program is an
adversary like any generated code: it runs under the `strict` sandbox policy (no network, no host paths, no caller
environment, CPU, wall and memory limits) in a fresh workspace that holds nothing but the program. Its output is
taken out of the workspace file by file — regular files only: a symbolic link, FIFO or device in the output is a
`bad_output` result, never followed. Every run is a typed `GeneratorRun` (ok / crashed / stopped / bad_output, with
the stderr tail and the isolation it ran under); the program is run twice with the same seed, and two outputs that
differ in any byte make it `non_deterministic`.

`run_generator` is one run; `generate_twice` is the determinism contract; `run_full_scale` is the accepted program's
one full-scale run for the benchmark (recorded, never kept); `regenerate` re-synthesises a published environment from
the program its private side ships, at any scale (`--scale full` with many more rows).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import tempfile
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from sandmle_core.envfolder import EnvFolder
from sandmle_core.sandbox import Isolation, Limits, Workspace, get_sandbox
from sandmle_core.taskspec import TaskSpec

__all__ = ["PROGRAM_FILE", "TRANSCRIPT_FILE", "GeneratorRun", "full_scale_sizes", "generate_twice",
           "generator_args", "generator_seed", "regenerate", "run_full_scale", "run_generator"]

PROGRAM_FILE = "generate.py"  # in prepared/private/, beside answers.csv
TRANSCRIPT_FILE = "generate_transcript.json"
Outcome = Literal["ok", "crashed", "stopped", "bad_output"]
FULL_MAX_TRAIN = 50_000


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
    wall_seconds: float = 0.0
    cpu_seconds: float = 0.0

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
                  backend: str | None = None, disk_mb: int | None = None) -> GeneratorRun:
    """Run `source` as generate.py with `args` (whose `--out` is relative to its workspace) in the strict sandbox;
    copy what it wrote under `--out` into `dest`. `disk_mb` bounds the workspace (default: the sandbox's).

    Raises:
        SandboxError: when the strict policy finds no backend that isolates enough (never a weaker fallback).
    """
    out = args[args.index("--out") + 1]
    with Workspace.create(None, files={PROGRAM_FILE: source}, disk_mb=disk_mb) as ws:
        result = get_sandbox(backend, policy="strict").run_python(PROGRAM_FILE, ws, limits, args=args)
        base = {"exit_code": result.exit_code, "stopped_by": str(result.stopped_by),
                "stderr_tail": result.stderr_tail[-3000:], "isolation": result.isolation,
                "wall_seconds": round(result.wall_seconds, 3), "cpu_seconds": round(result.cpu_seconds, 3)}
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


def full_scale_sizes(spec: TaskSpec, factor: int) -> tuple[int, int]:
    """`--n-train` / `--n-test` of the full-scale run: `factor` times the micro sizes, train capped at 50,000 (the
    most the generator prompt announces), test in the micro split's proportion."""
    n_train = min(FULL_MAX_TRAIN, spec.n_train * factor)
    return n_train, max(1, round(spec.n_test * n_train / spec.n_train))


def run_full_scale(spec: TaskSpec, source: str, factor: int, limits: Limits, disk_mb: int,
                   backend: str | None = None) -> dict[str, Any]:
    """Run an accepted program once with `--scale full` (the benchmark's run) and describe the outcome; the output
    itself is measured (rows of train.csv / test.csv, bytes) and thrown away — `regenerate` rebuilds it at will.

    Returns:
        outcome (ok / crashed / stopped / bad_output), the sizes asked for, the rows and bytes written, the run's
        wall and CPU seconds, and the problem (with the stderr's last line) when it failed.

    Raises:
        SandboxError: no strict sandbox here.
    """
    n_train, n_test = full_scale_sizes(spec, factor)
    args = generator_args("out", n_train, n_test, generator_seed(spec), "full")
    with tempfile.TemporaryDirectory(prefix="sandmle-full-") as tmp:
        run = run_generator(source, args, Path(tmp) / "out", limits, backend, disk_mb=disk_mb)
        rows = {}
        for name in ("train", "test"):
            path = Path(tmp) / "out" / "public" / f"{name}.csv"
            rows[name] = sum(1 for _ in path.open()) - 1 if run.ok and path.is_file() else None
        size = sum(p.stat().st_size for p in (Path(tmp) / "out").rglob("*") if p.is_file()) if run.ok else 0
    last = [ln for ln in run.stderr_tail.splitlines() if ln.strip()][-1:]
    return {"outcome": run.outcome, "n_train": n_train, "n_test": n_test, "rows": rows, "bytes": size,
            "files": len(run.files), "wall_seconds": run.wall_seconds, "cpu_seconds": run.cpu_seconds,
            "sandbox": run.isolation.backend, "problem": None if run.ok else f"{run.problem}: {''.join(last)}"[:400]}


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
