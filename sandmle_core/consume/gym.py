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

import json
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from sandmle_core.consume.actions import ACTION_FORMAT, TOOLS, Action, ActionError, parse_action
from sandmle_core.consume.report import grade_report
from sandmle_core.consume.tasks import Task, load_task
from sandmle_core.errors import SandboxError, SandmleError
from sandmle_core.grading import evaluator_json
from sandmle_core.leaderboard import GradeReport
from sandmle_core.sandbox import Limits, RunResult, Sandbox, Workspace, get_sandbox

__all__ = [
    "ACTION_FORMAT",
    "TOOLS",
    "Action",
    "ActionError",
    "EpisodeError",
    "MLEEnvironment",
    "StepResult",
    "Task",
    "load_task",
    "parse_action",
    "render_observation",
]

SUBMISSION = "submission.csv"
_MAX_LISTED_FILES = 200


class EpisodeError(SandmleError):
    """The environment was used out of order: a step before `reset()` or after the episode ended."""


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
        usage = (f"cpu {obs['cpu_seconds']:.2f} s, peak {obs['peak_memory_mb']:.0f} MB"
                 if obs.get("usage_measured", True) else "cpu and peak memory not measured")
        lines.append(f"exit {obs['exit_code']} ({obs['stopped_by']}) in {obs['wall_seconds']:.2f} s, {usage}")
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
                                     else self.task.submission_cap)
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
                report = self._grade()
                obs["result"] = evaluator_json(report.score, self.task.thresholds) if report.valid else None
                if report.reason:
                    obs["error"] = f"invalid submission: {report.reason}"
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
            "usage_measured": result.usage_measured,
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

    def _grade(self, format_rate: float = 1.0) -> GradeReport:
        """./submission.csv graded on the host: read by the safe reader (a plain file of the workspace, no link,
        under the size cap), scored with the host's grader and answers."""
        assert self._ws is not None
        return grade_report(self.task, Path(SUBMISSION), format_rate, max_bytes=self.max_submission_bytes,
                            root=self._ws.root, what=SUBMISSION)

    def _final(self, end: str) -> dict[str, Any]:
        rate = round(self.well_formed / self.turns, 6) if self.turns else 1.0
        report = self._grade(rate)
        t, tier = report.thresholds, report.medals
        known = t is not None
        self.final_info = {
            "end_reason": end,
            "score": report.score,
            "valid": report.valid,
            "reason": report.reason,
            "medals_available": known,
            "gold": tier.gold if known else None,
            "silver": tier.silver if known else None,
            "bronze": tier.bronze if known else None,
            "any_medal": tier.any_medal if known else None,
            "above_median": tier.above_median if known else None,
            "human_rank": report.human_rank if known else None,
            "reward": report.reward if self.reward_kind == "dense" else report.sparse_reward,
            "dense_reward": report.reward,
            "sparse_reward": report.sparse_reward,
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
