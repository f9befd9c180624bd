"""The workspace a sandboxed run happens in: a fresh host folder, size-bounded, that cleans itself up.

Layout of one workspace `sandmle-ws-<pid>-<start>-XXXX/` (named after its owner, so leftovers of a killed process
can be told apart, see `cleanup.py`):

    work/     the working directory inside the sandbox (writable) — `Workspace.root`; holds `public/`, the
              environment's `prepared/public` exposed read-only, plus whatever the caller placed there
    tmp/      the sandbox's private /tmp
    shm/      the sandbox's private /dev/shm

When sandmle is root the whole folder is a tmpfs of `disk_mb` (`SANDMLE_WORKSPACE_MB`): a run that fills it gets
ENOSPC (`stopped_by=disk`) and nothing reaches the host disk. Otherwise the runner bounds it with a polling watchdog
and says so. A workspace can be reused across runs (an RL episode runs many steps in one). Every walk over files a
sandboxed program could have planted is done through directory file descriptors without following symlinks.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from pathlib import Path

from sandmle_core.errors import SandboxError
from sandmle_core.sandbox.host import is_root, mount_tmpfs, owner_tag, umount

__all__ = ["Workspace", "remove_tree_contents", "remove_workspace_tree"]

_O_DIR = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW


def _fix_dirs(top: Path, mode: int) -> None:
    """Give every real directory under `top` `mode` (never through a symlink), so the tree can be removed."""
    for _, dirs, _, dirfd in os.fwalk(top, follow_symlinks=False):
        for name in dirs:
            try:
                fd = os.open(name, _O_DIR, dir_fd=dirfd)
            except OSError:
                continue
            try:
                os.fchmod(fd, mode)
            finally:
                os.close(fd)


def remove_workspace_tree(top: Path) -> None:
    """Detach a workspace's tmpfs (if any) and delete the folder — never following a link out of it."""
    umount(top)
    if not top.exists():
        return
    if not is_root():  # root can delete unwritable folders; a user first makes them writable again
        os.chmod(top, 0o700)
        _fix_dirs(top, 0o700)
    shutil.rmtree(top, ignore_errors=True)


def remove_tree_contents(folder: Path, keep: tuple[str, ...] = ()) -> None:
    """Delete everything inside `folder` but the names in `keep` — never following a link out of it (a folder a
    sandboxed program made unwritable is made writable first). The folder itself stays (it may be a mount source)."""
    for entry in os.scandir(folder):
        if entry.name in keep:
            continue
        if entry.is_dir(follow_symlinks=False):
            os.chmod(entry.path, 0o700)
            _fix_dirs(Path(entry.path), 0o700)
            shutil.rmtree(entry.path)
        else:
            os.unlink(entry.path)


