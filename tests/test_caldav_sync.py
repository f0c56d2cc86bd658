"""`vault caldav sync` against real CalDAV servers on 127.0.0.1: Radicale (with a password)
and Xandikos, read and changed by the caldav library as a phone would change them."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import caldav
import pytest
from caldav.elements import dav
from icalendar import Calendar

from vaulttools.caldav.client import CaldavError
from vaulttools.caldav.run import Account, account_of, sync_vault
from vaulttools.caldav.state import STATE_FILE
from vaulttools.vault import Vault

from .caldavservers import PASSWORD, USER, Server, radicale, xandikos
from .conftest import RunVault
from .vaultbuilders import day, write

pytestmark = pytest.mark.usefixtures("frozen_today")  # dates counted from TODAY

CALENDAR = "Informational interviews"
JANE = "Contacts/Jane Doe.md"
MEETING = "Meetings/Jane Doe chat.md"


def jane(extra: str = "") -> str:
    return (
        "---\ntype: contact\nname: Jane Doe\n---\n# Jane Doe\n\n"
        f"- [ ] Send a thank-you to [[Jane Doe]] 📅 {day(1)} ^fu-thanks\n"
        f"- [ ] Call Jane about the graduate programme 📅 {day(2)} ⏰ {day(2)} 14:30 ^fu-call\n"
        f"{extra}"
        "Some notes of my own.\n"
    )


def chat(status: str = "planned", date: str | None = None) -> str:
    return (
        '---\ntype: meeting\ncontact: "[[Jane Doe]]"\n'
        f"date: {date or day(3)}\ntime: '10:00'\nduration: 45\nlocation: Cuba St café\n"
        f"status: {status}\n---\n# Conversation\n"
    )


@pytest.fixture(params=["radicale", "xandikos"])
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Server]:
    made = (radicale if request.param == "radicale" else xandikos)(tmp_path / request.param)
    made.start()
    try:
        yield made
    finally:
        made.stop()


@pytest.fixture
def radicale_server(tmp_path: Path) -> Iterator[Server]:
    made = radicale(tmp_path / "radicale")
    made.start()
    try:
        yield made
    finally:
        made.stop()


@pytest.fixture
def notes(vault: Path) -> Path:
    write(vault, JANE, jane())
    write(vault, MEETING, chat())
    return vault


@pytest.fixture
def sync(notes: Path, in_vault: RunVault, monkeypatch: pytest.MonkeyPatch) -> RunVault:
    """`vault caldav sync` with the password in the environment, as a script would run it."""
    monkeypatch.setenv("VAULT_CALDAV_PASSWORD", PASSWORD)

    def invoke(*args: str | Path, input: str | None = None) -> object:
        return in_vault("caldav", "sync", *args, input=input)

    return invoke  # type: ignore[return-value]


def first_sync(sync: RunVault, server: Server) -> None:
    result = sync("--url", server.url, "--username", USER)
    assert result.exit_code == 0, result.output


def calendar_of(server: Server) -> caldav.Calendar:
    client = caldav.DAVClient(url=server.url, username=USER, password=PASSWORD)
    return client.principal().calendar(name=CALENDAR)


def on_server(server: Server) -> dict[str, tuple[str, object]]:
    """UID -> (ETag, component) of everything in the calendar."""
    found = {}
    for item in calendar_of(server).search():
        component = item.icalendar_component
        found[str(component["uid"])] = (item.get_property(dav.GetEtag()), component)
    return found


def by_summary(server: Server, words: str) -> caldav.CalendarObjectResource:
    return next(
        item
        for item in calendar_of(server).search()
        if words in str(item.icalendar_component["summary"])
    )


def feed_uids(in_vault: RunVault) -> set[str]:
    result = in_vault("export-ics", "--todo", "-o", "-")
    components = Calendar.from_ical(result.stdout_bytes).walk()
    return {str(c["uid"]) for c in components if c.name in ("VTODO", "VEVENT")}


# First sync and nothing to do ------------------------------------------------------------


def test_first_sync_sends_todos_with_alarms_and_the_meeting(
    sync: RunVault, server: Server, in_vault: RunVault, notes: Path
) -> None:
    first_sync(sync, server)
    items = on_server(server)
    assert set(items) == feed_uids(in_vault)
    components = [component for _, component in items.values()]
    todos = {str(c["summary"]): c for c in components if c.name == "VTODO"}
    events = [c for c in components if c.name == "VEVENT"]
    assert set(todos) == {"Thank-you: Jane Doe", "Call Jane about the graduate programme"}
    call = todos["Call Jane about the graduate programme"]
    assert call.decoded("due").strftime("%Y-%m-%d %H:%M") == f"{day(2)} 14:30"
    assert call.walk("VALARM"), "a to-do rings on the phone"
    assert todos["Thank-you: Jane Doe"].decoded("due") == dt.date.fromisoformat(day(1))
    (event,) = events
    assert str(event["location"]) == "Cuba St café"
    assert event.decoded("dtend") - event.decoded("dtstart") == dt.timedelta(minutes=45)
    assert event.walk("VALARM")[0].decoded("trigger") == -dt.timedelta(minutes=30)
    assert str(event["url"]).startswith("obsidian://open?vault=My%20Vault&file=Meetings")
    config = (notes / ".vaulttools" / "config.toml").read_text()
    assert server.url in config and USER in config and PASSWORD not in config


def test_a_sync_with_nothing_to_do_changes_nothing_on_the_server(
    sync: RunVault, server: Server
) -> None:
    first_sync(sync, server)
    before = on_server(server)
    result = sync()  # the saved server
    assert result.exit_code == 0, result.output
    assert "0 created, 0 updated, 0 deleted" in result.output
    assert on_server(server) == before


def test_without_its_state_a_sync_matches_by_uid_and_changes_nothing(
    sync: RunVault, server: Server, notes: Path
) -> None:
    first_sync(sync, server)
    before = on_server(server)
    (notes / ".vaulttools" / STATE_FILE).unlink()
    result = sync()
    assert result.exit_code == 0, result.output
    assert "0 created, 0 updated, 0 deleted" in result.output
    assert on_server(server) == before


# Ticks -----------------------------------------------------------------------------------


def test_a_tick_on_the_phone_ticks_that_one_line_in_the_note(
    sync: RunVault, server: Server, notes: Path
) -> None:
    first_sync(sync, server)
    before = (notes / JANE).read_bytes()
    when = dt.datetime.combine(dt.date.fromisoformat(day(0)), dt.time(12), tzinfo=dt.UTC)
    by_summary(server, "Thank-you").complete(completion_timestamp=when)
    result = sync()
    assert result.exit_code == 0, result.output
    after = (notes / JANE).read_bytes()
    old_lines, new_lines = before.split(b"\n"), after.split(b"\n")
    changed = [(a, b) for a, b in zip(old_lines, new_lines, strict=True) if a != b]
    assert changed == [
        (
            f"- [ ] Send a thank-you to [[Jane Doe]] 📅 {day(1)} ^fu-thanks".encode(),
            f"- [x] Send a thank-you to [[Jane Doe]] 📅 {day(1)} ✅ {day(0)} ^fu-thanks".encode(),
        )
    ]
    settled = on_server(server)
    again = sync()
    assert "0 created, 0 updated, 0 deleted" in again.output
    assert (notes / JANE).read_bytes() == after
    assert on_server(server) == settled


def test_a_tick_in_the_note_completes_the_todo_on_the_server(
    sync: RunVault, server: Server, notes: Path
) -> None:
    first_sync(sync, server)
    write(notes, JANE, jane().replace("- [ ] Send a thank-you", "- [x] Send a thank-you"))
    result = sync()
    assert "0 created, 1 updated" in result.output
    thanks = by_summary(server, "Thank-you").icalendar_component
    assert str(thanks["status"]) == "COMPLETED"
    assert "completed" in thanks


# Moves, cancellations, deletions -----------------------------------------------------------


def test_a_moved_followup_and_meeting_move_on_the_server(
    sync: RunVault, server: Server, notes: Path
) -> None:
    first_sync(sync, server)
    write(notes, JANE, jane().replace(f"📅 {day(1)}", f"📅 {day(9)}"))
    write(notes, MEETING, chat(date=day(8)))
    result = sync()
    assert "0 created, 2 updated, 0 deleted" in result.output
    due = by_summary(server, "Thank-you").icalendar_component.decoded("due")
    assert due == dt.date.fromisoformat(day(9))
    start = by_summary(server, "Meeting").icalendar_component.decoded("dtstart")
    assert start.date() == dt.date.fromisoformat(day(8))


def test_cancelled_and_deleted_items_are_removed_from_the_server(
    sync: RunVault, server: Server, notes: Path
) -> None:
    first_sync(sync, server)
    text = jane().replace("- [ ] Send a thank-you", "- [-] Send a thank-you")
    text = "\n".join(line for line in text.split("\n") if "^fu-call" not in line)
    write(notes, JANE, text)
    write(notes, MEETING, chat(status="cancelled"))
    result = sync()
    assert "0 created, 0 updated, 3 deleted" in result.output
    assert on_server(server) == {}


def test_a_todo_deleted_on_the_phone_stays_deleted_until_its_note_changes(
    sync: RunVault, server: Server, notes: Path
) -> None:
    first_sync(sync, server)
    note = (notes / JANE).read_bytes()
    by_summary(server, "Thank-you").delete()
    result = sync()
    assert "0 created, 0 updated, 0 deleted" in result.output
    assert (notes / JANE).read_bytes() == note
    assert not any("Thank-you" in str(c["summary"]) for _, c in on_server(server).values())
    write(notes, JANE, jane().replace(f"📅 {day(1)}", f"📅 {day(4)}"))
    result = sync()
    assert "1 created" in result.output
    due = by_summary(server, "Thank-you").icalendar_component.decoded("due")
    assert due == dt.date.fromisoformat(day(4))


def test_both_sides_changed_completion_wins_and_the_note_wins_for_text_and_dates(
    sync: RunVault, server: Server, notes: Path
) -> None:
    first_sync(sync, server)
    phone = by_summary(server, "Thank-you")
    component = phone.icalendar_component
    component["summary"] = "Thank Jane (edited on the phone)"
    phone.save()
    by_summary(server, "Thank Jane").complete()
    write(notes, JANE, jane().replace(f"📅 {day(1)}", f"📅 {day(5)}"))
    result = sync()
    assert result.exit_code == 0, result.output
    line = next(x for x in (notes / JANE).read_text().split("\n") if "fu-thanks" in x)
    assert line.startswith("- [x] ") and f"📅 {day(5)} ✅ " in line
    thanks = by_summary(server, "Thank-you").icalendar_component
    assert str(thanks["summary"]) == "Thank-you: Jane Doe"
    assert thanks.decoded("due") == dt.date.fromisoformat(day(5))
    assert str(thanks["status"]) == "COMPLETED"


def test_completion_wins_when_the_phone_unticks_what_the_note_ticked(
    sync: RunVault, server: Server, notes: Path
) -> None:
    first_sync(sync, server)
    write(notes, JANE, jane().replace("- [ ] Send a thank-you", "- [x] Send a thank-you"))
    sync()
    by_summary(server, "Thank-you").uncomplete()
    result = sync()
    assert "1 updated" in result.output
    assert str(by_summary(server, "Thank-you").icalendar_component["status"]) == "COMPLETED"
    assert "- [x] Send a thank-you" in (notes / JANE).read_text()


def test_items_vaulttools_did_not_make_are_never_touched(
    sync: RunVault, server: Server, notes: Path
) -> None:
    first_sync(sync, server)
    mine = "Buy milk"
    calendar_of(server).save_todo(summary=mine, uid="milk@phone.example", due=dt.date.today())
    foreign = {uid: item for uid, item in on_server(server).items() if uid == "milk@phone.example"}
    write(notes, JANE, "---\ntype: contact\nname: Jane Doe\n---\n# Jane Doe\n")
    write(notes, MEETING, chat(status="cancelled"))
    result = sync()
    assert result.exit_code == 0, result.output
    (notes / ".vaulttools" / STATE_FILE).unlink()
    assert sync().exit_code == 0
    assert on_server(server) == foreign


# Errors ----------------------------------------------------------------------------------


def test_a_wrong_password_is_one_sentence_and_changes_nothing(
    sync: RunVault, radicale_server: Server, notes: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first_sync(sync, radicale_server)
    state = (notes / ".vaulttools" / STATE_FILE).read_bytes()
    monkeypatch.setenv("VAULT_CALDAV_PASSWORD", "not the password")
    write(notes, JANE, jane().replace(f"📅 {day(1)}", f"📅 {day(6)}"))
    result = sync()
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "user name and password" in result.stderr
    assert "Traceback" not in result.output
    assert (notes / ".vaulttools" / STATE_FILE).read_bytes() == state


def test_an_unreachable_server_is_one_sentence(sync: RunVault, tmp_path: Path) -> None:
    from .caldavservers import free_port

    result = sync("--url", f"http://127.0.0.1:{free_port()}/", "--username", USER)
    assert result.exit_code == 1
    assert result.stderr.startswith("vault: Could not reach the CalDAV server")
    assert result.stderr.count("\n") == 1


def test_a_server_stopped_mid_sync_loses_nothing_and_the_next_sync_finishes(
    vault: Path, radicale_server: Server
) -> None:
    lines = [f"- [ ] Follow-up number {n} 📅 {day(n % 20)} ^fu-n{n}" for n in range(30)]
    write(vault, JANE, "---\ntype: contact\nname: Jane Doe\n---\n" + "\n".join(lines) + "\n")
    note = (vault / JANE).read_bytes()
    account = Account(radicale_server.url, USER, CALENDAR)
    steps = []

    def stop_after_ten() -> None:
        steps.append(1)
        if len(steps) == 10:
            radicale_server.stop()

    with pytest.raises(CaldavError, match="Could not reach"):
        sync_vault(Vault.open(vault), account, PASSWORD, after_step=stop_after_ten)
    assert (vault / JANE).read_bytes() == note
    radicale_server.start()
    report = sync_vault(Vault.open(vault), account, PASSWORD)
    assert report.created == 20 and report.problems == []
    summaries = [str(c["summary"]) for _, c in on_server(radicale_server).values()]
    assert sorted(summaries) == sorted(f"Follow-up number {n}" for n in range(30))
    assert sync_vault(Vault.open(vault), account, PASSWORD).sent == 0


def test_a_rejected_item_is_reported_and_the_rest_is_sent(
    vault: Path, radicale_server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(vault, JANE, jane())
    account = Account(radicale_server.url, USER, CALENDAR)
    from vaulttools.caldav import client

    real_put = client.RemoteCalendar.put

    def refuse_calls(
        self: client.RemoteCalendar, href: str, data: bytes, etag: str | None, *, create: bool
    ) -> str | None:
        if b"Call Jane" in data:  # the server's answer to an item it will not store
            data = data.replace(b"BEGIN:VTODO", b"BEGIN:VTODO\r\nDTSTART:not a date")
        return real_put(self, href, data, etag, create=create)

    monkeypatch.setattr(client.RemoteCalendar, "put", refuse_calls)
    report = sync_vault(Vault.open(vault), account, PASSWORD)
    assert report.created == 1
    assert len(report.problems) == 1 and "refused" in report.problems[0]
    monkeypatch.setattr(client.RemoteCalendar, "put", real_put)
    assert sync_vault(Vault.open(vault), account, PASSWORD).created == 1


# Many ----------------------------------------------------------------------------------


def test_a_thousand_followups(vault: Path, radicale_server: Server) -> None:
    for person in range(20):
        tasks = [
            f"- [ ] Follow-up {person}-{n} 📅 {day(n % 30)} ^fu-p{person}n{n}" for n in range(50)
        ]
        body = "---\ntype: contact\nname: Person {person}\n---\n" + "\n".join(tasks) + "\n"
        write(vault, f"Contacts/Person {person}.md", body.replace("{person}", str(person)))
    account = Account(radicale_server.url, USER, CALENDAR)
    assert sync_vault(Vault.open(vault), account, PASSWORD).created == 1000
    text = (vault / "Contacts/Person 7.md").read_text()
    write(
        vault, "Contacts/Person 7.md", text.replace("- [ ] Follow-up 7-3 ", "- [x] Follow-up 7-3 ")
    )
    report = sync_vault(Vault.open(vault), account, PASSWORD)
    assert (report.created, report.updated, report.deleted) == (0, 1, 0)
    assert len(calendar_of(radicale_server).search()) == 1000


def test_the_account_is_read_back_from_config(sync: RunVault, server: Server, notes: Path) -> None:
    first_sync(sync, server)
    assert account_of(Vault.open(notes)) == Account(server.url, USER, CALENDAR)


# vault watch --caldav ----------------------------------------------------------------------


def wait_until(condition: Callable[[], bool], what: str, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def test_watch_caldav_sends_a_moved_followup(
    sync: RunVault, radicale_server: Server, notes: Path, tmp_path: Path
) -> None:
    first_sync(sync, radicale_server)
    environment = {**os.environ, "VAULT_CALDAV_PASSWORD": PASSWORD}
    command = [sys.executable, "-m", "vaulttools", "--vault", str(notes), "watch", "--caldav"]
    said = tmp_path / "watch.log"  # a file, so that its lines can be waited for as they come
    with said.open("w", encoding="utf-8") as log:
        watcher = subprocess.Popen(command, env=environment, stderr=log, text=True)
    try:
        calendar = notes / ".vaulttools" / "calendar.ics"
        wait_until(calendar.exists, "the watcher's first pass")
        write(notes, JANE, jane().replace(f"📅 {day(1)}", f"📅 {day(7)}"))
        moved = dt.date.fromisoformat(day(7))

        def due_on_server() -> object:
            return by_summary(radicale_server, "Thank-you").icalendar_component.decoded("due")

        wait_until(lambda: due_on_server() == moved, "the new date on the server")
        # The batch is reported once all its outputs are written, a moment after the PUT.
        wait_until(lambda: "CalDAV (1 sent" in said.read_text(encoding="utf-8"), "the report")
    finally:
        watcher.send_signal(signal.SIGINT)
        watcher.wait(timeout=30)
    stderr = said.read_text(encoding="utf-8")
    assert watcher.returncode == 0, stderr
    assert "Traceback" not in stderr and "CalDAV (1 sent" in stderr


def test_a_tick_the_note_cannot_take_is_refused_and_settled_next_sync(
    vault: Path, radicale_server: Server
) -> None:
    """The note changed after the sync read it (here: ticked by hand meanwhile), so the
    server's tick is refused like `vault done` refuses it, and the next sync settles it."""
    from vaulttools.caldav.client import connect
    from vaulttools.caldav.run import item_settings, vault_items
    from vaulttools.caldav.state import load_state, save_state
    from vaulttools.caldav.sync import Sync
    from vaulttools.caldav.ticks import tick_in_note

    write(vault, JANE, jane())
    account = Account(radicale_server.url, USER, CALENDAR)
    sync_vault(Vault.open(vault), account, PASSWORD)
    by_summary(radicale_server, "Thank-you").complete()
    opened = Vault.open(vault)
    settings = item_settings(opened)
    items, _ = vault_items(opened, settings)  # read before the hand edit below
    ticked_by_hand = jane().replace("- [ ] Send a thank-you", "- [x] Send a thank-you")
    write(vault, JANE, ticked_by_hand)
    remote = connect(account.url, USER, PASSWORD, CALENDAR)
    path = vault / ".vaulttools" / STATE_FILE
    state = load_state(path, remote.url)
    token = state.token
    report = Sync(remote, state, settings, lambda i, d: tick_in_note(opened, i, d)).run(items)
    save_state(path, state)
    assert report.ticked == [] and "already done" in report.problems[0]
    assert state.token == token, "the server's news is looked at again next sync"
    assert (vault / JANE).read_text() == ticked_by_hand
    settled = sync_vault(Vault.open(vault), account, PASSWORD)
    assert (settled.sent, settled.ticked, settled.problems) == (0, [], [])
    assert (vault / JANE).read_text() == ticked_by_hand


def test_no_password_anywhere_is_one_sentence_that_says_where_to_put_one(
    notes: Path, in_vault: RunVault, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("VAULT_CALDAV_PASSWORD", raising=False)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    result = in_vault("caldav", "sync", "--url", "http://127.0.0.1:9/", "--username", USER)
    assert result.exit_code == 1
    assert "VAULT_CALDAV_PASSWORD" in result.stderr and result.stderr.count("\n") == 1
    assert "127.0.0.1:9" not in (notes / ".vaulttools" / "config.toml").read_text()
