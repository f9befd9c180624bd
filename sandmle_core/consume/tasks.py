"""The task loader: a sandmle environment folder or an mle-bench competition folder as one `Task`.

A `Task` is what the gym, evaluation and the grading service need of a folder: its description, its public data,
its answers (read once, never shown to an agent), a grader, the medal thresholds and the leaderboard. A sandmle
environment (config.yaml with a `sandmle:` block) is read by `layout.read_environment` and its grading files are
verified against config.yaml's hashes before anything is graded (`integrity`); an mle-bench competition is read as
mle-bench lays it out — `description.md`, `prepared/public|private/` (in the folder or under a separate data
directory), and a grader that is the folder's `grade.py`, a `sandmle.grading` block, or config's `grader.grade_fn`.

Imports: the format wing (envfolder, layout, grading, spec, leaderboard, integrity, submission_io, errors).
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pandas as pd
import yaml
from pydantic import ValidationError

from sandmle_core.envfolder import EnvFolder
from sandmle_core.errors import EnvironmentFormatError, InvalidSubmission
from sandmle_core.grading import grade_submission
from sandmle_core.integrity import load_grading_inputs, verify_grading_files
from sandmle_core.layout import Environment, read_environment
from sandmle_core.leaderboard import Thresholds, thresholds_from_leaderboard
from sandmle_core.spec import GradingSpec
from sandmle_core.submission_io import submission_cap

__all__ = ["Task", "TaskKind", "load_task"]

TaskKind = Literal["sandmle", "mlebench"]


@dataclass
class Task:
    """What an episode needs of a task folder: its public data, how to grade, and the leaderboard if any.

    `kind` is "sandmle" (an environment folder of this project) or "mlebench" (any mle-bench competition folder).
    """

    task_id: str
    kind: TaskKind
    root: Path
    description: str
    public_dir: Path
    answers_path: Path
    grader: Callable[[pd.DataFrame, pd.DataFrame], float]
    thresholds: Thresholds | None = None
    leaderboard: tuple[float, ...] | None = None
    solutions_dir: Path | None = None
    env: Environment | None = field(default=None, repr=False)
    _answers: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def answers(self) -> pd.DataFrame:
        """The private answers, read once (they never enter a workspace); a sandmle environment's are verified."""
        if self._answers is None:
            self._answers = pd.read_csv(self.answers_path)
        return self._answers

    @property
    def submission_cap(self) -> int:
        """The largest submission file graded against this task (`submission_cap` of the answers' size)."""
        return submission_cap(_size(self.answers_path))

    def verify(self) -> None:
        """Check a sandmle environment's grading files against config.yaml (cached by file identity: cheap).

        Raises:
            TamperedEnvironment: naming the file that changed since the environment was built.
        """
        if self.env is not None:
            verify_grading_files(self.env)

    def grade(self, submission: pd.DataFrame) -> float:
        """Score a submission (rounded to 5 decimals).

        Raises:
            InvalidSubmission: when the grader rejects it — for an mle-bench grade.py, any exception it raises.
        """
        if self.kind == "sandmle":  # our own grader: only InvalidSubmission is expected, anything else is a bug
            return round(float(self.grader(submission, self.answers)), 5)
        try:
            return round(float(self.grader(submission, self.answers)), 5)
        except Exception as exc:  # mle-bench convention: any exception of a competition's grader = invalid
            raise InvalidSubmission(exc.reason if isinstance(exc, InvalidSubmission) else
                                    f"{type(exc).__name__}: {exc}") from exc


def _size(path: Path) -> int | None:
    try:
        return path.stat().st_size
    except OSError:
        return None


def _load_grade_function(path: Path) -> Callable[[pd.DataFrame, pd.DataFrame], float]:
    name = f"_sandmle_grade_{abs(hash(str(path.resolve())))}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise EnvironmentFormatError(path, "cannot be loaded as a Python module")
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as exc:  # a competition's own grader; whatever breaks its import is reported, typed
        raise EnvironmentFormatError(path, f"cannot import the grader: {type(exc).__name__}: {exc}") from exc
    fn = getattr(module, "grade", None)
    if not callable(fn):
        raise EnvironmentFormatError(path, "defines no grade(submission, answers) function")
    return fn


