"""Read many notes with two processes: a cold index of a large vault is CPU-bound parsing.

The parent reads most of the notes while a worker process reads the rest, and
concurrent.futures hands the worker's rows back. The worker is a fresh interpreter, never a
copy of this process with its open database and threads: `spawn` on Windows and macOS,
`forkserver` on Linux (forked from a small clean server). Only for thousands of notes on
more than one CPU: below that, starting a worker costs more than it saves. Whatever goes
wrong in the worker, the parent reads its share itself. `VAULTTOOLS_WORKERS=1` turns it off.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import platforms

if TYPE_CHECKING:  # not imported here: the worker is asked for before the parsers load
    from .rows import Rows

PARALLEL_MIN = 5000  # below this, starting a worker (a fresh interpreter) costs more than it saves
# The worker starts about 0.3 s late (a fresh interpreter importing the parsers), so it takes
# a little less than half (measured on 10,000 notes: both then finish at about the same time).
WORKER_SHARE = 7, 16

Read = tuple["Rows", list[str], int]  # rows, paths gone since the scan, how many were read
Reader = Callable[[Path, Sequence[str]], Read]  # importable at module level, for spawn


def can_split(count: int) -> bool:
    return (
        count >= PARALLEL_MIN
        and (os.cpu_count() or 1) > 1
        and os.environ.get("VAULTTOOLS_WORKERS") != "1"
    )


def start_method() -> str:
    """How a worker starts here: never a plain fork of a process that holds a database."""
    return "forkserver" if platforms.current() == "linux" else "spawn"


def read_split(root: Path, paths: Sequence[str], read: Reader) -> Read:
    """`read` over all paths, a share of them in a worker process; rows in `paths` order."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    mine, theirs = _shares(paths)
    context = multiprocessing.get_context(start_method())
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        future = pool.submit(read, root, theirs)
        rows, gone, count = read(root, mine)
        handed = _result(future)
    if handed is None:  # the worker failed: read its share here
        handed = read(root, theirs)
    count += _merge(rows, gone, handed)
    _in_order(rows, paths)
    return rows, gone, count


def _shares(paths: Sequence[str]) -> tuple[list[str], list[str]]:
    """(the parent's, the worker's): interleaved, so each gets its part of every folder
    (meetings take longest to read), the worker `WORKER_SHARE` of them."""
    taken, out_of = WORKER_SHARE
    mine: list[str] = []
    theirs: list[str] = []
    for number, path in enumerate(paths):
        (theirs if number * taken % out_of < taken else mine).append(path)
    return mine, theirs


def _in_order(rows: Rows, paths: Sequence[str]) -> None:
    """Each table's rows in the order one process would have read the notes."""
    position = {path: number for number, path in enumerate(paths)}
    last = len(paths)
    for values in vars(rows).values():
        values.sort(key=lambda row: position.get(row[0], last))


def _result(future: Any) -> Read | None:
    try:
        return future.result()
    except Exception:  # a worker that died, or could not start, leaves its share to us
        return None


def _merge(rows: Rows, gone: list[str], handed: Read) -> int:
    theirs, their_gone, count = handed
    for name, values in vars(theirs).items():
        getattr(rows, name).extend(values)
    gone.extend(their_gone)
    return count
