"""The index: everything the vault knows, in `.vaulttools/index.sqlite`.

A disposable cache. `sync` stats every note and reads only those whose (mtime, size,
ctime) changed; listings join the stored facts into records as of today, and the follow-ups
so joined are kept for the next command (`kept_followups`). A damaged index file is deleted
and built again from the notes, whichever answer first meets the damage.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar, cast

from ..errors import VaultError
from ..vault import Snapshot, Vault
from . import schema, sync
from .sync import SyncReport

if TYPE_CHECKING:  # the parser, YAML and the joining are imported when first needed
    from ..checks import Problem
    from ..followups import Records
    from ..helper import Helper
    from ..links import NameEntry, Resolver
    from ..model import Contact, FollowUp, Meeting
    from .calendar_cache import CalendarStore
    from .queries import NoteSummary, SearchHit

__all__ = ["Index", "SyncReport", "fresh_index", "prepare_records", "write_index_note"]

_KEPT, _KEPT_LABEL = "followups", "followups joined from"  # meta rows: see kept_followups
MISNAMED = "has a name that is not UTF-8, so it was skipped; rename it to have it read"

_Args = ParamSpec("_Args")
_Result = TypeVar("_Result")


def _recovering(
    method: Callable[Concatenate[Index, _Args], _Result],
) -> Callable[Concatenate[Index, _Args], _Result]:
    """Run `method`; if it meets a damaged index file, build a new index and run it again."""

    @functools.wraps(method)
    def run(index: Index, *args: _Args.args, **kwargs: _Args.kwargs) -> _Result:
        try:
            return method(index, *args, **kwargs)
        except sqlite3.DatabaseError as error:
            if index._starting_over or not schema.is_damaged(error):
                raise
            index._start_over(error)
        return method(index, *args, **kwargs)

    return run


class Index:
    """The vault's index. Open it, `sync`, ask; or use `fresh_index`."""

    def __init__(self, vault: Vault, connection: sqlite3.Connection) -> None:
        self.vault = vault
        self._connection = connection
        self._records: dict[tuple[dt.date, int], Records] = {}
        self._starting_over = False

    @classmethod
    def open(cls, vault: Vault, busy_seconds: float = schema.BUSY_SECONDS) -> Index:
        """`busy_seconds`: how long a write waits for another process holding the index."""
        return cls(vault, schema.connect(vault.state_dir, busy_seconds))

    def __enter__(self) -> Index:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._connection.close()

    def _start_over(self, error: sqlite3.DatabaseError) -> None:
        """The index file is damaged: replace it with a new one holding every note."""
        self._starting_over = True
        try:
            self._connection.close()
            self._connection = schema.start_over(self.vault.state_dir, error)
            self._records.clear()
            self.sync()
        finally:
            self._starting_over = False

    # Keeping up with the files.

    @_recovering
    def sync(self, meanwhile: Callable[[], object] | None = None) -> SyncReport:
        """Read the notes that changed since the last sync; forget the ones that are gone.

        `meanwhile` is work the command will need as soon as the index is fresh (imports,
        say). Given it, a large vault's changed notes are read by a helper process started
        before the scan, so that its start overlaps the scan, and `meanwhile` runs here
        while the helper reads. A first sync (into an empty index) starts its helper during
        the scan, as soon as the scan has found enough notes for one to pay.
        """
        started: list[Helper | None] = []  # the helper started ahead (None: it could not be)
        if meanwhile is not None:
            self._start_early(started)
        try:
            generation = sync.generation(self._connection)  # before the comparison: see _write
            misnamed: list[str] = []
            on_many = None if started or self._holds_notes() else self._start_on_many(started)
            on_disk = sync.disk_signatures(self.vault.root, misnamed, on_many)
            if sync.as_kept(self._connection, on_disk, generation):
                report = SyncReport()  # the files as the last sync with nothing to do saw them
            else:
                report = self._bring_up_to(on_disk, generation, started, meanwhile)
        finally:
            for running in filter(None, started):
                running.stop()
        report.unreadable += self._keep_misnamed(misnamed)
        return report

    def _bring_up_to(
        self,
        on_disk: sync.Scan,
        generation: int,
        started: list[Helper | None],
        meanwhile: Callable[[], object] | None,
    ) -> SyncReport:
        """Compare the scan with the index note by note, and read what changed. A scan that
        finds nothing to do is kept, so that the next sync can tell at once (`sync.as_kept`)."""
        plan = sync.plan_full(on_disk, sync.stored_signatures(self._connection), generation)
        if not (plan.read or plan.remove):
            with self._at_once():
                sync.keep_scan(self._connection, on_disk, generation)
            return SyncReport()
        helper = started[0] if started else None
        return sync.apply(
            self._connection, self.vault.root, plan, helper, meanwhile, own_helper=not started
        )

    def _holds_notes(self) -> bool:
        return bool(self._connection.execute("SELECT EXISTS (SELECT 1 FROM files)").fetchone()[0])

    def _start_early(self, started: list[Helper | None]) -> None:
        from . import workers

        if workers.can_split(self.note_count()):
            started.append(workers.start_helper())

    @staticmethod
    def _start_on_many(started: list[Helper | None]) -> tuple[int, Callable[[], object]]:
        """For the scan of a first sync: start the helper as soon as enough notes were found."""
        from . import workers

        return workers.PARALLEL_MIN, lambda: started.append(workers.start_helper())

    @_recovering
    def sync_paths(self, paths: Iterable[str]) -> SyncReport:
        """Read only these files (relative paths) and folders again; deleted ones are removed."""
        return self._apply(sync.plan_paths(self.vault.root, self._connection, paths))

    @_recovering
    def rebuild(self) -> SyncReport:
        """Forget everything and read every note."""
        sync.clear(self._connection)
        return self.sync()

    def _apply(self, plan: sync.Plan) -> SyncReport:
        return sync.apply(self._connection, self.vault.root, plan)

    def _keep_misnamed(self, paths: list[str]) -> list[tuple[str, str]]:
        """Remember the notes skipped for their names; those not skipped before, to report."""
        shown = sorted(sync.shown_path(path) for path in paths)
        before = self._misnamed()
        if shown != before:
            import json

            self._set_meta("misnamed", json.dumps(shown))
        return [(path, MISNAMED) for path in shown if path not in before]

    def _misnamed(self) -> list[str]:
        stored = self._meta("misnamed")
        if not (isinstance(stored, str) and stored):
            return []
        import json

        return json.loads(stored)

    # Answers.

    @_recovering
    def records(self, today: dt.date | None = None) -> Records:
        """Follow-ups, meetings and contacts joined across notes, as of `today`."""
        from ..clock import today as vault_today
        from ..followups import build_records
        from .queries import load_facts

        # Keyed by the index's generation too: another process may have changed it.
        key = (today or vault_today(self.vault.config), self.generation())
        if key not in self._records:
            self._records.clear()
            facts = load_facts(self._connection)
            duration = self._meeting_minutes()
            self._records[key] = build_records(facts, self.resolver(), key[0], duration)
        return self._records[key]

    def _meeting_minutes(self) -> int:
        from ..config import MeetingSettings

        return self.vault.config.meetings.default_duration or MeetingSettings.default_duration

    def resolver(self) -> Resolver:
        from ..links import Resolver

        return Resolver(self._names)

    @_recovering
    def _names(self, key: str) -> list[NameEntry]:
        from .queries import name_entries

        return name_entries(self._connection, key)

    def followups(
        self, *, include_closed: bool = False, today: dt.date | None = None
    ) -> list[FollowUp]:
        """Open follow-ups (with done and cancelled ones when asked), by due date."""
        from ..clock import today as vault_today

        found = self._all_followups(today or vault_today(self.vault.config))
        return [f for f in found if include_closed or f.is_open]

    @_recovering
    def _all_followups(self, day: dt.date) -> list[FollowUp]:
        """As joined in this process, else as a listing kept them, else joined now."""
        from . import kept_followups

        generation = self.generation()
        if (day, generation) in self._records:
            return self._records[day, generation].followups
        if self._meta(_KEPT_LABEL) == self._kept_label(day, generation):
            kept = kept_followups.unpack(self._meta(_KEPT))
            if kept is not None:
                return kept
        return self.records(day).followups

    @_recovering
    def keep_followups(self, day: dt.date) -> None:
        """Keep the follow-ups joined in this process as of `day`, for the next listing;
        only if the index can be written at once: an answer never waits for its copy."""
        from . import kept_followups

        generation = self.generation()
        joined = self._records.get((day, generation))
        if joined is None:  # nothing joined here: what is kept, if anything, is current
            return
        label = self._kept_label(day, generation)
        # One statement: the list and its label are replaced together or not at all.
        with self._at_once():
            self._connection.execute(
                "INSERT OR REPLACE INTO meta VALUES (?, ?), (?, ?)",
                (_KEPT, kept_followups.pack(joined.followups), _KEPT_LABEL, label),
            )

    @contextlib.contextmanager
    def _at_once(self) -> Iterator[None]:
        """For a write the answer does not need: done if the index is free now; busy or
        read-only, it is not done."""
        connection = self._connection
        waits = connection.execute("PRAGMA busy_timeout").fetchone()[0]
        connection.execute("PRAGMA busy_timeout = 0")
        try:
            with contextlib.suppress(sqlite3.OperationalError):
                yield
        finally:
            connection.execute(f"PRAGMA busy_timeout = {int(waits)}")

    def _kept_label(self, day: dt.date, generation: int) -> str:
        from .kept_followups import label

        return label(day, self._meeting_minutes(), generation)

    def sync_own_note(self, relative: str) -> None:
        """Read the index note again once vaulttools has rewritten it.

        When that sync wrote this note alone, one of no kind, nothing the records are
        joined from changed: the records joined before it still hold after it.
        """
        before = self.generation()
        report = self.sync_paths([relative])
        after = self.generation()
        alone = after == before + 1 and report.changed + report.added == 1 and not report.removed
        if alone and self._kind(relative) is None:
            self._records = {
                (day, after): joined
                for (day, generation), joined in self._records.items()
                if generation == before
            }

    @_recovering
    def _kind(self, relative: str) -> str | None:
        row = self._connection.execute("SELECT kind FROM files WHERE path = ?", (relative,))
        found = row.fetchone()
        return found[0] if found else None

    def meetings(
        self,
        *,
        start: dt.date | None = None,
        end: dt.date | None = None,
        contact: str | None = None,
        today: dt.date | None = None,
    ) -> list[Meeting]:
        """Meetings by date; a date range leaves out meetings without a date."""
        found = self.records(today).meetings
        if start or end:
            low, high = start or dt.date.min, end or dt.date.max
            found = [m for m in found if m.date and low <= m.date <= high]
        if contact:
            found = self._with_contact(found, contact)
        return found

    def feed_meetings(self, today: dt.date | None = None) -> list[Meeting]:
        """The meetings the calendar shows: see `stages.in_feed`."""
        from ..clock import today as vault_today
        from ..stages import in_feed

        day = today or vault_today(self.vault.config)
        keep = self.vault.config.calendar.history_days
        return [m for m in self.meetings(today=day) if in_feed(m.status, m.date, day, keep)]

    def _with_contact(self, meetings: list[Meeting], contact: str) -> list[Meeting]:
        from ..names import name_key

        path = self.resolver().resolve(contact)
        key = name_key(contact)
        return [
            m
            for m in meetings
            if (path and path in m.contact_notes) or key in {name_key(n) for n in m.contacts}
        ]

    def contacts(
        self,
        *,
        status: str | None = None,
        organisation: str | None = None,
        today: dt.date | None = None,
    ) -> list[Contact]:
        """Contacts by name, with their stage worked out unless their note sets it."""
        found = self.records(today).contacts
        if status:
            found = [c for c in found if c.status == status.casefold()]
        if organisation:
            found = self._at_organisation(found, organisation)
        return found

    def _at_organisation(self, contacts: list[Contact], organisation: str) -> list[Contact]:
        from ..names import name_key

        path = self.resolver().resolve(organisation)
        key = name_key(organisation)
        return [
            c
            for c in contacts
            if (path and c.organisation_note == path)
            or (c.organisation is not None and name_key(c.organisation) == key)
        ]

    @_recovering
    def search(self, text: str, limit: int = 20) -> list[SearchHit]:
        """Contacts, meetings and organisations matching every word, best first."""
        from .queries import search

        return search(self._connection, text, limit)

    @_recovering
    def notes(self) -> list[NoteSummary]:
        from .queries import notes

        return notes(self._connection)

    @_recovering
    def note_count(self) -> int:
        return self._connection.execute("SELECT count(*) FROM files").fetchone()[0]

    @_recovering
    def unreadable(self) -> list[tuple[str, str]]:
        """Every note in the index that could not be fully read, with the reason."""
        rows = self._connection.execute(
            "SELECT path, message FROM problems WHERE unreadable = 1 ORDER BY path, rowid"
        )
        read = [(path, message) for path, message in rows]
        return sorted([*read, *((path, MISNAMED) for path in self._misnamed())])

    @_recovering
    def problems(self) -> list[Problem]:
        """What `vault check` reports: each note's own problems, then those across notes."""
        from ..checks import Problem, vault_problems
        from .queries import load_facts, stored_problems

        own = [Problem(path, message) for path, message in stored_problems(self._connection)]
        own += [Problem(path, MISNAMED) for path in self._misnamed()]
        facts = load_facts(self._connection)
        across = vault_problems(facts.people, facts.meetings, facts.tasks, self.resolver())
        return sorted([*own, *across], key=lambda problem: problem.note)

    def calendar_store(self) -> CalendarStore:
        """The calendar's components, kept here between runs; damage is recovered from too."""
        return cast("CalendarStore", _RecoveringStore(self))

    @_recovering
    def _in_store(self, name: str, *args: Any) -> Any:
        from .calendar_cache import CalendarStore

        return getattr(CalendarStore(self._connection), name)(*args)

    # What outputs were last made from, so that an unchanged vault costs nothing.

    def output_state(self, name: str) -> str | None:
        state = self._meta(f"output:{name}")
        return state if isinstance(state, str) else None

    def set_output_state(self, name: str, state: str) -> None:
        self._set_meta(f"output:{name}", state)

    @_recovering
    def _meta(self, key: str) -> str | bytes | None:
        row = self._connection.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    @_recovering
    def _set_meta(self, key: str, value: str | bytes) -> None:
        self._connection.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value)
        )

    @_recovering
    def generation(self) -> int:
        """A number that changes whenever the stored notes do."""
        return sync.generation(self._connection)


