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
    ],
)
def test_date_words(word: str, expected: dt.date) -> None:
    assert parse_date_word(word, THURSDAY) == expected


@pytest.mark.parametrize("bad", ["2027-02-29", "27-02-2027", "yesterday", "m", "2027-2-3"])
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
