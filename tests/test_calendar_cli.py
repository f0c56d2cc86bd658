"""`vault export-ics` and `vault serve` on real vaults, as a user runs them."""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject
from ical.calendar_stream import IcsCalendarStream

from vaulttools.calendar import feed_settings
from vaulttools.calendar_items import item_uid
from vaulttools.serve import FeedCache, VaultFeed, serve_in_thread, start_server
from vaulttools.vault import Vault

from .conftest import RunVault, set_timezone

MEETING = "Meetings/2026-12-04 Jane Doe.md"


@pytest.fixture
def interview(vault: Path, in_vault: RunVault) -> Path:
    """A vault in Auckland with Jane Doe, a meeting with her and its four follow-ups."""
    set_timezone(vault, "Pacific/Auckland")
    for args in (
        ("new-contact", "Jane Doe", "--org", "Acme Ltd"),
        ("new-meeting", "Jane Doe", "--date", "2026-12-04", "--time", "10:00",
         "--location", "Café Rosa, 12 Queen St; upstairs"),
    ):  # fmt: skip
        result = in_vault(*args)
        assert result.exit_code == 0, result.output
    return vault


def export(in_vault: RunVault, *args: str) -> str:
    result = in_vault("export-ics", *args)
    assert result.exit_code == 0, result.output + (result.stderr or "")
    return result.output


def calendar_file(vault: Path) -> bytes:
    return (vault / ".vaulttools" / "calendar.ics").read_bytes()


def uids(data: bytes) -> list[str]:
    return re.findall(r"^UID:(.*?)\r?$", unfold(data.decode()), flags=re.MULTILINE)


def block_ids(data: bytes, vault: Path) -> set[str]:
    """The ids of the vault's follow-ups and meeting that the feed holds, by their UIDs."""
    found = set(uids(data))
    ids = {item_uid("followup", block): block for block in followup_ids(vault)}
    ids[item_uid("meeting", _meeting_id(vault))] = _meeting_id(vault)
    return {block for uid, block in ids.items() if uid in found}


def unfold(data: str) -> str:
    return re.sub(r"\r\n[ \t]", "", data)


def edit(path: Path, old: str, new: str) -> None:
    """Change a note as an editor would; the clock moves on so the change is seen."""
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    later = time.time() + 2
    os.utime(path, (later, later))


def followup_ids(vault: Path) -> list[str]:
    return re.findall(r"\^(fu-\w+)$", (vault / MEETING).read_text(encoding="utf-8"), re.MULTILINE)


# --- export-ics -----------------------------------------------------------------------------


def test_export_writes_the_calendar_file_once(interview: Path, in_vault: RunVault) -> None:
    output = export(in_vault)
    path = interview / ".vaulttools" / "calendar.ics"
    assert output == f"wrote {path} (4 follow-ups, 1 meeting)\n"
    written = path.stat().st_mtime_ns
    assert export(in_vault) == f"{path} is up to date (4 follow-ups, 1 meeting)\n"
    assert path.stat().st_mtime_ns == written
    data = path.read_bytes()
    assert len(uids(data)) == 5
    assert block_ids(data, interview) == {*followup_ids(interview), _meeting_id(interview)}


def test_export_to_standard_output_and_to_a_file(
    interview: Path, in_vault: RunVault, tmp_path: Path
) -> None:
    export(in_vault)
    result = in_vault("export-ics", "-o", "-")
    assert result.stdout_bytes == calendar_file(interview)
    target = tmp_path / "out" / "interviews.ics"
    assert export(in_vault, "-o", str(target)).startswith(f"wrote {target} ")
    assert target.read_bytes() == calendar_file(interview)


