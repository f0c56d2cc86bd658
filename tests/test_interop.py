"""The feed read by the calendar programs people use, not by our code.

Vaults in eight zones hold meetings on and around each clock change, in years whose rules
differ (the United States before and after 2007, Apia before and after 2021, Mexico before
and after 2022). Each vault's feed, made by `vault export-ics`, is read by khal, calcurse,
vdirsyncer (subscribed over HTTP to `vault serve`'s server), Mozilla's ical.js and node-ical,
icalendar, ical, vobject, recurring-ical-events, and Radicale through the caldav library;
every one of them must place every item at the instant its note means (RFC 5545: the first
of a repeated hour, a skipped hour read with the offset from before the change).

Many items go to each program at once, so the suite takes seconds, not minutes. `.ci/run`
installs the programs; without one, the test fails under CI and is skipped elsewhere.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events
import vobject
from click.testing import CliRunner
from ical.calendar_stream import IcsCalendarStream

from vaulttools.calendar import feed_settings
from vaulttools.calendar_items import item_uid
from vaulttools.cli import vault_cli
from vaulttools.serve import FeedCache, VaultFeed, serve_in_thread, start_server
from vaulttools.vault import Vault

from .conftest import set_timezone
from .required import missing

NODE_DIR = Path(__file__).parent / "interop" / "node"
DATA = Path(__file__).parent / "data"
ZONES = [
    "America/New_York",
    "Pacific/Auckland",
    "Australia/Lord_Howe",  # clocks move by half an hour
    "America/St_Johns",  # half-hour offset
    "Asia/Kolkata",
    "America/Mexico_City",  # dropped daylight saving in 2022
    "Pacific/Apia",  # dropped daylight saving in 2021
    "UTC",
]
YEARS = [2005, 2011, 2021, 2022, 2027]  # Apia also skipped 30 December 2011
CLOCKS = ["01:30", "02:15", "02:30", "03:30", "12:00"]  # each zone's repeated or skipped hour
SHOWN_IN = ZoneInfo("Asia/Tokyo")  # where khal and calcurse show the items
MEETING_MINUTES = 60


@dataclass(frozen=True)
class Item:
    uid: str
    title: str
    start: dt.datetime | dt.date  # an instant in UTC, or a whole day
    end: dt.datetime | dt.date | None


@dataclass
class ZoneVault:
    zone: str
    root: Path
    feed: Path
    items: dict[str, Item]


def need(program: str) -> str:
    """The program's path; a missing one fails under CI (which installs it), else skips."""
    return shutil.which(program) or missing(f"{program} is not installed")


# --- The vaults -----------------------------------------------------------------------------


def clock_changes(zone: str, year: int) -> list[dt.date]:
    """The local days on which the zone's offset changes in `year`."""
    tz, days = ZoneInfo(zone), []
    moment = dt.datetime(year, 1, 1, tzinfo=dt.UTC)
    offset = moment.astimezone(tz).utcoffset()
    while moment.year == year:
        moment += dt.timedelta(hours=1)
        local = moment.astimezone(tz)
        if local.utcoffset() != offset:
            days.append((moment - dt.timedelta(hours=1)).astimezone(tz).date())
            offset = local.utcoffset()
    return days


def times_to_try(zone: str) -> list[tuple[dt.date, str]]:
    """On a day the clocks change, each time a change repeats or skips somewhere; noon on
    the days before and after; in years without changes, a winter and a summer day."""
    times = []
    for year in YEARS:
        changes = clock_changes(zone, year) or [dt.date(year, 1, 15), dt.date(year, 7, 15)]
        for day in changes:
            times += [(day, clock) for clock in CLOCKS]
            times += [(day + dt.timedelta(days=step), "12:00") for step in (-1, 1)]
    return times


def meeting_note(slug: str, number: int, day: dt.date, clock: str) -> str:
    return (
        f'---\ntype: meeting\ncontact: "[[P{number} {slug}]]"\ndate: {day.isoformat()}\n'
        f"time: '{clock}'\nduration: {MEETING_MINUTES}\nstatus: planned\n"
        f"id: mt-{slug}-{number}\n---\n"
    )


