"""The index: everything the vault knows, in `.vaulttools/index.sqlite`.

A disposable cache. `sync` stats every note and reads only those whose (mtime, size)
changed; listings join the stored facts into records as of today.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterable
from types import TracebackType

from ..checks import Problem, vault_problems
from ..errors import VaultError
from ..followups import DEFAULT_DURATION, Records, build_records
from ..indexnote import render_section, splice
from ..links import Resolver, stem_of
from ..model import Contact, FollowUp, Meeting
from ..names import name_key
from ..notes import decode
from ..vault import Vault, write_if_changed
from . import queries, schema, sync
from .queries import NoteSummary, SearchHit
from .sync import SyncReport

__all__ = [
    "Index",
    "NoteSummary",
    "SearchHit",
    "SyncReport",
    "fresh_index",
    "write_index_note",
]


class Index:
    """The vault's index. Open it, `sync`, ask; or use `fresh_index`."""

    def __init__(self, vault: Vault, connection: sqlite3.Connection) -> None:
        self.vault = vault
        self._connection = connection
        self._records: dict[dt.date, Records] = {}

    @classmethod
    def open(cls, vault: Vault) -> Index:
        return cls(vault, schema.connect(vault.state_dir))

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

    # Keeping up with the files.

    def sync(self) -> SyncReport:
        """Read the notes that changed since the last sync; forget the ones that are gone."""
        on_disk = sync.disk_signatures(self.vault.root)
        stored = sync.stored_signatures(self._connection)
        return self._apply(sync.plan_full(on_disk, stored))

    def sync_paths(self, paths: Iterable[str]) -> SyncReport:
        """Read only these files (relative paths) and folders again; deleted ones are removed."""
        return self._apply(sync.plan_paths(self.vault.root, self._connection, paths))

    def rebuild(self) -> SyncReport:
        """Forget everything and read every note."""
        sync.clear(self._connection)
        self._records.clear()
        return self.sync()

    def _apply(self, plan: sync.Plan) -> SyncReport:
        report = sync.apply(self._connection, self.vault.root, plan)
        if report.touched:
            self._records.clear()
        return report

    # Answers.

    def records(self, today: dt.date | None = None) -> Records:
        """Follow-ups, meetings and contacts joined across notes, as of `today`."""
        day = today or dt.date.today()
        if day not in self._records:
            facts = queries.load_facts(self._connection)
            duration = self.vault.config.meetings.default_duration or DEFAULT_DURATION
            self._records[day] = build_records(facts, self.resolver(), day, duration)
        return self._records[day]

    def resolver(self) -> Resolver:
        return queries.resolver(self._connection)

    def followups(
        self, *, include_closed: bool = False, today: dt.date | None = None
    ) -> list[FollowUp]:
        """Open follow-ups (with done and cancelled ones when asked), by due date."""
        found = self.records(today).followups
        return [f for f in found if include_closed or not (f.done or f.cancelled)]

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

    def _with_contact(self, meetings: list[Meeting], contact: str) -> list[Meeting]:
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
        path = self.resolver().resolve(organisation)
        key = name_key(organisation)
        return [
            c
            for c in contacts
            if (path and c.organisation_note == path)
            or (c.organisation is not None and name_key(c.organisation) == key)
        ]

    def search(self, text: str, limit: int = 20) -> list[SearchHit]:
        """Contacts, meetings and organisations matching every word, best first."""
        return queries.search(self._connection, text, limit)

    def notes(self) -> list[NoteSummary]:
        return queries.notes(self._connection)

    def unreadable(self) -> list[tuple[str, str]]:
        """Every note in the index that could not be fully read, with the reason."""
        rows = queries.stored_problems(self._connection, unreadable_only=True)
        return [(path, message) for path, message in rows]

    def problems(self) -> list[Problem]:
        """What `vault check` reports: each note's own problems, then those across notes."""
        rows = queries.stored_problems(self._connection)
        own = [Problem(path, message) for path, message in rows]
        facts = queries.load_facts(self._connection)
        across = vault_problems(facts.people, facts.meetings, facts.tasks, self.resolver())
        return sorted([*own, *across], key=lambda problem: problem.note)


def fresh_index(vault: Vault) -> Index:
    """The index, brought up to date: what a command calls before it answers."""
    index = Index.open(vault)
    try:
        index.sync()
    except BaseException:
        index.close()
        raise
    return index


def write_index_note(vault: Vault, index: Index, today: dt.date) -> bool:
    """Regenerate the index note's section; write only when it changes. True if written."""
    relative = vault.config.index_note
    path = vault.path(relative)
    existing = _read_text(path)
    section = render_section(index.records(today), today)
    text = splice(existing, section, stem_of(relative))
    if not write_if_changed(path, text.encode("utf-8")):
        return False
    index.sync_paths([relative])  # so the next sync has nothing to read
    return True


def _read_text(path: object) -> str | None:
    try:
        data = path.read_bytes()  # type: ignore[attr-defined]
    except FileNotFoundError:
        return None
    text, problems = decode(data)
    if problems:
        raise VaultError(f"{path} {problems[0]}; the index note was left as it was.")
    return text
