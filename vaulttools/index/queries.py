"""Read the index back: facts to join into records, names to resolve links, search hits."""

from __future__ import annotations

import datetime as dt
import marshal
import re
import sqlite3
from collections.abc import Sequence
from typing import NamedTuple

from ..errors import UsageError
from ..followups import (
    MeetingFacts,
    OrganisationFacts,
    PersonFacts,
    Suggestion,
    TaskFacts,
    VaultFacts,
)
from ..links import NameEntry

_WORD = re.compile(r"[^\s\"]+")
SNIPPET_WORDS = 12


class SearchHit(NamedTuple):
    note: str
    kind: str
    title: str
    snippet: str  # matched words between ** marks, as Markdown bold


class NoteSummary(NamedTuple):
    path: str
    kind: str | None
    id: str
    title: str


def load_facts(connection: sqlite3.Connection) -> VaultFacts:
    return VaultFacts(
        people=[_person(row) for row in connection.execute("SELECT * FROM people ORDER BY path")],
        meetings=[
            _meeting(row) for row in connection.execute("SELECT * FROM meetings ORDER BY path")
        ],
        organisations=[
            OrganisationFacts(*row)
            for row in connection.execute("SELECT * FROM organisations ORDER BY path")
        ],
        tasks=[_task(row) for row in connection.execute("SELECT * FROM tasks ORDER BY path, line")],
        suggestions=[
            Suggestion(*row)
            for row in connection.execute(
                "SELECT path, target FROM suggestions ORDER BY path, rowid"
            )
        ],
    )


# Each table's columns are its facts' fields in order (see rows.Rows._add_facts).


def _person(row: Sequence) -> PersonFacts:
    return PersonFacts(*row[:9], _date(row[9]), unpacked(row[10]), _date(row[11]))


def _meeting(row: Sequence) -> MeetingFacts:
    return MeetingFacts(row[0], row[1], unpacked(row[2]), _date(row[3]), *row[4:])


def _task(row: Sequence) -> TaskFacts:
    due = _date(row[5])
    assert due is not None  # only tasks with a date are stored
    return TaskFacts(*row[:5], due, row[6], _date(row[7]), unpacked(row[8]))


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def unpacked(data: bytes | None) -> tuple[str, ...]:
    """A list of names as `rows` packed it."""
    return marshal.loads(data) if data else ()


def name_entries(connection: sqlite3.Connection, key: str) -> list[NameEntry]:
    """The notes a name leads to: by file name, then by alias. A `Resolver` asks as links
    need them, rather than loading every note's names."""
    rows = connection.execute(
        "SELECT path, 0 FROM files WHERE key = ?1 UNION ALL "
        "SELECT path, 1 FROM aliases WHERE key = ?1",
        (key,),
    )
    return [NameEntry(key, path, bool(alias)) for path, alias in rows]


def notes(connection: sqlite3.Connection) -> list[NoteSummary]:
    rows = connection.execute("SELECT path, kind, id, title FROM files ORDER BY path")
    return [NoteSummary(*row) for row in rows]


def stored_problems(connection: sqlite3.Connection, *, unreadable_only: bool = False) -> list:
    where = "WHERE unreadable = 1" if unreadable_only else ""
    query = f"SELECT path, message FROM problems {where} ORDER BY path, rowid"
    return connection.execute(query).fetchall()


def search(connection: sqlite3.Connection, text: str, limit: int) -> list[SearchHit]:
    """Ranked full-text matches; every word must occur, as a word or the start of one."""
    words = _WORD.findall(text)
    if not words:
        raise UsageError("Give at least one word to search for.")
    query = " ".join('"' + word.replace('"', '""') + '"*' for word in words)
    rows = connection.execute(
        "SELECT path, kind, title, snippet(search, -1, '**', '**', '…', ?) FROM search "
        "WHERE search MATCH ? ORDER BY bm25(search, 0, 0, 10.0, 4.0, 1.0), path LIMIT ?",
        (SNIPPET_WORDS, query, limit),
    )
    return [
        SearchHit(path, kind, title, " ".join(text.split())) for path, kind, title, text in rows
    ]
