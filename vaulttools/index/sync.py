"""Bring the index in line with the files: stat everything, read only what changed."""

from __future__ import annotations

import contextlib
import marshal
import os
import sqlite3
import stat
from array import array
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, NamedTuple

from ..vault import is_hidden, is_misnamed, iter_markdown
from ..writes import TEMP_PREFIX, is_orphan
from .reading import signature
from .schema import NOTE_TABLES, IndexBusyError, rollback

if TYPE_CHECKING:
    from ..helper import Helper
    from .rows import Read, Rows

# A note's (mtime_ns, size, ctime_ns): the ctime moves when only its permissions or owner
# change, so a note this user may no longer read is read again (and reported), not trusted.
Signature = tuple[int, int, int]
Entry = tuple[str, int, int, int]  # (path, *signature)

# Meta rows: every signature in one piece, and the changes since it was kept (see _keep_changes).
_SIGNATURES, _CHANGES = "signatures", "signature changes"
_SCAN = "scan"  # the last scan that found the index current, in its order (see keep_scan)
CHANGES_KEPT = 1000  # entries; beyond, the piece is written again and the changes cleared

_INSERTS = {
    "files": "INSERT INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    "aliases": "INSERT INTO aliases (path, key) VALUES (?, ?)",
    "problems": "INSERT INTO problems VALUES (?, ?, ?)",
    "people": "INSERT INTO people VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "meetings": "INSERT INTO meetings VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "organisations": "INSERT INTO organisations VALUES (?, ?, ?)",
    "tasks": "INSERT INTO tasks VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "suggestions": "INSERT INTO suggestions VALUES (?, ?)",
    "search": "INSERT INTO search VALUES (?, ?, ?, ?, ?)",
}


class SyncReport:
    """What one sync did. `unreadable` names the notes read this time that did not fully read."""

    def __init__(self) -> None:
        self.read = self.added = self.changed = self.removed = 0
        self.unreadable: list[tuple[str, str]] = []

    @property
    def touched(self) -> bool:
        return bool(self.added or self.changed or self.removed)


class Scan:
    """The notes one walk found, in its order: their paths, and three numbers each (their
    signature). Kept as found, so that two scans compare as two byte strings (`key`)."""

    __slots__ = ("numbers", "paths")

    def __init__(self) -> None:
        self.paths: list[str] = []
        self.numbers = array("q")  # mtime_ns, size, ctime_ns of each path in turn

    def __len__(self) -> int:
        return len(self.paths)

    def entries(self) -> set[Entry]:
        numbers = self.numbers
        return set(zip(self.paths, numbers[0::3], numbers[1::3], numbers[2::3], strict=True))

    def key(self, generation: int) -> bytes:
        """This scan and `generation` as bytes that only an equal pair gives: the counts
        come first, so that the bytes split into paths and numbers one way only."""
        head = f"{generation} {len(self.paths)}\0".encode()
        paths = "\0".join(self.paths).encode("utf-8", "surrogateescape")
        return head + paths + self.numbers.tobytes()


class Plan(NamedTuple):
    """Paths to read again and paths to drop, against what the index holds."""

    read: list[str]
    remove: list[str]
    stored: set[str]  # paths the index holds: of those in `read` and `remove`, at least
    generation: int = 0  # of the index when it was compared with the files
    empty: bool = False  # the index held no note then: nothing to replace


def disk_signatures(
    root: Path,
    misnamed: list[str] | None = None,
    on_many: tuple[int, Callable[[], object]] | None = None,
) -> Scan:
    """Every note's path and (mtime_ns, size, ctime_ns), as `vault.iter_markdown` walks them.

    The same walk, inlined: this is all a sync with nothing to do spends its time on. The
    order is the walk's, the same from one scan to the next while no folder changes (see
    `as_kept`). Notes whose path is not UTF-8 are left out, and added to `misnamed` when
    given. Temporary files that killed vaulttools processes left behind are deleted on the
    way. `on_many` is (count, call): the call is made once, when the walk has found that
    many notes.
    """
    many, call = on_many or (-1, _nothing)
    found = Scan()
    paths, numbers = found.paths, found.numbers
    stack = [(str(root), "")]
    while stack:
        folder, prefix = stack.pop()
        try:
            listing = _Listing(folder)
        except OSError:
            if not prefix:  # the vault folder itself is gone: that is no vault of no notes
                raise
            continue
        with listing:
            for entry in listing.entries:
                name = entry.name
                if name[0] == ".":  # hidden; or litter a killed vaulttools write left
                    if name.startswith(TEMP_PREFIX) and is_orphan(name):
                        listing.remove(entry)
                    continue
                try:
                    info = entry.stat(follow_symlinks=False) if name.endswith(".md") else None
                    if info is None or not stat.S_ISREG(info.st_mode):  # a folder, or no note
                        if entry.is_dir(follow_symlinks=False):
                            stack.append((f"{folder}{os.sep}{name}", f"{prefix}{name}/"))
                        continue
                except OSError:
                    continue
                path = prefix + name
                if not path.isascii() and is_misnamed(path):
                    if misnamed is not None:
                        misnamed.append(path)
                    continue
                try:
                    numbers.extend((info.st_mtime_ns, info.st_size, info.st_ctime_ns))
                except OverflowError:  # a time beyond 64 bits: as `signature` keeps it
                    del numbers[3 * len(paths) :]
                    numbers.extend(signature(info))
                paths.append(path)
                if len(paths) == many:
                    call()
    return found


