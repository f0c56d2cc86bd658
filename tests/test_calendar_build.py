"""A batch of builds shares what repeats between components, and writes what icalendar writes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any

import icalendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vaulttools import calendar, calendar_build, component_cache
from vaulttools.calendar_build import PARALLEL_MIN, Helper, Job, build_jobs, start_helper
from vaulttools.calendar_items import build_followup, build_meeting, build_todo, zone_years
from vaulttools.calendar_values import SharedValues
from vaulttools.helper import by_item
from vaulttools.index import Index, fresh_index, schema
from vaulttools.model import FollowUp, Meeting

from .test_calendar import SETTINGS, _followups, _meetings, followup, meeting
from .vaultbuilders import contact, make_vault, write

BUILDERS = {"meeting": build_meeting, "followup": build_followup, "todo": build_todo}
STAMPS = st.sampled_from([1_700_000_000, 1_700_000_000, 1_790_000_000])


def alone(jobs: list[Job], feed: object) -> list[tuple[bytes, tuple[int, ...]]]:
    """Each component built on its own and written by icalendar's `to_ical`."""
    built = []
    for kind, item, uid, stamp in jobs:
        when = dt.datetime.fromtimestamp(stamp, dt.UTC)
        component = BUILDERS[kind](item, feed, uid, when)
        built.append((component.to_ical(), tuple(sorted(zone_years(component)))))
    return built


def jobs_for(followups: list[FollowUp], meetings: list[Meeting], todo: bool) -> list[Job]:
    jobs: list[Job] = []
    for number, item in enumerate(meetings):
        if item.date:
            jobs.append(("meeting", item, f"m{number}@test", 1_700_000_000 + number % 2))
    for number, task in enumerate(followups):
        if todo or task.due:
            kind = "todo" if todo else "followup"
            jobs.append((kind, task, f"f{number}@test", 1_700_000_000 + number % 3))
    return jobs


@settings(max_examples=60, deadline=None)
@given(
    followups=st.lists(_followups, max_size=10),
    meetings=st.lists(_meetings, max_size=6),
    zone=st.sampled_from(["Pacific/Auckland", "America/New_York", "Asia/Kolkata", "UTC"]),
    todo=st.booleans(),
)
def test_a_batch_writes_each_component_as_icalendar_does_alone(
    followups: list[FollowUp], meetings: list[Meeting], zone: str, todo: bool
) -> None:
    feed = dataclasses.replace(SETTINGS, zone=zone, todo=todo)
    jobs = jobs_for(followups, meetings, todo)
    assert build_jobs(jobs, feed) == alone(jobs, feed)


def test_repeated_values_are_one_object_and_each_component_still_reads_back() -> None:
    """Items on one day from one note share their day, stamp and link; not their words."""
    shared = SharedValues()
    stamp = dt.datetime(2026, 11, 20, 8, 30, tzinfo=dt.UTC)
    first = build_followup(followup(), SETTINGS, "a@test", stamp, shared)
    second = build_followup(
        followup(id="fu-2", text="Call [[Jane Doe]]"), SETTINGS, "b@test", stamp, shared
    )
    for name in ("DTSTART", "DTEND", "DTSTAMP", "URL", "CATEGORIES", "TRANSP"):
        assert first[name] is second[name], name
    assert first["SUMMARY"] != second["SUMMARY"]
    for component in (first, second):
        data = shared.to_ical(component)
        assert data == component.to_ical()
        back = icalendar.Event.from_ical(data)
        assert back["UID"] == component["UID"]
        assert back.decoded("DTSTART") == dt.date(2026, 12, 5)


def test_an_instant_in_two_zones_is_two_values() -> None:
    """Equal datetimes in different zones (or folds) are written differently: never shared."""
    shared = SharedValues()
    utc = dt.datetime(2026, 12, 4, 10, 0, tzinfo=dt.UTC)
    stamp = dt.datetime(2026, 11, 20, tzinfo=dt.UTC)
    auckland = dataclasses.replace(SETTINGS, zone="Pacific/Auckland")
    in_utc = dataclasses.replace(SETTINGS, zone="UTC")
    local = build_meeting(
        meeting(time="23:00", date=dt.date(2026, 12, 4)), auckland, "a@t", stamp, shared
    )
    other = build_meeting(
        meeting(time="10:00", date=dt.date(2026, 12, 4)), in_utc, "b@t", stamp, shared
    )
    assert local.decoded("DTSTART") == utc == other.decoded("DTSTART")
    assert b"DTSTART;TZID=Pacific/Auckland:20261204T230000" in shared.to_ical(local)
    assert b"DTSTART:20261204T100000Z" in shared.to_ical(other)


# --- A helper process shares a large batch ----------------------------------------------------


def many_jobs(count: int) -> list[Job]:
    """Follow-ups on many days from a few notes, and meetings at many times."""
    jobs: list[Job] = []
    for number in range(count):
        day = dt.date(2026, 1, 1) + dt.timedelta(days=number % 400)
        if number % 7 == 0:
            item = meeting(id=f"mt-{number}", date=day, time=f"{8 + number % 10}:15")
            jobs.append(("meeting", item, f"m{number}@test", 1_700_000_000))
        else:
            task = followup(id=f"fu-{number}", due=day, note=f"Contacts/P{number % 9}.md")
            jobs.append(("followup", task, f"f{number}@test", 1_700_000_000 + number % 5))
    return jobs


