"""The records the index answers with, shared by listings, the calendar and the report.

Plain immutable data, no I/O: named tuples, which a process builds several times quicker
than frozen dataclasses, and a listing reads back by the thousand (`kept_followups`). Fields
may be added; renaming one is a breaking change for `--json` output, whose keys are these
names.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple


class FollowUp(NamedTuple):
    """Something to do by a date: a task in a note, or a reminder derived from a contact."""

    id: str  # block id (fu-7k2m), a hash for tasks without one, or `<note id>:next|keep`
    text: str
    due: dt.date | None
    time: str | None  # HH:MM when the task has a reminder time on its day
    done: bool
    cancelled: bool
    note: str  # path relative to the vault
    contact: str | None  # the person it concerns, by name
    source: str = "task"  # task, next_contact or stay_in_touch
    line: int | None = None  # 0-based line of the task in its note; None when derived
    done_on: dt.date | None = None
    contact_note: str | None = None  # the contact's note, when the contact has one
    # Why it needs doing no more although its note still shows it open (its meeting was
    # cancelled, say); worked out from the vault, never written to the note.
    settled: str | None = None

    @property
    def is_open(self) -> bool:
        """Still to do: not ticked, cancelled or settled by what happened since."""
        return not (self.done or self.cancelled or self.settled)


class Meeting(NamedTuple):
    note: str
    id: str
    contact: str | None  # the first (or only) person, by name
    contacts: tuple[str, ...]
    date: dt.date | None
    time: str | None
    duration: int
    status: str  # planned, done or cancelled
    location: str | None = None
    mode: str | None = None
    objective: str | None = None
    organisation: str | None = None
    contact_notes: tuple[str, ...] = ()  # notes of the people in `contacts` that have one


class Contact(NamedTuple):
    name: str
    note: str
    id: str
    organisation: str | None
    role: str | None
    status: str
    last_met: dt.date | None
    next_followup: dt.date | None
    email: str | None = None
    referred_by: str | None = None
    organisation_note: str | None = None  # the organisation's note, when it has one
    last_contact: dt.date | None = None  # the last conversation, or approach (`contacted`)


class Suggested(NamedTuple):
    """A name suggested in a meeting note, with what the vault knows of that person so far."""

    name: str  # the contact's name when they have a note, else as written in the link
    suggested_by: str | None  # the meeting's (first) contact, by name
    meeting: str  # the meeting note where it was first suggested
    date: dt.date | None  # that meeting's date
    note: str | None  # the note the link resolves to, if any
    contact_note: str | None = None  # that note, when it is a contact's

    @property
    def has_note(self) -> bool:
        return self.note is not None


def to_json(record: Any) -> dict[str, Any]:
    """A record (a named tuple) as JSON-ready data: dates as YYYY-MM-DD, tuples as lists."""
    return {key: _plain(value) for key, value in record._asdict().items()}


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    return value
