"""The calendar feed, built from records and read back by parsers that are not ours."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import re
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject
from hypothesis import example, given, settings
from hypothesis import strategies as st
from ical.calendar_stream import IcsCalendarStream

from vaulttools.calendar import (
    ComponentCache,
    FeedSettings,
    build_calendar,
    feed_settings,
    followup_summary,
    meeting_summary,
    obsidian_url,
    render_calendar,
)
from vaulttools.calendar_items import followup_uid, meeting_uid
from vaulttools.config import CalendarSettings, Config
from vaulttools.errors import ConfigError
from vaulttools.model import FollowUp, Meeting

DATA = Path(__file__).parent / "data"
NEW_YORK = ZoneInfo("America/New_York")
SETTINGS = FeedSettings(vault_name="My Vault", zone="Pacific/Auckland")
STAMP = dt.datetime(2026, 11, 20, 8, 30, tzinfo=dt.UTC)  # when the reference items were seen
UID = re.compile(r"[0-9a-f]{32}@vaulttools")


def followup(**changes: Any) -> FollowUp:
    values: dict[str, Any] = {
        "id": "fu-7k2m",
        "text": "Send a thank-you to [[Jane Doe]]",
        "due": dt.date(2026, 12, 5),
        "time": None,
        "done": False,
        "cancelled": False,
        "note": "Meetings/2026-12-04 Jane Doe.md",
        "contact": "Jane Doe",
    }
    return FollowUp(**{**values, **changes})


def meeting(**changes: Any) -> Meeting:
    values: dict[str, Any] = {
        "note": "Meetings/2026-12-04 Jane Doe.md",
        "id": "mt-4fj2kq",
        "contact": "Jane Doe",
        "contacts": ("Jane Doe",),
        "date": dt.date(2026, 12, 4),
        "time": "10:00",
        "duration": 30,
        "status": "planned",
        "location": "Café Rosa, 12 Queen St; upstairs",
        "mode": "in-person",
        "objective": "Learn how she moved into data engineering",
        "organisation": "Acme Ltd",
    }
    return Meeting(**{**values, **changes})


def sample() -> tuple[list[FollowUp], list[Meeting]]:
    followups = [
        followup(),
        followup(
            id="fu-q9x1",
            text="Ask [[Jane Doe|Jane]] about the graduate programme, intake; dates \\ fees",
            due=dt.date(2026, 12, 10),
            time="14:30",
            note="Contacts/Jane Doe.md",
        ),
        followup(id="fu-done", done=True),
        followup(id="fu-cancelled", cancelled=True),
        followup(id="fu-undated", due=None),
    ]
    meetings = [
        meeting(),
        meeting(id="mt-old", status="Canceled"),
        meeting(id="mt-off", status="cancelled"),
    ]
    return followups, meetings


def seen_at(moment: dt.datetime) -> ComponentCache:
    """A cache whose clock says `moment`."""
    return ComponentCache(clock=lambda: moment.timestamp())


def unfold(data: str) -> str:
    return re.sub(r"\r\n[ \t]", "", data)


def lines_of(data: bytes) -> list[str]:
    return unfold(data.decode("utf-8")).split("\r\n")[:-1]


def property_values(data: bytes, name: str) -> list[str]:
    return [line.split(":", 1)[1] for line in lines_of(data) if re.match(f"{name}[;:]", line)]


# --- The reference feed ---------------------------------------------------------------------


def test_the_feed_matches_the_reference_file() -> None:
    """The whole feed, byte for byte; update tests/data/calendar-basic.ics on purpose only."""
    data = build_calendar(*sample(), SETTINGS, seen_at(STAMP))
    assert data == (DATA / "calendar-basic.ics").read_bytes()


def test_the_todo_feed_matches_the_reference_file() -> None:
    settings = dataclasses.replace(SETTINGS, todo=True)
    data = build_calendar(*sample(), settings, seen_at(STAMP))
    assert data == (DATA / "calendar-todo.ics").read_bytes()


# --- RFC 5545 form --------------------------------------------------------------------------


def test_lines_end_in_crlf_and_fit_75_octets() -> None:
    data = build_calendar(*sample(), SETTINGS)
    assert data.endswith(b"END:VCALENDAR\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))


def test_every_component_has_a_uid_and_a_dtstamp() -> None:
    calendar = icalendar.Calendar.from_ical(build_calendar(*sample(), SETTINGS))
    events = calendar.walk("VEVENT")
    assert len(events) == 3
    for event in events:
        assert UID.fullmatch(event["UID"])
        assert isinstance(event.decoded("DTSTAMP"), dt.datetime)
    assert len({event["UID"] for event in events}) == 3


def test_the_header_carries_name_and_refresh_hints() -> None:
    settings = dataclasses.replace(SETTINGS, name="Jobs, people; talks", refresh_minutes=90)
    lines = lines_of(build_calendar([], [], settings))
    assert "NAME:Jobs\\, people\\; talks" in lines
    assert "X-WR-CALNAME:Jobs\\, people\\; talks" in lines
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H30M" in lines
    assert "X-PUBLISHED-TTL;VALUE=DURATION:PT1H30M" in lines
    assert "VERSION:2.0" in lines


def test_an_empty_feed_is_still_a_calendar() -> None:
    data = build_calendar([], [], SETTINGS)
    calendar = IcsCalendarStream.calendar_from_ics(data.decode())
    assert calendar.events == []
    assert b"VTIMEZONE" not in data  # nothing refers to the zone


@pytest.mark.parametrize(
    ("value", "escaped"),
    [
        ("Smith, Jones; Partners", "Smith\\, Jones\\; Partners"),
        ("C:\\Users\\me", "C:\\\\Users\\\\me"),
        ("line one\nline two\r\nthree\rfour", "line one\\nline two\\nthree\\nfour"),
        ("bell\x07 and tab\t", "bell and tab\t"),
        ("Zürich 🚀", "Zürich 🚀"),
        ("C:\\New\\Notes", "C:\\\\New\\\\Notes"),  # a backslash before an N is no line break
    ],
)
def test_text_is_escaped(value: str, escaped: str) -> None:
    lines = lines_of(build_calendar([], [meeting(location=value)], SETTINGS))
    assert "LOCATION:" + escaped in lines


@settings(max_examples=60, deadline=None)
@given(st.text())
def test_folding_keeps_every_line_short_and_every_character_whole(value: str) -> None:
    data = build_calendar([], [meeting(location=value, objective=value)], SETTINGS)
    for piece in data.split(b"\r\n"):
        assert len(piece) <= 75
        piece.decode("utf-8")  # never cut inside a character


@settings(max_examples=60, deadline=None)
@given(place=st.text(), person=st.text(min_size=1).filter(lambda s: s.strip()))
@example(place="C:\\New", person="\\N")  # icalendar alone would write a line break
def test_any_text_comes_back_from_other_parsers(place: str, person: str) -> None:
    data = build_calendar([], [meeting(location=place, contact=person, contacts=())], SETTINGS)
    expected_place = re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", "", re.sub(r"\r\n?", "\n", place))
    expected_person = re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", "", re.sub(r"\r\n?", "\n", person))
    event = vobject.readOne(data.decode()).vevent
    assert event.summary.value == f"Meeting: {expected_person} (Acme Ltd)"
    if expected_place:
        assert event.location.value == expected_place
        parsed = icalendar.Calendar.from_ical(data).walk("VEVENT")[0]
        assert str(parsed["LOCATION"]) == expected_place


@pytest.mark.parametrize("todo", [False, True])
def test_other_parsers_accept_the_feed(todo: bool) -> None:
    data = build_calendar(*sample(), dataclasses.replace(SETTINGS, todo=todo))
    assert vobject.readOne(data.decode()).validate(raiseException=True)
    parsed = _ical(data)
    assert (len(parsed.events), len(parsed.todos)) == ((1, 3) if todo else (3, 0))


_day = st.dates(dt.date(2020, 1, 1), dt.date(2035, 12, 31))
_clock_text = st.times().map(lambda t: t.strftime("%H:%M"))
_followups = st.builds(
    FollowUp,
    id=st.from_regex(r"fu-[a-z0-9]{1,2}", fullmatch=True),
    text=st.text(max_size=60),
    due=st.one_of(st.none(), _day),
    time=st.one_of(st.none(), _clock_text),
    done=st.booleans(),
    cancelled=st.booleans(),
    note=st.text(min_size=1, max_size=30).map(lambda name: f"Contacts/{name}.md"),
    contact=st.one_of(st.none(), st.text(max_size=20)),
)
_meetings = st.builds(
    Meeting,
    note=st.text(min_size=1, max_size=30).map(lambda name: f"Meetings/{name}.md"),
    id=st.from_regex(r"mt-[a-z0-9]{1,2}", fullmatch=True),
    contact=st.one_of(st.none(), st.text(max_size=20)),
    contacts=st.lists(st.text(min_size=1, max_size=20), max_size=3).map(tuple),
    date=st.one_of(st.none(), _day),
    time=st.one_of(st.none(), _clock_text),
    duration=st.integers(0, 600),
    status=st.sampled_from(["planned", "done", "cancelled", ""]),
    location=st.one_of(st.none(), st.text(max_size=40)),
    organisation=st.one_of(st.none(), st.text(max_size=20)),
)


@settings(max_examples=40, deadline=None)
@given(
    followups=st.lists(_followups, max_size=8),
    meetings=st.lists(_meetings, max_size=5),
    zone=st.sampled_from(["Pacific/Auckland", "America/New_York", "Asia/Kolkata", "UTC"]),
    todo=st.booleans(),
)
def test_any_vault_gives_a_feed_every_parser_reads(
    followups: list[FollowUp], meetings: list[Meeting], zone: str, todo: bool
) -> None:
    settings = dataclasses.replace(SETTINGS, zone=zone, todo=todo)
    rendered = render_calendar(followups, meetings, settings)
    data = rendered.data
    components = icalendar.Calendar.from_ical(data).walk("VEVENT") + (
        icalendar.Calendar.from_ical(data).walk("VTODO")
    )
    assert len(components) == rendered.followups + rendered.meetings
    assert len({str(c["UID"]) for c in components}) == len(components)
    assert vobject.readOne(data.decode()).validate(raiseException=True)
    parsed = _ical(data)
    assert len(parsed.events) + len(parsed.todos) == len(components)
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))


# --- Same vault, same bytes; stable UIDs ----------------------------------------------------


def test_the_order_of_the_records_does_not_matter() -> None:
    followups, meetings = sample()
    expected = build_calendar(followups, meetings, SETTINGS)
    for seed in range(5):
        random.Random(seed).shuffle(followups)
        random.Random(seed).shuffle(meetings)
        assert build_calendar(followups, meetings, SETTINGS) == expected


def test_dtstamp_is_when_the_item_was_first_seen_as_it_is() -> None:
    cache = seen_at(STAMP)
    build_calendar(*sample(), SETTINGS, cache)
    cache.clock = lambda: STAMP.timestamp() + 3600  # an hour later, one meeting moved
    followups, meetings = sample()
    meetings[0] = meeting(time="11:00")
    data = build_calendar(followups, meetings, SETTINGS, cache)
    assert property_values(data, "DTSTAMP") == [
        "20261120T093000Z",  # the moved meeting: now
        "20261120T083000Z",  # the others: unchanged since first seen
        "20261120T083000Z",
    ]
    assert property_values(data, "LAST-MODIFIED") == property_values(data, "DTSTAMP")


def test_dtstamp_is_never_in_the_future_nor_moves_back() -> None:
    cache = seen_at(STAMP)
    first = property_values(build_calendar([followup()], [], SETTINGS, cache), "DTSTAMP")
    assert first == ["20261120T083000Z"]
    cache.clock = lambda: STAMP.timestamp() - 86400  # the computer's clock was set back
    moved = followup(due=dt.date(2026, 12, 1))
    assert property_values(build_calendar([moved], [], SETTINGS, cache), "DTSTAMP") == first
    fresh = build_calendar([followup()], [], SETTINGS, ComponentCache())
    (stamp,) = [event.decoded("DTSTAMP") for event in _walk(fresh, "VEVENT")]
    assert stamp <= dt.datetime.now(dt.UTC)


def test_a_line_number_alone_changes_nothing() -> None:
    cache = seen_at(STAMP)
    before = build_calendar([followup(line=3)], [], SETTINGS, cache)
    built = cache.builds
    cache.clock = lambda: STAMP.timestamp() + 60
    assert build_calendar([followup(line=40)], [], SETTINGS, cache) == before
    assert cache.builds == built  # nothing went through icalendar again


def test_edits_to_an_item_keep_its_uid() -> None:
    before = property_values(build_calendar([followup()], [meeting()], SETTINGS), "UID")
    edited = followup(text="Email Jane a thank-you", due=dt.date(2026, 12, 7), line=40)
    moved = meeting(date=dt.date(2027, 1, 5), time="16:00", location="Online")
    after = property_values(build_calendar([edited], [moved], SETTINGS), "UID")
    assert before == after == [meeting_uid(meeting()), followup_uid(followup())]
    assert all(UID.fullmatch(uid) for uid in after)


def test_uids_do_not_depend_on_the_vaults_folder() -> None:
    expected = property_values(build_calendar([followup()], [meeting()], SETTINGS), "UID")
    for name in ("Work notes", "Notizen Zürich", "/home/ana/Private Vault"):
        other = dataclasses.replace(SETTINGS, vault_name=name)
        data = build_calendar([followup()], [meeting()], other)
        assert property_values(data, "UID") == expected
        assert not any(part in uid for uid in expected for part in ("ana", "Vault", "vault-"))


def test_ids_that_are_paths_become_uids_that_do_not_show_them() -> None:
    data = build_calendar([], [meeting(id="Meetings/Lunch, with Jo.md")], SETTINGS)
    (uid,) = property_values(data, "UID")
    assert UID.fullmatch(uid)
    assert "Lunch" not in uid


def test_a_block_id_used_twice_still_gives_two_events() -> None:
    data = build_calendar([followup(), followup(note="Contacts/Jane Doe.md")], [], SETTINGS)
    uids = property_values(data, "UID")
    assert uids[0] == followup_uid(followup())
    assert len(set(uids)) == 2
    assert all(UID.fullmatch(uid) for uid in uids)


# --- What is in the feed --------------------------------------------------------------------


def test_only_open_dated_followups_and_coming_meetings_are_events() -> None:
    rendered = render_calendar(*sample(), SETTINGS)
    uids = property_values(rendered.data, "UID")
    expected = [meeting(), followup(), followup(id="fu-q9x1")]
    assert uids == [meeting_uid(expected[0]), followup_uid(expected[1]), followup_uid(expected[2])]
    assert (rendered.followups, rendered.meetings) == (2, 1)


@pytest.mark.parametrize("status", ["cancelled", "Canceled", " CANCELLED "])
def test_cancelled_meetings_leave_the_feed(status: str) -> None:
    assert render_calendar([], [meeting(status=status)], SETTINGS).meetings == 0


@pytest.mark.parametrize("status", ["done", " DONE ", "planned"])
def test_held_meetings_stay_in_the_feed_as_history(status: str) -> None:
    assert render_calendar([], [meeting(status=status)], SETTINGS).meetings == 1


def test_followups_or_meetings_can_be_left_out() -> None:
    followups, meetings = sample()
    only_meetings = render_calendar(
        followups, meetings, dataclasses.replace(SETTINGS, followups=False)
    )
    only_followups = render_calendar(
        followups, meetings, dataclasses.replace(SETTINGS, meetings=False)
    )
    assert (only_meetings.followups, only_meetings.meetings) == (0, 1)
    assert (only_followups.followups, only_followups.meetings) == (2, 0)


def test_a_whole_day_followup_is_a_date_event_ending_next_day() -> None:
    data = build_calendar([followup(due=dt.date(2026, 12, 31))], [], SETTINGS)
    event = icalendar.Calendar.from_ical(data).walk("VEVENT")[0]
    assert event.decoded("DTSTART") == dt.date(2026, 12, 31)
    assert event.decoded("DTEND") == dt.date(2027, 1, 1)
    assert "DTSTART;VALUE=DATE:20261231" in lines_of(data)
    assert str(event["TRANSP"]) == "TRANSPARENT"


def test_a_whole_day_followup_alarms_at_the_configured_time_of_day() -> None:
    event = _ical_event(build_calendar([followup()], [], SETTINGS))
    assert [alarm.trigger for alarm in event.alarm] == [dt.timedelta(hours=9)]
    silent = dataclasses.replace(SETTINGS, followup_alarm_time=None)
    assert _ical_event(build_calendar([followup()], [], silent)).alarm == []


def test_a_timed_followup_starts_and_alarms_at_its_time() -> None:
    event = _ical_event(build_calendar([followup(time="14:30")], [], SETTINGS))
    assert event.dtstart == dt.datetime(2026, 12, 5, 14, 30, tzinfo=ZoneInfo("Pacific/Auckland"))
    assert event.dtend - event.dtstart == dt.timedelta(minutes=15)
    assert [alarm.trigger for alarm in event.alarm] == [dt.timedelta(0)]


def test_a_meeting_has_place_length_alarm_and_link() -> None:
    event = _ical_event(build_calendar([], [meeting(duration=45)], SETTINGS))
    assert event.summary == "Meeting: Jane Doe (Acme Ltd)"
    assert event.location == "Café Rosa, 12 Queen St; upstairs"
    assert event.dtend - event.dtstart == dt.timedelta(minutes=45)
    assert [alarm.trigger for alarm in event.alarm] == [dt.timedelta(minutes=-30)]
    assert event.url == "obsidian://open?vault=My%20Vault&file=Meetings%2F2026-12-04%20Jane%20Doe"
    assert "Objective: Learn how she moved into data engineering" in event.description
    assert "With: Jane Doe (Acme Ltd)" in event.description


def test_a_followup_description_says_where_it_comes_from() -> None:
    event = _ical_event(build_calendar([followup()], [], SETTINGS))
    assert event.description.splitlines() == [
        "Send a thank-you to Jane Doe",
        "With: Jane Doe",
        "Note: Meetings/2026-12-04 Jane Doe",
        "Done? Tick it in the note, or run: vault done fu-7k2m",
        "Open in Obsidian: obsidian://open?vault=My%20Vault&file=Meetings%2F2026-12-04%20Jane%20Doe",
    ]
    derived = followup(id="ct-1:next", source="next_contact", text="", note="Contacts/Jane Doe.md")
    lines = _ical_event(build_calendar([derived], [], SETTINGS)).description.splitlines()
    assert not any("vault done" in line for line in lines)


def test_meeting_alarms_can_be_turned_off() -> None:
    quiet = dataclasses.replace(SETTINGS, meeting_alarm_minutes=0)
    assert _ical_event(build_calendar([], [meeting()], quiet)).alarm == []


def test_a_meeting_without_a_time_holds_its_day() -> None:
    event = _ical_event(build_calendar([], [meeting(time=None)], SETTINGS))
    assert event.dtstart == dt.date(2026, 12, 4)
    assert event.alarm == []


def test_times_are_read_as_people_write_them() -> None:
    event = _ical_event(build_calendar([], [meeting(time="9:30")], SETTINGS))
    assert event.dtstart == dt.datetime(2026, 12, 4, 9, 30, tzinfo=ZoneInfo("Pacific/Auckland"))
    unreadable = _ical_event(build_calendar([], [meeting(time="after lunch")], SETTINGS))
    assert unreadable.dtstart == dt.date(2026, 12, 4)


def test_a_meeting_without_a_length_takes_the_default() -> None:
    event = _ical_event(build_calendar([], [meeting(duration=0)], SETTINGS))
    assert event.dtend - event.dtstart == dt.timedelta(minutes=30)


def test_followups_as_todos() -> None:
    settings = dataclasses.replace(SETTINGS, todo=True)
    data = build_calendar(*sample(), settings)
    ids = {followup_uid(followup(id=name)): name for name in ("fu-7k2m", "fu-q9x1", "fu-undated")}
    todos = {ids[todo.uid]: todo for todo in _ical(data).todos}
    assert set(todos) == {"fu-7k2m", "fu-q9x1", "fu-undated"}
    assert todos["fu-7k2m"].due == dt.date(2026, 12, 5)
    assert todos["fu-q9x1"].due == dt.datetime(
        2026, 12, 10, 14, 30, tzinfo=ZoneInfo("Pacific/Auckland")
    )
    assert todos["fu-undated"].due is None
    assert todos["fu-7k2m"].status == "NEEDS-ACTION"
    # The alarm rings at 09:00 in the vault's zone on the day it is due.
    (todo,) = [
        t
        for t in icalendar.Calendar.from_ical(data).walk("VTODO")
        if t["UID"] == followup_uid(followup())
    ]
    (alarm,) = todo.walk("VALARM")
    assert alarm.decoded("TRIGGER") == dt.datetime(2026, 12, 4, 20, 0, tzinfo=dt.UTC)
    assert [event.uid for event in _ical(data).events] == [meeting_uid(meeting())]


# --- Words ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("task", "summary"),
    [
        ("Send a thank-you to [[Jane Doe]]", "Thank-you: Jane Doe"),
        ("Send thank-you email to [[Jane Doe]]", "Thank-you email: Jane Doe"),
        ("Send a thank you note to [[Jane Doe|Jane]]", "Thank-you note: Jane"),
        ("Reflect on the conversation with [[Jane Doe]]", "Reflect: Jane Doe"),
        ("Connect with [[Jane Doe]] online", "Connect online: Jane Doe"),
        ("Add the people Jane Doe suggested as contacts", "Add contacts suggested by Jane Doe"),
        ("Follow up with [[Jane Doe]]", "Follow up: Jane Doe"),
        ("Send a thank-you to the whole team", "Send a thank-you to the whole team"),
        (
            "Read [the report](https://example.com/r.pdf) before the call",
            "Read the report before the call",
        ),
        ("Ask about [[Acme Ltd#Graduates|the programme]]", "Ask about the programme"),
        ("", "Follow-up: Jane Doe"),
    ],
)
def test_followup_summaries_read_well_on_a_phone(task: str, summary: str) -> None:
    assert followup_summary(followup(text=task)) == summary


def test_derived_followups_say_what_to_do() -> None:
    assert followup_summary(followup(source="next_contact", text="x")) == "Get in touch: Jane Doe"
    assert followup_summary(followup(source="stay_in_touch", text="x")) == "Stay in touch: Jane Doe"


def test_meeting_summaries_name_everyone() -> None:
    group = meeting(contacts=("Jane Doe", "Raj Patel"), organisation=None)
    assert meeting_summary(group) == "Meeting: Jane Doe, Raj Patel"
    nobody = meeting(contact=None, contacts=(), organisation=None, note="Meetings/Careers fair.md")
    assert meeting_summary(nobody) == "Meeting: Careers fair"


def test_obsidian_links_are_percent_encoded() -> None:
    url = obsidian_url("Notes & more", "People/José #1 [x].md")
    assert (
        url == "obsidian://open?vault=Notes%20%26%20more&file=People%2FJos%C3%A9%20%231%20%5Bx%5D"
    )


# --- Time zones -----------------------------------------------------------------------------

ZONES = [
    "Pacific/Auckland",
    "America/New_York",
    "Europe/London",
    "Europe/Dublin",  # daylight saving written as negative winter time in tzdata
    "Australia/Lord_Howe",  # half-hour daylight saving
    "Asia/Kolkata",  # no daylight saving
    "Africa/Casablanca",  # clocks change around Ramadan
    "UTC",
]
DAYS = [
    dt.date(2026, 3, 8),  # the United States change
    dt.date(2026, 3, 29),  # Europe changes
    dt.date(2026, 4, 5),  # New Zealand and Lord Howe change
    dt.date(2026, 7, 1),
    dt.date(2026, 9, 27),
    dt.date(2026, 10, 25),
    dt.date(2026, 11, 1),
    dt.date(2027, 1, 15),
]
TIMES = ["00:15", "09:00", "12:30", "23:45"]


def zone_sample(zone: str) -> tuple[bytes, dict[str, dt.datetime]]:
    """A meeting at several times on days around clock changes, and where each starts."""
    meetings, expected = [], {}
    for day in DAYS:
        for clock in TIMES:
            ident = f"mt-{day:%Y%m%d}-{clock.replace(':', '')}"
            meetings.append(meeting(id=ident, date=day, time=clock))
            local = dt.datetime.combine(day, dt.time.fromisoformat(clock), ZoneInfo(zone))
            expected[meeting_uid(meetings[-1])] = local.astimezone(NEW_YORK)
    data = build_calendar([], meetings, dataclasses.replace(SETTINGS, zone=zone))
    return data, expected


def starts_by_parser(data: bytes) -> dict[str, dict[str, dt.datetime]]:
    with_icalendar = {
        str(event["UID"]): event.decoded("DTSTART")
        for event in icalendar.Calendar.from_ical(data).walk("VEVENT")
    }
    with_vobject = {
        event.uid.value: event.dtstart.value for event in vobject.readOne(data.decode()).vevent_list
    }
    with_ical = {event.uid: event.dtstart for event in _ical(data).events}
    return {"icalendar": with_icalendar, "vobject": with_vobject, "ical": with_ical}


@pytest.mark.parametrize("zone", ZONES)
def test_meetings_are_at_the_right_time_in_another_zone(zone: str) -> None:
    data, expected = zone_sample(zone)
    for parser, starts in starts_by_parser(data).items():
        in_new_york = {uid: start.astimezone(NEW_YORK) for uid, start in starts.items()}
        assert in_new_york == expected, parser


@pytest.mark.parametrize("zone", [zone for zone in ZONES if zone != "UTC"])
def test_our_vtimezone_alone_gives_the_right_times(zone: str) -> None:
    """Under a TZID no parser knows, each must fall back on the VTIMEZONE we wrote."""
    data, expected = zone_sample(zone)
    # Each test its own name: icalendar remembers a zone by its TZID for the whole process.
    private = "Vault " + zone.replace("/", " ")
    data = data.replace(f"TZID={zone}:".encode(), f"TZID={private}:".encode())
    data = data.replace(f"TZID:{zone}\r\n".encode(), f"TZID:{private}\r\n".encode())
    for parser, starts in starts_by_parser(data).items():
        in_new_york = {uid: start.astimezone(NEW_YORK) for uid, start in starts.items()}
        assert in_new_york == expected, parser


MORE_ZONES = [
    "America/Santiago",
    "America/Havana",
    "Pacific/Chatham",
    "Asia/Tehran",  # dropped daylight saving in 2022
    "Asia/Gaza",
    "America/Mexico_City",  # dropped daylight saving in 2022
    "Pacific/Apia",  # dropped daylight saving in 2021
    "America/St_Johns",
]
YEARS_OF_CHANGE = [2005, 2006, 2007, 2021, 2022, 2023, 2027, 2100]


@pytest.mark.parametrize("zone", [zone for zone in ZONES if zone != "UTC"] + MORE_ZONES)
def test_the_vtimezone_agrees_with_the_zone_every_hour(zone: str) -> None:
    """In years when rules changed (the United States 2007, Apia 2021, Mexico 2022) too."""
    data, _ = zone_sample(zone)
    written = icalendar.Calendar.from_ical(data).walk("VTIMEZONE")[0].to_tz()
    real = ZoneInfo(zone)
    for year in YEARS_OF_CHANGE:
        moment = dt.datetime(year, 1, 1, tzinfo=dt.UTC)
        while moment.year == year:
            expected = moment.astimezone(real).utcoffset()
            assert moment.astimezone(written).utcoffset() == expected, moment
            moment += dt.timedelta(hours=1)


def test_the_vtimezone_is_the_same_whatever_the_years_of_the_items() -> None:
    def zone_lines(day: dt.date) -> list[str]:
        lines = lines_of(build_calendar([], [meeting(date=day)], SETTINGS))
        return lines[lines.index("BEGIN:VTIMEZONE") : lines.index("END:VTIMEZONE") + 1]

    written = zone_lines(dt.date(2026, 12, 4))
    assert written == zone_lines(dt.date(2031, 6, 1)) == zone_lines(dt.date(2005, 1, 1))
    assert not any(line.startswith("RRULE") for line in written)  # no rule claims more
    rdates = [line for line in written if line.startswith("RDATE")]
    assert len(rdates) > 150  # each change from 2000 to 2100 ...
    assert not any("," in line for line in rdates)  # ... on a line of its own


# A clock change repeats or skips an hour: (zone, day, time, instant RFC 5545 gives it).
EDGES = [
    ("America/New_York", dt.date(2027, 11, 7), "01:30", "2027-11-07T05:30Z"),  # first 01:30
    ("America/New_York", dt.date(2027, 3, 14), "02:30", "2027-03-14T07:30Z"),  # offset before
    ("Pacific/Auckland", dt.date(2026, 4, 5), "02:30", "2026-04-04T13:30Z"),
    ("Pacific/Auckland", dt.date(2026, 9, 27), "02:15", "2026-09-26T14:15Z"),
    ("Australia/Lord_Howe", dt.date(2026, 4, 5), "01:45", "2026-04-04T14:45Z"),  # half hour
    ("Australia/Lord_Howe", dt.date(2026, 10, 4), "02:15", "2026-10-03T15:45Z"),
    ("America/St_Johns", dt.date(2026, 11, 1), "01:30", "2026-11-01T04:00Z"),
    ("America/St_Johns", dt.date(2026, 3, 8), "02:30", "2026-03-08T06:00Z"),
]


@pytest.mark.parametrize(("zone", "day", "clock", "instant"), EDGES)
def test_a_time_a_clock_change_repeats_or_skips_is_the_instant_rfc_5545_gives(
    zone: str, day: dt.date, clock: str, instant: str
) -> None:
    settings = dataclasses.replace(SETTINGS, zone=zone)
    data = build_calendar([], [meeting(date=day, time=clock, duration=60)], settings)
    expected = dt.datetime.fromisoformat(instant)
    assert f"DTSTART:{expected:%Y%m%dT%H%M%SZ}" in lines_of(data)  # UTC: no reader can differ
    for parser, starts in starts_by_parser(data).items():
        (start,) = starts.values()
        assert start == expected, parser
    event = _ical_event(data)
    assert event.dtend - event.dtstart == dt.timedelta(hours=1)


@pytest.mark.parametrize("zone", ["America/New_York", "Pacific/Auckland", "Australia/Lord_Howe"])
def test_no_item_ends_before_it_starts_on_a_night_the_clocks_change(zone: str) -> None:
    days = [dt.date(2026, 3, 8), dt.date(2026, 4, 5), dt.date(2026, 9, 27), dt.date(2026, 10, 4)]
    days += [dt.date(2026, 11, 1), dt.date(2027, 11, 7)]
    meetings = [
        meeting(id=f"mt-{day}-{minute}", date=day, time=f"{minute // 60:02d}:{minute % 60:02d}")
        for day in days
        for minute in range(0, 4 * 60, 15)
    ]
    data = build_calendar([], meetings, dataclasses.replace(SETTINGS, zone=zone))
    for event in _walk(data, "VEVENT"):
        start, end = (event.decoded(name).astimezone(dt.UTC) for name in ("DTSTART", "DTEND"))
        assert end - start == dt.timedelta(minutes=30), event["UID"]


def test_utc_times_are_written_in_utc() -> None:
    data = build_calendar([], [meeting()], dataclasses.replace(SETTINGS, zone="UTC"))
    assert "DTSTART:20261204T100000Z" in lines_of(data)
    assert b"VTIMEZONE" not in data


def test_a_meeting_across_a_clock_change_lasts_its_real_length() -> None:
    # Clocks in New Zealand go back at 03:00 on 5 April 2026: 02:30 + 60 min is 02:30 again.
    settings = dataclasses.replace(SETTINGS, zone="Pacific/Auckland")
    start_day = dt.date(2026, 4, 5)
    event = _ical_event(
        build_calendar([], [meeting(date=start_day, time="02:30", duration=60)], settings)
    )
    assert event.dtend.astimezone(dt.UTC) - event.dtstart.astimezone(dt.UTC) == dt.timedelta(
        hours=1
    )


# --- Settings -------------------------------------------------------------------------------


def test_settings_come_from_the_config() -> None:
    config = Config(timezone="Europe/Berlin", calendar=CalendarSettings(followup_alarm_time=""))
    settings = feed_settings(config, "My Vault", todo=True)
    assert settings.zone == "Europe/Berlin"
    assert settings.followup_alarm_time is None
    assert settings.todo


@pytest.mark.parametrize(
    ("calendar", "message"),
    [
        (CalendarSettings(followup_alarm_time="9am"), "followup_alarm_time '9am' is not a time"),
        (CalendarSettings(refresh_minutes=0), "refresh_minutes must be at least 1"),
        (CalendarSettings(meeting_alarm_minutes=-5), "meeting_alarm_minutes must be 0 or more"),
    ],
)
def test_bad_calendar_settings_are_reported(calendar: CalendarSettings, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        feed_settings(Config(timezone="UTC", calendar=calendar), "My Vault")


# --- Helpers --------------------------------------------------------------------------------


def _walk(data: bytes, name: str) -> list[Any]:
    return icalendar.Calendar.from_ical(data).walk(name)


def _ical(data: bytes) -> Any:
    return IcsCalendarStream.calendar_from_ics(data.decode("utf-8"))


def _ical_event(data: bytes) -> Any:
    (event,) = _ical(data).events
    return event
