"""Markdown task lines in Obsidian Tasks and Dataview formats: parse them, and edit one."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import NamedTuple

from .emoji_format import Span
from .fields import Field, inline_fields
from .task_dates import Dated, read_dates
from .wikilinks import WIKILINK, link_target

TASK_LINE = re.compile(
    r"^(?P<indent>[ \t>]*)(?P<bullet>[-*+]|\d+[.)])[ \t]+\[(?P<status>[^\]\n])\][ \t]+(?P<body>.*)$"
)
_DATE = r"(\d{4}-\d{2}-\d{2})"
# Obsidian Tasks' emoji signifiers; each is followed by a date.
_EMOJI_FIELDS = {
    "due": "📅📆🗓",
    "scheduled": "⏳⌛",
    "start": "🛫",
    "created": "➕",
    "done": "✅",
    "cancelled": "❌",
}
_EMOJI_DATE = re.compile(
    r"(?P<emoji>[" + "".join(_EMOJI_FIELDS.values()) + r"])\ufe0f?[ \t]*" + _DATE
)
_REMINDER = re.compile(r"⏰\ufe0f?[ \t]*" + _DATE + r"(?:[ T]([01]\d|2[0-3]):([0-5]\d))?")
_DESCRIPTION_KEYS = {
    "due": "due",
    "scheduled": "scheduled",
    "start": "start",
    "created": "created",
    "completion": "done",
    "done": "done",
    "cancelled": "cancelled",
    "reminder": "reminder",
}
_BLOCK_ID = re.compile(r"[A-Za-z0-9-]+")
_DECORATIONS = re.compile(r"[⏫🔼🔽🔺⏬]\ufe0f?|🔁[^📅📆🗓⏳⌛🛫➕✅❌⏰^\[(]*")
_SPACES = re.compile(r"\s+")


class Task(NamedTuple):
    """One `- [ ]` line, with the dates and identity it carries."""

    line: int  # 0-based line number in the note's text
    status: str  # the character between the brackets
    text: str  # the description, without dates, priority or block id
    due: dt.date | None = None
    scheduled: dt.date | None = None
    done_on: dt.date | None = None
    cancelled_on: dt.date | None = None
    reminder: dt.datetime | None = None
    block_id: str | None = None
    links: tuple[str, ...] = ()
    # Columns of the date `when` is read from, else of a due date written so no reader takes
    # it: what `vault snooze` replaces.
    day_span: tuple[int, int] | None = None
    remarks: tuple[str, ...] = ()  # for `vault check`: "has a task on line N <remark>"

    @property
    def done(self) -> bool:
        return self.status in "xX"

    @property
    def cancelled(self) -> bool:
        return self.status == "-"

    @property
    def when(self) -> dt.date | None:
        """The day it is for: due, else scheduled, else the reminder's day."""
        return self.due or self.scheduled or (self.reminder.date() if self.reminder else None)

    @property
    def time(self) -> str | None:
        """The reminder's time of day, when it has one on the day the task is for."""
        if (
            self.reminder
            and self.reminder.date() == self.when
            and self.reminder.time() != dt.time()
        ):
            return self.reminder.strftime("%H:%M")
        return None


def parse_task(line: str, line_no: int) -> Task | None:
    """A Task when the line looks like a Markdown task on its own, else None."""
    match = TASK_LINE.match(line.rstrip("\r\n"))
    return task_at(line, match.start("status") - 1, line_no) if match else None


def task_at(line: str, column: int, line_no: int, seen_line: str | None = None) -> Task:
    """The task whose `[ ]` starts at `column` of the line (Markdown structure said so).

    `seen_line` is the line with its comments, as Obsidian Tasks reads it, when `line` has
    them blanked."""
    line = line.rstrip("\r\n")
    found = read_dates(line, column + 3, seen_line.rstrip("\r\n") if seen_line else None)
    day = found.dates.get("due") or found.dates.get("scheduled")
    text = _description(line[column + 3 :])
    return Task(
        line=line_no,
        status=line[column + 1],
        text=text,
        due=_day_of(found.dates.get("due")),
        scheduled=_day_of(found.dates.get("scheduled")),
        done_on=_day_of(found.dates.get("done")),
        cancelled_on=_day_of(found.dates.get("cancelled")),
        reminder=found.reminder,
        block_id=found.block_id or _split_block_id(line[column + 3 :].strip())[1],
        links=tuple(link_target(raw) for raw in WIKILINK.findall(text)),
        day_span=(day.span.start, day.span.end) if day else _span(found.unreadable_due),
        remarks=found.remarks,
    )


def _span(span: Span | None) -> tuple[int, int] | None:
    return (span.start, span.end) if span else None


def _day_of(dated: Dated | None) -> dt.date | None:
    return dated.day if dated else None


def _description(body: str) -> str:
    """The task's words: without dates, fields, priority, recurrence or block id."""
    body = _split_block_id(body.strip())[0]
    known = [field for field in inline_fields(body) if field.key.lower() in _DESCRIPTION_KEYS]
    text = _REMINDER.sub("", _EMOJI_DATE.sub("", _without(body, known)))
    return _SPACES.sub(" ", _DECORATIONS.sub("", text)).strip()


def _split_block_id(body: str) -> tuple[str, str | None]:
    """The body without its trailing ` ^block-id`, and the id (found from the end, not searched)."""
    trimmed = body.rstrip(" \t")
    caret = trimmed.rfind("^")
    if caret < 1 or trimmed[caret - 1] not in " \t" or not _BLOCK_ID.fullmatch(trimmed, caret + 1):
        return body, None
    return trimmed[:caret].rstrip(" \t"), trimmed[caret + 1 :]


def _without(text: str, fields: list[Field]) -> str:
    """The text with these fields cut out."""
    kept, position = [], 0
    for field in fields:
        kept.append(text[position : field.start])
        position = field.end
    return "".join([*kept, text[position:]])


def task_id(note_key: str, task: Task, occurrence: int = 1) -> str:
    """A follow-up's stable id: its block id, else a hash of its note and its description.

    The hash leaves out status and dates so that ticking or rescheduling keeps the id; an
    `occurrence` above 1 tells identical descriptions in one note apart.
    """
    if task.block_id:
        return task.block_id
    seed = f"{note_key}\n{task.text.casefold()}\n{occurrence}"
    return "t-" + hashlib.sha1(seed.encode("utf-8")).hexdigest()[:8]
