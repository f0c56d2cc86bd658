"""Read many notes with two processes: a cold index of a large vault is CPU-bound parsing.

The parent reads one half while a worker process reads the other, and concurrent.futures
hands the worker's rows back. The worker is a fresh interpreter, never a copy of this
process with its open database and threads: `spawn` on Windows and macOS, `forkserver` on
Linux (forked from a small clean server). Only for thousands of notes on more than one CPU:
below that, starting a worker costs more than it saves. Whatever goes wrong in the worker,
the parent reads that half itself. `VAULTTOOLS_WORKERS=1` turns it off.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .. import platforms
from .rows import Rows

PARALLEL_MIN = 5000  # below this, starting a worker (a fresh interpreter) costs more than it saves

Read = tuple[Rows, list[str], int]  # rows, paths gone since the scan, how many were read
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
    """`read` over all paths, the second half in a worker process."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    middle = len(paths) // 2
    mine, theirs = list(paths[:middle]), list(paths[middle:])
    context = multiprocessing.get_context(start_method())
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        future = pool.submit(read, root, theirs)
        rows, gone, count = read(root, mine)
        handed = _result(future)
    if handed is None:  # the worker failed: read its half here
        handed = read(root, theirs)
    return rows, gone, count + _merge(rows, gone, handed)


def _result(future: Any) -> Read | None:
    try:
        return future.result()
    except Exception:  # a worker that died, or could not start, leaves its half to us
        return None


def _merge(rows: Rows, gone: list[str], handed: Read) -> int:
    theirs, their_gone, count = handed
    for name, values in vars(theirs).items():
        getattr(rows, name).extend(values)
    gone.extend(their_gone)
    return count
