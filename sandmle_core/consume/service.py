"""The warm grading service: answers loaded once per environment, a submission graded in milliseconds.

An RL trainer grades thousands of rollouts; starting `python evaluator.py` per rollout costs a process start and
the imports of pandas and scikit-learn every time. `GradingService` keeps each environment's answers, grading spec,
thresholds and leaderboard in memory (loaded on first use, least-recently-used ones evicted past a bound) and
grades with the very same code as the environment's own grader (`sandmle_core.grading.grade_submission`), so the
two agree to the last digit. It is safe to share between threads (the HTTP server in `service_http` does).

Each environment is verified when it is loaded: its answers, leaderboard and graders must match config.yaml's hashes
(`sandmle_core.integrity`), and the answers are parsed from the bytes that were hashed; a tampered environment is a
typed `TamperedEnvironment` (the HTTP server answers 409) and is never graded. A submission given as a path is read
by the one safe reader (`sandmle_core.submission_io`: no links, regular files only, size cap).

Failure tiers follow mle-bench's grader wrapper: an invalid submission (unreadable CSV, missing ids, wrong columns,
NaN, ...) is a normal outcome — a report with `valid=false` and the reason; any other exception raised while grading
a submission also yields an invalid report, but is logged with its traceback as a grader error; an unknown
environment id is a typed `UnknownEnvironment`; a broken environment folder an `EnvironmentFormatError`.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from sandmle_core.errors import EnvironmentFormatError, InvalidSubmission, SandmleError
from sandmle_core.grading import grade_submission
from sandmle_core.integrity import load_grading_inputs
from sandmle_core.layout import Corpus, Environment, read_environment
from sandmle_core.leaderboard import GradeReport, make_grade_report
from sandmle_core.submission_io import parse_submission, read_submission_file, submission_cap

__all__ = [
    "GradingService",
    "Submission",
    "UnknownEnvironment",
    "discover_environments",
    "read_submission",
]

log = logging.getLogger(__name__)

Submission = pd.DataFrame | str | bytes | os.PathLike
"""A submission: a table, CSV text (`str` or UTF-8 `bytes`), or a path to a CSV file (`pathlib.Path`)."""

DEFAULT_MAX_LOADED = 256


class UnknownEnvironment(SandmleError):
    """The service holds no environment of this id."""

    def __init__(self, env_id: str, known: int | None = None) -> None:
        self.env_id = env_id
        self.known = known
        held = "" if known is None else f" (this service holds {known} environments)"
        super().__init__(f"unknown environment {env_id!r}{held}")

    def __reduce__(self):
        return (type(self), (self.env_id, self.known))


def discover_environments(sources: str | Path | Iterable[str | Path]) -> dict[str, Path]:
    """Map env id → folder for every environment under `sources`, without reading any of them.

    Each source is an environment folder (holds config.yaml), a corpus (holds envs/), or a folder of environment
    folders. The id is the folder's name, as the environment format names folders; it is checked against
    config.yaml when the environment is first loaded.

    Raises:
        EnvironmentFormatError: a source is none of the three, or two sources hold different folders of one id.
    """
    items = [sources] if isinstance(sources, str | Path) else list(sources)
    found: dict[str, Path] = {}
    for item in items:
        root = Path(item)
        if (root / "config.yaml").is_file():
            dirs = [root]
        elif (root / "envs").is_dir():
            dirs = Corpus(root).environment_dirs()
        elif root.is_dir():
            dirs = sorted(p for p in root.iterdir() if (p / "config.yaml").is_file())
            if not dirs:
                raise EnvironmentFormatError(root, "holds no environment (no config.yaml, envs/ or env folders)")
        else:
            raise EnvironmentFormatError(root, "not a directory: expected an environment, a corpus or a folder "
                                               "of environments")
        for env_dir in dirs:
            resolved = env_dir.resolve()
            if found.get(env_dir.name, resolved) != resolved:
                raise EnvironmentFormatError(env_dir, f"a second environment named {env_dir.name!r} "
                                                      f"(first: {found[env_dir.name]})")
            found[env_dir.name] = resolved
    return dict(sorted(found.items()))


def read_submission(submission: Submission, max_bytes: int | None = None) -> pd.DataFrame:
    """A submission as a table: CSV text is parsed as the environment's evaluator.py parses its file; a path is read
    by the safe reader (`read_submission_file`).

    Args:
        submission: a DataFrame, CSV text (`str` or UTF-8 `bytes`), or a path (`os.PathLike`).
        max_bytes: the size cap of a file (default: `submission_cap` with no answers size, i.e. the floor).

    Raises:
        InvalidSubmission: the text or file is not a readable CSV; `SubmissionRefused` when the file is missing, a
            link, a FIFO, a device, a directory, hard-linked or over the cap.
        TypeError: `submission` is none of the accepted kinds (a caller's bug, not a bad submission).
    """
    if isinstance(submission, pd.DataFrame):
        return submission
    if isinstance(submission, bytes | bytearray | str):
        return parse_submission(bytes(submission) if isinstance(submission, bytearray) else submission)
    if isinstance(submission, os.PathLike):
        return read_submission_file(submission, submission_cap(None) if max_bytes is None else max_bytes)
    raise TypeError(f"a submission is a DataFrame, CSV text or a path, not {type(submission).__name__}")


@dataclass(frozen=True)
class _Warm:
    """What grading one environment needs, held in memory."""

    env: Environment
    answers: pd.DataFrame
    leaderboard: tuple[float, ...]
    load_seconds: float
    submission_cap: int


class GradingService:
    """Grades submissions against many environments, each loaded once (lazily) and kept warm.

    Args:
        sources: environment folders, corpora, or folders of environments (see `discover_environments`).
        max_loaded: how many environments stay in memory at once; the least recently used is evicted beyond it.
    """

    def __init__(self, sources: str | Path | Iterable[str | Path], max_loaded: int = DEFAULT_MAX_LOADED) -> None:
        if max_loaded < 1:
            raise ValueError("max_loaded must be at least 1")
        self._dirs = discover_environments(sources)
        self._max_loaded = max_loaded
        self._warm: OrderedDict[str, _Warm] = OrderedDict()
        self._lock = threading.Lock()
        self._loading: dict[str, threading.Lock] = {}
        self._started = time.monotonic()
        self._counts = {"grades": 0, "invalid": 0, "grader_errors": 0, "loads": 0, "evictions": 0}

    @property
    def env_ids(self) -> list[str]:
        """Every environment this service can grade, sorted."""
        return list(self._dirs)

    def __contains__(self, env_id: object) -> bool:
        return env_id in self._dirs

    def __len__(self) -> int:
        return len(self._dirs)

    def env_dir(self, env_id: str) -> Path:
        """The folder of an environment.

        Raises:
            UnknownEnvironment: no environment of that id.
        """
        try:
            return self._dirs[env_id]
        except KeyError:
            raise UnknownEnvironment(env_id, len(self._dirs)) from None

    def _load(self, env_id: str) -> _Warm:
        start = time.perf_counter()
        env = read_environment(self.env_dir(env_id))
        if env.env_id != env_id:
            raise EnvironmentFormatError(env.root / "config.yaml", f"declares id {env.env_id!r}, but the folder is "
                                                                   f"named {env_id!r}")
        inputs = load_grading_inputs(env)  # TamperedEnvironment when a grading file changed since the build
        return _Warm(env=env, answers=inputs.answers, leaderboard=inputs.leaderboard,
                     load_seconds=time.perf_counter() - start, submission_cap=submission_cap(inputs.answers_bytes))

    def _get(self, env_id: str) -> _Warm:
        with self._lock:
            warm = self._warm.get(env_id)
            if warm is not None:
                self._warm.move_to_end(env_id)
                return warm
            self.env_dir(env_id)  # unknown ids fail here, before any lock is created for them
            loading = self._loading.setdefault(env_id, threading.Lock())
        with loading:  # one load per environment even when many threads ask at once
            with self._lock:
                warm = self._warm.get(env_id)
            if warm is None:
                warm = self._load(env_id)
                with self._lock:
                    self._warm[env_id] = warm
                    self._counts["loads"] += 1
                    while len(self._warm) > self._max_loaded:
                        self._warm.popitem(last=False)
                        self._counts["evictions"] += 1
        with self._lock:
            self._loading.pop(env_id, None)
        return warm

    def environment(self, env_id: str) -> Environment:
        """The environment (loaded and kept warm)."""
        return self._get(env_id).env

    def preload(self, env_ids: Iterable[str] | None = None) -> int:
        """Load environments now (all, or the given ids, up to the bound) so the first grades are warm too."""
        ids = list(self._dirs if env_ids is None else env_ids)[-self._max_loaded:]
        for env_id in ids:
            self._get(env_id)
        return len(ids)

    def grade_report(self, env_id: str, submission: Submission, format_rate: float = 1.0) -> GradeReport:
        """Grade one submission: score (or the reason it is invalid), thresholds, medals, HumanRank and reward.

        Args:
            env_id: the environment.
            submission: a DataFrame, CSV text, or a path to a CSV file.
            format_rate: share of well-formed agent turns, for the reward's format term.

        Raises:
            UnknownEnvironment: no environment of that id.
            TamperedEnvironment: a grading file of the environment differs from config.yaml's hashes.
            EnvironmentFormatError: the environment's folder is broken.
        """
        return self._grade(env_id, submission, format_rate)[0]

    def _grade(self, env_id: str, submission: Submission, format_rate: float) -> tuple[GradeReport, bool]:
        warm = self._get(env_id)
        score, reason, grader_error = None, None, False
        try:
            frame = read_submission(submission, warm.submission_cap)
        except InvalidSubmission as exc:
            reason = exc.reason
        else:
            try:
                score = grade_submission(frame, warm.answers, warm.env.grading)
            except InvalidSubmission as exc:
                reason = exc.reason
            except Exception:  # mle-bench's rule: any exception while grading a submission makes it invalid
                reason, grader_error = self._grader_error(env_id), True
        report = make_grade_report(score, reason, warm.leaderboard, warm.env.thresholds, format_rate=format_rate)
        with self._lock:
            self._counts["grades"] += 1
            self._counts["invalid"] += 0 if report.valid else 1
            self._counts["grader_errors"] += int(grader_error)
        return report, grader_error

    @staticmethod
    def _grader_error(env_id: str) -> str:
        exc = sys.exc_info()[1]
        log.exception("unexpected error while grading a submission of %s", env_id)
        return f"the submission could not be graded ({type(exc).__name__}: {exc})"

    def grade(self, env_id: str, submission: Submission, format_rate: float = 1.0) -> dict[str, Any]:
        """`grade_report` as a JSON-ready dict: env_id, metric, the report's fields, above_median and grade_ms."""
        start = time.perf_counter()
        report, grader_error = self._grade(env_id, submission, format_rate)
        data = {"env_id": env_id, "metric": self._get(env_id).env.grading.metric,
                **report.model_dump(mode="json"), "above_median": report.medals.above_median}
        if grader_error:
            data["grader_error"] = True
        data["grade_ms"] = round(1000 * (time.perf_counter() - start), 3)
        return data

    def evaluator_json(self, env_id: str, submission: Submission) -> dict[str, Any]:
        """What the environment's `evaluator.py` prints (the SandMLE contract), computed warm.

        Raises:
            InvalidSubmission: the submission is invalid (where evaluator.py would exit 1).
        """
        report = self.grade_report(env_id, submission)
        if not report.valid:
            raise InvalidSubmission(report.reason or "invalid submission")
        t = report.thresholds
        return {"score": report.score, "is_lower_better": t.lower_is_better, "gold_threshold": t.gold,
                "silver_threshold": t.silver, "bronze_threshold": t.bronze, "median_threshold": t.median}

    def info(self, env_id: str) -> dict[str, Any]:
        """Public facts of an environment: metric, submission format, thresholds. Never answers."""
        warm = self._get(env_id)
        spec = warm.env.grading
        return {"env_id": env_id, "name": warm.env.config.name, "metric": spec.metric,
                "id_column": spec.id_column, "submission_columns": list(spec.submission_columns),
                "n_test": len(warm.answers), "thresholds": warm.env.thresholds.model_dump(mode="json"),
                "leaderboard_entries": len(warm.leaderboard)}

    def health(self) -> dict[str, Any]:
        """Counters: environments known and loaded, grades served, invalid ones, grader errors, uptime."""
        with self._lock:
            return {"status": "ok", "environments": len(self._dirs), "loaded": len(self._warm),
                    "max_loaded": self._max_loaded, **self._counts,
                    "uptime_seconds": round(time.monotonic() - self._started, 3)}
