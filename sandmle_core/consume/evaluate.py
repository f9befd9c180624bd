"""The agent evaluation harness: run an agent over environments through `MLEEnvironment` and report the outcome.

`evaluate(path, agent)` finds the tasks under `path` — a corpus (`envs/`), one environment folder, one mle-bench
competition folder, or a folder of such folders — runs one episode per task in the sandbox and reports, per task and
overall, the valid-submission rate, medal rates, the above-median rate, HumanRank and the mean reward. Medal figures
are computed over the tasks that have a leaderboard (a plain competition folder without one reports them as n/a).

Agents: `ladder:<level>` (or `ladder:top`) replays the task's ladder solution as a scripted agent — one `python`
action running the script, then `submit` (`episodes`). An environment's ladder is its `solutions/NN_name.py`; a
competition folder without `solutions/` gets the ladder the caller's renderer makes from its profiled Task DNA (the
`sandmle eval` command passes the build wing's). `claude` is a ReAct loop over the same environment API through the
anthropic SDK (`claude_agent`). Tasks are found by the one environment registry (`registry.discover`).

Imports: the format wing (sandbox, errors) and the consume wing's registry, gym, episodes and claude agent.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from sandmle_core.consume.claude_agent import ClaudeAgent
from sandmle_core.consume.episodes import (
    AgentSpec,
    EpisodeRecord,
    EvaluationError,
    LadderRenderer,
    check_ladder_level,
    ladder_scripts,
    parse_agent,
    run_ladder_episode,
)
from sandmle_core.consume.registry import discover
from sandmle_core.errors import SandmleError
from sandmle_core.sandbox import Limits

__all__ = [
    "AgentSpec",
    "ClaudeAgent",
    "EpisodeRecord",
    "EvalReport",
    "EvalSummary",
    "EvaluationError",
    "LadderRenderer",
    "evaluate",
    "ladder_scripts",
    "parse_agent",
    "run_ladder_episode",
    "summarize",
]


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
    render_ladder: LadderRenderer | None = None,
    on_episode: Callable[[EpisodeRecord], None] | None = None,
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
        render_ladder: renders a ladder for a competition without solutions/ (the CLI passes the build wing's).
        on_episode: called with each finished episode's record, from the worker thread that ran it (progress).

    Raises:
        EvaluationError / EnvironmentFormatError: for a bad agent or a path without tasks.
    """
    spec = parse_agent(agent) if isinstance(agent, str) else agent
    if limit is not None and limit < 1:
        raise EvaluationError("--limit must be at least 1")
    tasks = list(discover(path).values())[:limit]
    if spec.kind == "ladder":  # a level some ladder lacks is bad input: refused before any sandbox starts
        check_ladder_level(tasks, spec.level, data_dir, render_ladder)
    claude = ClaudeAgent(model=spec.model, client=client, max_turns=max_turns) if spec.kind == "claude" else None

    def one(task_dir: Path) -> EpisodeRecord:
        try:
            if spec.kind == "ladder":
                return run_ladder_episode(task_dir, spec.level, seed=seed, sandbox=sandbox, limits=limits,
                                          reward=reward, data_dir=data_dir, render_ladder=render_ladder)
            assert claude is not None
            return claude.run_episode(task_dir, seed=seed, sandbox=sandbox, limits=limits, reward=reward,
                                      data_dir=data_dir)
        except SandmleError as exc:  # a broken task or a missing ladder level: reported, not fatal
            return EpisodeRecord(env_id=task_dir.name, agent=spec.label, error=str(exc), error_type=type(exc).__name__)

    def reported(task_dir: Path) -> EpisodeRecord:
        record = one(task_dir)
        if on_episode is not None:
            on_episode(record)
        return record

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        records = list(pool.map(reported, tasks))
    return EvalReport(agent=spec.label, source=str(path), seed=seed, episodes=records, summary=summarize(records))
