"""The warm grading service: answers loaded once per environment, a submission graded in milliseconds.

An RL trainer grades thousands of rollouts; starting `python evaluator.py` per rollout costs a process start and
the imports of pandas and scikit-learn every time. `GradingService` keeps each environment's answers, grading spec,
thresholds and leaderboard in memory (loaded on first use, least-recently-used ones evicted past a bound) and
grades with the very same code as the environment's own grader (`sandmle_core.grading.grade_submission`), so the
two agree to the last digit. It is safe to share between threads (the HTTP server in `service_http` does).

Failure tiers follow mle-bench's grader wrapper: an invalid submission (unreadable CSV, missing ids, wrong columns,
NaN, ...) is a normal outcome — a report with `valid=false` and the reason; any other exception raised while grading
a submission also yields an invalid report, but is logged with its traceback as a grader error; an unknown
environment id is a typed `UnknownEnvironment`; a broken environment folder an `EnvironmentFormatError`.
`bench_grading` measures warm (in process and over loopback HTTP) against cold (`python evaluator.py`) latency.
"""

from __future__ import annotations

import io
import json
import logging
import os
import statistics
import subprocess
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
from sandmle_core.layout import Corpus, Environment, read_environment
from sandmle_core.leaderboard import GradeReport, make_grade_report

__all__ = [
    "GradingService",
    "Submission",
    "UnknownEnvironment",
    "bench_grading",
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


def read_submission(submission: Submission) -> pd.DataFrame:
    """A submission as a table, read exactly as the environment's evaluator.py reads its file (`pd.read_csv`).

    Raises:
        InvalidSubmission: the text or file is not a readable CSV (or the file does not exist).
        TypeError: `submission` is none of the accepted kinds (a caller's bug, not a bad submission).
    """
    if isinstance(submission, pd.DataFrame):
        return submission
    if isinstance(submission, bytes | bytearray):
        try:
            source: Any = io.StringIO(bytes(submission).decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise InvalidSubmission(f"the submission is not UTF-8 text: {exc}") from exc
        what = "the submission"
    elif isinstance(submission, str):
        source, what = io.StringIO(submission), "the submission"
    elif isinstance(submission, os.PathLike):
        source, what = Path(submission), str(submission)
    else:
        raise TypeError(f"a submission is a DataFrame, CSV text or a path, not {type(submission).__name__}")
    try:
        return pd.read_csv(source)
    except FileNotFoundError as exc:
        raise InvalidSubmission(f"no submission file at {what}") from exc
    except (OSError, ValueError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InvalidSubmission(f"cannot read {what} as CSV: {type(exc).__name__}: {exc}") from exc


@dataclass(frozen=True)
class _Warm:
    """What grading one environment needs, held in memory."""

    env: Environment
    answers: pd.DataFrame
    leaderboard: tuple[float, ...]
    load_seconds: float


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
        try:
            answers = pd.read_csv(env.answers_path)
        except (OSError, ValueError, pd.errors.ParserError) as exc:
            raise EnvironmentFormatError(env.answers_path, f"unreadable answers: {exc}") from exc
        board = tuple(env.leaderboard_scores())
        return _Warm(env=env, answers=answers, leaderboard=board, load_seconds=time.perf_counter() - start)

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
            EnvironmentFormatError: the environment's folder is broken.
        """
        return self._grade(env_id, submission, format_rate)[0]

    def _grade(self, env_id: str, submission: Submission, format_rate: float) -> tuple[GradeReport, bool]:
        warm = self._get(env_id)
        score, reason, grader_error = None, None, False
        try:
            frame = read_submission(submission)
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


def _summary_ms(seconds: list[float]) -> dict[str, float | int]:
    ms = sorted(1000 * s for s in seconds)
    if not ms:
        return {"n": 0}

    def pct(q: float) -> float:
        return round(ms[min(len(ms) - 1, max(0, round(q * (len(ms) - 1))))], 3)

    return {"n": len(ms), "p50": pct(0.5), "p90": pct(0.9), "p99": pct(0.99), "mean": round(statistics.fmean(ms), 3),
            "max": round(ms[-1], 3)}


def bench_grading(corpus_dir: str | Path, repeats: int = 200, cold_repeats: int = 3,
                  max_envs: int | None = None) -> dict[str, Any]:
    """Latency of one grade: warm in process, warm over loopback HTTP, and cold `python evaluator.py`.

    Each environment's gold submission and sample submission (CSV text, parsed on every grade as a trainer would
    send it) are graded round-robin `repeats` times per path. Cold runs start the environment's own evaluator.py
    in a fresh interpreter (`cold_repeats` per environment, on the gold submission) and must print the same score
    as the service. Not a test: figures depend on the machine.

    Returns:
        {"environments", "submissions", "load_ms", "warm_in_process_ms", "warm_http_ms", "cold_evaluator_ms",
         "speedup_p50", "scores_agree", "goals"}: each latency block holds n, p50, p90, p99, mean and max.

    Raises:
        EnvironmentFormatError: the corpus holds no environment, or one is broken.
    """
    from sandmle_core.service_http import GraderClient, serving

    service = GradingService(corpus_dir)
    env_ids = service.env_ids[:max_envs] if max_envs else service.env_ids
    if not env_ids:
        raise EnvironmentFormatError(Path(corpus_dir), "holds no environment to benchmark")
    loads = []
    cases: list[tuple[str, str]] = []
    for env_id in env_ids:
        warm = service._get(env_id)
        loads.append(warm.load_seconds)
        for path in (warm.env.private_dir / "gold_submission.csv", warm.env.sample_submission_path):
            if path.is_file():
                cases.append((env_id, path.read_text()))
    for env_id, text in cases:  # first touch of every code path, outside the timings
        service.grade(env_id, text)
    in_process = []
    for i in range(repeats):
        env_id, text = cases[i % len(cases)]
        start = time.perf_counter()
        service.grade(env_id, text)
        in_process.append(time.perf_counter() - start)
    over_http = []
    with serving(service) as server:
        client = GraderClient(server.url)
        try:
            client.grade(*cases[0])
            for i in range(repeats):
                env_id, text = cases[i % len(cases)]
                start = time.perf_counter()
                client.grade(env_id, text)
                over_http.append(time.perf_counter() - start)
        finally:
            client.close()
    cold, agree = [], True
    for env_id in env_ids:
        env = service.environment(env_id)
        gold = env.private_dir / "gold_submission.csv"
        if not gold.is_file():
            continue
        expected = service.grade_report(env_id, gold).score
        for _ in range(cold_repeats):
            start = time.perf_counter()
            run = subprocess.run([sys.executable, "evaluator.py", "--submission_path", str(gold)], cwd=env.root,
                                 capture_output=True, text=True, timeout=120)
            cold.append(time.perf_counter() - start)
            agree = agree and run.returncode == 0 and json.loads(run.stdout)["score"] == expected
    warm_p50 = _summary_ms(in_process)["p50"]
    cold_block = _summary_ms(cold)
    return {
        "environments": len(env_ids),
        "submissions": len(cases),
        "load_ms": _summary_ms(loads),
        "warm_in_process_ms": _summary_ms(in_process),
        "warm_http_ms": _summary_ms(over_http),
        "cold_evaluator_ms": cold_block,
        "speedup_p50": round(cold_block["p50"] / warm_p50, 1) if cold and warm_p50 else None,
        "scores_agree": agree,
        "goals": {"warm_p50_at_most_10_ms": warm_p50 <= 10.0,
                  "cold_p50_at_most_1500_ms": bool(cold) and cold_block["p50"] <= 1500.0},
    }
