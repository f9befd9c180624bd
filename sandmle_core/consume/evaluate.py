"""The agent evaluation harness: run an agent over environments through `MLEEnvironment` and report the outcome.

`evaluate(path, agent)` finds the tasks under `path` — a corpus (`envs/`), one environment folder, one mle-bench
competition folder, or a folder of such folders — runs one episode per task in the sandbox and reports, per task and
overall, the valid-submission rate, medal rates, the above-median rate, HumanRank and the mean reward. Medal figures
are computed over the tasks that have a leaderboard (a plain competition folder without one reports them as n/a).

Agents: `ladder:<level>` (or `ladder:top`) replays the task's ladder solution as a scripted agent — one `python`
action running the script, then `submit`. An environment's ladder is its `solutions/NN_name.py`; a competition folder
without `solutions/` gets the ladder rendered from its profiled Task DNA, the same scripts sandmle would validate it
with. `claude` is a ReAct loop over the same environment API through the anthropic SDK (`sandmle_core.react`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from sandmle_core.consume.gym import TOOLS, Action, MLEEnvironment, Task, render_observation
from sandmle_core.errors import EnvironmentFormatError, SandmleError
from sandmle_core.sandbox import Limits

__all__ = [
    "AgentSpec",
    "ClaudeAgent",
    "EpisodeRecord",
    "EvalReport",
    "EvalSummary",
    "EvaluationError",
    "discover_tasks",
    "evaluate",
    "ladder_scripts",
    "parse_agent",
    "run_ladder_episode",
    "summarize",
]


class EvaluationError(SandmleError):
    """The harness cannot run as asked (unknown agent, missing ladder level, nothing to evaluate)."""


@dataclass(frozen=True)
class AgentSpec:
    """A parsed `--agent` value: `ladder` with a level (None = the top level), or `claude` with a model."""

    kind: Literal["ladder", "claude"]
    level: int | None = None
    model: str | None = None

    @property
    def label(self) -> str:
        if self.kind == "ladder":
            return f"ladder:{'top' if self.level is None else self.level}"
        return f"claude:{self.model}" if self.model else "claude"


def parse_agent(text: str) -> AgentSpec:
    """`ladder:<level>`, `ladder:top`, `claude` or `claude:<model>`.

    Raises:
        EvaluationError: for anything else.
    """
    kind, _, arg = text.strip().partition(":")
    if kind == "ladder":
        if arg in ("top", "max", "-1"):
            return AgentSpec("ladder", None)
        if arg.isdigit():
            return AgentSpec("ladder", int(arg))
        raise EvaluationError(f"--agent {text!r}: the ladder level must be a number or `top`, e.g. ladder:0")
    if kind == "claude":
        return AgentSpec("claude", model=arg or None)
    raise EvaluationError(f"--agent {text!r}: choose ladder:<level>, ladder:top or claude[:<model>]")


def _is_task_dir(path: Path) -> bool:
    return (path / "description.md").is_file() and ((path / "config.yaml").is_file() or (path / "prepared").is_dir())


def discover_tasks(path: str | Path) -> list[Path]:
    """The task folders under `path`, sorted: a corpus' environments, the folder itself, or its task subfolders.

    Raises:
        EnvironmentFormatError: when `path` holds no task.
    """
    root = Path(path)
    if not root.is_dir():
        raise EnvironmentFormatError(root, "not a directory")
    if (root / "envs").is_dir():
        from sandmle_core.layout import Corpus

        found = Corpus(root).environment_dirs()
    elif _is_task_dir(root):
        found = [root]
    else:
        found = sorted(p for p in root.iterdir() if p.is_dir() and _is_task_dir(p))
    if not found:
        raise EnvironmentFormatError(root, "holds no environment or competition folder (description.md + config.yaml "
                                           "or prepared/)")
    return found


def ladder_scripts(task: Task, data_dir: str | Path | None = None) -> list[tuple[str, str]]:
    """The task's ladder as (file name, source), weakest first.

    Raises:
        EvaluationError: when the task has no solutions/ and no ladder can be rendered from its data.
    """
    if task.solutions_dir is not None:
        files = sorted(task.solutions_dir.glob("[0-9][0-9]_*.py"))
        if files:
            return [(p.name, p.read_text()) for p in files]
    from sandmle_core.ladder import ladder_for
    from sandmle_core.ladder.configs import config_from_profile
    from sandmle_core.profile import profile_seed
    from sandmle_core.seeds import load_seed

    try:
        profile = profile_seed(load_seed(task.root, data_dir))
        return [(s.filename, s.source) for s in ladder_for(config_from_profile(profile))]
    except (SandmleError, ValueError, KeyError) as exc:
        raise EvaluationError(f"{task.root}: no solutions/ and no ladder can be rendered: {exc}") from exc


class EpisodeRecord(BaseModel):
    """One task's episode. `error` is set when the harness could not run it (then it counts in no rate)."""

    model_config = ConfigDict(extra="forbid")

    env_id: str
    kind: str | None = None
    agent: str
    script: str | None = None
    valid: bool = False
    reason: str | None = None
    score: float | None = None
    medals_available: bool = False
    gold: bool | None = None
    silver: bool | None = None
    bronze: bool | None = None
    any_medal: bool | None = None
    above_median: bool | None = None
    human_rank: float | None = None
    reward: float = 0.0
    sparse_reward: float = 0.0
    format_rate: float | None = None
    turns: int = 0
    end_reason: str | None = None
    compute_seconds: float = 0.0
    wall_seconds: float = 0.0
    error: str | None = None
    error_type: str | None = None
    stderr_tail: str | None = None
    input_tokens: int | None = None
    output_tokens: int | None = None