def make_vault(root: Path, zone: str) -> ZoneVault:
    """A vault whose meetings and follow-ups sit on and around the zone's clock changes."""
    result = CliRunner().invoke(vault_cli, ["init", str(root)])
    assert result.exit_code == 0, result.output
    config = root / ".vaulttools" / "config.toml"
    set_timezone(root, zone)
    # Every meeting, back to 2005, stays in the feed: past ones are kept as history this long.
    text = config.read_text(encoding="utf-8").replace("history_days = 90", "history_days = 9000")
    config.write_text(text, encoding="utf-8")
    (root / "Meetings").mkdir(exist_ok=True)
    slug = re.sub(r"[^a-z]+", "-", zone.casefold())
    items: dict[str, Item] = {}
    tasks = []
    for number, (day, clock) in enumerate(times_to_try(zone)):
        note = root / "Meetings" / f"{day} {number}.md"
        note.write_text(meeting_note(slug, number, day, clock), encoding="utf-8")
        start = dt.datetime.combine(day, dt.time.fromisoformat(clock), ZoneInfo(zone))
        start = start.astimezone(dt.UTC)  # fold=0: the instant RFC 5545 gives the wall time
        uid = item_uid("meeting", f"mt-{slug}-{number}")
        end = start + dt.timedelta(minutes=MEETING_MINUTES)
        items[uid] = Item(uid, f"Meeting: P{number} {slug}", start, end)
        if clock == "02:30":
            tasks.append(f"- [ ] Call P{number} {slug} 📅 {day} ^fu-{number}")
            items[item_uid("followup", f"fu-{number}")] = Item(
                item_uid("followup", f"fu-{number}"),
                f"Call P{number} {slug}",
                day,
                day + dt.timedelta(days=1),
            )
    contact = "---\ntype: contact\nname: Ana\nid: ct-ana\n---\n" + "\n".join(tasks) + "\n"
    (root / "Contacts").mkdir(exist_ok=True)
    (root / "Contacts" / "Ana.md").write_text(contact, encoding="utf-8")
    feed = root.parent / f"{slug}.ics"
    result = CliRunner().invoke(vault_cli, ["--vault", str(root), "export-ics", "-o", str(feed)])
    assert result.exit_code == 0, result.output
    return ZoneVault(zone, root, feed, items)


@pytest.fixture(scope="module")
def vaults(tmp_path_factory: pytest.TempPathFactory) -> list[ZoneVault]:
    base = tmp_path_factory.mktemp("interop")
    return [make_vault(base / f"Vault {number}", zone) for number, zone in enumerate(ZONES)]


def expected_utc(vaults: list[ZoneVault]) -> dict[str, tuple[str, str | None]]:
    """Every item's start and end as the readers below report them."""
    return {
        uid: (_text(item.start), _text(item.end)) for v in vaults for uid, item in v.items.items()
    }


