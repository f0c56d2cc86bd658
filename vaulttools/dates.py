"""Dates and times as the user types them and as notes store them. Pure."""

from __future__ import annotations

import datetime as dt
import re

from .errors import UsageError

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december")  # fmt: skip
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_FIXED = {"today": 0, "tomorrow": 1, "yesterday": -1, "next week": 7}
_UNITS = {"d": 1, "day": 1, "days": 1, "w": 7, "week": 7, "weeks": 7}
_SHIFT = re.compile(r"^(?:([+-])\s*(\d{1,4})\s*(d|w)|in\s+(\d{1,4}|a|one)\s+(days?|weeks?)"
                    r"|(\d{1,4})\s+(days?|weeks?)\s+ago)$")  # fmt: skip
_DAY_MONTH = re.compile(r"^(\d{1,2})\s+([a-z]{3,9})\.?(?:\s+(\d{4}))?$")
_MONTH_DAY = re.compile(r"^([a-z]{3,9})\.?\s+(\d{1,2})(?:,?\s+(\d{4}))?$")
DATE_FORMS = "YYYY-MM-DD, today, tomorrow, a weekday, next week, in 3 days, +3d or 12 Dec"


def parse_date_word(text: str, today: dt.date) -> dt.date:
    """A date as typed, counted from `today`: see DATE_FORMS.

    A weekday is its next occurrence after today; a day and month without a year is the
    one nearest to today (12 Dec in late November is this December, 28 Nov last week).
    """
    word = " ".join(text.strip().lower().split()).removeprefix("next ").strip()
    word = "next week" if word == "week" else word
    for parse in (_fixed, _shifted, _weekday, _day_and_month, _iso):
        found = parse(word, today)
        if found is not None:
            return found
    raise UsageError(f"{text!r} is not a date: use {DATE_FORMS}.")


def _fixed(word: str, today: dt.date) -> dt.date | None:
    days = _FIXED.get(word)
    return None if days is None else today + dt.timedelta(days=days)


def _shifted(word: str, today: dt.date) -> dt.date | None:
    """`+3d`, `-2w`, `in 3 days`, `in a week`, `2 days ago`."""
    match = _SHIFT.match(word)
    if not match:
        return None
    sign, count, unit, in_count, in_unit, ago_count, ago_unit = match.groups()
    if sign:
        days = int(count) * _UNITS[unit] * (-1 if sign == "-" else 1)
    elif in_count:
        days = (1 if in_count in ("a", "one") else int(in_count)) * _UNITS[in_unit]
    else:
        days = -int(ago_count) * _UNITS[ago_unit]
    return today + dt.timedelta(days=days)


def _weekday(word: str, today: dt.date) -> dt.date | None:
    weekday = _weekday_index(word)
    if weekday is None:
        return None
    return today + dt.timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)


def _weekday_index(word: str) -> int | None:
    if len(word) < 3:
        return None
    for index, day in enumerate(_WEEKDAYS):
        if day.startswith(word):
            return index
    return None


def _day_and_month(word: str, today: dt.date) -> dt.date | None:
    """`12 Dec`, `12 december 2026`, `Dec 12`: the year given, else the one nearest today."""
    match = _DAY_MONTH.match(word)
    day, month, year = match.groups() if match else (None, None, None)
    if not match:
        match = _MONTH_DAY.match(word)
        month, day, year = match.groups() if match else (None, None, None)
    number = _month_number(month or "")
    if not (day and number):
        return None
    years = [int(year)] if year else [today.year - 1, today.year, today.year + 1]
    candidates = [_real_date(y, number, int(day)) for y in years]
    real = [c for c in candidates if c is not None]
    return min(real, key=lambda c: abs(c - today)) if real else None


def _month_number(name: str) -> int | None:
    """`dec`, `december` or `sept`: a month's first three letters or more of its name."""
    for number, month in enumerate(_MONTHS, start=1):
        if len(name) >= 3 and (month.startswith(name) or (name == "sept" and number == 9)):
            return number
    return None


def _real_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _iso(word: str, today: dt.date) -> dt.date | None:
    if len(word) != 10:
        return None
    try:
        return dt.date.fromisoformat(word)
    except ValueError:
        return None


def parse_time(text: str) -> str:
    """`HH:MM` (24-hour), normalised to two-digit hours."""
    match = _TIME.match(text.strip())
    if not match:
        raise UsageError(f"{text!r} is not a time: use HH:MM, for example 09:30 or 14:00.")
    return f"{int(match[1]):02d}:{match[2]}"