def _record_from_info(env_id: str, kind: str, agent: str, info: dict[str, Any], **extra: Any) -> EpisodeRecord:
    keys = ("valid", "reason", "score", "medals_available", "gold", "silver", "bronze", "any_medal", "above_median",
            "human_rank", "reward", "sparse_reward", "format_rate", "turns", "end_reason", "compute_seconds")
    return EpisodeRecord(env_id=env_id, kind=kind, agent=agent, **{k: info[k] for k in keys}, **extra)


def run_ladder_episode(
    task_dir: str | Path,
    level: int | None,
    *,
    seed: int = 0,
    sandbox: Any = None,
    limits: Limits | None = None,
    reward: Literal["dense", "sparse"] = "dense",
    data_dir: str | Path | None = None,
) -> EpisodeRecord:
    """Replay one ladder level (None = the top) through `MLEEnvironment`: run the script, then submit.

    Raises:
        EvaluationError: when the task has no ladder or not that level.
    """
    start = time.perf_counter()
    agent = AgentSpec("ladder", level).label
    with MLEEnvironment(task_dir, sandbox, limits, max_turns=3, reward=reward, data_dir=data_dir) as env:
        scripts = ladder_scripts(env.task, data_dir)
        index = len(scripts) - 1 if level is None else level
        if not 0 <= index < len(scripts):
            raise EvaluationError(f"{env.env_id}: the ladder has levels 0..{len(scripts) - 1}, not {level}")
        name, source = scripts[index]
        env.reset(seed=seed)
        ran = env.step(Action(tool="python", code=source))
        result = ran if ran.done else env.step(Action(tool="submit"))
        stderr = ran.observation.get("stderr") if ran.observation.get("exit_code") not in (0, None) else None
        return _record_from_info(env.env_id, env.task.kind, agent, result.info, script=name,
                                 wall_seconds=round(time.perf_counter() - start, 3),
                                 stderr_tail=stderr[-2000:] if stderr else None)


DEFAULT_CLAUDE_MODEL = "claude-sonnet-4-5"
_SYSTEM = (
    "You are a machine-learning engineer solving a Kaggle-style competition inside a sandbox without network access. "
    "Read the task, explore ./public with the tools, train a model with pandas, numpy and scikit-learn, write "
    "./submission.csv in the required format, check it with the score tool, and call submit when you are done. "
    "One tool call per turn; every turn counts against the turn limit."
)
_ARGUMENTS = {"python": "code", "bash": "command"}


def _tool_schemas() -> list[dict[str, Any]]:
    tools = []
    for name, text in TOOLS.items():
        arg = _ARGUMENTS.get(name)
        props = {arg: {"type": "string", "description": f"the {arg} to run"}} if arg else {}
        tools.append({"name": name, "description": text,
                      "input_schema": {"type": "object", "properties": props, "required": [arg] if arg else []}})
    return tools


