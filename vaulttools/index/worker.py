"""The helper process of a cold index (workers.py): `python -S -m vaulttools.index.worker`.

It imports the parsers first (the parent starts it before it hands over the paths), then
reads the notes from the last one back (`helper.py`), until it is stopped or none is left.
"""

from __future__ import annotations

from pathlib import Path

from ..helper import hand_back, received
from ..structure import read_structure
from .note_reader import NoteReader
from .workers import CHUNK


def main() -> None:
    read_structure("- [ ] x")  # markdown-it imported and its parser built before the notes come
    root, paths = received()
    reader = NoteReader(Path(root))
    hand_back(len(paths), lambda first, end: reader.read(paths[first:end]), CHUNK)


if __name__ == "__main__":
    main()
