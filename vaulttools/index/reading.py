"""Read one note file safely: never block on a FIFO, never follow a symlink swapped in."""

from __future__ import annotations

import errno
import os
import stat
from typing import NamedTuple

_NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NON_BLOCK = getattr(os, "O_NONBLOCK", 0)  # a FIFO swapped in for a note must not block us
_VANISHED = {errno.ENOENT, errno.ENOTDIR}
_NOT_A_FILE = {errno.ELOOP, errno.EISDIR, errno.ENXIO}
RETRY = -1  # stored as mtime_ns for a file that could not be read, so the next sync retries


# The index stores signatures as SQLite's 64-bit integers, which a file's times can exceed.
_EARLIEST_NS, _LATEST_NS = -(2**63), 2**63 - 1


def signature(info: os.stat_result) -> tuple[int, int, int]:
    """(mtime_ns, size, ctime_ns) as the index keeps them: a time beyond 64 bits of
    nanoseconds (a date set past 2262) at the nearest end. The change time, which no
    program can set, still moves with every edit."""
    return (_within(info.st_mtime_ns), info.st_size, _within(info.st_ctime_ns))


def _within(nanoseconds: int) -> int:
    return min(max(nanoseconds, _EARLIEST_NS), _LATEST_NS)


class FileRead(NamedTuple):
    data: bytes
    mtime_ns: int
    size: int
    ctime_ns: int = 0  # changes with permissions and owner too, which mtime does not


class Unreadable(Exception):
    """The file is there but could not be read; str() says why."""


def read_file(full_path: str) -> FileRead | None:
    """A regular file's bytes and signature; None when it vanished or is not a regular file."""
    try:
        handle = os.open(full_path, os.O_RDONLY | _NON_BLOCK | _NO_FOLLOW)
    except OSError as error:
        if error.errno in _VANISHED or error.errno in _NOT_A_FILE:
            return None
        raise Unreadable(f"could not be read: {error.strerror}") from error
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode):
            return None
        data = _read_all(handle, info.st_size)
        return FileRead(data, *signature(info))
    except OSError as error:
        raise Unreadable(f"could not be read: {error.strerror}") from error
    finally:
        os.close(handle)


def _read_all(handle: int, size: int) -> bytes:
    first = os.read(handle, size + 1)
    if len(first) <= size:
        return first
    chunks = [first]  # the file grew while we read it
    while chunk := os.read(handle, 1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)
