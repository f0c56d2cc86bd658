"""One note file -> the rows the index keeps for it. Reading is the only I/O here."""

from __future__ import annotations

import errno
import json
import os
import re
import stat
from dataclasses import dataclass, field

from ..checks import note_problems
from ..followups import NoteFacts, facts_of
from ..links import names_of
from ..notes import Note, as_list, decode, parse_note

_NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NON_BLOCK = getattr(os, "O_NONBLOCK", 0)  # a FIFO swapped in for a note must not block us
_VANISHED = {errno.ENOENT, errno.ENOTDIR}
_NOT_A_FILE = {errno.ELOOP, errno.EISDIR, errno.ENXIO}
_COMMENTS = re.compile(r"<!--.*?-->|%%.*?%%", re.DOTALL)
_NOT_SEARCHED = {"id", "type", "created", "aliases"}
RETRY = -1  # stored as mtime_ns for a file that could not be read, so the next sync retries


@dataclass(frozen=True)
class FileRead:
    data: bytes
    mtime_ns: int
    size: int


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
        return FileRead(_read_all(handle, info.st_size), info.st_mtime_ns, info.st_size)
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


@dataclass
class Rows:
    """Rows for many notes, by table, ready for executemany."""

    files: list[tuple] = field(default_factory=list)
    names: list[tuple] = field(default_factory=list)
    problems: list[tuple] = field(default_factory=list)
    people: list[tuple] = field(default_factory=list)
    meetings: list[tuple] = field(default_factory=list)
    organisations: list[tuple] = field(default_factory=list)
    tasks: list[tuple] = field(default_factory=list)
    suggestions: list[tuple] = field(default_factory=list)
    search: list[tuple] = field(default_factory=list)
    unreadable: list[tuple[str, str]] = field(default_factory=list)

    def add_note(self, note: Note, read: FileRead) -> None:
        kind = note.kind
        self.files.append((note.path, read.mtime_ns, read.size, kind, note.id, note.title))
        self.names.extend((e.key, e.path, e.alias) for e in names_of(note.path, note.aliases))
        self._add_problems(note)
        if kind is not None:
            self._add_facts(facts_of(note))
            self.search.append((note.path, kind, note.title, _searchable(note)))

    def add_unreadable(self, path: str, reason: str) -> None:
        stem = path.rsplit("/", 1)[-1].removesuffix(".md")
        self.files.append((path, RETRY, RETRY, None, path, stem))
        self.problems.append((path, reason, 1))
        self.unreadable.append((path, reason))

    def _add_problems(self, note: Note) -> None:
        readable = set(note.problems)
        for message in note_problems(note):
            self.problems.append((note.path, message, message in readable))
        self.unreadable.extend((note.path, message) for message in note.problems)

    def _add_facts(self, facts: NoteFacts) -> None:
        if facts.person:
            p = facts.person
            self.people.append(
                (
                    p.path,
                    p.id,
                    p.name,
                    p.organisation,
                    p.role,
                    p.email,
                    p.status,
                    p.referred_by,
                    p.stay_in_touch,
                    _iso(p.next_contact),
                    _json(p.aliases),
                )
            )
        if facts.meeting:
            m = facts.meeting
            self.meetings.append(
                (
                    m.path,
                    m.id,
                    _json(m.contacts),
                    _iso(m.date),
                    m.time,
                    m.duration,
                    m.status,
                    m.location,
                    m.mode,
                    m.objective,
                )
            )
        if facts.organisation:
            o = facts.organisation
            self.organisations.append((o.path, o.id, o.name))
        for t in facts.tasks:
            self.tasks.append(
                (
                    t.path,
                    t.line,
                    t.id,
                    t.status,
                    t.text,
                    _iso(t.due),
                    t.time,
                    _iso(t.done_on),
                    _json(t.links),
                )
            )
        self.suggestions.extend((s.path, s.target) for s in facts.suggestions)


def parse_file(path: str, read: FileRead) -> Note:
    text, problems = decode(read.data)
    return parse_note(text, path, problems)


def _searchable(note: Note) -> str:
    """A note's words for full-text search: its text property values, then its visible body."""
    values: list[str] = []
    for key, value in note.properties.items():
        if key not in _NOT_SEARCHED:
            values += [str(item) for item in as_list(value) if isinstance(item, str | int)]
    return "\n".join([*values, _COMMENTS.sub(" ", note.body)])


def _iso(day: object) -> str | None:
    return day.isoformat() if day is not None else None  # type: ignore[attr-defined]


def _json(items: tuple[str, ...]) -> str | None:
    return json.dumps(list(items), ensure_ascii=False) if items else None
