"""Follow-ups kept in the index between commands: the same answer, never a stale one."""

from __future__ import annotations

import datetime as dt
import marshal
import sqlite3
import time
from pathlib import Path

import pytest

from vaulttools.clock import today as vault_today
from vaulttools.index import Index, fresh_index, kept_followups
from vaulttools.vault import Vault

from .conftest import RunVault
from .vaultbuilders import contact, day, meeting, touch_later, write

pytestmark = pytest.mark.usefixtures("frozen_today")  # dates counted from TODAY

TASKS = (
    "- [ ] Thank Jane 📅 {due} ^fu-thanks\n"
    "- [x] Ask for names 📅 {due} ✅ {done} ^fu-names\n"
    "- [ ] Call at ten 📅 {due} ⏰ {due} 10:00\n"
    "- [ ] Someday, no date\n"
)


@pytest.fixture
def busy(vault: Path) -> Path:
    write(vault, "Contacts/Jane Doe.md", contact("Jane Doe", next_contact=day(3)))
    body = TASKS.format(due=day(-2), done=day(-1))
    write(vault, "Meetings/Jane.md", meeting("[[Jane Doe]]", day(-3), body))
    return vault


def kept(vault: Path, row: str = "followups") -> bytes | str | None:
    with sqlite3.connect(vault / ".vaulttools" / "index.sqlite") as connection:
        found = connection.execute("SELECT value FROM meta WHERE key = ?", (row,)).fetchone()
    return found[0] if found else None


def kept_label(vault: Path) -> str | None:
    label = kept(vault, "followups joined from")
    return label if isinstance(label, str) else None


def replace_kept(vault: Path, data: bytes) -> None:
    with sqlite3.connect(vault / ".vaulttools" / "index.sqlite") as connection:
        connection.execute("UPDATE meta SET value = ? WHERE key = 'followups'", (data,))


def test_what_is_kept_reads_back_as_the_same_follow_ups(busy: Path) -> None:
    with fresh_index(Vault.open(busy)) as index:
        joined = index.records().followups
    assert {f.source for f in joined} >= {"task", "next_contact"}  # tasks and derived ones
    assert any(f.done_on for f in joined) and any(f.time for f in joined)
    assert kept_followups.unpack(kept_followups.pack(joined)) == joined


CUT_SHORT = kept_followups.pack([])[:-1]
OTHER_SHAPE = marshal.dumps([("too", "short")])


@pytest.mark.parametrize(
    "data", [None, "text", b"", b"not marshal", b"\xe9\x00\x01", CUT_SHORT, OTHER_SHAPE]
)
def test_anything_else_in_the_slot_is_no_answer(data: object) -> None:
    assert kept_followups.unpack(data) is None


def test_each_thing_the_join_depends_on_is_in_the_label() -> None:
    one = kept_followups.label(dt.date(2026, 11, 29), 60, 7)
    others = [(dt.date(2026, 11, 30), 60, 7), (dt.date(2026, 11, 29), 45, 7)]
    others += [(dt.date(2026, 11, 29), 60, 8)]
    assert all(kept_followups.label(*other) != one for other in others)


def test_a_second_listing_is_read_from_what_the_first_kept(busy: Path, in_vault: RunVault) -> None:
    first = in_vault("followups", "--all")
    assert first.exit_code == 0, first.output
    assert "Thank Jane" in first.output and "Call at ten" in first.output
    everything = kept_followups.unpack(kept(busy)) or []
    replace_kept(busy, kept_followups.pack([f for f in everything if f.text == "Thank Jane"]))
    again = in_vault("followups", "--all").output  # what was kept, not joined again
    assert "Thank Jane" in again and "Call at ten" not in again


def test_only_listings_and_the_index_note_keep_follow_ups(busy: Path, in_vault: RunVault) -> None:
    assert in_vault("export-ics").exit_code == 0
    assert kept(busy) is None  # only listings (and the index note) keep follow-ups
    in_vault("followups")
    assert kept_label(busy) is not None


def test_a_changed_note_is_listed_at_once(busy: Path, in_vault: RunVault) -> None:
    assert "Send the article" not in in_vault("followups").output
    note = busy / "Meetings" / "Jane.md"
    with note.open("a", encoding="utf-8") as text:
        text.write(f"- [ ] Send the article 📅 {day(1)}\n")
    touch_later(note)
    assert "Send the article" in in_vault("followups").output


def test_another_day_is_joined_again(busy: Path, in_vault: RunVault, monkeypatch) -> None:
    monkeypatch.setenv("VAULTTOOLS_NOW", f"{day(0)}T12:00:00Z")
    today = in_vault("followups").output
    monkeypatch.setenv("VAULTTOOLS_NOW", f"{day(-10)}T12:00:00Z")
    earlier = in_vault("followups").output
    assert "overdue" in today and "overdue" not in earlier
    assert earlier != today


def test_a_damaged_slot_is_joined_again_and_replaced(busy: Path, in_vault: RunVault) -> None:
    first = in_vault("followups").output
    replace_kept(busy, b"\x00junk")
    assert in_vault("followups").output == first
    assert kept(busy) != b"\x00junk"


def index_generation(vault: Path) -> int:
    with sqlite3.connect(vault / ".vaulttools" / "index.sqlite") as connection:
        row = connection.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
    return int(row[0])


def test_vault_index_keeps_what_it_joined_for_the_index_note(
    busy: Path, in_vault: RunVault
) -> None:
    """Rewriting the index note moves the generation on, but changes nothing joined."""
    assert "Updated Informational Interviews.md." in in_vault("index").output
    label = kept_label(busy)
    assert label is not None and label.endswith(f" {index_generation(busy)}")
    assert "Thank Jane" in in_vault("followups").output
    assert kept_label(busy) == label  # read, not joined and kept again


def test_a_note_of_a_kind_read_again_is_joined_again(busy: Path) -> None:
    vault = Vault.open(busy)
    with fresh_index(vault) as index:
        index.records()
        note = busy / "Meetings" / "Jane.md"
        note.write_text(note.read_text(encoding="utf-8").replace("Thank Jane", "Thank J"), "utf-8")
        touch_later(note)
        index.sync_own_note("Meetings/Jane.md")  # a meeting's tasks may have changed
        texts = {f.text for f in index.followups(include_closed=True)}
    assert "Thank J" in texts and "Thank Jane" not in texts


def test_a_listing_never_waits_to_keep_its_answer(busy: Path) -> None:
    """Another process writing the index (a long cold index, say) holds the lock."""
    vault = Vault.open(busy)
    with fresh_index(vault) as ready:
        expected = ready.followups()
    holder = sqlite3.connect(busy / ".vaulttools" / "index.sqlite", isolation_level=None)
    with Index.open(vault, busy_seconds=60) as index:
        holder.execute("BEGIN IMMEDIATE")
        try:
            started = time.monotonic()
            assert index.followups() == expected
            index.keep_followups(vault_today(vault.config))
            assert time.monotonic() - started < 30  # not the 60 s the index waits to write
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert index._connection.execute("PRAGMA busy_timeout").fetchone()[0] == 60_000
    assert kept(busy) is None  # nothing kept while the index was busy