def _mlebench_task(root: Path, config: dict[str, Any], data_dir: Path | None) -> Task:
    task_id = str(config.get("id") or root.name)
    folder = EnvFolder(root)
    description = folder.description
    if not description.is_file():
        raise EnvironmentFormatError(description, "missing: a competition needs a description.md")
    data = folder
    if not folder.prepared.is_dir() and data_dir is not None:
        data = EnvFolder(data_dir / task_id)  # mle-bench keeps a competition's data under <data_dir>/<id>/prepared/
    public, private = data.public, data.private
    if not public.is_dir():
        raise EnvironmentFormatError(public, "missing: the public data folder (prepared/public/)")
    declared = str((config.get("dataset") or {}).get("answers") or "")
    candidates = [data.answers]
    if declared:  # mle-bench paths are relative to the data directory, which is often the competition's parent
        candidates = [root.parent / declared, *([data_dir / declared] if data_dir else []),
                      private / Path(declared).name, *candidates]
    answers = next((p for p in candidates if p.is_file()), None)
    if answers is None and private.is_dir():
        csvs = sorted(private.glob("*.csv"))
        answers = csvs[0] if len(csvs) == 1 else None
    if answers is None:
        raise EnvironmentFormatError(private, "no answers file found (config dataset.answers or private/answers.csv)")
    grader: Callable[[pd.DataFrame, pd.DataFrame], float]
    if folder.grader.is_file():
        grader = _load_grade_function(folder.grader)
    elif isinstance(config.get("sandmle"), dict) and config["sandmle"].get("grading"):
        try:
            spec = GradingSpec.model_validate(config["sandmle"]["grading"])
        except ValidationError as exc:
            raise EnvironmentFormatError(folder.config, f"invalid sandmle.grading block: {exc}") from exc
        grader = lambda sub, ans: grade_submission(sub, ans, spec)  # noqa: E731
    else:
        ref = str((config.get("grader") or {}).get("grade_fn") or "")
        module_name, _, fn_name = ref.partition(":")
        try:
            grader = getattr(importlib.import_module(module_name), fn_name or "grade")
        except (ImportError, AttributeError, ValueError) as exc:
            raise EnvironmentFormatError(root, f"no grade.py and grader {ref!r} cannot be imported: {exc}") from exc
    thresholds = scores = None
    board = folder.leaderboard
    if board.is_file():
        try:
            table = pd.read_csv(board)
            thresholds = thresholds_from_leaderboard(table)
            scores = tuple(float(s) for s in table["score"])
        except (OSError, ValueError) as exc:
            raise EnvironmentFormatError(board, f"needs a numeric `score` column: {exc}") from exc
    return Task(task_id=task_id, kind="mlebench", root=root, description=description.read_text(), public_dir=public,
                answers_path=answers, grader=grader, thresholds=thresholds, leaderboard=scores,
                solutions_dir=folder.solutions if folder.solutions.is_dir() else None)


def load_task(path: str | Path, data_dir: str | Path | None = None) -> Task:
    """Read a task folder: a sandmle environment (config.yaml with a `sandmle:` block) or an mle-bench competition.

    Args:
        path: the folder.
        data_dir: mle-bench's data directory, when a competition's `prepared/` lives apart (`<data_dir>/<id>/`).

    Raises:
        EnvironmentFormatError: naming what is missing or unreadable.
    """
    root = Path(path).resolve()
    if not root.is_dir():
        raise EnvironmentFormatError(root, "not a directory")
    config: dict[str, Any] = {}
    config_path = EnvFolder(root).config
    if config_path.is_file():
        try:
            config = yaml.safe_load(config_path.read_text()) or {}
        except yaml.YAMLError as exc:
            raise EnvironmentFormatError(config_path, f"not valid YAML: {exc}") from exc
    block = config.get("sandmle") if isinstance(config, dict) else None
    if isinstance(block, dict) and "thresholds" in block:
        env = read_environment(root)
        inputs = load_grading_inputs(env)  # hashes verified; answers and leaderboard parsed from the hashed bytes
        spec = env.grading
        return Task(task_id=env.env_id, kind="sandmle", root=root, description=env.description_path.read_text(),
                    public_dir=env.public_dir, answers_path=env.answers_path,
                    grader=lambda sub, ans: grade_submission(sub, ans, spec), thresholds=env.thresholds,
                    leaderboard=inputs.leaderboard, solutions_dir=env.solutions_dir, env=env,
                    _answers=inputs.answers)
    return _mlebench_task(root, config if isinstance(config, dict) else {}, Path(data_dir).resolve() if data_dir
                          else None)
