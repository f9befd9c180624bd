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
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sandmle_core.consume.registry import Sources, discover
from sandmle_core.consume.report import Submission, grade_report, read_submission
from sandmle_core.consume.tasks import Task, load_task
from sandmle_core.errors import EnvironmentFormatError, InvalidSubmission, SandmleError
from sandmle_core.grading import evaluator_json
from sandmle_core.layout import Environment
from sandmle_core.leaderboard import GradeReport

__all__ = [
    "GradingService",
    "Submission",
    "UnknownEnvironment",
    "read_submission",
]

log = logging.getLogger(__name__)

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


class GradingService:
    """Grades submissions against many environments, each loaded once (lazily) and kept warm.

    Args:
        sources: environment folders, corpora, or folders of environments (see `registry.discover`).
        max_loaded: how many environments stay in memory at once; the least recently used is evicted beyond it.
    """

    def __init__(self, sources: Sources, max_loaded: int = DEFAULT_MAX_LOADED) -> None:
        if max_loaded < 1:
            raise ValueError("max_loaded must be at least 1")
        self._dirs = discover(sources)
        self._max_loaded = max_loaded
        self._warm: OrderedDict[str, Task] = OrderedDict()
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

    def _load(self, env_id: str) -> Task:
        task = load_task(self.env_dir(env_id))  # TamperedEnvironment when a grading file changed since the build
        if task.env is None:
            raise EnvironmentFormatError(task.root, "is an mle-bench competition: the grading service serves sandmle "
                                                    "environments (config.yaml with a `sandmle:` block)")
        if task.task_id != env_id:
            raise EnvironmentFormatError(task.env.folder.config, f"declares id {task.task_id!r}, but the folder is "
                                                                 f"named {env_id!r}")
        return task

    def _get(self, env_id: str) -> Task:
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
        env = self._get(env_id).env
        assert env is not None  # _load admits sandmle environments only
        return env

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
        task = self._get(env_id)
        crashed: list[bool] = []

        def grader_error(exc: Exception) -> str:
            crashed.append(True)
            return self._grader_error(env_id, exc)

        report = grade_report(task, submission, format_rate, on_grader_error=grader_error)
        with self._lock:
            self._counts["grades"] += 1
            self._counts["invalid"] += 0 if report.valid else 1
            self._counts["grader_errors"] += len(crashed)
        return report, bool(crashed)

    @staticmethod
    def _grader_error(env_id: str, exc: Exception) -> str:
        log.exception("unexpected error while grading a submission of %s", env_id)
        return f"the submission could not be graded ({type(exc).__name__}: {exc})"

    def grade(self, env_id: str, submission: Submission, format_rate: float = 1.0) -> dict[str, Any]:
        """`grade_report` as a JSON-ready dict: env_id, metric, the report's fields, above_median and grade_ms."""
        start = time.perf_counter()
        report, grader_error = self._grade(env_id, submission, format_rate)
        data = {"env_id": env_id, "metric": self.environment(env_id).grading.metric,
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
        return evaluator_json(report.score, report.thresholds)

    def info(self, env_id: str) -> dict[str, Any]:
        """Public facts of an environment: metric, submission format, thresholds. Never answers."""
        task, env = self._get(env_id), self.environment(env_id)
        spec = env.grading
        return {"env_id": env_id, "name": env.config.name, "metric": spec.metric,
                "id_column": spec.id_column, "submission_columns": list(spec.submission_columns),
                "n_test": len(task.answers), "thresholds": env.thresholds.model_dump(mode="json"),
                "leaderboard_entries": len(task.leaderboard or ())}

    def health(self) -> dict[str, Any]:
        """Counters: environments known and loaded, grades served, invalid ones, grader errors, uptime."""
        with self._lock:
            return {"status": "ok", "environments": len(self._dirs), "loaded": len(self._warm),
                    "max_loaded": self._max_loaded, **self._counts,
                    "uptime_seconds": round(time.monotonic() - self._started, 3)}
