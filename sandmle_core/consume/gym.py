"""The RL-facing environment: one MLE task as an episode of tool calls in a sandbox, ending in a graded submission.

`MLEEnvironment` turns an environment folder (or a plain mle-bench competition folder) into an episode. `reset()`
makes a fresh sandbox workspace — the task's public data read-only at ./public, a writable working directory that
persists across steps, nothing of prepared/private — and returns the task description, the public file listing, the
limits and the tools. `step(action)` runs one tool: `python` (a fresh interpreter per step: files persist, variables do
not) or `bash` inside the sandbox, `score` (grade ./submission.csv on the host and return the SandMLE evaluator JSON:
score and thresholds, never answers), or `submit` (grade and end). The episode also ends at the turn limit or when the
compute budget (summed sandbox wall time) is spent; the current ./submission.csv is graded then, as mle-bench does.
The final info holds the reward (dense SandMLE reward by default, sparse optional), medals, above-median and
HumanRank. Grading always happens on the host with the host's copy of the grader and answers, so nothing an agent
writes in its workspace can change a score; a symlinked, hard-linked or special `submission.csv` is not graded.

Actions are `Action` models, dicts, or text (a JSON object, or the tagged format of `ACTION_FORMAT`).
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from sandmle_core.errors import EnvironmentFormatError, InvalidSubmission, SandboxError, SandmleError
from sandmle_core.integrity import load_grading_inputs, verify_grading_files
from sandmle_core.layout import Environment
from sandmle_core.leaderboard import MedalResult, Thresholds, dense_reward, human_rank, medals, sparse_reward
from sandmle_core.sandbox import Limits, RunResult, Sandbox, Workspace, get_sandbox
from sandmle_core.submission_io import read_submission_file, submission_cap

__all__ = [
    "ACTION_FORMAT",
    "TOOLS",
    "Action",
    "ActionError",
    "EpisodeError",
    "MLEEnvironment",
    "StepResult",
    "Task",
    "evaluator_json",
    "load_task",
    "parse_action",
    "render_observation",
]

ToolName = Literal["python", "bash", "score", "submit"]
TOOLS: dict[str, str] = {
    "python": "Run Python code in the working directory (a fresh interpreter each step: files persist, variables "
              "do not). Argument: code.",
    "bash": "Run a shell command in the working directory. Argument: command.",
    "score": "Grade the current ./submission.csv: its score and the medal thresholds (never the answers). Does not "
             "end the episode.",
    "submit": "Grade ./submission.csv and end the episode.",
}
ACTION_FORMAT = (
    "One action per turn, either a JSON object — {\"tool\": \"python\", \"code\": \"...\"}, "
    "{\"tool\": \"bash\", \"command\": \"...\"}, {\"tool\": \"score\"}, {\"tool\": \"submit\"} — or tags: "
    "<python>code</python>, <bash>command</bash>, <score/>, <submit/> (the first tag in the text is used)."
)
SUBMISSION = "submission.csv"
_TAG = re.compile(r"<(python|bash|score|submit)\s*(?:/>|>(.*?)</\1\s*>)", re.DOTALL)
_MAX_CODE_BYTES = 120_000  # below Linux's 128 KiB single-argument limit, so bash -c always works
_MAX_LISTED_FILES = 200


class ActionError(SandmleError):
    """An action cannot be parsed or is not allowed; `reason` says why (shown to the agent)."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class EpisodeError(SandmleError):
    """The environment was used out of order: a step before `reset()` or after the episode ended."""