def test_the_meeting_is_at_the_right_time_in_new_york(interview: Path, in_vault: RunVault) -> None:
    export(in_vault)
    data = calendar_file(interview)
    new_york = ZoneInfo("America/New_York")
    expected = dt.datetime(2026, 12, 3, 16, 0, tzinfo=new_york)  # 10:00 in Auckland, NZDT
    meeting_uid = item_uid("meeting", _meeting_id(interview))
    by_icalendar = {
        str(e["UID"]): e.decoded("DTSTART")
        for e in icalendar.Calendar.from_ical(data).walk("VEVENT")
    }
    by_vobject = {e.uid.value: e.dtstart.value for e in vobject.readOne(data.decode()).vevent_list}
    by_ical = {e.uid: e.dtstart for e in IcsCalendarStream.calendar_from_ics(data.decode()).events}
    for starts in (by_icalendar, by_vobject, by_ical):
        assert starts[meeting_uid].astimezone(new_york) == expected
    event = IcsCalendarStream.calendar_from_ics(data.decode()).events[0]
    assert event.location == "Café Rosa, 12 Queen St; upstairs"
    assert event.summary == "Meeting: Jane Doe (Acme Ltd)"
    assert event.url == "obsidian://open?vault=My%20Vault&file=Meetings%2F2026-12-04%20Jane%20Doe"


def test_ticked_and_cancelled_followups_leave_the_feed(interview: Path, in_vault: RunVault) -> None:
    export(in_vault)
    before = calendar_file(interview)
    reflect, thanks, _, names = followup_ids(interview)
    task = f"Send a thank-you to [[Jane Doe]] 📅 2026-12-05 ^{thanks}"
    edit(interview / MEETING, f"- [ ] {task}", f"- [x] {task.replace(' ^', ' ✅ 2026-12-05 ^')}")
    edit(interview / MEETING, "- [ ] Connect with", "- [-] Connect with")
    assert "(2 follow-ups, 1 meeting)" in export(in_vault)
    after = calendar_file(interview)
    assert block_ids(after, interview) == {reflect, names, _meeting_id(interview)}
    assert set(uids(after)) < set(uids(before))


def test_an_unrelated_edit_changes_nothing(interview: Path, in_vault: RunVault) -> None:
    export(in_vault)
    before = calendar_file(interview)
    edit(interview / MEETING, "## Notes\n", "## Notes\n\nShe started in support, then analytics.\n")
    edit(interview / "Contacts/Jane Doe.md", "# Jane Doe\n", "# Jane Doe\n\nMet at the meetup.\n")
    assert "is up to date" in export(in_vault)
    assert calendar_file(interview) == before


def test_moving_a_meeting_keeps_its_uid(interview: Path, in_vault: RunVault) -> None:
    export(in_vault)
    before = uids(calendar_file(interview))
    edit(interview / MEETING, "time: '10:00'", "time: '11:30'")
    export(in_vault)
    assert uids(calendar_file(interview)) == before


def test_a_fresh_index_gives_the_same_bytes(interview: Path, in_vault: RunVault) -> None:
    export(in_vault)
    before = calendar_file(interview)
    (interview / ".vaulttools" / "index.sqlite").unlink()
    assert "is up to date" in export(in_vault)
    assert calendar_file(interview) == before


