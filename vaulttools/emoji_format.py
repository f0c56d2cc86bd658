"""Obsidian Tasks' emoji format, read the way Tasks reads it: from the end of the line.

Tasks trims the line, takes a ` ^block-id` off its end, then again and again takes a
signifier and its value off the end (priority, ✅, ❌, 📅, ⏳, 🛫, ➕, 🔁, 🏁, a #tag, 🆔, ⛔),
until none is left. A date followed by other text is not read; when one field is given
twice, the one further left is read last and is the one Tasks keeps. Each pattern here is
anchored at the end and tried from the signifier, so a pass over the line stays linear.
"""

from __future__ import annotations

import re
from typing import NamedTuple

DATE = r"(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})"
_VS = "\ufe0f?"  # an optional variation selector after an emoji
_ID = r"[a-zA-Z0-9_-]+"
_BLOCK_LINK = re.compile(r" \^(?P<id>[a-zA-Z0-9-]+)$")
_TAG = re.compile(r'#[^ !@#$%^&*(),.?":{}|<>]+$')
_MAX_RUNS = 21  # Tasks stops after this many rounds too


def _at_end(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern + "$")


# Tried in this order in each round, as Tasks does. Dates carry a `date` group.
SIGNIFIERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("priority", _at_end(f"[🔺⏫🔼🔽⏬]{_VS}")),
    ("done", _at_end(f"✅{_VS} *{DATE}")),
    ("cancelled", _at_end(f"❌{_VS} *{DATE}")),
    ("due", _at_end(f"[📅📆🗓]{_VS} *{DATE}")),
    ("scheduled", _at_end(f"[⏳⌛]{_VS} *{DATE}")),
    ("start", _at_end(f"🛫{_VS} *{DATE}")),
    ("created", _at_end(f"➕{_VS} *{DATE}")),
    ("recurrence", _at_end(f"🔁{_VS} ?[a-zA-Z0-9, !]+")),
    ("on completion", _at_end(f"🏁{_VS} *[a-zA-Z]+")),
    ("id", _at_end(f"🆔{_VS} *{_ID}")),
    ("depends on", _at_end(f"⛔{_VS} *{_ID}(?: *, *{_ID})* *")),
)
# vaulttools' own reminder, `⏰ 2026-12-01 14:30`: read with the others, unknown to Tasks.
REMINDER = ("reminder", _at_end(f"⏰{_VS}[ \\t]*{DATE}(?:[ T](?P<time>[01]\\d|2[0-3]):[0-5]\\d)?"))


class Span(NamedTuple):
    """A value's text and where it stands in the line."""

    text: str
    start: int
    end: int


class EmojiReading(NamedTuple):
    dates: dict[str, Span]  # field -> its date (and for the reminder, date and time)
    block_id: Span | None
    end: int  # where the description ends in the line


def read_from_end(line: str, start: int, *, reminder: bool = False) -> EmojiReading:
    """The fields Tasks reads from `line[start:]` (the text after the checkbox)."""
    start, end = _trimmed(line, start, len(line))
    block = _BLOCK_LINK.search(line, start, end)
    block_id = Span(block["id"], block.start("id"), block.end("id")) if block else None
    end = _trimmed(line, start, block.start())[1] if block else end
    signifiers = (*SIGNIFIERS, REMINDER) if reminder else SIGNIFIERS
    dates: dict[str, Span] = {}
    for _ in range(_MAX_RUNS):
        before = end
        for name, pattern in signifiers:
            found = pattern.search(line, start, end)
            if found:
                end = _taken(line, start, found, name, dates)
        end = _without_tag(line, start, end)
        if end == before:
            break
    return EmojiReading(dates, block_id, end)


def _taken(line: str, start: int, found: re.Match[str], name: str, dates: dict[str, Span]) -> int:
    if "date" in found.re.groupindex:
        value_end = found.end() if name == "reminder" else found.end("date")
        dates[name] = Span(line[found.start("date") : value_end], found.start("date"), value_end)
    return _trimmed(line, start, found.start())[1]


def _without_tag(line: str, start: int, end: int) -> int:
    """A #tag at the end is set aside (Tasks puts it back into the description)."""
    tag = _TAG.search(line, start, end)
    if tag and (tag.start() == start or line[tag.start() - 1].isspace()):
        return _trimmed(line, start, tag.start())[1]
    return end


def _trimmed(line: str, start: int, end: int) -> tuple[int, int]:
    while start < end and line[start].isspace():
        start += 1
    while end > start and line[end - 1].isspace():
        end -= 1
    return start, end
