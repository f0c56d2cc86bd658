"""Dates and times as the user types them and as notes store them."""

from __future__ import annotations

import datetime as dt
import re

from .errors import UsageError

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def parse_date_word(text: str, today: dt.date) -> dt.date:
    """`YYYY-MM-DD`, `today`, `tomorrow`, or a weekday name (its next occurrence after today)."""
    word = text.strip().lower()
    if word == "today":
        return today
    if word == "tomorrow":
        return today + dt.timedelta(days=1)
    weekday = _weekday_index(word)
    if weekday is not None:
        ahead = (weekday - today.weekday() - 1) % 7 + 1
        return today + dt.timedelta(days=ahead)
    try:
        return dt.date.fromisoformat(word) if len(word) == 10 else _raise_bad_date(text)
    except ValueError:
        return _raise_bad_date(text)


def _weekday_index(word: str) -> int | None:
    if len(word) < 3:
        return None
    for index, day in enumerate(_WEEKDAYS):
        if day.startswith(word):
            return index
    return None


def _raise_bad_date(text: str) -> dt.date:
    raise UsageError(
        f"{text!r} is not a date: use YYYY-MM-DD, 'today', 'tomorrow' or a weekday name."
    )


def parse_time(text: str) -> str:
    """`HH:MM` (24-hour), normalised to two-digit hours."""
    match = _TIME.match(text.strip())
    if not match:
        raise UsageError(f"{text!r} is not a time: use HH:MM, for example 09:30 or 14:00.")
    return f"{int(match[1]):02d}:{match[2]}"