class _RecoveringStore:
    """The calendar store, each call made on the index's connection of the moment."""

    def __init__(self, index: Index) -> None:
        self._index = index

    def __getattr__(self, name: str) -> Callable[..., Any]:
        return functools.partial(self._index._in_store, name)


def prepare_records() -> None:
    """Import what joining records needs, ahead of the join (a `meanwhile` of `Index.sync`)."""
    from ..followups import build_records  # noqa: F401
    from .queries import load_facts  # noqa: F401


def fresh_index(vault: Vault, meanwhile: Callable[[], object] | None = None) -> Index:
    """The index, brought up to date: what a command calls before it answers (`meanwhile`:
    see `Index.sync`)."""
    index = Index.open(vault)
    try:
        index.sync(meanwhile)
    except BaseException:
        index.close()
        raise
    return index


def write_index_note(vault: Vault, index: Index, today: dt.date) -> bool:
    """Regenerate the index note's section; write only when it changes. True if written.

    When neither the notes, nor the day, nor the index note itself changed since the last
    time, there is nothing to render.
    """
    relative = vault.config.index_note
    path = vault.path(relative).resolve()  # a link to a note in the vault: that note
    if index.output_state("index_note") == _note_state(index, relative, today):
        return False
    written = _render_index_note(index, path, relative, today)
    if written:
        index.sync_own_note(relative)  # so the next sync has nothing to read
    index.keep_followups(today)  # joined for the note: `vault followups` need not join again
    index.set_output_state("index_note", _note_state(index, relative, today))
    return written