def export_in_a_process(vault: Path) -> bytes:
    """`vault export-ics -o -` as its own process: nothing kept in memory from a run before."""
    command = [sys.executable, "-m", "vaulttools", "--vault", str(vault), "export-ics", "-o", "-"]
    done = subprocess.run(command, capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def stamps(data: bytes) -> dict[str, dt.datetime]:
    calendar = icalendar.Calendar.from_ical(data)
    return {str(e["UID"]): e.decoded("DTSTAMP") for e in calendar.walk("VEVENT")}


def wait_for_the_clock_to_pass(moment: dt.datetime) -> None:
    deadline = time.monotonic() + 5
    while dt.datetime.now(dt.UTC) < moment + dt.timedelta(seconds=1):
        assert time.monotonic() < deadline, "the clock did not move on"
        time.sleep(0.02)


def test_each_run_gives_the_same_bytes_even_from_a_fresh_index(interview: Path) -> None:
    first = export_in_a_process(interview)
    assert export_in_a_process(interview) == first
    (interview / ".vaulttools" / "index.sqlite").unlink()
    assert export_in_a_process(interview) == first  # stamps come from the notes' saves


def test_a_moved_meeting_gets_a_later_stamp_and_the_rest_keep_theirs(interview: Path) -> None:
    before = stamps(export_in_a_process(interview))
    # A stamp has whole seconds and never runs ahead of the clock: the edit must come in a
    # later second than the first stamps for a later stamp to exist at all.
    wait_for_the_clock_to_pass(max(before.values()))
    edit(interview / MEETING, "time: '10:00'", "time: '11:30'")
    after = stamps(export_in_a_process(interview))
    finished = dt.datetime.now(dt.UTC)
    moved = item_uid("meeting", _meeting_id(interview))
    assert after[moved] > before[moved]
    assert after[moved] <= finished  # never in the future, though the note's time is
    assert {u: t for u, t in after.items() if u != moved} == {
        u: t for u, t in before.items() if u != moved
    }


def test_moving_the_vault_keeps_every_uid(interview: Path, tmp_path: Path) -> None:
    before = uids(export_in_a_process(interview))
    moved = tmp_path / "elsewhere" / "Renamed vault"
    moved.parent.mkdir()
    interview.rename(moved)
    after = uids(export_in_a_process(moved))
    assert after == before
    assert not any("vault" in uid.split("@")[0].casefold() for uid in after)


def test_a_cancelled_meeting_leaves_the_feed_with_its_follow_ups(
    interview: Path, in_vault: RunVault
) -> None:
    edit(interview / MEETING, "status: planned", "status: cancelled")
    assert "(0 follow-ups, 0 meetings)" in export(in_vault)
    assert _meeting_id(interview) not in block_ids(calendar_file(interview), interview)


def test_a_held_meeting_stays_in_the_feed_and_leaves_its_follow_ups_to_do(
    interview: Path, in_vault: RunVault
) -> None:
    edit(interview / MEETING, "status: planned", "status: done")
    assert "(4 follow-ups, 1 meeting)" in export(in_vault)
    assert _meeting_id(interview) in block_ids(calendar_file(interview), interview)


def test_a_deleted_note_leaves_the_feed(interview: Path, in_vault: RunVault) -> None:
    export(in_vault)
    (interview / MEETING).unlink()
    assert "(0 follow-ups, 0 meetings)" in export(in_vault)
    assert uids(calendar_file(interview)) == []


def test_options_choose_what_goes_in(interview: Path, in_vault: RunVault) -> None:
    todo = in_vault("export-ics", "--todo", "-o", "-").stdout_bytes
    calendar = icalendar.Calendar.from_ical(todo)
    assert (len(calendar.walk("VTODO")), len(calendar.walk("VEVENT"))) == (4, 1)
    only_meetings = in_vault("export-ics", "--no-followups", "-o", "-").stdout_bytes
    assert len(uids(only_meetings)) == 1
    only_followups = in_vault("export-ics", "--no-meetings", "-o", "-").stdout_bytes
    assert len(uids(only_followups)) == 4


def test_nothing_to_export_is_a_usage_error(interview: Path, in_vault: RunVault) -> None:
    result = in_vault("export-ics", "--no-meetings", "--no-followups")
    assert result.exit_code == 2
    assert (
        result.stderr
        == "vault: --no-meetings with --no-followups leaves nothing for the calendar.\n"
    )


def test_a_bad_setting_is_one_sentence(interview: Path, in_vault: RunVault) -> None:
    config = interview / ".vaulttools" / "config.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace('"09:00"', '"9am"'), encoding="utf-8"
    )
    result = in_vault("export-ics")
    assert result.exit_code == 1
    assert result.stderr == (
        "vault: In config.toml, calendar.followup_alarm_time '9am' is not a time: use HH:MM.\n"
    )


# --- serve ----------------------------------------------------------------------------------


@pytest.fixture
def served(interview: Path) -> Iterator[tuple[str, VaultFeed, Path]]:
    """The vault's feed on a real server; checked on every request (no interval)."""
    vault = Vault.open(interview)
    feed = VaultFeed(vault, feed_settings(vault.config, interview.name))
    server = start_server("127.0.0.1", 0, FeedCache(feed, interval=0))
    thread = serve_in_thread(server)
    try:
        yield f"http://127.0.0.1:{server.port}/calendar.ics", feed, interview
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def fetch(url: str) -> tuple[bytes, str]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read(), response.headers["ETag"]


