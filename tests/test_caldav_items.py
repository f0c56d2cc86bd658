"""Follow-ups and meetings as CalDAV items, and those items read back: pure, no server."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vaulttools.caldav.items import (
    EVENT,
    TODO,
    ItemSettings,
    fingerprint,
    followup_item,
    from_ical,
    meeting_item,
    sync_items,
    to_ical,
)
from vaulttools.calendar_ids import followup_uid
from vaulttools.calendar_settings import FeedSettings
from vaulttools.model import FollowUp, Meeting

ZONE = ZoneInfo("Pacific/Auckland")
SETTINGS = ItemSettings(FeedSettings("My Vault", zone=ZONE.key, todo=True), ZONE)
NOW = dt.datetime(2026, 11, 29, 9, 0, tzinfo=ZONE)


def followup(**changes: object) -> FollowUp:
    values: dict[str, object] = {
        "id": "fu-7k2m",
        "text": "Send a thank-you to [[Jane Doe]]",
        "due": dt.date(2026, 12, 2),
        "time": None,
        "done": False,
        "cancelled": False,
        "note": "Contacts/Jane Doe.md",
        "contact": "Jane Doe",
    }
    return FollowUp(**{**values, **changes})  # type: ignore[arg-type]


def meeting(**changes: object) -> Meeting:
    values: dict[str, object] = {
        "note": "Meetings/2026-12-01 Jane Doe.md",
        "id": "mt-1",
        "contact": "Jane Doe",
        "contacts": ("Jane Doe",),
        "date": dt.date(2026, 12, 1),
        "time": "10:00",
        "duration": 45,
        "status": "planned",
        "location": "Cuba St café",
    }
    return Meeting(**{**values, **changes})  # type: ignore[arg-type]


def test_a_followup_is_a_todo_with_the_feeds_uid_and_an_alarm_at_nine() -> None:
    item = followup_item(followup(), SETTINGS)
    assert (item.uid, item.kind, item.summary) == (
        followup_uid(followup()),
        TODO,
        "Thank-you: Jane Doe",
    )
    assert item.uid.endswith("@vaulttools")
    assert item.alarm == dt.datetime(2026, 12, 2, 9, 0, tzinfo=ZONE)


def test_a_timed_followup_rings_at_its_time() -> None:
    item = followup_item(followup(time="14:30"), SETTINGS)
    assert item.start == dt.datetime(2026, 12, 2, 14, 30, tzinfo=ZONE) == item.alarm


def test_cancelled_followups_and_meetings_are_left_out_and_done_ones_kept() -> None:
    items = sync_items(
        [followup(), followup(id="fu-x", cancelled=True), followup(id="fu-d", done=True)],
        [meeting(), meeting(id="mt-2", status="cancelled"), meeting(id="mt-3", date=None)],
        SETTINGS,
    )
    assert [(item.summary, item.done, item.kind) for item in items] == [
        ("Thank-you: Jane Doe", False, TODO),
        ("Thank-you: Jane Doe", True, TODO),
        ("Meeting: Jane Doe", False, EVENT),
    ]


def test_a_block_id_copied_into_two_places_gives_two_items() -> None:
    items = sync_items([followup(), followup(note="Contacts/Copy.md")], [], SETTINGS)
    assert len({item.uid for item in items}) == 2


@pytest.mark.parametrize(
    "item",
    [
        followup_item(followup(), SETTINGS),
        followup_item(followup(time="14:30"), SETTINGS),
        followup_item(followup(due=None), SETTINGS),
        followup_item(followup(done=True, done_on=dt.date(2026, 12, 1)), SETTINGS),
        meeting_item(meeting(), SETTINGS),
        meeting_item(meeting(time=None), SETTINGS),
    ],
)
def test_what_is_sent_reads_back_as_the_same_item(item: object) -> None:
    back = from_ical(to_ical(item, SETTINGS, NOW), ZONE)  # type: ignore[arg-type]
    assert back is not None and back.ours
    assert back.view == item.view  # type: ignore[attr-defined]


def test_a_meeting_is_an_event_with_place_length_and_an_alarm_before_it() -> None:
    data = to_ical(meeting_item(meeting(), SETTINGS), SETTINGS, NOW).decode()
    assert "BEGIN:VEVENT" in data and "DTEND;TZID=Pacific/Auckland:20261201T104500" in data
    assert "LOCATION:Cuba St café" in data and "TRIGGER:-PT30M" in data
    assert "BEGIN:VTIMEZONE" in data and "TZID:Pacific/Auckland" in data


def test_a_completed_todo_says_when() -> None:
    item = followup_item(followup(done=True, done_on=dt.date(2026, 12, 1)), SETTINGS)
    back = from_ical(to_ical(item, SETTINGS, NOW), ZONE)
    assert back is not None and back.done and back.done_on == dt.date(2026, 12, 1)


def test_another_programs_data_is_not_ours_or_not_read() -> None:
    assert from_ical(b"not a calendar", ZONE) is None
    other = b"BEGIN:VCALENDAR\r\nBEGIN:VTODO\r\nUID:milk@phone\r\nEND:VTODO\r\nEND:VCALENDAR\r\n"
    found = from_ical(other, ZONE)
    assert found is not None and not found.ours and found.uid == "milk@phone"


@given(st.text(min_size=1, max_size=40), st.integers(min_value=0, max_value=90))
def test_the_fingerprint_follows_what_is_sent(text: str, days: int) -> None:
    moved = followup(text=text, due=dt.date(2026, 1, 1) + dt.timedelta(days=days))
    same = followup_item(moved, SETTINGS)
    assert fingerprint(same) == fingerprint(followup_item(moved, SETTINGS))
    later = followup(text=text, due=dt.date(2026, 1, 1) + dt.timedelta(days=days + 1))
    assert fingerprint(same) != fingerprint(followup_item(later, SETTINGS))
    assert same.kind == TODO != EVENT