# Where the system lists a folder through a descriptor, an entry's stat resolves one name,
# not its whole path again: about a tenth of a scan's time.
_BY_DESCRIPTOR = os.scandir in os.supports_fd
_FOLDER = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)


class _Listing:
    """One folder's entries, and what they need open while they are asked about."""

    def __init__(self, folder: str) -> None:
        self._descriptor = os.open(folder, _FOLDER) if _BY_DESCRIPTOR else None
        try:
            with os.scandir(folder if self._descriptor is None else self._descriptor) as found:
                self.entries = list(found)
        except BaseException:
            self.__exit__()
            raise

    def remove(self, entry: os.DirEntry[str]) -> None:
        """Delete a file listed here, if it can be: litter that may not be removed is
        hidden, and never read."""
        with contextlib.suppress(OSError):
            os.unlink(entry.path, dir_fd=self._descriptor)

    def __enter__(self) -> _Listing:
        return self

    def __exit__(self, *_: object) -> None:
        if self._descriptor is not None:
            os.close(self._descriptor)
            self._descriptor = None


def _nothing() -> None:
    return None


def shown_path(path: str) -> str:
    """A misnamed path as one readable line: bytes that are not UTF-8 as \\xe9."""
    text = os.fsencode(path).decode("utf-8", "backslashreplace")
    return "".join(char if char.isprintable() else ascii(char)[1:-1] for char in text)


def stored_signatures(connection: sqlite3.Connection) -> set[Entry]:
    """What the index holds, from the copy kept in one piece and the changes kept since
    (quicker than row by row)."""
    kept = _kept_rows(connection)
    try:
        found = set(marshal.loads(kept[_SIGNATURES]))
        dropped, added = _changes(kept.get(_CHANGES))
    except (KeyError, ValueError, EOFError, TypeError):  # none kept, or by another Python
        return _signatures_by_row(connection)
    found.difference_update(dropped)
    found.update(added)
    return found


def as_kept(connection: sqlite3.Connection, on_disk: Scan, generation: int) -> bool:
    """Whether this scan is the one kept when the index was last found current, and the
    index has not changed since: then nothing is to be done, with no note compared."""
    row = connection.execute("SELECT value FROM meta WHERE key = ?", (_SCAN,)).fetchone()
    return row is not None and row[0] == on_disk.key(generation)


def keep_scan(connection: sqlite3.Connection, on_disk: Scan, generation: int) -> None:
    """Keep a scan that found the index, as of `generation`, holding exactly these notes.

    `generation` is read before the index is compared with the scan, and only ever grows:
    a scan kept while another process wrote is tagged too old ever to match again.
    """
    connection.execute(
        "INSERT OR REPLACE INTO meta VALUES (?, ?)", (_SCAN, on_disk.key(generation))
    )


def _kept_rows(connection: sqlite3.Connection) -> dict[str, bytes]:
    query = "SELECT key, value FROM meta WHERE key IN (?, ?)"
    return dict(connection.execute(query, (_SIGNATURES, _CHANGES)))


def _signatures_by_row(connection: sqlite3.Connection) -> set[Entry]:
    return set(connection.execute("SELECT path, mtime_ns, size, ctime_ns FROM files"))


def _changes(data: bytes | None) -> tuple[set[Entry], set[Entry]]:
    """(dropped, added): the entries since the copy in one piece was kept."""
    if data is None:
        return set(), set()
    dropped, added = marshal.loads(data)
    return set(dropped), set(added)


def _keep_signatures(connection: sqlite3.Connection, every: set[Entry] | None = None) -> None:
    """Store every note's signature in one piece, in the transaction that changed them
    (`every`: all of them, when the caller has them, as a first sync does)."""
    signatures = _signatures_by_row(connection) if every is None else every
    data = marshal.dumps(list(signatures))  # a list: sets marshal slowly
    connection.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (_SIGNATURES, data))
    connection.execute("DELETE FROM meta WHERE key = ?", (_CHANGES,))


