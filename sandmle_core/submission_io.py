"""Reading files an agent could have touched: the one safe way to read a submission (and a grading input).

A submission is written by code we treat as an adversary. Before a single byte is parsed, `read_regular_file` makes
sure the path names a plain file of its own: every directory on the way is opened relative to its parent's file
descriptor without following links (a symlinked parent cannot redirect the read), the file itself is inspected with
`lstat` and opened with O_NOFOLLOW | O_NONBLOCK (a FIFO without a writer cannot block us, a device is never opened),
`fstat` on the open descriptor must show the same regular file with a single link (a hard link can be another file's
contents — private answers), and its size must be under a cap; at most cap + 1 bytes are ever read. pandas then
parses those bytes, never the path. `submission_cap` derives the default cap from the answers' size.
"""

from __future__ import annotations

import errno
import io
import os
import stat
from pathlib import PurePosixPath

import pandas as pd

from sandmle_core.errors import InvalidSubmission, SubmissionRefused

__all__ = ["parse_submission", "read_regular_file", "read_submission_file", "submission_cap"]

_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_FILE_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC
_KINDS = ((stat.S_ISLNK, "a symbolic link (submissions are read without following links)"),
          (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a directory"))


def submission_cap(answers_bytes: int | None) -> int:
    """The largest submission read: max(floor, factor × the answers' size), both from `Settings`.

    Args:
        answers_bytes: the size of the environment's answers file (None when unknown: the floor alone).

    Returns:
        The cap in bytes.
    """
    from sandmle_core.settings import get_settings

    settings = get_settings()
    floor = int(settings.submission_floor_mb * 2**20)
    return max(floor, int(settings.submission_answers_factor * (answers_bytes or 0)))


def _mb(n: int) -> str:
    return f"{n / 2**20:.3g} MB"


def _kind(mode: int) -> str | None:
    return next((text for test, text in _KINDS if test(mode)), None)


def _walk(path: str | os.PathLike, root: str | os.PathLike | None, what: str) -> tuple[int, str]:
    """Open the directory holding `path`'s last component without following links; returns (dir fd, name)."""
    parts = PurePosixPath(os.fspath(path)).parts
    if root is not None:
        if not parts or parts[0] == "/" or ".." in parts:
            raise SubmissionRefused(f"{what} must be a path inside {root} (no absolute path, no '..')")
        anchor = os.fspath(root)
    else:
        anchor = "/" if parts and parts[0] == "/" else "."
        parts = parts[1:] if anchor == "/" else parts
    if not parts:
        raise SubmissionRefused(f"{what} is not a file path")
    fd = os.open(anchor, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        for i, part in enumerate(parts[:-1]):
            try:
                nxt = os.open(part, _DIR_FLAGS, dir_fd=fd)
            except OSError as exc:
                where = "/".join(parts[: i + 1])
                if exc.errno in (errno.ELOOP, errno.ENOTDIR):
                    link = stat.S_ISLNK(os.stat(part, dir_fd=fd, follow_symlinks=False).st_mode)
                    problem = "is a symbolic link (links are not followed)" if link else "is not a directory"
                    raise SubmissionRefused(f"{what}: the folder {where} on its path {problem}") from None
                if exc.errno == errno.ENOENT:
                    raise SubmissionRefused(f"cannot read {what}: no such file (no folder {where})") from None
                raise SubmissionRefused(f"{what}: cannot open the folder {where} ({exc.strerror})") from None
            os.close(fd)
            fd = nxt
    except BaseException:
        os.close(fd)
        raise
    return fd, parts[-1]


def read_regular_file(path: str | os.PathLike, max_bytes: int, root: str | os.PathLike | None = None,
                      what: str | None = None, single_link: bool = True) -> bytes:
    """The bytes of a plain file, read without following any link and never more than `max_bytes`.

    Args:
        path: the file; relative to `root` when given (then it must stay inside it), else absolute or relative to the
            working directory. No component of it may be a symbolic link.
        max_bytes: refuse files larger than this.
        root: a trusted directory (a workspace, an environment folder) the path is resolved in.
        what: how messages name the file (default: the path as given).
        single_link: refuse a file with more than one hard link (off only for files whose hash is checked after).

    Returns:
        The file's contents.

    Raises:
        SubmissionRefused: missing; a link anywhere on the path; a FIFO, device, socket or directory; more than one
            hard link; larger than `max_bytes`; replaced while it was being opened.
    """
    what = what or os.fspath(path)
    dir_fd, name = _walk(path, root, what)
    try:
        try:
            before = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
        except FileNotFoundError:
            raise SubmissionRefused(f"cannot read {what}: no such file") from None
        kind = _kind(before.st_mode)
        if kind is not None:
            raise SubmissionRefused(f"{what} is {kind}")
        try:
            fd = os.open(name, _FILE_FLAGS, dir_fd=dir_fd)
        except OSError as exc:  # replaced by a link or removed since the lstat
            raise SubmissionRefused(f"{what} cannot be opened as a plain file ({exc.strerror})") from None
    finally:
        os.close(dir_fd)
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fh.fileno())
        if not stat.S_ISREG(st.st_mode) or (st.st_dev, st.st_ino) != (before.st_dev, before.st_ino):
            raise SubmissionRefused(f"{what} was replaced while it was being opened")
        if single_link and st.st_nlink != 1:
            raise SubmissionRefused(f"{what} has {st.st_nlink} hard links (a hard link may be another file's "
                                    f"contents, such as private answers)")
        if st.st_size > max_bytes:
            raise SubmissionRefused(f"{what} is larger than {_mb(max_bytes)} ({st.st_size} bytes; the cap is "
                                    f"{max_bytes} bytes)")
        data = fh.read(max_bytes + 1)
    if len(data) > max_bytes:  # it grew after the fstat
        raise SubmissionRefused(f"{what} is larger than {_mb(max_bytes)} (it grew while being read)")
    return data


def parse_submission(data: bytes | str, what: str = "the submission") -> pd.DataFrame:
    """Parse submission bytes (UTF-8 CSV) or text into a table, exactly as an environment's evaluator reads a file.

    Raises:
        InvalidSubmission: not readable as CSV (empty, malformed, not UTF-8).
    """
    source = io.StringIO(data) if isinstance(data, str) else io.BytesIO(data)
    try:
        return pd.read_csv(source)
    except UnicodeDecodeError as exc:
        raise InvalidSubmission(f"{what} is not UTF-8 text: {exc}") from None
    except (ValueError, OverflowError, pd.errors.ParserError) as exc:  # EmptyDataError too
        raise InvalidSubmission(f"cannot read {what} as CSV: {type(exc).__name__}: {exc}") from None


def read_submission_file(path: str | os.PathLike, max_bytes: int, root: str | os.PathLike | None = None,
                         what: str | None = None) -> pd.DataFrame:
    """`read_regular_file`, then `parse_submission`: the one way sandmle reads a submission file.

    Raises:
        SubmissionRefused: the file was not read (see `read_regular_file`).
        InvalidSubmission: it was read but is not a readable CSV.
    """
    what = what or os.fspath(path)
    return parse_submission(read_regular_file(path, max_bytes, root=root, what=what), what)
