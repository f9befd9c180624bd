"""One build at a time per corpus: an fcntl lock on `<corpus>/.build.lock`, held for the whole build flow.

Why: two builds into the same `--out` each built every environment (twice the work, for near-duplicates that the
publish lock then withheld). The second build now refuses at once and says who holds the corpus. The lock is an
advisory `flock` released by the kernel when its holder dies, so a killed build never leaves the corpus locked; the
pid and start time written into the file are only there to be shown.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sandmle_core.errors import SandmleError

__all__ = ["CorpusBusy", "build_lock", "check_unlocked"]

LOCK_NAME = ".build.lock"


class CorpusBusy(SandmleError):
    """Another build holds the corpus."""


def _holder(path: Path) -> str:
    try:
        return path.read_text().strip() or "another process"
    except OSError:
        return "another process"


@contextmanager
def build_lock(corpus_root: str | Path) -> Iterator[Path]:
    """Hold the corpus' build lock for the duration of the block.

    Raises:
        CorpusBusy: when another build holds it (the message names its pid and start time).
    """
    root = Path(corpus_root)
    root.mkdir(parents=True, exist_ok=True)
    path = root / LOCK_NAME
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise CorpusBusy(f"{root}: another build is running into this corpus ({_holder(path)}); wait for it to "
                             "finish or build into another --out") from None
        try:
            handle.seek(0)
            handle.truncate()
            handle.write(f"pid {os.getpid()} since {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}\n")
            handle.flush()
            yield path
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def check_unlocked(corpus_root: str | Path) -> None:
    """Refuse early (before any orchestration starts) when a build holds the corpus; creates nothing.

    Raises:
        CorpusBusy: as `build_lock`.
    """
    path = Path(corpus_root) / LOCK_NAME
    if not path.exists():
        return
    with open(path) as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            raise CorpusBusy(f"{corpus_root}: another build is running into this corpus ({_holder(path)}); wait "
                             "for it to finish or build into another --out") from None
        fcntl.flock(handle, fcntl.LOCK_UN)
