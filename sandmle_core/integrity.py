"""Verifying an environment before it grades anything: the files grading reads must be the files that were built.

Under a weak sandbox an agent could rewrite another environment's `answers.csv`, `grade.py` or `leaderboard.csv`
(issue 11), after which a worthless submission scores gold. config.yaml records every file's sha256 and a `data_hash`
over prepared/ when the environment is built; `load_grading_inputs` re-reads the files grading depends on through the
safe reader (no links, regular files only), compares their hashes, checks that `data_hash` agrees with the recorded
per-file hashes, and parses the answers and the leaderboard from the very bytes it hashed — nothing is read twice, so
nothing can change between the check and the use. Hashes that matched are remembered by (path, device, inode, size,
mtime, ctime): ctime cannot be set back by a process that rewrites a file, so a cached match is never stale, and
re-verifying an unchanged environment costs a few `stat` calls.

What this cannot catch: a rewrite of config.yaml itself that keeps every hash consistent. config.yaml is the root of
trust; the sandbox (which never exposes an environment folder) is what keeps it out of an agent's reach.
"""

from __future__ import annotations

import hashlib
import io
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sandmle_core.errors import EnvironmentFormatError, SubmissionRefused, TamperedEnvironment
from sandmle_core.layout import Environment, data_digest
from sandmle_core.submission_io import read_regular_file

__all__ = ["GRADING_FILES", "GradingInputs", "forget_verified", "load_grading_inputs", "verify_grading_files"]

ANSWERS = "prepared/private/answers.csv"
LEADERBOARD = "leaderboard.csv"
GRADING_FILES: tuple[str, ...] = (ANSWERS, LEADERBOARD, "grade.py", "evaluator.py")
"""What grading depends on: the answers, the leaderboard (HumanRank), and the environment's own graders."""
_MAX_ENV_FILE = 2**31  # environment files are ours; the cap only stops a planted /dev/zero-like giant
_CACHE_SIZE = 8192
_verified: OrderedDict[tuple, str] = OrderedDict()
_lock = threading.Lock()


@dataclass(frozen=True)
class GradingInputs:
    """The answers and the leaderboard of an environment, parsed from bytes whose hashes were verified."""

    answers: pd.DataFrame
    answers_bytes: int
    leaderboard: tuple[float, ...]


def forget_verified() -> None:
    """Drop every remembered match (the next check re-reads and re-hashes; for benchmarks and tests)."""
    with _lock:
        _verified.clear()


def _key(path: Path) -> tuple | None:
    try:
        st = os.stat(path, follow_symlinks=False)
    except OSError:
        return None
    return (str(path), st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_mode)


def _check_data_hash(env: Environment) -> None:
    block = env.config.sandmle
    prepared = {rel.removeprefix("prepared/"): h for rel, h in block.hashes.items() if rel.startswith("prepared/")}
    if data_digest(prepared) != block.data_hash:
        raise TamperedEnvironment(env.root / "config.yaml", "data_hash does not match the per-file hashes of "
                                                            "prepared/ (config.yaml was edited)")


def _verified_bytes(env: Environment, rel: str) -> bytes:
    """Read one file of the environment safely and check its sha256 against config.yaml."""
    expected = env.config.sandmle.hashes.get(rel)
    path = env.root / rel
    if expected is None:
        raise TamperedEnvironment(path, "has no hash in config.yaml: it cannot be trusted for grading")
    try:
        data = read_regular_file(rel, _MAX_ENV_FILE, root=env.root, what=str(path), single_link=False)
    except SubmissionRefused as exc:
        raise TamperedEnvironment(path, f"cannot be read safely: {exc.reason}") from None
    actual = hashlib.sha256(data).hexdigest()
    if actual != expected:
        raise TamperedEnvironment(path, f"changed since the environment was built (sha256 {actual[:12]}… "
                                        f"instead of {expected[:12]}… in config.yaml): refusing to grade")
    key = _key(path)
    if key is not None:
        with _lock:
            _verified[key] = expected
            _verified.move_to_end(key)
            while len(_verified) > _CACHE_SIZE:
                _verified.popitem(last=False)
    return data


def _is_cached(env: Environment, rel: str) -> bool:
    key, expected = _key(env.root / rel), env.config.sandmle.hashes.get(rel)
    with _lock:
        return key is not None and expected is not None and _verified.get(key) == expected


def verify_grading_files(env: Environment, rels: tuple[str, ...] = GRADING_FILES) -> None:
    """Check `data_hash` and the hashes of the files grading reads (cheap when they were verified unchanged before).

    Args:
        env: the environment (as read by `read_environment`).
        rels: the files to check, relative to the environment folder.

    Raises:
        TamperedEnvironment: naming the first file that is missing from the hashes, unreadable as a plain file, or
            different from what config.yaml recorded.
    """
    _check_data_hash(env)
    for rel in rels:
        if not _is_cached(env, rel):
            _verified_bytes(env, rel)


def load_grading_inputs(env: Environment) -> GradingInputs:
    """Verify the environment (`verify_grading_files`) and parse its answers and leaderboard from the verified bytes.

    Raises:
        TamperedEnvironment: a grading file differs from config.yaml's record.
        EnvironmentFormatError: the answers or the leaderboard do not parse.
    """
    verify_grading_files(env, tuple(rel for rel in GRADING_FILES if rel not in (ANSWERS, LEADERBOARD)))
    raw_answers, raw_board = _verified_bytes(env, ANSWERS), _verified_bytes(env, LEADERBOARD)
    try:
        answers = pd.read_csv(io.BytesIO(raw_answers))
    except (ValueError, pd.errors.ParserError) as exc:
        raise EnvironmentFormatError(env.answers_path, f"unreadable answers: {exc}") from None
    try:
        board = tuple(float(s) for s in pd.read_csv(io.BytesIO(raw_board))["score"])
    except (KeyError, ValueError, pd.errors.ParserError) as exc:
        raise EnvironmentFormatError(env.leaderboard_path, f"needs a numeric `score` column: {exc}") from None
    return GradingInputs(answers=answers, answers_bytes=len(raw_answers), leaderboard=board)