def _keep_changes(connection: sqlite3.Connection, stale: set[Entry], written: set[Entry]) -> None:
    """Record that `written` replaced `stale`, in the transaction that did it. A few notes'
    changes are kept beside the signatures in one piece, which are written again only now
    and then: writing all of them was most of what saving one edited note cost."""
    kept = _kept_rows(connection)
    try:
        dropped, added = _changes(kept.get(_CHANGES))
    except (ValueError, EOFError, TypeError):  # damaged: kept again from the rows
        _keep_signatures(connection)
        return
    dropped |= stale - added  # the rest of `stale` was added since the piece was kept
    added = (added - stale) | written
    if _SIGNATURES not in kept or len(dropped) + len(added) > CHANGES_KEPT:
        _keep_signatures(connection)
        return
    data = marshal.dumps((list(dropped), list(added)))
    connection.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (_CHANGES, data))


def plan_full(scan: Scan, stored: set[Entry], generation: int) -> Plan:
    on_disk = scan.entries()
    changed = on_disk - stored
    if not changed and len(on_disk) == len(stored):
        return Plan([], [], set())  # the same notes, unchanged: nothing to read or drop
    held = {entry[0] for entry in stored - on_disk}  # notes changed or gone since
    read = {entry[0] for entry in changed}
    return Plan(sorted(read), sorted(held - read), held, generation, empty=not stored)


def plan_paths(root: Path, connection: sqlite3.Connection, paths: Iterable[str]) -> Plan:
    """Only the given files and folders: files are read again, folders compared by signature."""
    explicit: set[str] = set()
    missing: set[str] = set()
    on_disk: dict[str, Signature] = {}
    folders: list[str] = []
    for relative in filter(None, (_relative(root, path) for path in paths)):
        full = root / relative
        if relative.endswith(".md") and full.is_file():
            explicit.add(relative)
        elif full.is_dir() and not full.is_symlink():
            folders.append(relative)
            on_disk |= {
                f"{relative}/{sub}": signature(info)
                for sub, info in iter_markdown(full)
                if sub.isascii() or not is_misnamed(f"{relative}/{sub}")
            }
        else:
            missing.add(relative)  # gone: it and whatever the index holds below it go
            folders.append(relative)
    generation_then = generation(connection)
    stored = _stored_under(connection, explicit | missing, folders)
    changed = explicit | {path for path, sig in on_disk.items() if stored.get(path) != sig}
    gone = [path for path in stored if path not in on_disk and path not in explicit]
    return Plan(sorted(changed), sorted(gone), set(stored), generation_then)


def _relative(root: Path, path: str) -> str | None:
    """A vault-relative POSIX path, or None for paths outside the vault or hidden."""
    given = Path(path)
    if given.is_absolute():
        try:
            given = given.relative_to(root)
        except ValueError:
            return None
    relative = PurePosixPath(given.as_posix()).as_posix().strip("/")
    if relative in ("", ".") or relative.startswith("../") or is_hidden(relative):
        return None
    if not relative.isascii() and is_misnamed(relative):
        return None  # a full sync names it
    return relative


def _stored_under(
    connection: sqlite3.Connection, files: set[str], folders: list[str]
) -> dict[str, Signature]:
    found: dict[str, Signature] = {}
    for path in files:
        row = connection.execute(
            "SELECT mtime_ns, size, ctime_ns FROM files WHERE path = ?", (path,)
        ).fetchone()
        if row:
            found[path] = tuple(row)
    for folder in folders:
        prefix = folder + "/"
        rows = connection.execute(
            "SELECT path, mtime_ns, size, ctime_ns FROM files WHERE substr(path, 1, ?) = ?",
            (len(prefix), prefix),
        )
        found |= {path: tuple(signature) for path, *signature in rows}
    return found


