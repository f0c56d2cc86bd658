"""Markdown task lines in Obsidian Tasks and Dataview formats: parse them, and edit one."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import re
from dataclasses import dataclass

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
# Dataview inline fields: [due:: 2026-12-01] or (due:: 2026-12-01).
_INLINE_FIELD = re.compile(r"[\[(](?P<key>[A-Za-z][\w -]*?)::[ \t]*(?P<value>[^\])]*)[\])]")
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
_BLOCK_ID = re.compile(r"[ \t]+\^(?P<id>[A-Za-z0-9-]+)[ \t]*$")
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
    """A Task when the line is a Markdown task, else None."""
    match = TASK_LINE.match(line.rstrip("\r\n"))
    if not match:
        return None
    body = match["body"]
    dates: dict[str, dt.date] = {}
    reminder: dt.datetime | None = None

    block = _BLOCK_ID.search(body)
    block_id = block["id"] if block else None
    if block:
        body = body[: block.start()]

    for found in _EMOJI_DATE.finditer(body):
        _put_date(dates, _emoji_field(found["emoji"]), found[2])
    for found in _INLINE_FIELD.finditer(body):
        key = _DATAVIEW_KEYS.get(found["key"].strip().lower())
        if key == "reminder":
            reminder = _parse_reminder(found["value"].strip()) or reminder
        elif key:
            _put_date(dates, key, found["value"].strip()[:10])
    reminder_match = _REMINDER.search(body)
    if reminder_match:
        reminder = _reminder_from(reminder_match) or reminder

    text = _REMINDER.sub("", _EMOJI_DATE.sub("", body))
    text = _INLINE_FIELD.sub(lambda m: "" if _is_known_field(m) else m[0], text)
    text = _SPACES.sub(" ", _DECORATIONS.sub("", text)).strip()
    return Task(
        line=line_no,
        status=match["status"],
        text=text,
        due=dates.get("due"),
        scheduled=dates.get("scheduled"),
        done_on=dates.get("done"),
        cancelled_on=dates.get("cancelled"),
        reminder=reminder,
        block_id=block_id,
        links=tuple(link_target(raw) for raw in WIKILINK.findall(text)),
    )


def _emoji_field(emoji: str) -> str:
    return next(name for name, signs in _EMOJI_FIELDS.items() if emoji in signs)


def _put_date(dates: dict[str, dt.date], key: str, text: str) -> None:
    # An impossible date such as 2026-02-30 is no date at all.
    with contextlib.suppress(ValueError):
        dates.setdefault(key, dt.date.fromisoformat(text))


def _is_known_field(match: re.Match[str]) -> bool:
    return match["key"].strip().lower() in _DATAVIEW_KEYS


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
