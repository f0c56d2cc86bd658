"""Note files -> the rows the index keeps for them. Reading them is the only I/O here."""

from __future__ import annotations

import datetime as dt
import marshal
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..boilerplate import template_lines, without_boilerplate
from ..checks import note_problems
from ..comments import blank_comments
from ..config import Folders, kind_of_folder, load_config
from ..followups import NoteFacts, facts_of
from ..links import stem_of
from ..names import name_key
from ..notes import Note, as_list, decode, parse_note
from .reading import RETRY, FileRead, Unreadable, read_file
from .schema import NOTE_TABLES

_NOT_SEARCHED = {"id", "type", "created", "aliases"}
# Line starts that are Markdown syntax, not words: headings, bullets, task boxes, quotes.
_MARKUP = re.compile(r"^[ \t>]*(?:#{1,6}[ \t]+|(?:[-*+]|\d+[.)])[ \t]+(?:\[.\][ \t]+)?)", re.M)
_LINK_BRACKETS = re.compile(r"\[\[|\]\]|\*\*")
_NOT_READ = FileRead(b"", RETRY, RETRY, RETRY)  # a signature no file has: the next sync retries


@dataclass
class Rows:
    """Rows for many notes, by table, ready for executemany."""

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

    def add_file(
        self,
        path: str,
        read: FileRead,
        folders: Folders | None = None,
        boilerplate: frozenset[str] = frozenset(),
    ) -> None:
        """Read a note; one without a `type` in a contacts, meetings or organisations
        folder is of that kind. Search leaves out its `boilerplate` lines."""
        text, problems = decode(read.data)
        kind = kind_of_folder(folders, path) if folders else None
        self.add_note(parse_note(text, path, problems, kind, brief=True), read, boilerplate)

    def _add_aliases(self, path: str, aliases: tuple[str, ...]) -> None:
        if not aliases:
            return
        keys = {name_key(alias) for alias in aliases if alias.strip()}
        self.aliases.extend((path, key) for key in sorted(keys))

    def add_note(
        self, note: Note, read: FileRead, boilerplate: frozenset[str] = frozenset()
    ) -> None:
        kind = note.kind
        self.files.append(_file_row(note.path, read, kind, note.id, note.title))
        self._add_aliases(note.path, note.aliases)
        self._add_problems(note)
        if kind is not None:
            self._add_facts(facts_of(note))
            body = without_boilerplate(note.body, boilerplate)
            self.search.append((note.path, kind, note.title, _details(note), _prose(body)))

    def extend(self, other: Rows) -> None:
        for name, values in vars(other).items():
            getattr(self, name).extend(values)

    def without(self, paths: set[str]) -> None:
        """Forget the rows of these notes (every row starts with its note's path)."""
        for table in NOTE_TABLES:
            setattr(self, table, [row for row in getattr(self, table) if row[0] not in paths])
        self.unreadable = [row for row in self.unreadable if row[0] not in paths]

    def add_unreadable(self, path: str, reason: str) -> None:
        self.files.append(_file_row(path, _NOT_READ, None, path, stem_of(path)))
        self.problems.append((path, reason, 1))
        self.unreadable.append((path, reason))

    def _add_problems(self, note: Note) -> None:
        readable = set(note.problems)
        for message in note_problems(note):
            self.problems.append((note.path, message, message in readable))
        self.unreadable.extend((note.path, message) for message in note.problems)

    def _add_facts(self, facts: NoteFacts) -> None:
        # Each table's columns are its facts' fields in order; dates and lists are packed.
        if facts.person:
            person = facts.person
            dates = (_iso(person.next_contact), _packed(person.aliases), _iso(person.contacted))
            self.people.append((*person[:9], *dates))
        if facts.meeting:
            meeting = facts.meeting
            packed = (_packed(meeting.contacts), _iso(meeting.date))
            self.meetings.append((meeting.path, meeting.id, *packed, *meeting[4:]))
        if facts.organisation:
            self.organisations.append(tuple(facts.organisation))
        self.tasks.extend(
            (*task[:5], _iso(task.due), task.time, _iso(task.done_on), _packed(task.links))
            for task in facts.tasks
        )
        self.suggestions.extend(tuple(suggestion) for suggestion in facts.suggestions)


Read = tuple[Rows, list[str], int]  # rows, paths gone since the scan, how many were read


class NoteReader:
    """Reads notes of one vault into rows, its folder settings and template lines loaded once."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.folders = load_config(root).folders
        self.boilerplate = template_lines(root / self.folders.templates)

    def read(self, paths: Sequence[str]) -> Read:
        """The rows of these notes, the paths gone since the scan, and how many were read."""
        rows = Rows()
        gone: list[str] = []
        count = sum(self.read_into(rows, path, gone) for path in paths)
        return rows, gone, count

    def read_into(self, rows: Rows, path: str, gone: list[str]) -> int:
        """Add one note's rows; 1 when it was read (or tried), 0 when it is gone."""
        try:
            read = read_file(f"{self.root}{os.sep}{path}")
        except Unreadable as reason:
            rows.add_unreadable(path, str(reason))
            return 1
        if read is None:  # vanished or not a regular file since the scan: skip it quietly
            gone.append(path)
            return 0
        rows.add_file(path, read, self.folders, self.boilerplate)
        return 1


def _file_row(path: str, read: FileRead, kind: str | None, id_: str, title: str) -> tuple:
    """A `files` row: the note's path, its signature, what it is and what it is called."""
    key = name_key(stem_of(path))
    return (path, read.mtime_ns, read.size, read.ctime_ns, kind, id_, title, key)


def _details(note: Note) -> str:
    """A note's text property values (role, organisation, objective, ...), for search."""
    values: list[str] = []
    for key, value in note.properties.items():
        if key not in _NOT_SEARCHED:
            values += [str(item) for item in as_list(value) if isinstance(item, str | int)]
    return " · ".join(_LINK_BRACKETS.sub("", value) for value in values)


def _prose(body: str) -> str:
    """The body as words to search and quote: no comments, headings marks, bullets or brackets."""
    text = _MARKUP.sub("", blank_comments(body))
    return _LINK_BRACKETS.sub("", text)


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _packed(items: tuple[str, ...]) -> bytes | None:
    """A short list of names in one column (read back by `queries.unpacked`)."""
    return marshal.dumps(items) if items else None
