"""Markdown task lines in Obsidian Tasks and Dataview formats: parse them, and edit one."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import re
from dataclasses import dataclass

from .fields import Field, inline_fields
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
_DATAVIEW_KEYS = {
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


@dataclass(frozen=True)
class Task:
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


def task_at(line: str, column: int, line_no: int) -> Task:
    """The task whose `[ ]` starts at `column` of the line (Markdown structure said so)."""
    line = line.rstrip("\r\n")
    status, body = line[column + 1], line[column + 3 :].lstrip(" \t")
    dates: dict[str, dt.date] = {}
    reminder: dt.datetime | None = None

    body, block_id = _split_block_id(body)

    for found in _EMOJI_DATE.finditer(body):
        _put_date(dates, _emoji_field(found["emoji"]), found[2])
    known = [field for field in inline_fields(body) if field.key.lower() in _DATAVIEW_KEYS]
    for field in known:
        key = _DATAVIEW_KEYS[field.key.lower()]
        if key == "reminder":
            reminder = _parse_reminder(field.value) or reminder
        else:
            _put_date(dates, key, field.value[:10])
    reminder_match = _REMINDER.search(body)
    if reminder_match:
        reminder = _reminder_from(reminder_match) or reminder

    text = _REMINDER.sub("", _EMOJI_DATE.sub("", _without(body, known)))
    text = _SPACES.sub(" ", _DECORATIONS.sub("", text)).strip()
    return Task(
        line=line_no,
        status=status,
        text=text,
        due=dates.get("due"),
        scheduled=dates.get("scheduled"),
        done_on=dates.get("done"),
        cancelled_on=dates.get("cancelled"),
        reminder=reminder,
        block_id=block_id,
        links=tuple(link_target(raw) for raw in WIKILINK.findall(text)),
    )


def _split_block_id(body: str) -> tuple[str, str | None]:
    """The body without its trailing ` ^block-id`, and the id (found from the end, not searched)."""
    trimmed = body.rstrip(" \t")
    caret = trimmed.rfind("^")
    if caret < 1 or trimmed[caret - 1] not in " \t" or not _BLOCK_ID.fullmatch(trimmed, caret + 1):
        return body, None
    return trimmed[:caret].rstrip(" \t"), trimmed[caret + 1 :]


def _emoji_field(emoji: str) -> str:
    return next(name for name, signs in _EMOJI_FIELDS.items() if emoji in signs)


def _put_date(dates: dict[str, dt.date], key: str, text: str) -> None:
    # An impossible date such as 2026-02-30 is no date at all.
    with contextlib.suppress(ValueError):
        dates.setdefault(key, dt.date.fromisoformat(text))


def _without(text: str, fields: list[Field]) -> str:
    """The text with these fields cut out."""
    kept, position = [], 0
    for field in fields:
        kept.append(text[position : field.start])
        position = field.end
    return "".join([*kept, text[position:]])


def _reminder_from(match: re.Match[str]) -> dt.datetime | None:
    try:
        day = dt.date.fromisoformat(match[1])
    except ValueError:
        return None
    hour, minute = (int(match[2]), int(match[3])) if match[2] else (0, 0)
    return dt.datetime.combine(day, dt.time(hour, minute))


def _parse_reminder(text: str) -> dt.datetime | None:
    match = _REMINDER.match("⏰ " + text)
    return _reminder_from(match) if match else None


def task_id(note_key: str, task: Task, occurrence: int = 1) -> str:
    """A follow-up's stable id: its block id, else a hash of its note and its description.

    The hash leaves out status and dates so that ticking or rescheduling keeps the id; an
    `occurrence` above 1 tells identical descriptions in one note apart.
    """
    if task.block_id:
        return task.block_id
    seed = f"{note_key}\n{task.text.casefold()}\n{occurrence}"
    return "t-" + hashlib.sha1(seed.encode("utf-8")).hexdigest()[:8]
