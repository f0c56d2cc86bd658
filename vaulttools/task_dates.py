"""Which dates a task line gives, as Obsidian Tasks and Dataview read them, and what is left.

vaulttools reads a date where either plugin does: Tasks' emoji format from the end of the
line (`emoji_format`), then Dataview's inline fields (`[due:: 2026-12-01]`). It also reads
an emoji date that Tasks skips because text follows it, as Dataview does, and its own
reminder (`⏰ 2026-12-01 14:30`); each such date comes with a remark for `vault check`, since
Obsidian Tasks will not show it. A date that no reader takes (`📅 14/12/2026`,
`[due:: 20261201]`, `due 12 Dec`) is a remark too, never dropped silently. Pure.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import NamedTuple

from .emoji_format import Span, read_from_end
from .fields import Field, inline_fields

DATE_FIELDS = ("due", "scheduled", "start", "created", "done", "cancelled")
# Dataview's keys for task dates (as written, case and all); `completed` is Dataview's too.
_DATAVIEW_KEYS = {
    "due": "due",
    "scheduled": "scheduled",
    "start": "start",
    "created": "created",
    "completion": "done",
    "completed": "done",
    "cancelled": "cancelled",
    "reminder": "reminder",
}
_SIGNS = {"due": "📅📆🗓", "scheduled": "⏳⌛", "done": "✅", "cancelled": "❌", "start": "🛫"}
_LOOSE = re.compile(r"(?P<sign>[📅📆🗓⏳⌛✅❌🛫⏰])\ufe0f?[ \t\xa0]*(?P<value>[0-9][^\s\]\)]*)?")
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATAVIEW_DAY = re.compile(
    r"([0-9]{4}-[0-9]{2}-[0-9]{2})(?:T[0-2][0-9]:[0-5][0-9](?::[0-5][0-9])?)?"
)
_REMINDER_VALUE = re.compile(
    r"([0-9]{4}-[0-9]{2}-[0-9]{2})(?:[ T]([01][0-9]|2[0-3]):([0-5][0-9]))?(?![0-9:])"
)
_LOOSE_REMINDER = re.compile(
    r"⏰\ufe0f?[ \t]*(?P<value>[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[ T][0-9]{2}:[0-9]{2})?)"
)
# The start of a line that Obsidian Tasks takes for a task.
_TASKS_TASK = re.compile(r"[\s>]*(?:[-*+]|[0-9]+[.)]) +\[.\]")
_WORDS_FOR_A_DATE = re.compile(
    r"\b(?:due|by)\b[ :]+(?:\d{1,2}(?:st|nd|rd|th)?[ /.-]\w+|[A-Za-z]{3,9}\.? \d{1,2}\b|\d+[/.]\d+)"
    r"|\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b",
    re.IGNORECASE,
)


class Dated(NamedTuple):
    day: dt.date
    span: Span  # the date's text in the line
    source: str  # "tasks", "dataview" or "loose" (an emoji date Tasks does not read)


class TaskDates(NamedTuple):
    dates: dict[str, Dated]
    reminder: dt.datetime | None
    block_id: str | None
    remarks: tuple[str, ...]  # phrases completing "has a task on line N ..."
    unreadable_due: Span | None = None  # a due date no reader takes, for `snooze` to replace


def read_dates(line: str, start: int, seen_line: str | None = None) -> TaskDates:
    """The dates of the task whose text starts at `start`. `seen_line` is the line as
    Obsidian Tasks sees it (comments included), when it differs from `line`."""
    ours = read_from_end(line, start, reminder=True)
    fields = [
        f._replace(start=f.start + start, value_start=f.value_start + start, end=f.end + start)
        for f in inline_fields(line[start:])
    ]
    dates: dict[str, Dated] = {}
    for name in DATE_FIELDS:
        found = _from_tasks(ours.dates.get(name)) or _from_fields(line, fields, name)
        found = found or _loose(line, start, name)
        if found:
            dates[name] = found
    # Tasks reads the same as us unless comments were blanked or our ⏰ was taken off the end.
    same = seen_line is None and "reminder" not in ours.dates
    seen = ours.dates if same else read_from_end(seen_line or line, start).dates
    remarks = [
        *_not_a_task_to_tasks(dates, seen_line or line, start),
        *_unseen_by_tasks(dates, seen),
        *_unread(line, start, dates, fields),
    ]
    reminder = _reminder(ours.dates.get("reminder"), fields, line, start)
    block_id = ours.block_id.text if ours.block_id else None
    unreadable = None if "due" in dates else _unreadable_due(line, start, fields)
    return TaskDates(dates, reminder, block_id, tuple(dict.fromkeys(remarks)), unreadable)


def _unreadable_due(line: str, start: int, fields: list[Field]) -> Span | None:
    """Where a due date is written that no reader takes: the first `[due:: …]` or 📅 value."""
    for field in fields:
        if field.key == "due" and field.value:
            at = line.index(field.value, field.value_start)
            return Span(field.value, at, at + len(field.value))
    for found in _LOOSE.finditer(line, start):
        value = (found["value"] or "").rstrip(".,;:!?")
        if found["sign"] in _SIGNS["due"] and value:
            return Span(value, found.start("value"), found.start("value") + len(value))
    return None


def _day(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if _ISO_DAY.fullmatch(text) else None
    except ValueError:
        return None


def _from_tasks(span: Span | None) -> Dated | None:
    day = _day(span.text) if span else None
    return Dated(day, span, "tasks") if day and span else None


def _from_fields(line: str, fields: list[Field], name: str) -> Dated | None:
    """The first Dataview field for `name` whose value is a date, as Dataview takes it."""
    for field in fields:
        value = _DATAVIEW_DAY.fullmatch(field.value)
        if _DATAVIEW_KEYS.get(field.key) == name and value and _day(value[1]):
            at = line.index(field.value, field.value_start)
            return Dated(_day(value[1]), Span(value[1], at, at + 10), "dataview")  # type: ignore[arg-type]
    return None


def _loose(line: str, start: int, name: str) -> Dated | None:
    """The first emoji date for `name` anywhere in the line, as Dataview reads one."""
    signs = _SIGNS.get(name, "")
    if not any(sign in line for sign in signs):
        return None
    for found in _LOOSE.finditer(line, start):
        value = found["value"] or ""
        day = _day(value[:10]) if found["sign"] in signs and not value[10:11].isdigit() else None
        if day:
            at = found.start("value")
            return Dated(day, Span(value[:10], at, at + 10), "loose")
    return None


def _not_a_task_to_tasks(dates: dict[str, Dated], seen_line: str, start: int) -> list[str]:
    """A dated task whose line Obsidian Tasks does not take for a task (`-\t[ ]`)."""
    if dates and not _TASKS_TASK.match(seen_line, 0, start):
        return ["that Obsidian Tasks does not read as a task (write '- [ ] ' with spaces)"]
    return []


def _unseen_by_tasks(dates: dict[str, Dated], seen: dict[str, Span]) -> Iterator[str]:
    """Emoji dates that Obsidian Tasks, reading the same line, does not see."""
    for name in ("due", "scheduled"):
        dated = dates.get(name)
        if dated is None or dated.source == "dataview":
            continue
        by_tasks = _from_tasks(seen.get(name))
        if by_tasks is None or by_tasks.day != dated.day:
            yield (
                f"with {_SIGNS[name][0]} {dated.day.isoformat()}, a date Obsidian Tasks will not"
                " see (it reads dates only at the end of the line)"
            )


def _unread(line: str, start: int, dates: dict[str, Dated], fields: list[Field]) -> list[str]:
    """Dates written in a way no reader takes."""
    taken = {dated.span.start for dated in dates.values()}
    remarks = []
    for found in _LOOSE.finditer(line, start):
        value = (found["value"] or "").rstrip(".,;:!?")
        if not value or found.start("value") in taken:
            continue
        fine = _reminder_at(line, found.start()) if found["sign"] == "⏰" else _day(value)
        if not fine:
            remarks.append(f"with {found['sign']} {value}, which is not a date (YYYY-MM-DD)")
    for field in fields:
        remarks += _field_remark(field)
    words = None if dates or remarks else _WORDS_FOR_A_DATE.search(line, start)
    if words:
        remarks.append(f"with '{words[0]}', a date no reader takes: write 📅 YYYY-MM-DD")
    return remarks


def _field_remark(field: Field) -> list[str]:
    name = _DATAVIEW_KEYS.get(field.key)
    written = f"[{field.key}:: {field.value}]"
    value = _DATAVIEW_DAY.fullmatch(field.value)
    if name == "reminder":
        return [] if _moment(field.value) else [f"with {written}, which is not a date and time"]
    if name:
        return (
            []
            if value and _day(value[1])
            else [f"with {written}, which is not a date (YYYY-MM-DD)"]
        )
    near = field.key.casefold().replace(" ", "").strip("*_")
    wanted = next((key for key in _DATAVIEW_KEYS if near.startswith(key)), None)
    if wanted and value:
        return [f"with {written}, which is not read as a date: write [{wanted}:: {field.value}]"]
    return []


def _reminder(span: Span | None, fields: list[Field], line: str, start: int) -> dt.datetime | None:
    """vaulttools' own reminder: `⏰ 2026-12-01 14:30` or `[reminder:: 2026-12-01 14:30]`."""
    texts = [span.text] if span else []
    texts += [field.value for field in fields if field.key == "reminder"]
    moments = (_moment(text) for text in texts)
    loose = (_reminder_at(line, found.start()) for found in _LOOSE_REMINDER.finditer(line, start))
    return next((moment for moment in (*moments, *loose) if moment), None)


def _reminder_at(line: str, position: int) -> dt.datetime | None:
    found = _LOOSE_REMINDER.match(line, position)
    return _moment(found["value"]) if found else None


def _moment(text: str) -> dt.datetime | None:
    value = _REMINDER_VALUE.fullmatch(text.strip())
    day = _day(value[1]) if value else None
    if value is None or day is None:
        return None
    hour, minute = (int(value[2]), int(value[3])) if value[2] else (0, 0)
    return dt.datetime.combine(day, dt.time(hour, minute))
