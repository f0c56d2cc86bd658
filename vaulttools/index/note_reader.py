"""Note files -> their rows (rows.py): the parsers run here. Reading files is the only I/O."""

from __future__ import annotations

import datetime as dt
import marshal
import os
import re
from collections.abc import Sequence
from pathlib import Path

from ..boilerplate import template_lines, without_boilerplate
from ..checks import note_problems
from ..comments import blank_comments
from ..config import Folders, kind_of_folder, load_config
from ..followups import NoteFacts, facts_of
from ..names import name_key
from ..notes import Note, as_list, decode, parse_note
from .reading import FileRead, Unreadable, read_file
from .rows import Read, Rows, file_row

_NOT_SEARCHED = {"id", "type", "created", "aliases"}
# Line starts that are Markdown syntax, not words: headings, bullets, task boxes, quotes.
_MARKUP = re.compile(r"^[ \t>]*(?:#{1,6}[ \t]+|(?:[-*+]|\d+[.)])[ \t]+(?:\[.\][ \t]+)?)", re.M)
_LINK_BRACKETS = re.compile(r"\[\[|\]\]|\*\*")


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
        add_file(rows, path, read, self.folders, self.boilerplate)
        return 1


def add_file(
    rows: Rows,
    path: str,
    read: FileRead,
    folders: Folders | None = None,
    boilerplate: frozenset[str] = frozenset(),
) -> None:
    """Read a note; one without a `type` in a contacts, meetings or organisations
    folder is of that kind. Search leaves out its `boilerplate` lines."""
    text, problems = decode(read.data)
    kind = kind_of_folder(folders, path) if folders else None
    add_note(rows, parse_note(text, path, problems, kind, brief=True), read, boilerplate)


def add_note(
    rows: Rows, note: Note, read: FileRead, boilerplate: frozenset[str] = frozenset()
) -> None:
    kind = note.kind
    rows.files.append(file_row(note.path, read, kind, note.id, note.title))
    _add_aliases(rows, note.path, note.aliases)
    _add_problems(rows, note)
    if kind is not None:
        _add_facts(rows, facts_of(note))
        body = without_boilerplate(note.body, boilerplate)
        rows.search.append((note.path, kind, note.title, _details(note), _prose(body)))


def _add_aliases(rows: Rows, path: str, aliases: tuple[str, ...]) -> None:
    if not aliases:
        return
    keys = {name_key(alias) for alias in aliases if alias.strip()}
    rows.aliases.extend((path, key) for key in sorted(keys))


def _add_problems(rows: Rows, note: Note) -> None:
    readable = set(note.problems)
    for message in note_problems(note):
        rows.problems.append((note.path, message, message in readable))
    rows.unreadable.extend((note.path, message) for message in note.problems)


def _add_facts(rows: Rows, facts: NoteFacts) -> None:
    # Each table's columns are its facts' fields in order; dates and lists are packed.
    if facts.person:
        person = facts.person
        dates = (_iso(person.next_contact), _packed(person.aliases), _iso(person.contacted))
        rows.people.append((*person[:9], *dates))
    if facts.meeting:
        meeting = facts.meeting
        packed = (_packed(meeting.contacts), _iso(meeting.date))
        rows.meetings.append((meeting.path, meeting.id, *packed, *meeting[4:]))
    if facts.organisation:
        rows.organisations.append(tuple(facts.organisation))
    rows.tasks.extend(
        (*task[:5], _iso(task.due), task.time, _iso(task.done_on), _packed(task.links))
        for task in facts.tasks
    )
    rows.suggestions.extend(tuple(suggestion) for suggestion in facts.suggestions)


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
