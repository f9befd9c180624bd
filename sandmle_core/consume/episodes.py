"""One evaluation episode: the agent spec, the episode record, and the scripted ladder agent.

`parse_agent` reads `ladder:<level>`, `ladder:top` or `claude[:<model>]`; `run_ladder_episode` replays one ladder
level through `MLEEnvironment` (one `python` action running the script, then `submit`); `EpisodeRecord` is what one
episode reports. A task's ladder is its `solutions/NN_name.py`; a competition folder without `solutions/` gets one
only from a `LadderRenderer` the caller passes in (rendering needs the build wing, which this wing never imports).

Imports: the format wing (sandbox, errors) and the consume wing's gym.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from sandmle_core.consume.agent_spec import AgentSpec, EvaluationError, parse_agent
from sandmle_core.consume.gym import Action, MLEEnvironment, Task
from sandmle_core.consume.tasks import load_task
from sandmle_core.errors import SandmleError
from sandmle_core.sandbox import Limits

__all__ = [
    "AgentSpec",
    "EpisodeRecord",
    "EvaluationError",
    "LadderRenderer",
    "ladder_scripts",
    "parse_agent",
    "record_from_info",
    "run_ladder_episode",
]


LadderRenderer = Callable[[Path, "str | Path | None"], list[tuple[str, str]]]
"""Renders a ladder for a competition folder that ships no solutions/: (folder, data_dir) → [(file name, source)].

The consume wing never imports the build wing (seeds, profiles, ladders); a caller that may — the `sandmle evaluate`
command — passes one in."""


def ladder_scripts(task: Task, data_dir: str | Path | None = None,
                   render: LadderRenderer | None = None) -> list[tuple[str, str]]:
    """The task's ladder as (file name, source), weakest first: its solutions/, else what `render` makes of it.

    Raises:
        EvaluationError: when the task has no solutions/ and no ladder can be rendered from its data.
    """
    if task.solutions_dir is not None:
        files = sorted(task.solutions_dir.glob("[0-9][0-9]_*.py"))
        if files:
            return [(p.name, p.read_text()) for p in files]
    if render is None:
        raise EvaluationError(f"{task.root}: no solutions/ (and no ladder renderer was given to render one)")
    try:
        return render(task.root, data_dir)
    except (SandmleError, ValueError, KeyError) as exc:
        raise EvaluationError(f"{task.root}: no solutions/ and no ladder can be rendered: {exc}") from exc


def check_ladder_level(task_dirs: list[Path], level: int | None, data_dir: str | Path | None = None,
                       render: LadderRenderer | None = None) -> None:
    """Refuse `ladder:<level>` before any episode runs when a task's ladder lacks that level (or it has no ladder):
    a sandbox per task for an agent that cannot be run as asked would be wasted work.

    Raises:
        EvaluationError: naming the first task(s) without that level and the levels they have.
    """
    if level is None:  # `ladder:top` exists on every ladder that exists at all; episodes report a missing one
        return
    short = []
    for task_dir in task_dirs:
        try:
            count = len(ladder_scripts(load_task(task_dir, data_dir), data_dir, render))
        except SandmleError:  # a broken task or one without a ladder: its episode reports it, the others run
            continue
        if level >= count:
            short.append(f"{Path(task_dir).name} (levels 0..{count - 1})")
    if short:
        more = f" and {len(short) - 3} more" if len(short) > 3 else ""
        raise EvaluationError(f"--agent ladder:{level}: no such ladder level in {', '.join(short[:3])}{more}")


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


def record_from_info(env_id: str, kind: str, agent: str, info: dict[str, Any], **extra: Any) -> EpisodeRecord:
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
    render_ladder: LadderRenderer | None = None,
) -> EpisodeRecord:
    """Replay one ladder level (None = the top) through `MLEEnvironment`: run the script, then submit.

    `render_ladder` renders a ladder for a competition that ships no solutions/ (see `LadderRenderer`).

    Raises:
        EvaluationError: when the task has no ladder or not that level.
    """
    start = time.perf_counter()
    agent = AgentSpec("ladder", level).label
    with MLEEnvironment(task_dir, sandbox, limits, max_turns=3, reward=reward, data_dir=data_dir) as env:
        scripts = ladder_scripts(env.task, data_dir, render_ladder)
        index = len(scripts) - 1 if level is None else level
        if not 0 <= index < len(scripts):
            raise EvaluationError(f"{env.env_id}: the ladder has levels 0..{len(scripts) - 1}, not {level}")
        name, source = scripts[index]
        env.reset(seed=seed)
        ran = env.step(Action(tool="python", code=source))
        result = ran if ran.done else env.step(Action(tool="submit"))
        stderr = ran.observation.get("stderr") if ran.observation.get("exit_code") not in (0, None) else None
        return record_from_info(env.env_id, env.task.kind, agent, result.info, script=name,
                                 wall_seconds=round(time.perf_counter() - start, 3),
                                 stderr_tail=stderr[-2000:] if stderr else None)
