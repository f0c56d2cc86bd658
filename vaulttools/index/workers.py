"""Read many notes with two processes: a cold index of a large vault is CPU-bound parsing.

The parent reads one half while a forked child reads the other and hands its rows back
through a pipe, pickled. Only where that is safe and worth it: on Linux, with more than one
CPU, in a process with no other threads (so forking copies nothing half-done), and for
thousands of notes. Whatever goes wrong in the child, the parent reads that half itself.
`VAULTTOOLS_WORKERS=1` turns it off.
"""

from __future__ import annotations

import os
import pickle
import sys
import threading
from collections.abc import Callable, Sequence

from .rows import Rows

PARALLEL_MIN = 2000  # fewer notes than this are read quicker than a fork is made

Reader = Callable[[Rows, Sequence[str], list[str]], int]  # rows, paths, gone -> count read


def can_split(count: int) -> bool:
    return (
        count >= PARALLEL_MIN
        and sys.platform.startswith("linux")
        and (os.cpu_count() or 1) > 1
        and threading.active_count() == 1
        and os.environ.get("VAULTTOOLS_WORKERS") != "1"
    )


def read_split(paths: Sequence[str], read: Reader) -> tuple[Rows, list[str], int]:
    """`read` over all paths, the second half in a child process; (rows, gone, count)."""
    middle = len(paths) // 2
    mine, theirs = paths[:middle], paths[middle:]
    receive, send = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child, which leaves through os._exit
        _child(receive, send, theirs, read)
    os.close(send)
    rows, gone = Rows(), []
    try:
        count = read(rows, mine, gone)
        data = _received(receive)
    finally:
        os.close(receive)  # a child still writing gets EPIPE and ends
        _, status = os.waitpid(child, 0)
    handed = _unpickled(data) if status == 0 else None
    if handed is None:  # the child failed: read its half here
        count += read(rows, theirs, gone)
    else:
        count += _merge(rows, gone, handed)
    return rows, gone, count


def _child(receive: int, send: int, paths: Sequence[str], read: Reader) -> None:  # pragma: no cover
    status = 1
    try:
        os.close(receive)
        rows, gone = Rows(), []
        count = read(rows, paths, gone)
        data = pickle.dumps((rows, gone, count), protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(send, "wb") as stream:
            stream.write(data)
        status = 0
    finally:
        os._exit(status)


def _received(receive: int) -> bytes:
    chunks = []
    while chunk := os.read(receive, 1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)


def _unpickled(data: bytes) -> tuple[Rows, list[str], int] | None:
    try:
        return pickle.loads(data) if data else None
    except (pickle.UnpicklingError, EOFError, ValueError):
        return None


def _merge(rows: Rows, gone: list[str], handed: tuple[Rows, list[str], int]) -> int:
    theirs, their_gone, count = handed
    for name, values in vars(theirs).items():
        getattr(rows, name).extend(values)
    gone.extend(their_gone)
    return count
