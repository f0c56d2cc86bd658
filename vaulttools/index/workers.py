"""Read notes with two processes: this one, and a helper (`helper.py`, running
`python -S -m vaulttools.index.worker`, a fresh interpreter that imports only the parsers).

A cold index of a large vault is CPU-bound parsing: this process reads from the first note
on while the helper reads from the last one back, and they stop where they meet. A command
with other work to do (`Index.sync(meanwhile=...)`) on a large vault starts the helper
before the scan; the few notes that changed are then left to it, so that this process waits
neither for the helper's start nor for the parsers' imports. Only for thousands of notes:
below that, a helper costs more than it saves. Whatever the helper did not hand back, this
process reads. The rows come out in the order of the paths, as one process would give them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .. import helper as helpers

if TYPE_CHECKING:  # not imported here: the helper starts before the parsers load
    from ..helper import Helper
    from .rows import Read

PARALLEL_MIN = 5000  # below this, starting a helper costs more than it saves
CHUNK = 48  # notes per answer from the helper: few are read twice where the two meet
HELPER_PATIENCE = 10.0  # seconds to wait for a helper that was given a small batch
HELPER = helpers.command_for("vaulttools.index.worker")


def can_split(count: int) -> bool:
    return count >= PARALLEL_MIN


def start_helper(command: Sequence[str] = HELPER) -> Helper | None:
    return helpers.start(command)


def read_shared(
    root: Path,
    paths: Sequence[str],
    helper: Helper,
    meanwhile: Callable[[], object] | None = None,
) -> Read:
    """Every note's rows, in `paths` order: from the front here, from the back in the helper.
    A batch the helper hands back in one piece is left to it, while `meanwhile` runs here."""
    from .rows import Rows

    helper.give((str(root), list(paths)), len(paths))
    rows = Rows()
    gone: list[str] = []
    position = 0
    try:
        if meanwhile is not None:
            meanwhile()
        if len(paths) <= CHUNK:
            helper.wait(HELPER_PATIENCE)  # then whatever it did not hand back is read here
        if position < helper.low:
            from .note_reader import NoteReader  # the parsers, only when reading here

            reader = NoteReader(root)
            while position < helper.low:
                reader.read_into(rows, paths[position], gone)
                position += 1
    finally:
        handed = helper.stop()  # also when this process failed: the helper never outlives it
    for first, end, (theirs, their_gone, _) in handed:
        if end <= position:
            continue  # all read here meanwhile
        if first < position:  # both read these: this process's rows stand
            twice = set(paths[first:position])
            theirs.without(twice)
            their_gone = [path for path in their_gone if path not in twice]
        rows.extend(theirs)
        gone += their_gone
    return rows, gone, len(paths) - len(gone)