class ClaudeAgent:
    """A ReAct loop over `MLEEnvironment` through the anthropic SDK's Messages API (tool use).

    Args:
        model: the model id (default `DEFAULT_CLAUDE_MODEL`).
        client: an `anthropic.Anthropic` client; None = one built from ANTHROPIC_API_KEY / ANTHROPIC_BASE_URL.
        max_turns: the episode's turn limit (each model reply is one environment step).
        max_tokens: per reply.
    """

    def __init__(self, model: str | None = None, client: Any = None, max_turns: int = 20,
                 max_tokens: int = 4096) -> None:
        if client is None:
            import os

            import anthropic

            if not os.environ.get("ANTHROPIC_API_KEY"):
                raise EvaluationError("the claude agent needs ANTHROPIC_API_KEY (or an explicit client)")
            client = anthropic.Anthropic(max_retries=4)
        self.client = client
        self.model = model or DEFAULT_CLAUDE_MODEL
        self.max_turns = max_turns
        self.max_tokens = max_tokens

    def _reply(self, messages: list[dict[str, Any]]) -> Any:
        import anthropic

        try:
            return self.client.messages.create(
                model=self.model, max_tokens=self.max_tokens, tools=_tool_schemas(), messages=messages,
                system=[{"type": "text", "text": _SYSTEM, "cache_control": {"type": "ephemeral"}}],
            )
        except anthropic.APIError as exc:
            raise EvaluationError(f"Messages API call failed: {type(exc).__name__}: {exc}") from exc

    def run_episode(self, task_dir: str | Path, *, seed: int = 0, sandbox: Any = None, limits: Limits | None = None,
                    reward: Literal["dense", "sparse"] = "dense", data_dir: str | Path | None = None) -> EpisodeRecord:
        """Play one episode; the model sees the task observation first, then each tool's output."""
        start = time.perf_counter()
        tokens = [0, 0]
        with MLEEnvironment(task_dir, sandbox, limits, max_turns=self.max_turns, reward=reward,
                            data_dir=data_dir) as env:
            messages: list[dict[str, Any]] = [{"role": "user", "content": render_observation(env.reset(seed=seed))}]
            while True:
                response = self._reply(messages)
                usage = getattr(response, "usage", None)
                tokens[0] += int(getattr(usage, "input_tokens", 0) or 0)
                tokens[1] += int(getattr(usage, "output_tokens", 0) or 0)
                messages.append({"role": "assistant", "content": response.content})
                calls = [b for b in response.content if b.type == "tool_use"]
                if not calls:
                    text = "".join(getattr(b, "text", "") for b in response.content)
                    result = env.step(text)
                    if result.done:
                        break
                    messages.append({"role": "user", "content": render_observation(result.observation)
                                     + "\nCall one of the tools."})
                    continue
                first = calls[0]
                action = {"tool": first.name, **(first.input if isinstance(first.input, dict) else {})}
                result = env.step(action)
                if result.done:
                    break
                replies = [{"type": "tool_result", "tool_use_id": first.id,
                            "content": render_observation(result.observation)}]
                replies += [{"type": "tool_result", "tool_use_id": b.id, "is_error": True,
                             "content": "not run: one tool call per turn"} for b in calls[1:]]
                messages.append({"role": "user", "content": replies})
            return _record_from_info(env.env_id, env.task.kind, AgentSpec("claude", model=self.model).label,
                                     result.info, wall_seconds=round(time.perf_counter() - start, 3),
                                     input_tokens=tokens[0], output_tokens=tokens[1])


class EvalSummary(BaseModel):
    """Overall figures. Rates are shares in [0, 1]; None when no task qualifies (e.g. no leaderboard anywhere)."""

    model_config = ConfigDict(extra="forbid")

    n_envs: int
    n_errors: int
    n_evaluated: int
    n_with_leaderboard: int
    valid_rate: float | None
    gold_rate: float | None
    silver_rate: float | None
    bronze_rate: float | None
    any_medal_rate: float | None
    above_median_rate: float | None
    mean_human_rank: float | None
    mean_reward: float | None
    mean_sparse_reward: float | None


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 6) if values else None


def summarize(records: list[EpisodeRecord]) -> EvalSummary:
    """Aggregate episodes: validity and reward over every evaluated task, medals over those with a leaderboard."""
    ran = [r for r in records if r.error is None]
    ranked = [r for r in ran if r.medals_available]

    def rate(rows: list[EpisodeRecord], flag: Callable[[EpisodeRecord], bool | None]) -> float | None:
        return _mean([1.0 if flag(r) else 0.0 for r in rows])

    return EvalSummary(
        n_envs=len(records),
        n_errors=len(records) - len(ran),
        n_evaluated=len(ran),
        n_with_leaderboard=len(ranked),
        valid_rate=rate(ran, lambda r: r.valid),
        gold_rate=rate(ranked, lambda r: r.gold),
        silver_rate=rate(ranked, lambda r: r.silver),
        bronze_rate=rate(ranked, lambda r: r.bronze),
        any_medal_rate=rate(ranked, lambda r: r.any_medal),
        above_median_rate=rate(ranked, lambda r: r.above_median),
        mean_human_rank=_mean([r.human_rank for r in ranked if r.human_rank is not None]),
        mean_reward=_mean([r.reward for r in ran]),
        mean_sparse_reward=_mean([r.sparse_reward for r in ran]),
    )


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def _num(value: float | None, digits: int = 3) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def _flag(value: bool | None) -> str:
    return "n/a" if value is None else "yes" if value else "no"