class Workspace:
    """A fresh directory for sandboxed runs: `public/` (read-only inside) + a writable working directory.

    Use as a context manager, or call `close()`; `keep=True` leaves the directory for inspection.
    """

    def __init__(self, top: Path, public_source: Path | None, disk_mb: int, bounded: bool, keep: bool) -> None:
        self.top = top
        self.root = top / "work"
        self.scratch = top / "tmp"
        self.shm = top / "shm"
        self.public_source = public_source
        self.disk_mb = disk_mb
        self.bounded = bounded
        self.keep = keep
        self.owner: tuple[int, int] | None = None  # who the writable parts belong to (root hands them over)
        self._public_copied = False

    @classmethod
    def create(
        cls,
        public_dir: str | Path | None = None,
        files: dict[str, str | bytes] | None = None,
        base_dir: str | Path | None = None,
        keep: bool = False,
        disk_mb: int | None = None,
    ) -> Workspace:
        """Make a workspace exposing `public_dir` as ./public and holding `files` (relative path → content).

        Args:
            disk_mb: size bound of the workspace (files + /tmp); default `SANDMLE_WORKSPACE_MB` (2048).

        Raises:
            SandboxError: when `public_dir` is not a directory or a file path leaves the workspace.
        """
        from sandmle_core.sandbox.cleanup import clean_leaks_once
        from sandmle_core.settings import get_settings

        source = None if public_dir is None else Path(public_dir).resolve()
        if source is not None and not source.is_dir():
            raise SandboxError(f"{source}: the public data folder does not exist")
        clean_leaks_once()
        size = int(disk_mb or get_settings().workspace_mb)
        top = Path(tempfile.mkdtemp(prefix=f"sandmle-ws-{owner_tag()}-", dir=base_dir)).resolve()
        bounded = False
        if is_root():
            try:
                mount_tmpfs(top, size)
                bounded = True
            except OSError:  # e.g. a container without CAP_SYS_ADMIN: the runner's watchdog bounds it instead
                bounded = False
        os.chmod(top, 0o711)
        ws = cls(top, source, size, bounded, keep)
        for folder, mode in ((ws.root, 0o755), (ws.scratch, 0o1777), (ws.shm, 0o1777), (ws.root / "public", 0o755)):
            folder.mkdir()
            os.chmod(folder, mode)
        for rel, content in (files or {}).items():
            ws.write(rel, content)
        return ws

    def write(self, rel: str, content: str | bytes) -> Path:
        """Place a file in the workspace (not under public/)."""
        path = (self.root / rel).resolve()
        if self.root not in path.parents or (self.root / "public") in [path, *path.parents]:
            raise SandboxError(f"{rel}: files must stay inside the workspace and outside public/")
        new_dirs = [p for p in reversed(path.parents) if self.root in p.parents and not p.exists()]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode() if isinstance(content, str) else content)
        if self.owner is not None and is_root():  # keep the tree the sandboxed uid's own, as hand_over left it
            for made in (*new_dirs, path):
                os.chown(made, *self.owner, follow_symlinks=False)
        return path

    def materialize_public(self) -> None:
        """Copy the public data into ./public and make it read-only (for backends that cannot bind-mount)."""
        if self._public_copied or self.public_source is None:
            return
        target = self.root / "public"
        shutil.rmtree(target)
        try:
            shutil.copytree(self.public_source, target)  # the environment's own data: links in it are followed
        except OSError as exc:  # shutil.Error is an OSError too
            raise SandboxError(f"cannot copy {self.public_source} into the workspace (bound to {self.disk_mb} MiB, "
                               f"SANDMLE_WORKSPACE_MB): {str(exc)[:300]}") from exc
        for dirpath, dirnames, filenames in os.walk(target):
            for name in filenames:
                os.chmod(os.path.join(dirpath, name), stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
            for name in dirnames:
                os.chmod(os.path.join(dirpath, name), 0o555)
        os.chmod(target, 0o555)
        self._public_copied = True

    def hand_over(self, uid: int, gid: int) -> None:
        """Make the writable parts (not public/) belong to `uid`, who runs the next program (root only).

        Walks the tree only when the owner changes: files a run creates are its uid's already, and `write` gives
        the host's files to the current owner.
        """
        if not is_root() or self.owner == (uid, gid):
            return
        for top in (self.root, self.scratch, self.shm):
            os.chown(top, uid, gid)
            for dirpath, dirs, files, dirfd in os.fwalk(top, follow_symlinks=False):
                if top == self.root and dirpath == str(top):
                    dirs[:] = [d for d in dirs if d != "public"]
                for name in (*dirs, *files):
                    try:
                        os.chown(name, uid, gid, dir_fd=dirfd, follow_symlinks=False)
                    except OSError:
                        continue
        self.owner = (uid, gid)

    def used_bytes(self) -> int:
        """Bytes the workspace occupies now (its tmpfs usage, or the sum over its files)."""
        if self.bounded:
            st = os.statvfs(self.top)
            return (st.f_blocks - st.f_bfree) * st.f_frsize
        total = 0
        for _, _dirs, files, dirfd in os.fwalk(self.top, follow_symlinks=False):
            for name in files:
                try:
                    total += os.stat(name, dir_fd=dirfd, follow_symlinks=False).st_blocks * 512
                except OSError:
                    continue
        return total

    def is_full(self) -> bool:
        """Whether the workspace is (nearly) at its bound: less than 1 MiB or 2% left."""
        cap = self.disk_mb * 2**20
        if self.bounded:
            st = os.statvfs(self.top)
            free, cap = st.f_bavail * st.f_frsize, st.f_blocks * st.f_frsize
        else:
            free = cap - self.used_bytes()
        return free < max(2**20, cap // 50)

    def largest_file(self) -> int:
        """Size in bytes of the largest file anywhere in the workspace (work/, tmp/, shm/)."""
        largest = 0
        for _, _dirs, files, dirfd in os.fwalk(self.top, follow_symlinks=False):
            for name in files:
                try:
                    largest = max(largest, os.stat(name, dir_fd=dirfd, follow_symlinks=False).st_size)
                except OSError:
                    continue
        return largest

    def snapshot(self) -> dict[str, tuple[int, int]]:
        """(size, mtime_ns) of every file outside public/, keyed by relative path."""
        out: dict[str, tuple[int, int]] = {}
        for dirpath, dirnames, filenames in os.walk(self.root):
            if Path(dirpath) == self.root and "public" in dirnames:
                dirnames.remove("public")
            for name in filenames:
                path = Path(dirpath) / name
                try:
                    st = path.lstat()
                except OSError:
                    continue
                out[path.relative_to(self.root).as_posix()] = (st.st_size, st.st_mtime_ns)
        return out

    def close(self) -> None:
        if self.keep:
            return
        remove_workspace_tree(self.top)

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