def _note_state(index: Index, relative: str, today: dt.date) -> str:
    """What the index note was made from: its name, the day, the notes, the note itself."""
    try:
        info = index.vault.path(relative).stat()
        signature = f"{info.st_mtime_ns}:{info.st_size}"
    except OSError:
        signature = "none"
    return f"{relative}\n{today.isoformat()}\n{index.generation()}\n{signature}"


def _render_index_note(index: Index, path: Path, relative: str, today: dt.date) -> bool:
    """Splice a fresh section into the index note, onto exactly the bytes it was made from.

    A save that lands meanwhile (the user's, or another vaulttools command's) is kept: the
    section is spliced into that new version instead, a few times at most.
    """
    from ..errors import ConflictError, NoteExistsError
    from ..indexnote import render_section

    section = render_section(index.records(today), today)
    for attempt in range(_SPLICE_ATTEMPTS):
        try:
            return _splice_into(index.vault, path, relative, section)
        except (ConflictError, NoteExistsError):
            if attempt == _SPLICE_ATTEMPTS - 1:
                raise
    return False


_SPLICE_ATTEMPTS = 3


def _splice_into(vault: Vault, path: Path, relative: str, section: str) -> bool:
    from ..vault import create_exclusive

    snapshot = _read_snapshot(vault, path)
    if snapshot is None:
        create_exclusive(path, _spliced(None, section, relative))
        return True
    data = _spliced(_decoded(snapshot.data, path), section, relative).encode("utf-8")
    if data == snapshot.data:
        return False
    snapshot.replace(data)
    return True


def _spliced(existing: str | None, section: str, relative: str) -> str:
    from ..indexnote import splice
    from ..links import stem_of

    return splice(existing, section, stem_of(relative), where=relative)


def _read_snapshot(vault: Vault, path: Path) -> Snapshot | None:
    try:
        return Snapshot.read(path, vault.state_dir)
    except FileNotFoundError:
        return None


def _decoded(data: bytes, path: Path) -> str:
    from ..notes import decode

    text, problems = decode(data)
    if problems:
        raise VaultError(f"{path} {problems[0]}; the index note was left as it was.")
    return text
