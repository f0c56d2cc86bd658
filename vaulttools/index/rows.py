"""The rows the index keeps for many notes, table by table: plain tuples, ready for
`executemany`, and as light to import as a helper process's answer must be to unpickle."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..links import stem_of
from ..names import name_key
from .reading import RETRY, FileRead
from .schema import NOTE_TABLES

_NOT_READ = FileRead(b"", RETRY, RETRY, RETRY)  # a signature no file has: the next sync retries


@dataclass
class Rows:
    """Rows for many notes, by table; every row starts with its note's path."""

    files: list[tuple] = field(default_factory=list)
    aliases: list[tuple] = field(default_factory=list)
    problems: list[tuple] = field(default_factory=list)
    people: list[tuple] = field(default_factory=list)
    meetings: list[tuple] = field(default_factory=list)
    organisations: list[tuple] = field(default_factory=list)
    tasks: list[tuple] = field(default_factory=list)
    suggestions: list[tuple] = field(default_factory=list)
    search: list[tuple] = field(default_factory=list)
    unreadable: list[tuple[str, str]] = field(default_factory=list)

    def extend(self, other: Rows) -> None:
        for name, values in vars(other).items():
            getattr(self, name).extend(values)

    def without(self, paths: set[str]) -> None:
        """Forget the rows of these notes."""
        for table in NOTE_TABLES:
            setattr(self, table, [row for row in getattr(self, table) if row[0] not in paths])
        self.unreadable = [row for row in self.unreadable if row[0] not in paths]

    def add_unreadable(self, path: str, reason: str) -> None:
        self.files.append(file_row(path, _NOT_READ, None, path, stem_of(path)))
        self.problems.append((path, reason, 1))
        self.unreadable.append((path, reason))


Read = tuple[Rows, list[str], int]  # rows, paths gone since the scan, how many were read


def file_row(path: str, read: FileRead, kind: str | None, id_: str, title: str) -> tuple:
    """A `files` row: the note's path, its signature, what it is and what it is called."""
    key = name_key(stem_of(path))
    return (path, read.mtime_ns, read.size, read.ctime_ns, kind, id_, title, key)