class Action(BaseModel):
    """One tool call. `code` goes with python, `command` with bash; score and submit take no argument."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    tool: ToolName
    code: str | None = None
    command: str | None = None

    @model_validator(mode="after")
    def _argument(self) -> Action:
        needed = {"python": "code", "bash": "command"}.get(self.tool)
        if needed and not (getattr(self, needed) or "").strip():
            raise ValueError(f"the {self.tool} tool needs a non-empty `{needed}`")
        text = self.code if self.tool == "python" else self.command if self.tool == "bash" else None
        if text is not None and len(text.encode()) > _MAX_CODE_BYTES:
            raise ValueError(f"the {self.tool} argument is longer than {_MAX_CODE_BYTES} bytes; write files instead")
        return self


def parse_action(raw: Action | Mapping[str, Any] | str) -> Action:
    """An `Action` from a model, a dict, or text (a JSON object, or the first tag of `ACTION_FORMAT`).

    Raises:
        ActionError: when nothing valid can be read; the reason is meant for the agent.
    """
    if isinstance(raw, Action):
        return raw
    data: Any = raw
    if isinstance(raw, str):
        text = raw.strip()
        if text.startswith("{"):
            try:
                data = json.loads(text)
            except json.JSONDecodeError as exc:
                raise ActionError(f"the action looks like JSON but does not parse: {exc}") from None
        else:
            match = _TAG.search(raw)
            if match is None:
                shown = text[:80].encode("ascii", "backslashreplace").decode()
                raise ActionError(f"no action found (expected JSON or a tag such as <python>...</python>): {shown!r}")
            tool, body = match.group(1), match.group(2)
            body = (body or "").strip("\n")
            data = {"tool": tool, **({"code": body} if tool == "python" else {"command": body} if tool == "bash"
                                     else {})}
    if not isinstance(data, Mapping):
        raise ActionError(f"an action must be an object with a `tool` field, got {type(data).__name__}")
    try:
        return Action.model_validate(dict(data))
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'action'}: {e['msg']}" for e in exc.errors()[:3])
        raise ActionError(f"invalid action ({problems})") from None


def evaluator_json(score: float, thresholds: Thresholds | None) -> dict[str, Any]:
    """The SandMLE evaluator contract: score, direction and the four thresholds (None when there is no leaderboard)."""
    t = thresholds
    return {
        "score": score,
        "is_lower_better": None if t is None else t.lower_is_better,
        "gold_threshold": None if t is None else t.gold,
        "silver_threshold": None if t is None else t.silver,
        "bronze_threshold": None if t is None else t.bronze,
        "median_threshold": None if t is None else t.median,
    }


@dataclass
class Task:
    """What an episode needs of a task folder: its public data, how to grade, and the leaderboard if any.

    `kind` is "sandmle" (an environment folder of this project) or "mlebench" (any mle-bench competition folder).
    """

    task_id: str
    kind: Literal["sandmle", "mlebench"]
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
    description = root / "description.md"
    if not description.is_file():
        raise EnvironmentFormatError(description, "missing: a competition needs a description.md")
    prepared = root / "prepared"
    if not prepared.is_dir() and data_dir is not None:
        prepared = data_dir / task_id / "prepared"
    public, private = prepared / "public", prepared / "private"
    if not public.is_dir():
        raise EnvironmentFormatError(public, "missing: the public data folder (prepared/public/)")
    declared = str((config.get("dataset") or {}).get("answers") or "")
    candidates = [private / "answers.csv"]
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
    if (root / "grade.py").is_file():
        grader = _load_grade_function(root / "grade.py")
    elif isinstance(config.get("sandmle"), dict) and config["sandmle"].get("grading"):
        from sandmle_core.grading import grade_submission
        from sandmle_core.spec import GradingSpec

        try:
            spec = GradingSpec.model_validate(config["sandmle"]["grading"])
        except ValidationError as exc:
            raise EnvironmentFormatError(root / "config.yaml", f"invalid sandmle.grading block: {exc}") from exc
        grader = lambda sub, ans: grade_submission(sub, ans, spec)  # noqa: E731
    else:
        ref = str((config.get("grader") or {}).get("grade_fn") or "")
        module_name, _, fn_name = ref.partition(":")
        try:
            grader = getattr(importlib.import_module(module_name), fn_name or "grade")
        except (ImportError, AttributeError, ValueError) as exc:
            raise EnvironmentFormatError(root, f"no grade.py and grader {ref!r} cannot be imported: {exc}") from exc
    thresholds = scores = None
    board = root / "leaderboard.csv"
    if board.is_file():
        from sandmle_core.leaderboard import thresholds_from_leaderboard

        try:
            table = pd.read_csv(board)
            thresholds = thresholds_from_leaderboard(table)
            scores = tuple(float(s) for s in table["score"])
        except (OSError, ValueError) as exc:
            raise EnvironmentFormatError(board, f"needs a numeric `score` column: {exc}") from exc
    return Task(task_id=task_id, kind="mlebench", root=root, description=description.read_text(), public_dir=public,
                answers_path=answers, grader=grader, thresholds=thresholds, leaderboard=scores,
                solutions_dir=root / "solutions" if (root / "solutions").is_dir() else None)


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
    if (root / "config.yaml").is_file():
        try:
            config = yaml.safe_load((root / "config.yaml").read_text()) or {}
        except yaml.YAMLError as exc:
            raise EnvironmentFormatError(root / "config.yaml", f"not valid YAML: {exc}") from exc
    block = config.get("sandmle") if isinstance(config, dict) else None
    if isinstance(block, dict) and "thresholds" in block:
        from sandmle_core.grading import grade_submission
        from sandmle_core.layout import read_environment

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


@dataclass(frozen=True)
class StepResult:
    """What one step returns. `reward` is 0 until the episode ends; `info` holds the final grade when it does."""

    observation: dict[str, Any]
    reward: float
    terminated: bool
    truncated: bool
    info: dict[str, Any]

    @property
    def done(self) -> bool:
        return self.terminated or self.truncated


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return f"[... {len(text) - limit} earlier characters cut ...]\n" + text[-limit:]


def render_observation(obs: Mapping[str, Any]) -> str:
    """An observation as the text an LLM reads (what the text adapters send)."""
    if obs.get("kind") == "task":
        limits = obs["limits"]
        lines = [obs["description"].rstrip(), "", "## Your environment", "",
                 "Working directory: writable and kept across steps; the task data is read-only under ./public/.",
                 f"Write your predictions to ./{SUBMISSION}.", "", "Files:"]
        lines += [f"- {f['path']} ({f['bytes']} bytes)" for f in obs["files"]]
        if obs.get("files_not_listed"):
            lines.append(f"- ... and {obs['files_not_listed']} more files under public/")
        lines += ["", "Tools:"] + [f"- {name}: {text}" for name, text in obs["tools"].items()]
        lines += ["", "Limits: " + ", ".join(f"{k} {v}" for k, v in limits.items() if v is not None), "",
                  ACTION_FORMAT]
        lines += [f"WARNING: {w}" for w in obs.get("warnings", [])]
        return "\n".join(lines) + "\n"
    head = f"[{obs.get('tool') or 'invalid action'}] turn {obs['turn']}/{obs['max_turns']}"
    if "compute_left_seconds" in obs:
        head += f", {obs['compute_left_seconds']:.0f} s of compute left"
    lines = [head]
    if obs.get("error"):
        lines.append(f"error: {obs['error']}")
    if "exit_code" in obs:
        lines.append(f"exit {obs['exit_code']} ({obs['stopped_by']}) in {obs['wall_seconds']:.2f} s, "
                     f"cpu {obs['cpu_seconds']:.2f} s, peak {obs['peak_memory_mb']:.0f} MB")
        lines += ["--- stdout ---", obs["stdout"].rstrip(), "--- stderr ---", obs["stderr"].rstrip()]
        if obs.get("files_written"):
            lines.append("files written: " + ", ".join(obs["files_written"]))
    if obs.get("result") is not None:
        lines.append(json.dumps(obs["result"]))
    if obs.get("final") is not None:
        lines.append("episode over: " + json.dumps(obs["final"]))
    return "\n".join(lines) + "\n"


class MLEEnvironment:
    """One task as a sequence of tool calls in a sandbox workspace, ending in a graded submission.

    Args:
        env_dir: an environment folder, or an mle-bench competition folder.
        sandbox: a sandbox, or a backend name; None = the strongest backend that works here.
        limits: per-step limits (wall time, CPU, memory, output); the wall time is also capped by the budget left.
        max_turns: steps per episode (every step counts, malformed ones too).
        time_limit: the episode's compute budget in seconds: the summed wall time of its sandbox runs.
        reward: "dense" (SandMLE's default) or "sparse" (0.9 for gold only); both add 0.1 × the format rate.
        max_output_chars: how much of stdout and of stderr a step returns (the tail).
        max_score_calls: how many times the score tool may be used (None = unlimited).
        max_submission_mb: larger submission files are not graded (None = `submission_cap` of the answers' size:
            max(8 MB, 20 × answers) by default).
        data_dir: mle-bench data directory for competitions whose data lives apart.
    """

    def __init__(
        self,
        env_dir: str | Path,
        sandbox: Sandbox | str | None = None,
        limits: Limits | None = None,
        *,
        max_turns: int = 30,
        time_limit: float = 1800.0,
        reward: Literal["dense", "sparse"] = "dense",
        max_output_chars: int = 4000,
        max_score_calls: int | None = None,
        max_submission_mb: float | None = None,
        data_dir: str | Path | None = None,
    ) -> None:
        if reward not in ("dense", "sparse"):
            raise ValueError(f"reward must be 'dense' or 'sparse', got {reward!r}")
        if max_turns < 1 or time_limit <= 0:
            raise ValueError("max_turns must be at least 1 and time_limit positive")
        self.task = load_task(env_dir, data_dir)
        self._sandbox_arg = sandbox
        self.limits = limits or Limits(wall_seconds=300, cpu_seconds=300, memory_mb=4096)
        self.max_turns = max_turns
        self.time_limit = float(time_limit)
        self.reward_kind = reward
        self.max_output_chars = max_output_chars
        self.max_score_calls = max_score_calls
        self.max_submission_bytes = (int(max_submission_mb * 2**20) if max_submission_mb is not None
                                     else submission_cap(_size(self.task.answers_path)))
        self._ws: Workspace | None = None
        self._done = True
        self._seed = 0
        self.turns = self.well_formed = self.score_calls = 0
        self.compute_seconds = 0.0
        self.final_info: dict[str, Any] | None = None

    @cached_property
    def sandbox(self) -> Sandbox:
        arg = self._sandbox_arg
        return get_sandbox(arg, policy="strict") if arg is None or isinstance(arg, str) else arg

    @property
    def env_id(self) -> str:
        return self.task.task_id

    @property
    def workspace_root(self) -> Path:
        """The host path of the episode's working directory (for harnesses and tests; agents never see it)."""
        if self._ws is None:
            raise EpisodeError("no episode: call reset() first")
        return self._ws.root

    def _files(self) -> tuple[list[dict[str, Any]], int]:
        paths = sorted(p for p in self.task.public_dir.rglob("*") if p.is_file())
        listed = [{"path": "public/" + p.relative_to(self.task.public_dir).as_posix(), "bytes": p.stat().st_size}
                  for p in paths[:_MAX_LISTED_FILES]]
        return listed, max(0, len(paths) - _MAX_LISTED_FILES)

    def _warnings(self) -> list[str]:
        name = getattr(self.sandbox, "name", "")
        if name in ("bwrap", "docker"):
            return []
        return [f"the {name} sandbox backend does not hide the host filesystem: this episode is not isolated"]

    def reset(self, seed: int | None = None) -> dict[str, Any]:
        """Start an episode in a fresh workspace; returns the task observation.

        Args:
            seed: exported to every step as SANDMLE_SEED (ladder scripts and agents may use it); default 0.
        """
        self.close()
        self.task.verify()  # once per episode: a corpus an earlier run wrote into is refused, not graded
        self._ws = Workspace.create(self.task.public_dir)
        self._done = False
        self._seed = int(seed or 0)
        self.turns = self.well_formed = self.score_calls = 0
        self.compute_seconds = 0.0
        self.final_info = None
        files, more = self._files()
        return {
            "kind": "task",
            "env_id": self.env_id,
            "description": self.task.description,
            "files": files,
            "files_not_listed": more,
            "submission_path": SUBMISSION,
            "tools": dict(TOOLS),
            "limits": {
                "max_turns": self.max_turns,
                "compute_budget_seconds": self.time_limit,
                "step_wall_seconds": self.limits.wall_seconds,
                "step_memory_mb": self.limits.memory_mb,
                "max_output_chars": self.max_output_chars,
                "max_score_calls": self.max_score_calls,
            },
            "action_format": ACTION_FORMAT,
            "warnings": self._warnings(),
        }

    def step(self, action: Action | Mapping[str, Any] | str) -> StepResult:
        """Run one action. Malformed actions cost a turn and lower the format rate, but never raise.

        Raises:
            EpisodeError: before `reset()` or after the episode ended.
        """
        if self._ws is None or self._done:
            raise EpisodeError("the episode is over (or never started): call reset()")
        self.turns += 1
        obs: dict[str, Any] = {"kind": "step", "turn": self.turns, "max_turns": self.max_turns, "tool": None}
        info: dict[str, Any] = {"env_id": self.env_id, "turn": self.turns, "well_formed": False}
        try:
            act = parse_action(action)
        except ActionError as exc:
            obs["error"] = exc.reason
            return self._finish_step(obs, info, submitted=False)
        self.well_formed += 1
        info["well_formed"] = True
        obs["tool"] = info["tool"] = act.tool
        if act.tool in ("python", "bash"):
            obs.update(self._run(act))
            obs["compute_left_seconds"] = round(max(0.0, self.time_limit - self.compute_seconds), 3)
        elif act.tool == "score":
            if self.max_score_calls is not None and self.score_calls >= self.max_score_calls:
                obs["error"] = f"the score tool may be used {self.max_score_calls} times per episode"
            else:
                self.score_calls += 1
                score, reason = self._grade()
                obs["result"] = evaluator_json(score, self.task.thresholds) if score is not None else None
                if reason:
                    obs["error"] = f"invalid submission: {reason}"
        return self._finish_step(obs, info, submitted=act.tool == "submit")

    def _run(self, act: Action) -> dict[str, Any]:
        assert self._ws is not None
        left = self.time_limit - self.compute_seconds
        limits = self.limits.model_copy(update={
            "wall_seconds": max(0.01, min(self.limits.wall_seconds, left)),
            "cpu_seconds": max(0.01, min(self.limits.cpu_seconds, left)),
            "tail_bytes": max(self.limits.tail_bytes, self.max_output_chars * 4),
        })
        env = {"SANDMLE_SEED": str(self._seed),
               "PATH": f"{os.path.dirname(sys.executable)}:/usr/local/bin:/usr/bin:/bin"}
        try:
            if act.tool == "python":
                rel = f".sandmle/step_{self.turns:03d}.py"
                self._ws.write(rel, act.code or "")
                result = self.sandbox.run_python(rel, self._ws, limits, env=env)
            else:
                result = self.sandbox.run_command(["bash", "-c", act.command or ""], self._ws, limits, env=env)
        except SandboxError as exc:  # e.g. the agent replaced .sandmle/ by a link leaving the workspace
            return {"error": f"the step could not run: {exc}"}
        self.compute_seconds += result.wall_seconds
        return self._run_fields(result)

    def _run_fields(self, result: RunResult) -> dict[str, Any]:
        return {
            "exit_code": result.exit_code,
            "stopped_by": str(result.stopped_by),
            "stdout": _cut(result.stdout_tail, self.max_output_chars),
            "stderr": _cut(result.stderr_tail, self.max_output_chars),
            "wall_seconds": round(result.wall_seconds, 3),
            "cpu_seconds": round(result.cpu_seconds, 3),
            "peak_memory_mb": round(result.peak_memory_mb, 1),
            "files_written": [f for f in result.files_written if not f.startswith(".sandmle/")],
        }

    def _finish_step(self, obs: dict[str, Any], info: dict[str, Any], submitted: bool) -> StepResult:
        if submitted:
            end = "submit"
        elif self.compute_seconds >= self.time_limit:
            end = "time_limit"
        elif self.turns >= self.max_turns:
            end = "max_turns"
        else:
            return StepResult(obs, 0.0, False, False, info)
        final = self._final(end)
        obs["final"] = {k: final[k] for k in ("end_reason", "score", "valid", "reason", "reward")}
        self._done = True
        return StepResult(obs, final["reward"], end == "submit", end != "submit", {**info, **final})

    def _read_submission(self) -> pd.DataFrame:
        """./submission.csv through the safe reader: a plain file of the workspace, no link, under the size cap."""
        assert self._ws is not None
        return read_submission_file(SUBMISSION, self.max_submission_bytes, root=self._ws.root, what=SUBMISSION)

    def _grade(self) -> tuple[float | None, str | None]:
        try:
            return self.task.grade(self._read_submission()), None
        except InvalidSubmission as exc:
            return None, exc.reason

    def _final(self, end: str) -> dict[str, Any]:
        score, reason = self._grade()
        valid = score is not None
        rate = round(self.well_formed / self.turns, 6) if self.turns else 1.0
        t = self.task.thresholds
        tier = medals(score, t) if t is not None else MedalResult(gold=False, silver=False, bronze=False,
                                                                   above_median=False)
        dense, sparse = dense_reward(valid, tier, rate), sparse_reward(valid, tier, rate)
        known = t is not None
        self.final_info = {
            "end_reason": end,
            "score": score,
            "valid": valid,
            "reason": reason,
            "medals_available": known,
            "gold": tier.gold if known else None,
            "silver": tier.silver if known else None,
            "bronze": tier.bronze if known else None,
            "any_medal": tier.any_medal if known else None,
            "above_median": tier.above_median if known else None,
            "human_rank": human_rank(score, self.task.leaderboard or (), t.lower_is_better) if known else None,
            "reward": dense if self.reward_kind == "dense" else sparse,
            "dense_reward": dense,
            "sparse_reward": sparse,
            "format_rate": rate,
            "turns": self.turns,
            "compute_seconds": round(self.compute_seconds, 3),
            "thresholds": None if t is None else t.model_dump(mode="json"),
        }
        return dict(self.final_info)

    def close(self) -> None:
        """Remove the episode's workspace (idempotent)."""
        if self._ws is not None:
            self._ws.close()
            self._ws = None
        self._done = True

    def __enter__(self) -> MLEEnvironment:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
