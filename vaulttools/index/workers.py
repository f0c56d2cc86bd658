"""Read many notes with two processes: a cold index of a large vault is CPU-bound parsing.

This process reads from the first note on while a helper process (`helper.py`, running
`python -m vaulttools.index.worker`) reads from the last one back; they stop where they
meet. Only for thousands of notes: below that, starting a helper (a fresh interpreter
importing the parsers) costs more than it saves. Whatever the helper did not hand back, this
process reads. The rows come out in the order of the paths, as one process would give them.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .. import helper as helpers

if TYPE_CHECKING:  # not imported here: the helper starts before the parsers load
    from ..helper import Helper
    from .rows import Read

PARALLEL_MIN = 5000  # below this, starting a helper costs more than it saves
HELPER = helpers.command_for("vaulttools.index.worker")


def can_split(count: int) -> bool:
    return count >= PARALLEL_MIN


def start_helper(command: Sequence[str] = HELPER) -> Helper | None:
    return helpers.start(command)


def read_shared(root: Path, paths: Sequence[str], helper: Helper) -> Read:
    """Every note's rows, in `paths` order: from the front here, from the back in the helper."""
    from .note_reader import NoteReader
    from .rows import Rows

    helper.give((str(root), list(paths)), len(paths))
    rows = Rows()
    gone: list[str] = []
    position = 0
    try:
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
