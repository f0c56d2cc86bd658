"""No date a note can hold takes the calendar down: the first and last days a date can be."""

from __future__ import annotations

import dataclasses
import datetime as dt
import urllib.request
from pathlib import Path

import icalendar
import pytest
import vobject
from ical.calendar_stream import IcsCalendarStream

from vaulttools.calendar import FeedSettings, build_calendar, feed_settings
from vaulttools.model import FollowUp, Meeting
from vaulttools.serve import FeedCache, VaultFeed, serve_in_thread, start_server
from vaulttools.vault import Vault

from .conftest import RunVault, set_timezone

EDGE_DAYS = [dt.date(1, 1, 1), dt.date(1, 1, 2), dt.date(9999, 12, 30), dt.date(9999, 12, 31)]
EDGE_TIMES = [None, "00:15", "13:00", "23:50"]
# The zones furthest ahead of and behind UTC, and one with half hours.
ZONES = ["Pacific/Kiritimati", "Pacific/Pago_Pago", "Australia/Lord_Howe", "UTC"]


def records() -> tuple[list[FollowUp], list[Meeting]]:
    followups, meetings = [], []
    for day in EDGE_DAYS:
        for clock in EDGE_TIMES:
            ident = f"{day.isoformat()}-{clock}"
            followups.append(
                FollowUp(f"fu-{ident}", "Call [[Jane Doe]]", day, clock, False, False, "a.md", "J")
            )
            meetings.append(Meeting("m.md", f"mt-{ident}", "J", ("J",), day, clock, 600, "planned"))
    return followups, meetings


@pytest.mark.parametrize("todo", [False, True])
@pytest.mark.parametrize("zone", ZONES)
def test_the_first_and_last_days_give_a_feed_every_parser_reads(zone: str, todo: bool) -> None:
    settings = FeedSettings(vault_name="My Vault", zone=zone, todo=todo)
    data = build_calendar(*records(), settings)
    parsed = icalendar.Calendar.from_ical(data)
    components = parsed.walk("VEVENT") + parsed.walk("VTODO")
    assert len(components) == 2 * len(EDGE_DAYS) * len(EDGE_TIMES)
    assert vobject.readOne(data.decode()).validate(raiseException=True)
    strict = IcsCalendarStream.calendar_from_ics(data.decode())
    assert len(strict.events) + len(strict.todos) == len(components)


def test_a_whole_day_item_on_the_last_day_lasts_that_day() -> None:
    day = dt.date(9999, 12, 31)
    item = FollowUp("fu-last", "Someday", day, None, False, False, "a.md", None)
    data = build_calendar([item], [], FeedSettings(vault_name="V"))
    (event,) = icalendar.Calendar.from_ical(data).walk("VEVENT")
    assert event.decoded("DTSTART") == day
    assert "DTEND" not in event  # RFC 5545: a day's event without an end lasts that day


def write_edge_notes(vault: Path) -> None:
    (vault / "Contacts").mkdir(exist_ok=True)
    (vault / "Contacts" / "Jane Doe.md").write_text(
        "---\ntype: contact\nname: Jane Doe\nid: ct-jane\nnext_contact: 9999-12-31\n---\n"
        "- [ ] Someday 📅 9999-12-31 ^fu-late\n"
        "- [ ] Later still 📅 9999-12-31 ⏰ 9999-12-31 23:30 ^fu-later\n"
        "- [ ] Long ago 📅 0001-01-01 ⏰ 0001-01-01 00:15 ^fu-early\n",
        encoding="utf-8",
    )
    (vault / "Meetings").mkdir(exist_ok=True)
    (vault / "Meetings" / "9999-12-31 Jane Doe.md").write_text(
        "---\ntype: meeting\ncontact: \"[[Jane Doe]]\"\ndate: 9999-12-31\ntime: '23:00'\n"
        "duration: 120\nstatus: planned\nid: mt-late\n---\n",
        encoding="utf-8",
    )


def test_export_and_serve_take_the_last_day_a_date_can_be(vault: Path, in_vault: RunVault) -> None:
    set_timezone(vault, "America/New_York")
    write_edge_notes(vault)
    result = in_vault("export-ics", "-o", "-")
    assert result.exit_code == 0, result.output
    exported = icalendar.Calendar.from_ical(result.stdout_bytes)
    summaries = {str(event["SUMMARY"]) for event in exported.walk("VEVENT")}
    assert {"Someday", "Later still", "Long ago", "Meeting: Jane Doe"} <= summaries
    opened = Vault.open(vault)
    feed = VaultFeed(opened, dataclasses.replace(feed_settings(opened.config, vault.name)))
    server = start_server("127.0.0.1", 0, FeedCache(feed, interval=0))
    thread = serve_in_thread(server)
    try:
        url = f"http://127.0.0.1:{server.port}/calendar.ics"
        with urllib.request.urlopen(url, timeout=10) as response:
            served = response.read()
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
    assert len(icalendar.Calendar.from_ical(served).walk("VEVENT")) == len(exported.walk("VEVENT"))
