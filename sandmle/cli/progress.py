"""The build's progress bar, fed by Prefect itself: the final states of the build's task runs, read from the API.

`sandmle build` tags its flow run with a tag of its own (`prefect.tags`, which every task run created inside the flow
inherits, on Dask workers too) and a background thread counts, every second, the slot task runs (tagged
`sandmle-slot`) with that tag whose state is final: named `Accepted`, or anything else (not accepted, cached from an
earlier run, or failed after its retries). No callback, no module-global hook: what the bar shows is what the
Prefect UI shows.
"""

from __future__ import annotations

import threading
import uuid
from typing import Any, NamedTuple

from sandmle.tasks.stages import ACCEPTED_STATE, SLOT_TAG

__all__ = ["BuildProgress", "count_slots", "progress_tag"]

_FINAL = ["COMPLETED", "FAILED", "CRASHED", "CANCELLED"]


def progress_tag() -> str:
    """A fresh tag naming one CLI build run."""
    return f"sandmle-run:{uuid.uuid4().hex[:12]}"


class SlotCounts(NamedTuple):
    """Slot task runs of one build in a final state, and how many of them were accepted."""

    done: int
    accepted: int
    not_accepted: int


def _count(client: Any, tag: str, state: dict[str, Any]) -> int:
    body = {"task_runs": {"tags": {"all_": [tag, SLOT_TAG]}, "state": state}}
    response = client.request("POST", "/task_runs/count", json=body)
    response.raise_for_status()
    return int(response.json())


def count_slots(tag: str) -> SlotCounts:
    """How many slot task runs of the tagged build have finished, and how many of those were accepted."""
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        done = _count(client, tag, {"type": {"any_": _FINAL}})
        accepted = _count(client, tag, {"type": {"any_": ["COMPLETED"]}, "name": {"any_": [ACCEPTED_STATE]}})
    return SlotCounts(done=done, accepted=accepted, not_accepted=done - accepted)


class BuildProgress:
    """A rich progress bar that polls `count_slots` in a daemon thread until stopped."""

    def __init__(self, tag: str, total: int, interval: float = 1.0) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.tag = tag
        self.interval = interval
        self.progress = Progress(TextColumn("[bold]environments"), BarColumn(), MofNCompleteColumn(),
                                 TextColumn("{task.fields[stats]}"), TimeElapsedColumn())
        self.task = self.progress.add_task("build", total=total, stats="")
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sandmle-progress", daemon=True)

    def _refresh(self) -> None:
        counts = count_slots(self.tag)
        self.progress.update(self.task, completed=counts.done,
                             stats=f"[green]{counts.accepted} accepted[/] [red]{counts.not_accepted} not accepted[/]")

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