class EvalReport(BaseModel):
    """The harness' result: the agent, where the tasks came from, every episode and the summary."""

    model_config = ConfigDict(extra="forbid")

    agent: str
    source: str
    seed: int
    episodes: list[EpisodeRecord]
    summary: EvalSummary

    def to_markdown(self) -> str:
        """A human-readable report: the overall table, then one row per task."""
        s = self.summary
        lines = [
            f"# sandmle eval — agent `{self.agent}`", "",
            f"Source: `{self.source}` · {s.n_envs} tasks · {s.n_errors} not run · seed {self.seed}", "",
            "| metric | value |", "|---|---|",
            f"| valid submissions | {_pct(s.valid_rate)} of {s.n_evaluated} |",
            f"| gold / silver / bronze | {_pct(s.gold_rate)} / {_pct(s.silver_rate)} / {_pct(s.bronze_rate)} "
            f"(of {s.n_with_leaderboard} with a leaderboard) |",
            f"| any medal | {_pct(s.any_medal_rate)} |",
            f"| above median | {_pct(s.above_median_rate)} |",
            f"| mean HumanRank | {_num(s.mean_human_rank)} |",
            f"| mean reward (dense) | {_num(s.mean_reward)} |",
            f"| mean reward (sparse) | {_num(s.mean_sparse_reward)} |",
            "", "## Per task", "",
            "| task | kind | script | valid | score | medal | above median | HumanRank | reward | note |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        for r in self.episodes:
            medal = ("n/a" if not r.medals_available else "gold" if r.gold else "silver" if r.silver
                     else "bronze" if r.bronze else "none")
            note = (r.error or r.reason or "").replace("|", "\\|").replace("\n", " ")[:120]
            lines.append(f"| {r.env_id} | {r.kind or '?'} | {r.script or ''} | {_flag(r.valid)} | {_num(r.score, 5)} "
                         f"| {medal} | {_flag(r.above_median)} | {_num(r.human_rank)} | {r.reward:.3f} | {note} |")
        return "\n".join(lines) + "\n"


def evaluate(
    path: str | Path,
    agent: str | AgentSpec,
    *,
    limit: int | None = None,
    seed: int = 0,
    sandbox: Any = None,
    limits: Limits | None = None,
    reward: Literal["dense", "sparse"] = "dense",
    workers: int = 1,
    data_dir: str | Path | None = None,
    max_turns: int = 20,
    client: Any = None,
) -> EvalReport:
    """Run `agent` on the first `limit` tasks under `path` and report.

    Args:
        path: a corpus, an environment or competition folder, or a folder of them.
        agent: `ladder:<level>`, `ladder:top`, `claude[:<model>]`, or a parsed `AgentSpec`.
        limit: evaluate at most this many tasks (in sorted order).
        seed: exported to the sandbox as SANDMLE_SEED.
        sandbox: a sandbox or backend name (None = the strongest that works).
        limits: per-step limits.
        reward: which reward the episodes report as `reward`.
        workers: episodes run in parallel (each in its own sandbox workspace).
        data_dir: mle-bench data directory for competitions whose data lives apart.
        max_turns: turn limit of a claude episode.
        client: an `anthropic.Anthropic` client for the claude agent (default: built from the environment).

    Raises:
        EvaluationError / EnvironmentFormatError: for a bad agent or a path without tasks.
    """
    spec = parse_agent(agent) if isinstance(agent, str) else agent
    if limit is not None and limit < 1:
        raise EvaluationError("--limit must be at least 1")
    tasks = discover_tasks(path)[:limit]
    claude = ClaudeAgent(model=spec.model, client=client, max_turns=max_turns) if spec.kind == "claude" else None

    def one(task_dir: Path) -> EpisodeRecord:
        try:
            if spec.kind == "ladder":
                return run_ladder_episode(task_dir, spec.level, seed=seed, sandbox=sandbox, limits=limits,
                                          reward=reward, data_dir=data_dir)
            assert claude is not None
            return claude.run_episode(task_dir, seed=seed, sandbox=sandbox, limits=limits, reward=reward,
                                      data_dir=data_dir)
        except SandmleError as exc:  # a broken task or a missing ladder level: reported, not fatal
            return EpisodeRecord(env_id=task_dir.name, agent=spec.label, error=str(exc), error_type=type(exc).__name__)

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        records = list(pool.map(one, tasks))
    return EvalReport(agent=spec.label, source=str(path), seed=seed, episodes=records, summary=summarize(records))