def test_the_served_feed_is_the_exported_file(
    served: tuple[str, VaultFeed, Path], in_vault: RunVault
) -> None:
    url, _, vault = served
    export(in_vault)
    assert fetch(url)[0] == calendar_file(vault)


def test_the_served_feed_follows_the_notes(served: tuple[str, VaultFeed, Path]) -> None:
    url, feed, vault = served
    first, etag = fetch(url)
    _, thanks, *_ = followup_ids(vault)
    edit(vault / MEETING, "- [ ] Send a thank-you", "- [x] Send a thank-you")
    second, new_etag = fetch(url)
    assert thanks in block_ids(first, vault)
    assert thanks not in block_ids(second, vault)
    assert new_etag != etag
    assert feed.builds == 2


def test_an_unrelated_edit_does_not_rebuild_the_served_feed(
    served: tuple[str, VaultFeed, Path],
) -> None:
    url, feed, vault = served
    data, etag = fetch(url)
    edit(vault / MEETING, "## Notes\n", "## Notes\n\nShe said to read the team blog.\n")
    assert fetch(url) == (data, etag)
    for _ in range(20):
        fetch(url)
    assert feed.builds == 1


def _run_serve(vault: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("VAULT_SERVE_TOKEN", None)
    command = [sys.executable, "-m", "vaulttools", "--vault", str(vault), "serve", *args]
    return subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )


def test_vault_serve_prints_the_urls_and_stops_on_ctrl_c(interview: Path) -> None:
    process = _run_serve(interview, "--port", "0")
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(4)]
        assert lines[0].startswith(f"Serving the calendar of {interview} (4 follow-ups, 1 meeting)")
        webcal, http_url = lines[2].strip(), lines[3].strip()
        assert re.fullmatch(r"webcal://127\.0\.0\.1:\d+/calendar\.ics", webcal)
        assert http_url == webcal.replace("webcal://", "http://")
        data, _ = fetch(http_url)
        assert data.startswith(b"BEGIN:VCALENDAR\r\n")
    finally:
        process.send_signal(signal.SIGINT)
        _, errors = process.communicate(timeout=10)
    assert process.returncode == 0
    assert "GET /calendar.ics 200" in errors
    assert errors.rstrip().endswith("Stopped.")


def test_vault_serve_with_a_token(interview: Path) -> None:
    token = "tok-0123456789abcdef"
    process = _run_serve(interview, "--port", "0", "--host", "0.0.0.0", "--token", token)
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(4)]
        port = re.search(r":(\d+)/", lines[3])
        assert port and lines[3].strip().endswith(f"/{token}/calendar.ics")
        data, _ = fetch(f"http://127.0.0.1:{port[1]}/{token}/calendar.ics")
        assert data.startswith(b"BEGIN:VCALENDAR")
    finally:
        process.send_signal(signal.SIGINT)
        _, errors = process.communicate(timeout=10)
    assert token not in errors


def test_vault_serve_refuses_other_hosts_without_a_token(
    interview: Path, in_vault: RunVault, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("VAULT_SERVE_TOKEN", raising=False)
    result = in_vault("serve", "--host", "0.0.0.0")
    assert result.exit_code == 2
    assert result.stderr == (
        "vault: Listening on 0.0.0.0 would let other computers read your calendar: "
        "pass --token (or set VAULT_SERVE_TOKEN) to protect it.\n"
    )
    short = in_vault("serve", "--host", "0.0.0.0", "--token", "abc")
    assert short.exit_code == 2
    assert short.stderr.startswith("vault: A token needs at least 16 letters")


def test_commands_have_help(in_vault: RunVault) -> None:
    for command in ("export-ics", "serve"):
        result = in_vault(command, "--help")
        assert result.exit_code == 0
        assert "--todo" in result.output


def _meeting_id(vault: Path) -> str:
    found = re.search(r"^id: (\S+)$", (vault / MEETING).read_text(encoding="utf-8"), re.MULTILINE)
    assert found
    return found[1]
