"""Host-side helpers of the sandbox: who owns a leftover (pid + start time), mount syscalls, unprivileged ids.

Workspaces and control groups are named after the process that made them (`<pid>-<start time>`), so a later
process can tell a leftover of a killed run (its owner is gone) from one still in use — a pid alone is reused
quickly (pid_max is often 32768), the pair is not. Mounting a size-bounded tmpfs on a workspace needs mount(2),
called through ctypes rather than by running `mount`, and only when this process is root.
"""

from __future__ import annotations

import ctypes
import os
import re
import stat
from pathlib import Path

__all__ = [
    "OWNER_RE",
    "is_root",
    "mount_tmpfs",
    "owner_alive",
    "owner_tag",
    "reachable_by",
    "sandbox_ids",
    "umount",
]

OWNER_RE = re.compile(r"(?P<pid>\d+)-(?P<start>\d+)-")
_LEGACY_RE = re.compile(r"(?P<pid>\d+)-[0-9a-f]+$")  # `sandmle-<pid>-<hex>` groups of earlier versions
MS_NOSUID, MS_NODEV = 2, 4
MNT_DETACH = 2
_libc = ctypes.CDLL(None, use_errno=True)


def is_root() -> bool:
    return os.geteuid() == 0


def _start_time(pid: int) -> int | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # the command name (field 2) may hold spaces or parentheses: split after its closing parenthesis
    return int(text.rsplit(")", 1)[1].split()[19])


def owner_tag(pid: int | None = None) -> str:
    """`<pid>-<start time in clock ticks>` of this (or the given) process."""
    pid = os.getpid() if pid is None else pid
    return f"{pid}-{_start_time(pid) or 0}"


def owner_alive(name: str) -> bool:
    """Whether the owner named at the start of `name` (`<pid>-<start>-...`, the part after a prefix) still runs.

    Names that carry no owner count as alive: they are never cleaned up automatically. A legacy `<pid>-<hex>` name
    counts as alive while any process has that pid.
    """
    match = OWNER_RE.match(name)
    if match is not None:
        start = _start_time(int(match["pid"]))
        return start is not None and start == int(match["start"])
    legacy = _LEGACY_RE.match(name)
    return legacy is None or os.path.exists(f"/proc/{legacy['pid']}")


def mount_tmpfs(path: Path, size_mb: int, mode: int = 0o711) -> None:
    """Mount a tmpfs of `size_mb` on `path` (nosuid, nodev). Raises OSError when the kernel refuses."""
    data = f"size={int(size_mb)}m,mode={mode:o}".encode()
    if _libc.mount(b"tmpfs", str(path).encode(), b"tmpfs", MS_NOSUID | MS_NODEV, data) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"mount tmpfs on {path}: {os.strerror(err)}")


def umount(path: Path) -> bool:
    """Detach the mount at `path`; False when nothing was mounted there (or it could not be detached)."""
    return _libc.umount2(str(path).encode(), MNT_DETACH) == 0


def sandbox_ids() -> tuple[int, int]:
    """The unprivileged uid/gid sandboxed code runs as when sandmle is root (`SANDMLE_SANDBOX_UID`, default nobody)."""
    from sandmle_core.settings import get_settings

    uid = get_settings().sandbox_uid
    return uid, uid


def reachable_by(path: str | Path, uid: int, gid: int) -> str | None:
    """None when `uid`/`gid` can reach and read `path`; else the first folder or file that stops it (with its mode).

    Follows symlinks the way the kernel does for the uid, by checking every component of the resolved path.
    """
    real = Path(os.path.realpath(path))
    parts = [Path("/"), *[Path(*real.parts[: i + 1]) for i in range(1, len(real.parts))]]
    for i, part in enumerate(parts):
        try:
            st = os.stat(part)
        except OSError as exc:
            return f"{part}: {exc.strerror}"
        need = stat.S_IXOTH if i < len(parts) - 1 or stat.S_ISDIR(st.st_mode) else stat.S_IROTH
        shift = 6 if st.st_uid == uid else 3 if st.st_gid == gid else 0
        if not (st.st_mode >> shift) & need & 0o7:
            return f"{part} is {stat.filemode(st.st_mode)} {st.st_uid}:{st.st_gid}"
    return None