def _text(value: dt.datetime | dt.date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value.isoformat()


def _utc_text(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value.isoformat()


def test_every_vault_has_items_in_repeated_and_skipped_hours(vaults: list[ZoneVault]) -> None:
    for vault in vaults:
        changes = [day for year in YEARS for day in clock_changes(vault.zone, year)]
        if vault.zone in ("Asia/Kolkata", "UTC"):
            assert changes == []
        else:
            assert len(changes) >= 3, vault.zone  # changes in some years, none in others
        assert len(vault.items) >= 20


# --- Python readers -------------------------------------------------------------------------


def by_icalendar(data: bytes) -> dict[str, tuple[str, str | None]]:
    found = {}
    for event in icalendar.Calendar.from_ical(data).walk("VEVENT"):
        found[str(event["UID"])] = (
            _utc_text(event.decoded("DTSTART")),
            _utc_text(event.decoded("DTEND")),
        )
    return found


def by_ical(data: bytes) -> dict[str, tuple[str, str | None]]:
    calendar = IcsCalendarStream.calendar_from_ics(data.decode("utf-8"))
    return {e.uid: (_utc_text(e.dtstart), _utc_text(e.dtend)) for e in calendar.events}


def by_vobject(data: bytes) -> dict[str, tuple[str, str | None]]:
    calendar = vobject.readOne(data.decode("utf-8"))
    return {
        e.uid.value: (_utc_text(e.dtstart.value), _utc_text(e.dtend.value))
        for e in calendar.vevent_list
    }


def by_recurring_ical_events(data: bytes) -> dict[str, tuple[str, str | None]]:
    calendar = icalendar.Calendar.from_ical(data)
    events = recurring_ical_events.of(calendar).between((1999, 1, 1), (2101, 1, 1))
    return {
        str(e["UID"]): (_utc_text(e.decoded("DTSTART")), _utc_text(e.decoded("DTEND")))
        for e in events
    }


@pytest.mark.parametrize(
    "reader",
    [by_icalendar, by_ical, by_vobject, by_recurring_ical_events],
    ids=lambda r: r.__name__,
)
def test_python_readers_place_every_item(vaults: list[ZoneVault], reader: Any) -> None:
    for vault in vaults:
        assert reader(vault.feed.read_bytes()) == expected_utc([vault]), vault.zone


# --- ical.js and node-ical -------------------------------------------------------------------


def read_with_node(paths: list[Path]) -> dict[str, dict[str, dict[str, Any]]]:
    node = need("node")
    if not (NODE_DIR / "node_modules" / "ical.js").is_dir():
        missing("ical.js is not installed (npm ci in tests/interop/node)")
    command = [node, str(NODE_DIR / "read.mjs"), *map(str, paths)]
    env = {**os.environ, "TZ": "UTC"}
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _node_text(value: str | None) -> str | None:
    if value is None or len(value) == 10:
        return value
    return value.replace(".000Z", "Z")


@pytest.mark.parametrize("reader", ["ical.js", "node-ical"])
def test_ical_js_and_node_ical_place_every_item(vaults: list[ZoneVault], reader: str) -> None:
    found = read_with_node([vault.feed for vault in vaults])[reader]
    for vault in vaults:
        items = found[str(vault.feed)]
        got = {uid: (_node_text(i["start"]), _node_text(i["end"])) for uid, i in items.items()}
        assert got == expected_utc([vault]), vault.zone


def test_the_reference_files_read_the_same_in_ical_js_and_python() -> None:
    files = sorted(DATA.glob("*.ics"))
    assert files
    found = read_with_node(files)
    for path in files:
        data = path.read_bytes()
        calendar = icalendar.Calendar.from_ical(data)
        expected = {}
        for part in calendar.walk("VEVENT"):
            expected[str(part["UID"])] = (
                _utc_text(part.decoded("DTSTART")),
                _utc_text(part.decoded("DTEND")),
            )
        for part in calendar.walk("VTODO"):
            due = _utc_text(part.decoded("DUE")) if "DUE" in part else None
            expected[str(part["UID"])] = (due, None)
        for reader in ("ical.js", "node-ical"):
            items = found[reader][str(path)]
            got = {uid: (_node_text(i["start"]), _node_text(i["end"])) for uid, i in items.items()}
            assert got == expected, (reader, path.name)
        strict = IcsCalendarStream.calendar_from_ics(data.decode())
        assert len(strict.events) + len(strict.todos) == len(expected)
        assert vobject.readOne(data.decode()).validate(raiseException=True)


# --- khal and calcurse -------------------------------------------------------------------


def shown(value: dt.datetime | dt.date) -> str:
    """How khal and calcurse show a start, in the zone they run in."""
    if isinstance(value, dt.datetime):
        return value.astimezone(SHOWN_IN).strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def test_khal_imports_every_item_and_lists_it_in_another_zone(
    vaults: list[ZoneVault], tmp_path: Path
) -> None:
    khal = need("khal")
    store = tmp_path / "calendar"
    store.mkdir()
    config = tmp_path / "khal.conf"
    config.write_text(
        f"[calendars]\n[[vault]]\npath = {store}\ntype = calendar\n"
        "[locale]\ntimeformat = %H:%M\ndateformat = %Y-%m-%d\nlongdateformat = %Y-%m-%d\n"
        "datetimeformat = %Y-%m-%d %H:%M\nlongdatetimeformat = %Y-%m-%d %H:%M\n"
        f"default_timezone = {SHOWN_IN.key}\nlocal_timezone = {SHOWN_IN.key}\n"
        "[default]\ndefault_calendar = vault\n",
        encoding="utf-8",
    )
    for vault in vaults:
        command = [khal, "-c", str(config), "import", "--batch", "-a", "vault", str(vault.feed)]
        result = subprocess.run(command, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0 and "rror" not in result.stderr, result.stderr
    listing = [khal, "-c", str(config), "list", "--day-format", "", "--format"]
    listing += ["{uid}|{start}|{end}", "2000-01-01", "2100-12-31"]
    result = subprocess.run(listing, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    found: dict[str, tuple[str, str]] = {}
    for line in result.stdout.splitlines():
        uid, start, end = line.split("|")
        found.setdefault(uid, (start, end))  # a two-day item is listed on each day
    expected = {}
    for vault in vaults:
        for uid, item in vault.items.items():
            end = item.end
            if isinstance(end, dt.date) and not isinstance(end, dt.datetime):
                end = end - dt.timedelta(days=1)  # khal shows a whole day's last day
            expected[uid] = (shown(item.start), shown(end) if end else "")
    assert found == expected


def test_calcurse_imports_every_item_at_its_time(vaults: list[ZoneVault], tmp_path: Path) -> None:
    calcurse = need("calcurse")
    env = {**os.environ, "TZ": SHOWN_IN.key}
    folder = tmp_path / "calcurse"
    folder.mkdir()
    for vault in vaults:
        command = [calcurse, "-D", str(folder), "-i", str(vault.feed)]
        result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
        assert result.returncode == 0, result.stderr
        assert re.search(r"\b0 skipped\b", result.stdout), result.stdout
    query = [calcurse, "-D", str(folder), "--input-datefmt", "4", "-Q"]
    query += ["--from", "2000-01-01", "--to", "2100-12-31"]
    query += ["--format-apt", "A|%(start:%Y-%m-%d %H:%M)|%m\\n", "--format-event", "E|%m\\n"]
    result = subprocess.run(query, capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    found: dict[str, set[str]] = {}
    for line in result.stdout.splitlines():
        if line.startswith("A|"):
            _, start, title = line.split("|", 2)
            found.setdefault(title, set()).add(start)
    expected: dict[str, set[str]] = {}
    for vault in vaults:
        for item in vault.items.values():
            if isinstance(item.start, dt.datetime):
                expected.setdefault(item.title, set()).add(shown(item.start))
    assert found == expected


# --- vdirsyncer, subscribed to the feed server ----------------------------------------------


@pytest.fixture
def servers(vaults: list[ZoneVault]) -> Iterator[list[str]]:
    """Each vault's feed served by `vault serve`'s server on 127.0.0.1."""
    running = []
    for vault in vaults:
        opened = Vault.open(vault.root)
        feed = VaultFeed(opened, feed_settings(opened.config, vault.root.name))
        server = start_server("127.0.0.1", 0, FeedCache(feed))
        running.append((server, serve_in_thread(server)))
    try:
        yield [f"http://127.0.0.1:{server.port}/calendar.ics" for server, _ in running]
    finally:
        for server, thread in running:
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)


def test_vdirsyncer_receives_every_item_of_the_subscription(
    vaults: list[ZoneVault], servers: list[str], tmp_path: Path
) -> None:
    vdirsyncer = need("vdirsyncer")
    lines = [f'[general]\nstatus_path = "{tmp_path / "status"}"\n']
    for number, url in enumerate(servers):
        lines.append(
            f'[pair feed{number}]\na = "remote{number}"\nb = "local{number}"\n'
            'collections = null\nconflict_resolution = "a wins"\n'
            f'[storage remote{number}]\ntype = "http"\nurl = "{url}"\n'
            f'[storage local{number}]\ntype = "filesystem"\n'
            f'path = "{tmp_path / f"local{number}"}"\nfileext = ".ics"\n'
        )
    config = tmp_path / "vdirsyncer.conf"
    config.write_text("\n".join(lines), encoding="utf-8")
    for number in range(len(servers)):
        (tmp_path / f"local{number}").mkdir()
    env = {**os.environ, "VDIRSYNCER_CONFIG": str(config)}
    for step in ("discover", "sync"):
        result = subprocess.run(
            [vdirsyncer, step], capture_output=True, text=True, env=env, timeout=300, input=""
        )
        assert result.returncode == 0, result.stdout + result.stderr
    for number, vault in enumerate(vaults):
        # vdirsyncer gives what it fetches over HTTP UIDs of its own (hashes of the content),
        # so the items are told apart by their titles, which differ in these vaults.
        received = {}
        for path in (tmp_path / f"local{number}").glob("*.ics"):
            for event in icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT"):
                when = (_utc_text(event.decoded("DTSTART")), _utc_text(event.decoded("DTEND")))
                received[str(event["SUMMARY"])] = when
        expected = {
            item.title: (_text(item.start), _text(item.end)) for item in vault.items.values()
        }
        assert received == expected, vault.zone


# --- Radicale through the caldav library ------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def radicale(tmp_path: Path) -> Iterator[str]:
    """A Radicale server on 127.0.0.1 that takes anyone (nothing leaves this computer)."""
    port = free_port()
    command = [sys.executable, "-m", "radicale", "--server-hosts", f"127.0.0.1:{port}"]
    command += ["--storage-filesystem-folder", str(tmp_path / "radicale"), "--auth-type", "none"]
    command += ["--logging-level", "warning"]
    log = (tmp_path / "radicale.log").open("wb")  # a pipe nobody reads would stall it
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert process.poll() is None, (tmp_path / "radicale.log").read_text()
                assert time.monotonic() < deadline, "Radicale did not start"
                time.sleep(0.05)  # polling for the port: there is no event to wait on
        yield f"http://127.0.0.1:{port}/"
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def one_item_calendars(data: bytes) -> Iterator[tuple[str, bytes]]:
    """Each event as the calendar object a CalDAV client PUTs: with the zone it refers to."""
    calendar = icalendar.Calendar.from_ical(data)
    zones = calendar.walk("VTIMEZONE")
    for event in calendar.walk("VEVENT"):
        single = icalendar.Calendar()
        single.add("VERSION", "2.0")
        single.add("PRODID", "-//vaulttools tests//EN")
        for zone in zones:
            single.add_component(zone)
        single.add_component(event)
        yield str(event["UID"]), single.to_ical()


RADICALE_YEARS = {2027}  # a CalDAV server stores an item in a fraction of a second: one year


def test_radicale_keeps_every_item_and_finds_it_by_time(
    vaults: list[ZoneVault], radicale: str
) -> None:
    import caldav

    with caldav.DAVClient(url=radicale, username="vault", password="unused") as client:
        principal = client.principal()
        for vault in vaults:
            calendar = principal.make_calendar(name=vault.zone.replace("/", "-"))
            expected = expected_utc([vault])
            for uid, data in one_item_calendars(vault.feed.read_bytes()):
                item = vault.items[uid]
                if item.start.year not in RADICALE_YEARS:
                    continue
                stored = calendar.save_event(data.decode("utf-8"))
                stored.load()  # read back what the server keeps
                assert by_icalendar(stored.data.encode())[uid] == expected[uid]
                if not isinstance(item.start, dt.datetime):
                    continue
                window = {"start": item.start, "end": item.start + dt.timedelta(minutes=1)}
                hits = calendar.search(**window, event=True, expand=False)
                assert uid in {str(hit.icalendar_component["UID"]) for hit in hits}, uid
