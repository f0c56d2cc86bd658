"""Dates and times as typed on the command line."""

from __future__ import annotations

import datetime as dt

import pytest

from vaulttools.dates import parse_date_word, parse_time
from vaulttools.errors import UsageError

THURSDAY = dt.date(2026, 11, 26)


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("today", THURSDAY),
        ("Tomorrow", dt.date(2026, 11, 27)),
        ("friday", dt.date(2026, 11, 27)),
        ("thursday", dt.date(2026, 12, 3)),  # the next one, not today
        ("mon", dt.date(2026, 11, 30)),
        ("2027-02-28", dt.date(2027, 2, 28)),
        ("yesterday", dt.date(2026, 11, 25)),
        ("next week", dt.date(2026, 12, 3)),
        ("next friday", dt.date(2026, 11, 27)),
        ("in 3 days", dt.date(2026, 11, 29)),
        ("in a week", dt.date(2026, 12, 3)),
        ("+3d", dt.date(2026, 11, 29)),
        ("+2w", dt.date(2026, 12, 10)),
        ("-1d", dt.date(2026, 11, 25)),
        ("2 days ago", dt.date(2026, 11, 24)),
        ("12 Dec", dt.date(2026, 12, 12)),
        ("Dec 12", dt.date(2026, 12, 12)),
        ("12 december 2027", dt.date(2027, 12, 12)),
        ("20 nov", dt.date(2026, 11, 20)),  # last week, not next year
        ("5 Jan", dt.date(2027, 1, 5)),  # the coming January
    ],
)
def test_date_words(word: str, expected: dt.date) -> None:
    assert parse_date_word(word, THURSDAY) == expected


@pytest.mark.parametrize(
    "bad",
    ["2027-02-29", "27-02-2027", "someday", "m", "2027-2-3", "31 Feb", "12 Decx", "+3y", "in days"],
)
def test_bad_dates(bad: str) -> None:
    with pytest.raises(UsageError, match="not a date"):
        parse_date_word(bad, THURSDAY)


@pytest.mark.parametrize(("text", "expected"), [("9:05", "09:05"), ("23:59", "23:59")])
def test_times(text: str, expected: str) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize("bad", ["24:00", "9", "9:5", "noon"])
def test_bad_times(bad: str) -> None:
    with pytest.raises(UsageError, match="not a time"):
        parse_time(bad)