def apply(
    connection: sqlite3.Connection,
    root: Path,
    plan: Plan,
    helper: Helper | None = None,
    meanwhile: Callable[[], object] | None = None,
    own_helper: bool = True,
) -> SyncReport:
    """Read what the plan says, then replace those notes' rows in one transaction. A
    `helper` started early reads with this process (`workers.read_shared`), which runs
    `meanwhile` first; else a large batch gets a helper of its own (`own_helper`: unless
    one was tried already)."""
    if not plan.read and not plan.remove:
        return SyncReport()
    from . import workers  # only when there is reading to do

    report = SyncReport()
    if helper is None and own_helper and workers.can_split(len(plan.read)):
        helper = workers.start_helper()
    if helper is not None and plan.read:
        rows, gone, report.read = workers.read_shared(root, plan.read, helper, meanwhile)
    else:
        rows, gone, report.read = read_notes(root, plan.read)
    gone += plan.remove
    written = {row[0] for row in rows.files}
    report.added = len(written - plan.stored)
    report.changed = len(written & plan.stored)
    report.removed = len(set(gone) & plan.stored)
    report.unreadable = rows.unreadable
    if written or report.removed:
        _write(connection, root, plan, rows, gone)
    return report


def read_notes(root: Path, paths: Sequence[str]) -> Read:
    """The rows of these notes, the paths gone since the scan, and how many were read."""
    if not paths:  # notes removed, none to read: no parsers to import
        from .rows import Rows

        return Rows(), [], 0
    from .note_reader import NoteReader

    return NoteReader(root).read(paths)


def _write(
    connection: sqlite3.Connection, root: Path, plan: Plan, rows: Rows, gone: list[str]
) -> None:
    try:
        connection.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as error:
        raise IndexBusyError() from error
    try:
        _replace(connection, root, plan, rows, gone)
        connection.execute("COMMIT")
    except BaseException:
        rollback(connection)
        raise


def _replace(
    connection: sqlite3.Connection, root: Path, plan: Plan, rows: Rows, gone: list[str]
) -> None:
    """Inside the write transaction: these notes' rows out, the new ones in."""
    caught_up = generation(connection) != plan.generation
    if caught_up:
        _catch_up(root, rows, gone)
    replacing = caught_up or not plan.empty  # an empty index has nothing to replace
    stale = _delete(connection, [*(row[0] for row in rows.files), *gone]) if replacing else set()
    for table, statement in _INSERTS.items():
        values = getattr(rows, table)
        if values:
            connection.executemany(statement, values)
    bump_generation(connection)
    written = {row[:4] for row in rows.files}
    if replacing:
        _keep_changes(connection, stale, written)
    else:  # into an empty index: what was written is all it holds
        _keep_signatures(connection, written)


def _catch_up(root: Path, rows: Rows, gone: list[str]) -> None:
    """Another process wrote the index since we compared: re-read what changed meanwhile.

    Holding the write lock, so that what we write cannot be older than what it replaces.
    """
    changed = {
        path
        for path, *signature in (row[:4] for row in rows.files)
        if _signature(f"{root}{os.sep}{path}") != tuple(signature)
    }
    changed |= {path for path in gone if _signature(f"{root}{os.sep}{path}") is not None}
    rows.without(changed)
    gone[:] = [path for path in gone if path not in changed]
    if changed:
        from .note_reader import NoteReader

        reader = NoteReader(root)
        for path in sorted(changed):
            reader.read_into(rows, path, gone)


def _signature(full_path: str) -> Signature | None:
    try:
        info = os.stat(full_path, follow_symlinks=False)
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode):
        return None
    return signature(info)


def _delete(connection: sqlite3.Connection, paths: list[str]) -> set[Entry]:
    """Drop every row of these notes, and say what their signatures were; a temporary table
    keeps it one statement per table."""
    connection.execute("CREATE TEMP TABLE IF NOT EXISTS stale (path TEXT PRIMARY KEY)")
    connection.execute("DELETE FROM stale")
    connection.executemany("INSERT OR IGNORE INTO stale VALUES (?)", ((p,) for p in paths))
    was = "SELECT path, mtime_ns, size, ctime_ns FROM files WHERE path IN (SELECT path FROM stale)"
    stale = set(connection.execute(was))
    for table in NOTE_TABLES:
        connection.execute(f"DELETE FROM {table} WHERE path IN (SELECT path FROM stale)")
    return stale


def clear(connection: sqlite3.Connection) -> None:
    """Forget every note, in one transaction: the next sync reads them all."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        for table in NOTE_TABLES:
            connection.execute(f"DELETE FROM {table}")
        bump_generation(connection)
        _keep_signatures(connection)
        connection.execute("COMMIT")
    except BaseException:
        rollback(connection)
        raise


def bump_generation(connection: sqlite3.Connection) -> None:
    """Count changes to the stored notes, so outputs can tell that nothing changed."""
    connection.execute(
        "INSERT INTO meta (key, value) VALUES ('generation', '1') ON CONFLICT (key) "
        "DO UPDATE SET value = CAST(value AS INTEGER) + 1"
    )


def generation(connection: sqlite3.Connection) -> int:
    row = connection.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
    return int(row[0]) if row else 0
