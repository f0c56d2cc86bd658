"""The index's SQLite schema: a disposable cache of the vault, rebuilt when its version differs."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

from .. import __version__
from ..errors import VaultError
from ..ownfiles import refuse_symlink
from .calendar_cache import TABLE as CALENDAR_TABLE

# Raise whenever a table changes or what is stored for a note is read differently. The
# package's version is part of it too, so that a new release reads every note again.
SCHEMA_VERSION = f"11/{__version__}"
INDEX_FILE = "index.sqlite"
BUSY_SECONDS = 10.0

TABLES = (
    """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE files (
    path TEXT PRIMARY KEY, mtime_ns INTEGER NOT NULL, size INTEGER NOT NULL,
    ctime_ns INTEGER NOT NULL, kind TEXT, id TEXT NOT NULL, title TEXT NOT NULL, key TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX files_by_key ON files (key);
CREATE TABLE aliases (key TEXT NOT NULL, path TEXT NOT NULL);
CREATE INDEX aliases_by_key ON aliases (key);
CREATE INDEX aliases_by_path ON aliases (path);
CREATE TABLE problems (path TEXT NOT NULL, message TEXT NOT NULL, unreadable INTEGER NOT NULL);
CREATE INDEX problems_by_path ON problems (path);
CREATE TABLE people (
    path TEXT PRIMARY KEY, id TEXT, name TEXT, organisation TEXT, role TEXT, email TEXT,
    status TEXT, referred_by TEXT, stay_in_touch INTEGER, next_contact TEXT, aliases BLOB,
    contacted TEXT
);
CREATE TABLE meetings (
    path TEXT PRIMARY KEY, id TEXT, contacts BLOB, date TEXT, time TEXT, duration INTEGER,
    status TEXT, location TEXT, mode TEXT, objective TEXT
);
CREATE TABLE organisations (path TEXT PRIMARY KEY, id TEXT, name TEXT);
CREATE TABLE tasks (
    path TEXT NOT NULL, line INTEGER NOT NULL, id TEXT, status TEXT, text TEXT, due TEXT,
    time TEXT, done_on TEXT, links BLOB
);
CREATE INDEX tasks_by_path ON tasks (path);
CREATE TABLE suggestions (path TEXT NOT NULL, target TEXT NOT NULL);
CREATE INDEX suggestions_by_path ON suggestions (path);
CREATE VIRTUAL TABLE search USING fts5 (
    path UNINDEXED, kind UNINDEXED, title, details, body,
    tokenize = 'unicode61 remove_diacritics 2'
);
"""
    + CALENDAR_TABLE
)

# Tables holding rows keyed by a note's path: what a changed or deleted note replaces.
NOTE_TABLES = (
    "files",
    "aliases",
    "problems",
    "people",
    "meetings",
    "organisations",
    "tasks",
    "suggestions",
    "search",
)


def connect(state_dir: Path, busy_seconds: float = BUSY_SECONDS) -> sqlite3.Connection:
    """Open the index, creating it, or starting over when it is stale or damaged.

    `busy_seconds`: how long a write waits for another process that holds the index.
    """
    path = state_dir / INDEX_FILE
    for suffix in ("", "-wal", "-shm", "-journal"):
        refuse_symlink(Path(f"{path}{suffix}"))  # SQLite would write where a link leads
    try:
        state_dir.mkdir(exist_ok=True)  # in the vault folder, which is never made here
        connection = _open(path, busy_seconds)
        if _stored_version(connection) != SCHEMA_VERSION:
            _recreate(connection)
        return connection
    except sqlite3.DatabaseError as error:
        if "locked" in str(error) or "busy" in str(error):
            raise IndexBusyError() from error
        if not is_damaged(error):
            raise VaultError(f"Could not open the index at {path}: {error}.") from error
        return start_over(state_dir, error)
    except OSError as error:
        raise VaultError(f"Could not open the index at {path}: {error.strerror}.") from error


def is_damaged(error: sqlite3.DatabaseError) -> bool:
    """Does this error say the index file is damaged, or is no SQLite file at all?"""
    code = getattr(error, "sqlite_errorcode", 0) & 0xFF  # the primary code of an extended one
    return code in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)


def start_over(state_dir: Path, error: sqlite3.DatabaseError) -> sqlite3.Connection:
    """A damaged index holds nothing the notes do not: delete it, say so, and start anew.

    Deleted rather than kept aside: it would hold a stale copy of private notes forever.
    """
    import logging  # only on this rare path: it costs start-up time

    path = state_dir / INDEX_FILE
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    logging.getLogger("vaulttools").warning(
        "The index %s was damaged (%s), so it was deleted and is rebuilt from your notes, "
        "which hold everything it did.",
        path,
        error,
    )
    try:
        connection = _open(path)
        _recreate(connection)
        return connection
    except sqlite3.DatabaseError as again:
        raise VaultError(f"Could not make a new index at {path}: {again}.") from error


def rollback(connection: sqlite3.Connection) -> None:
    """Undo the open transaction, if SQLite has not undone it already (it does on a full disk)."""
    if connection.in_transaction:
        with contextlib.suppress(sqlite3.Error):  # the error that got us here says more
            connection.execute("ROLLBACK")


class IndexBusyError(VaultError):
    def __str__(self) -> str:
        return "The index is busy with another vaulttools command; try again in a moment."


def _open(path: Path, busy_seconds: float = BUSY_SECONDS) -> sqlite3.Connection:
    # One command or the watcher uses it at a time, possibly from a thread other than its opener.
    connection = sqlite3.connect(
        path, isolation_level=None, timeout=busy_seconds, check_same_thread=False
    )
    # WAL lets readers go on while a writer works; the cache can be rebuilt, so a lost
    # last transaction after a power cut is acceptable (synchronous=NORMAL).
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = NORMAL")
    connection.execute("PRAGMA temp_store = MEMORY")
    return connection


def _stored_version(connection: sqlite3.Connection) -> str | None:
    try:
        row = connection.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    except sqlite3.OperationalError:
        return None  # no meta table: a new or foreign file
    return row[0] if row else None


def _recreate(connection: sqlite3.Connection) -> None:
    """Drop whatever is there and create the current schema, in one transaction."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        if _stored_version(connection) != SCHEMA_VERSION:  # another process may have done it
            _drop_all(connection)
            for statement in TABLES.split(";"):
                if statement.strip():
                    connection.execute(statement)
            connection.execute(
                "INSERT INTO meta (key, value) VALUES ('schema_version', ?)", (SCHEMA_VERSION,)
            )
        connection.execute("COMMIT")
    except BaseException:
        rollback(connection)
        raise


def _drop_all(connection: sqlite3.Connection) -> None:
    # Virtual tables first: dropping one drops its shadow tables with it.
    for virtual_first in (True, False):
        for kind, name, sql in _schema_objects(connection):
            if (sql or "").upper().startswith("CREATE VIRTUAL") == virtual_first:
                connection.execute(f'DROP {kind.upper()} IF EXISTS "{name}"')


def _schema_objects(connection: sqlite3.Connection) -> list[tuple[str, str, str | None]]:
    return connection.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE type IN ('table', 'view') "
        "AND name NOT LIKE 'sqlite_%'"
    ).fetchall()