def test_a_helper_process_builds_from_the_back_what_the_parent_would() -> None:
    jobs = many_jobs(120)
    helper = start_helper()
    assert helper is not None
    helper.give((SETTINGS, jobs), len(jobs))
    deadline = time.monotonic() + 120
    while helper.low > 0 and time.monotonic() < deadline:
        time.sleep(0.01)  # until it handed back the first job, the last one it builds
    built = by_item(helper.stop())
    assert helper.process.returncode is not None
    assert [built[number] for number in range(len(jobs))] == alone(jobs, SETTINGS)


def test_a_large_batch_shared_with_a_helper_gives_the_same_bytes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    jobs = many_jobs(400)
    helpers: list[Helper] = []
    real = calendar_build.start_helper

    def recording() -> Helper | None:
        helpers.append(real())  # type: ignore[arg-type]
        return helpers[-1]

    monkeypatch.setattr(calendar_build, "start_helper", recording)
    assert build_jobs(jobs, SETTINGS) == alone(jobs, SETTINGS)
    assert len(helpers) == 1 and helpers[0] is not None
    assert helpers[0].process.returncode is not None  # stopped before the builds returned


@pytest.mark.parametrize(
    "command",
    [
        "import sys; sys.exit(3)",  # dies at once
        "import sys; sys.stdin.buffer.read(); sys.stdout.buffer.write(b'not a pickle')",
        "import sys, pickle; sys.stdin.buffer.read(); pickle.dump((0, [3]), sys.stdout.buffer)",
        "import sys, pickle; sys.stdin.buffer.read(); pickle.dump((0, 9, [3]), sys.stdout.buffer)",
    ],
)
def test_a_helper_that_fails_leaves_every_job_to_the_parent(command: str) -> None:
    jobs = many_jobs(PARALLEL_MIN)
    helper = start_helper((sys.executable, "-c", command))
    assert helper is not None
    assert build_jobs(jobs, SETTINGS, helper) == alone(jobs, SETTINGS)
    assert helper.process.returncode is not None


def test_a_helper_is_not_started_when_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VAULTTOOLS_WORKERS", "1")
    assert start_helper() is None


def test_an_export_of_a_large_vault_starts_its_helper_early_and_stops_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With nothing cached, a helper starts before the records are read; the same feed."""
    events: list[object] = []
    real_helper, real_records = calendar_build.start_helper, Index.followups
    monkeypatch.setattr(calendar_build, "start_helper", lambda: _noted(events, real_helper()))
    monkeypatch.setattr(Index, "followups", lambda self: _noted(events, real_records(self)))
    monkeypatch.setattr(calendar, "HELPER_NOTES", 30)
    monkeypatch.setattr(calendar_build, "PARALLEL_MIN", 1)
    root = tmp_path / "v"
    make_vault(root)
    for number in range(30):
        body = f"- [ ] Write to [[P{number}]] 📅 2026-12-{number % 28 + 1:02d} ^fu-{number}\n"
        write(root, f"Contacts/P{number}.md", contact(f"P{number}") + body)
    feeds = []
    for workers in ("2", "1"):
        monkeypatch.setenv("VAULTTOOLS_WORKERS", workers)
        monkeypatch.setattr(component_cache, "_memory", {})
        with fresh_index(make_vault(root)) as index:
            forget_components(root)
            feeds.append(calendar.calendar_from_index(index, SETTINGS))
            feeds.append(calendar.calendar_from_index(index, SETTINGS))  # cached: no helper
    assert all(feed == feeds[0] for feed in feeds) and feeds[0].followups == 30
    helper = events[0]
    assert isinstance(helper, Helper) and isinstance(events[1], list)  # then the records
    assert helper.process.returncode is not None  # stopped
    assert not any(isinstance(event, Helper) for event in events[1:])  # none when cached or off


def _noted(events: list[object], value: object) -> Any:
    events.append(value)
    return value


def forget_components(root: Path) -> None:
    with sqlite3.connect(root / ".vaulttools" / schema.INDEX_FILE) as connection:
        connection.execute("DELETE FROM calendar_components")


def test_the_index_hands_back_only_the_components_a_process_does_not_hold(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`watch` holds every component after its first pass: it reads none of their bytes."""
    monkeypatch.setattr(component_cache, "_memory", {})
    root = tmp_path / "v"
    make_vault(root)
    for number in range(5):
        body = f"- [ ] Write to [[P{number}]] 📅 2026-12-0{number + 1} ^fu-{number}\n"
        write(root, f"Contacts/P{number}.md", contact(f"P{number}") + body)
    with fresh_index(make_vault(root)) as index:
        calendar.calendar_from_index(index, SETTINGS)
        store, feed = index.calendar_store(), component_cache.feed_key(SETTINGS)
        every = store.load(feed)
        held = sorted(uid for uid in every if "@" in uid)[:3]
        rest = store.load(feed, held)
    assert len(every) == 6  # five follow-ups and the calendar's own properties
    assert rest == {uid: entry for uid, entry in every.items() if uid not in held}
    assert len(rest) == 3
