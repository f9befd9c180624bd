"""A machine-wide cap on concurrent API calls: a file-lock semaphore with N slots.

Dask workers are separate processes (and each runs several threads), so an in-process semaphore cannot bound the
calls of a whole build. Here a slot is an exclusive `flock` on one of N lock files in a shared folder (by default
`$SANDMLE_CACHE_DIR/claude-slots/`): every process and thread that points at the same folder shares the N slots.
The kernel drops a lock when its holder dies, so a killed worker never leaks a slot. Workers on other machines
share the cap only if the folder is on a file system with working `flock` (local disks: yes; NFS: not reliably).
"""

from __future__ import annotations

import fcntl
import os
import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sandmle_core.agents.claude.errors import LLM_STAGE, LLMUnavailable

__all__ = ["FileSemaphore"]


class FileSemaphore:
    """N slots shared by every process that uses the same folder.

    Args:
        folder: where the lock files live (created if missing).
        slots: how many holders may be inside at once (>= 1).
        timeout: seconds to wait for a slot before giving up.
    """

    def __init__(self, folder: Path, slots: int, timeout: float = 3600.0) -> None:
        if slots < 1:
            raise ValueError(f"the API concurrency limit must be at least 1, got {slots}")
        self.folder = Path(folder)
        self.slots = slots
        self.timeout = timeout

    def _try_acquire(self) -> int | None:
        self.folder.mkdir(parents=True, exist_ok=True)
        for i in range(self.slots):
            fd = os.open(self.folder / f"slot-{i:03d}.lock", os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return fd
            except BlockingIOError:
                os.close(fd)
        return None

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Hold one slot for the duration of the block.

        Raises:
            LLMUnavailable: when no slot frees up within the timeout.
        """
        deadline = time.monotonic() + self.timeout
        wait = 0.02
        fd = self._try_acquire()
        while fd is None:
            if time.monotonic() > deadline:
                raise LLMUnavailable(LLM_STAGE, f"no API call slot free in {self.folder} after {self.timeout:.0f} s "
                                                f"({self.slots} slots, all held by other workers)")
            time.sleep(wait * (0.5 + random.random()))  # jitter: waiters must not wake in lockstep
            wait = min(0.5, wait * 1.5)
            fd = self._try_acquire()
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
