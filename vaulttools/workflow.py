"""The workflow's edits to notes: reaching out, moving and cancelling a meeting, ticking.

Each function reads the note, changes only what the command is about (its properties,
its task lines, or lines added to a section) and writes it back onto exactly the bytes it
read, through `Snapshot`, so an edit made meanwhile in an editor is never overwritten.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .config import kind_of_folder
from .errors import UsageError, VaultError
from .model import Contact, Meeting
from .notes import Note, decode, parse_note
from .stages import APPROACHES, is_add_suggested
from .tasks import Task
from .templates import new_id
from .vault import Snapshot, Vault
from .wikilinks import readable

# How each way of reaching out reads in the log, and what a reply would answer.
_REACHED_OUT = {
    "email": ("by email", "email"),
    "linkedin": ("by LinkedIn message", "LinkedIn message"),
    "phone": ("by phone", "call"),
    "message": ("by message", "message"),
    "in-person": ("in person", "request"),
}
EARLY_STAGES = ("prospect", "contacted")
CONVERSATION_LOG = "Conversation log"
FOLLOW_UPS = "Follow-ups"


@dataclass
class Editable:
    """A note as read for editing: its bytes (checked again before writing), text and model."""

    snapshot: Snapshot
    text: str
    note: Note

    @classmethod
    def read(cls, vault: Vault, relative: str) -> Editable:
        snapshot = Snapshot.read(vault.path(relative), vault.state_dir)
        text, problems = decode(snapshot.data)
        if problems:
            raise VaultError(f"{relative} {problems[0]}, so vaulttools will not edit it.")
        kind = kind_of_folder(vault.config.folders, relative)
        return cls(snapshot, text, parse_note(text, relative, kind=kind))

    def save(self) -> None:
        self.snapshot.replace(self.text.encode("utf-8"))


def open_tasks(note: Note) -> list[Task]:
    """The note's follow-ups still to do that carry a day."""
    return [t for t in note.tasks if not (t.done or t.cancelled) and t.when is not None]


# Moving and cancelling a meeting ------------------------------------------------------------


def reschedule_meeting(
    vault: Vault, meeting: Meeting, day: dt.date, time: str | None
) -> tuple[int, list[str]]:
    """Move the meeting to `day` (and `time`), its open follow-ups by as many days, and the
    "When:" line the meeting template wrote, while it still says the old date.

    Returns the days moved and the follow-ups moved, as their text.
    """
    from .edit import replace_line, set_property, snooze_task
    from .notes import as_date, as_time

    if meeting.status == "cancelled":
        raise VaultError(f"{meeting.note} is cancelled; set its status to planned first.")
    editable = Editable.read(vault, meeting.note)
    note = editable.note
    current = as_date(note.properties.get("date"))  # the note's, not the index's
    if current is None:
        raise VaultError(f"{meeting.note} has no date to move from; set its `date` instead.")
    shift = day - current
    # The body first, by the line numbers read: a property added above would shift them.
    text = editable.text
    moved = open_tasks(note) if shift else []
    for task in moved:
        text = snooze_task(text, task.line, task.when + shift)  # type: ignore[operator]
    was = (current, as_time(note.properties.get("time")))

    def moved_when(line: str) -> str:
        return when_line(line, *was, day, time) or line

    for number, line in note.outline.visible:  # outside code and comments
        if when_line(line, *was) is not None:
            text = replace_line(text, note.body_line + number, moved_when)
            break
    text = set_property(text, "date", day)
    if time:
        text = set_property(text, "time", time)
    editable.text = text
    editable.save()
    return shift.days, [readable(task.text) for task in moved]


# `- **When:** 2026-12-04 at 10:00, 30 minutes`, as the meeting template writes it.
_WHEN = re.compile(r"^(\s*[-*+]\s+\*\*When:\*\*\s+)(\d{4}-\d\d-\d\d)(?: at (\d\d?:\d\d))?(,.*|)$")


def when_line(
    line: str,
    day: dt.date,
    time: str | None,
    new_day: dt.date | None = None,
    new_time: str | None = None,
) -> str | None:
    """The "When:" line moved to `new_day` (and `new_time`), when `line` is one that says
    `day` and `time` (or no time); else None: a line the user rewrote is theirs."""
    found = _WHEN.match(line)
    if not found or found[2] != day.isoformat() or found[3] not in (None, time):
        return None
    clock = new_time or found[3]
    at = f" at {clock}" if clock else ""
    return f"{found[1]}{(new_day or day).isoformat()}{at}{found[4]}"


def cancel_meeting(vault: Vault, meeting: Meeting, today: dt.date) -> list[str]:
    """Mark the meeting cancelled and its open follow-ups cancelled today (❌)."""
    from .edit import cancel_task, set_property

    if meeting.status == "cancelled":
        raise VaultError(f"{meeting.note} is already cancelled; nothing was changed.")
    editable = Editable.read(vault, meeting.note)
    text = set_property(editable.text, "status", "cancelled")
    tasks = open_tasks(editable.note)
    for task in tasks:
        text = cancel_task(text, task.line, today)
    editable.text = text
    editable.save()
    return [readable(task.text) for task in tasks]


def tick_add_suggested(vault: Vault, meeting_note: str, day: dt.date) -> int:
    """Tick the meeting's open "Add the people … suggested" step; how many were ticked."""
    from .edit import tick_task

    editable = Editable.read(vault, meeting_note)
    steps = [t for t in open_tasks(editable.note) if is_add_suggested(t.text)]
    for task in steps:
        editable.text = tick_task(editable.text, task.line, day)
    if steps:
        editable.save()
    return len(steps)


# Reaching out ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Approach:
    via: str
    on: dt.date
    chase_days: int  # 0: no reminder to chase


@dataclass(frozen=True)
class Logged:
    log_line: str
    stage_set: bool
    chase: str | None  # the follow-up added to chase a non-reply


def log_approach(vault: Vault, contact: Contact, approach: Approach) -> Logged:
    """A line in the contact's conversation log; `contacted` set to its date while they are
    a prospect or contacted (their stage follows); and a follow-up to chase a non-reply
    `chase_days` later."""
    from .edit import add_to_section, set_property

    if approach.via not in APPROACHES:
        raise UsageError(
            f"{approach.via!r} is not a way to reach out; use {', '.join(APPROACHES)}."
        )
    editable = Editable.read(vault, contact.note)
    line = f"- {approach.on.isoformat()}: reached out {_REACHED_OUT[approach.via][0]}"
    text = add_to_section(editable.text, CONVERSATION_LOG, [line])
    early = contact.status in EARLY_STAGES
    if early:
        # The stage follows from `contacted` (and later from a booked meeting); a `status`
        # of prospect set by hand would hold it back, so it goes.
        if str(editable.note.properties.get("status") or "").casefold() == "prospect":
            text = set_property(text, "status", None)
        text = set_property(text, "contacted", approach.on)
    chase = _chase_task(contact, approach) if early and approach.chase_days > 0 else None
    if chase:
        text = add_to_section(text, FOLLOW_UPS, [chase])
    editable.text = text
    editable.save()
    return Logged(line.removeprefix("- "), early, chase)


def _chase_task(contact: Contact, approach: Approach) -> str:
    due = approach.on + dt.timedelta(days=approach.chase_days)
    return (
        f"- [ ] Chase [[{contact.note.rsplit('/', 1)[-1].removesuffix('.md')}]] if there is no "
        f"reply to my {_REACHED_OUT[approach.via][1]} of {approach.on.isoformat()} "
        f"📅 {due.isoformat()} "
        f"^{new_id('fu', 4)}"
    )
