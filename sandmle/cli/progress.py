"""The build's progress bar, fed by Prefect itself: the final states of the build's task runs, read from the API.

`sandmle build` tags its flow runs with a tag of its own (`prefect.tags`: the build's flow run and its
`build-environments` subflow run carry it) and a background thread counts, every second, the slot task runs of those
flow runs (named `build-<seed>-<rng seed>-<index>`, `stages.SLOT_RUN_PREFIX`) whose state is final: named `Accepted`,
or anything else (not accepted, cached from an earlier run, or failed after its retries). The slot task runs carry no
tags themselves (`flows._common.untagged`: a tagged task run asks the API for concurrency slots first). No callback,
no module-global hook: what the bar shows is what the Prefect UI shows. `sandmle regenerate` uses the same bar;
`sandmle validate` counts its `validate-<env id>` task runs the same way.

`item_progress` is the plain bar of the commands that run in this process (`eval` counts episodes, `export`
environments): a callback advances it. It draws on stderr and only when stderr is a terminal, so pipes, CI logs and
`--json` output stay exactly as they were.
"""

from __future__ import annotations

import contextvars
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple

from sandmle.tasks.stages import ACCEPTED_STATE, SLOT_RUN_PREFIX

__all__ = ["BuildProgress", "count_slots", "item_progress", "progress_tag"]

_FINAL = ["COMPLETED", "FAILED", "CRASHED", "CANCELLED"]


def progress_tag() -> str:
    """A fresh tag naming one CLI build run."""
    return f"sandmle-run:{uuid.uuid4().hex[:12]}"


class SlotCounts(NamedTuple):
    """Slot task runs of one build in a final state, and how many of them were accepted."""

    done: int
    accepted: int
    not_accepted: int


def _count(client: Any, tag: str, state: dict[str, Any], prefix: str = SLOT_RUN_PREFIX) -> int:
    body = {"flow_runs": {"tags": {"all_": [tag]}},
            "task_runs": {"name": {"like_": prefix}, "subflow_runs": {"exists_": False}, "state": state}}
    response = client.request("POST", "/task_runs/count", json=body)
    response.raise_for_status()
    return int(response.json())


def count_slots(tag: str, prefix: str = SLOT_RUN_PREFIX) -> SlotCounts:
    """How many task runs of the tagged run's flow runs whose names hold `prefix` (slots by default) have finished,
    and how many of those were accepted (a subflow's wrapper task run is not counted)."""
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        done = _count(client, tag, {"type": {"any_": _FINAL}}, prefix)
        accepted = _count(client, tag, {"type": {"any_": ["COMPLETED"]}, "name": {"any_": [ACCEPTED_STATE]}},
                          prefix)
    return SlotCounts(done=done, accepted=accepted, not_accepted=done - accepted)


class BuildProgress:
    """A rich progress bar that polls `count_slots` in a daemon thread until stopped.

    Args:
        tag: the run's own tag (`progress_tag`).
        total: how many items the run has.
        interval: seconds between polls.
        prefix: how the counted task runs' names start (slots; `VALIDATE_RUN_PREFIX` for validate).
        accepted: show the accepted / not accepted split (slots); otherwise the count only.
    """

    def __init__(self, tag: str, total: int, interval: float = 1.0, prefix: str = SLOT_RUN_PREFIX,
                 accepted: bool = True) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.tag = tag
        self.interval = interval
        self.prefix = prefix
        self.accepted = accepted
        self.progress = Progress(TextColumn("[bold]environments"), BarColumn(), MofNCompleteColumn(),
                                 TextColumn("{task.fields[stats]}"), TimeElapsedColumn())
        self.task = self.progress.add_task("build", total=total, stats="")
        self._stop = threading.Event()
        # the thread runs in a copy of this context: Prefect's settings (the run's API URL) are context variables, and
        # a thread of its own saw none, so its client asked for Prefect's ephemeral server of the process instead
        self._thread = threading.Thread(target=contextvars.copy_context().run, args=(self._run,),
                                        name="sandmle-progress", daemon=True)

    def _refresh(self) -> None:
        counts = count_slots(self.tag, self.prefix)
        stats = (f"[green]{counts.accepted} accepted[/] [red]{counts.not_accepted} not accepted[/]" if self.accepted
                 else "")
        self.progress.update(self.task, completed=counts.done, stats=stats)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self._refresh()
            except Exception as exc:  # the API is busy or gone: say so on the bar, the build goes on
                self.progress.update(self.task, stats=f"[yellow]progress unavailable: {type(exc).__name__}[/]")

    def __enter__(self) -> BuildProgress:
        self.progress.start()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        try:
            self._refresh()
        except Exception as exc:  # the summary printed next is the authoritative count
            self.progress.update(self.task, stats=f"[yellow]progress unavailable: {type(exc).__name__}[/]")
        self.progress.stop()


@contextmanager
def item_progress(label: str, count: Callable[[], int]) -> Iterator[Callable[[str], None]]:
    """A bar on stderr counting finished items; yields `advance(item_name)` (thread-safe).

    Drawn only when stderr is a terminal and there is something to count (`count()` is called only then): elsewhere
    `advance` does nothing and nothing is counted.
    """
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    total = count() if console.is_terminal else 0
    if total <= 0:
        yield lambda _item: None
        return
    progress = Progress(TextColumn(f"[bold]{label}"), BarColumn(), MofNCompleteColumn(),
                        TextColumn("{task.fields[last]}"), TimeElapsedColumn(), console=console)
    task = progress.add_task(label, total=total, last="")
    with progress:
        yield lambda item: progress.update(task, advance=1, last=str(item)[:48])
