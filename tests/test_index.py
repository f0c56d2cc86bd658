"""The index on real files in temporary vaults: incremental sync, every note shape, bad input."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from vaulttools.index import Index, fresh_index, schema
from vaulttools.index import note_reader as rows_module
from vaulttools.index import sync as sync_module
from vaulttools.index.reading import FileRead
from vaulttools.vault import Vault

from .vaultbuilders import contact, day, make_vault, meeting, touch_later, write

pytestmark = pytest.mark.usefixtures("frozen_today")  # dates counted from TODAY


@pytest.fixture
def vault(tmp_path: Path) -> Vault:
    return make_vault(tmp_path / "vault")


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every file the index reads, in order."""
    seen: list[str] = []
    real = rows_module.read_file

    def counting(path: str) -> FileRead | None:
        seen.append(path)
        return real(path)

    monkeypatch.setattr(rows_module, "read_file", counting)
    return seen


def test_a_cold_sync_reads_every_note_and_a_second_reads_none(
    vault: Vault, reads: list[str]
) -> None:
    write(vault.root, "Contacts/Jane Doe.md", contact("Jane Doe"))
    write(vault.root, "Daily/2026-12-01.md", "Just a journal entry.\n")
    with Index.open(vault) as index:
        first = index.sync()
        assert (first.read, first.added, first.changed, first.removed) == (2, 2, 0, 0)
        reads.clear()
        second = index.sync()
    assert (second.read, second.added, second.changed, second.removed) == (0, 0, 0, 0)
    assert reads == []


def test_changed_added_deleted_and_renamed_notes_are_picked_up(
    vault: Vault, reads: list[str]
) -> None:
    jane = write(vault.root, "Contacts/Jane Doe.md", contact("Jane Doe", role="Analyst"))
    bob = write(vault.root, "Contacts/Bob.md", contact("Bob Smith"))
    with fresh_index(vault) as index:
        jane.write_text(contact("Jane Doe", role="Engineer"))
        touch_later(jane)
        bob.rename(vault.root / "Contacts/Robert.md")
        write(vault.root, "Contacts/Carol.md", contact("Carol King"))
        reads.clear()
        report = index.sync()
        assert (report.read, report.added, report.changed, report.removed) == (3, 2, 1, 1)
        assert sorted(Path(p).name for p in reads) == ["Carol.md", "Jane Doe.md", "Robert.md"]
        people = {c.name: (c.note, c.role) for c in index.contacts()}
        kept = sync_module.stored_signatures(index._connection)
        assert kept == sync_module._signatures_by_row(index._connection)
        assert {path for path, *_ in kept} == {
            "Contacts/Jane Doe.md",
            "Contacts/Robert.md",
            "Contacts/Carol.md",
        }
    assert people == {
        "Jane Doe": ("Contacts/Jane Doe.md", "Engineer"),
        "Bob Smith": ("Contacts/Robert.md", None),
        "Carol King": ("Contacts/Carol.md", None),
    }


def test_a_renamed_contact_is_followed_by_links_to_its_new_name(vault: Vault) -> None:
    write(vault.root, "Contacts/Jane.md", contact("Jane Doe"))
    write(vault.root, "Meetings/m.md", meeting("[[Jane Doe]]", day(-3)))
    with fresh_index(vault) as index:
        assert index.meetings()[0].contact_notes == ()  # no note is named Jane Doe yet
        (vault.root / "Contacts/Jane.md").rename(vault.root / "Contacts/Jane Doe.md")
        index.sync()
        assert index.meetings()[0].contact_notes == ("Contacts/Jane Doe.md",)


def test_sync_paths_reads_only_the_given_notes_and_removes_deleted_ones(
    vault: Vault, reads: list[str]
) -> None:
    write(vault.root, "Contacts/Jane Doe.md", contact("Jane Doe"))
    gone = write(vault.root, "Contacts/Bob.md", contact("Bob Smith"))
    other = write(vault.root, "Notes/other.md", "text\n")
    with fresh_index(vault) as index:
        write(vault.root, "Contacts/Jane Doe.md", contact("Jane Doe", role="Engineer"))
        gone.unlink()
        other.write_text("changed, but nobody said so\n")
        touch_later(other)
        reads.clear()
        report = index.sync_paths(["Contacts/Jane Doe.md", str(gone)])
        assert (report.read, report.changed, report.removed) == (1, 1, 1)
        assert [Path(p).name for p in reads] == ["Jane Doe.md"]
        assert [c.role for c in index.contacts()] == ["Engineer"]


def test_sync_paths_with_a_folder_rescans_it_and_a_deleted_folder_empties_it(
    vault: Vault,
) -> None:
    write(vault.root, "Contacts/Jane Doe.md", contact("Jane Doe"))
    write(vault.root, "Old/Ann.md", contact("Ann Lee"))
    with fresh_index(vault) as index:
        write(vault.root, "Contacts/Bob.md", contact("Bob Smith"))
        for path in (vault.root / "Old").iterdir():
            path.unlink()
        (vault.root / "Old").rmdir()
        report = index.sync_paths(["Contacts", "Old", ".obsidian/workspace.json"])
        assert (report.added, report.removed) == (1, 1)
        assert sorted(c.name for c in index.contacts()) == ["Bob Smith", "Jane Doe"]


def test_hidden_folders_are_not_indexed(vault: Vault) -> None:
    for folder in (".obsidian", ".trash", ".git", ".vaulttools"):
        write(vault.root, f"{folder}/Jane.md", contact("Jane Doe"))
    write(vault.root, "Contacts/.hidden.md", contact("Hidden"))
    with fresh_index(vault) as index:
        assert index.notes() == []


def test_a_fifo_and_a_symlink_loop_do_not_hang_the_index(vault: Vault) -> None:
    write(vault.root, "Contacts/Jane Doe.md", contact("Jane Doe"))
    os.mkfifo(vault.root / "pipe.md")
    (vault.root / "loop").symlink_to(vault.root, target_is_directory=True)
    (vault.root / "Contacts/link.md").symlink_to(vault.root / "Contacts/Jane Doe.md")
    result: list[object] = []
    worker = threading.Thread(target=lambda: result.append(fresh_index(vault)), daemon=True)
    worker.start()
    worker.join(timeout=20)
    assert not worker.is_alive(), "the index hung on a FIFO or a symlink loop"
    (index,) = result
    assert [n.path for n in index.notes()] == ["Contacts/Jane Doe.md"]  # type: ignore[attr-defined]
    index.close()  # type: ignore[attr-defined]


def test_a_file_swapped_for_a_fifo_after_the_scan_is_skipped(
    vault: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    note = write(vault.root, "swap.md", "text\n")
    real = sync_module.disk_signatures

    def scan_then_swap(root: Path, *rest: Any) -> sync_module.Scan:
        found = real(root, *rest)
        note.unlink()
        os.mkfifo(note)
        return found

    monkeypatch.setattr(sync_module, "disk_signatures", scan_then_swap)
    with Index.open(vault) as index:
        report = index.sync()
        assert (report.read, report.added, report.unreadable) == (0, 0, [])
        assert index.notes() == []


def test_a_note_vanishing_mid_scan_is_skipped_quietly(
    vault: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(vault.root, "Contacts/Jane Doe.md", contact("Jane Doe"))
    doomed = write(vault.root, "Contacts/Bob.md", contact("Bob Smith"))
    real = sync_module.disk_signatures

    def scan_then_delete(root: Path, *rest: Any) -> sync_module.Scan:
        found = real(root, *rest)
        doomed.unlink()
        return found

    monkeypatch.setattr(sync_module, "disk_signatures", scan_then_delete)
    with Index.open(vault) as index:
        report = index.sync()
        assert (report.added, report.unreadable) == (1, [])
        assert [c.name for c in index.contacts()] == ["Jane Doe"]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("---\nname: [unclosed\n---\nbody\n", "not valid YAML"),
        ("---\n- a\n- b\n---\nbody\n", "is a list, not a set of properties"),
        ("---\ntype: contact\nname: Jane\nbody without a closing line\n", "never closed"),
    ],
)
def test_a_bad_note_is_reported_and_everything_else_indexed(
    vault: Vault, text: str, reason: str
) -> None:
    write(vault.root, "Bad.md", text)
    write(vault.root, "Contacts/Jane Doe.md", contact("Jane Doe"))
    with Index.open(vault) as index:
        report = index.sync()
        assert report.added == 2
        assert [(path, reason in why) for path, why in report.unreadable] == [("Bad.md", True)]
        assert [c.name for c in index.contacts()] == ["Jane Doe"]
        assert [path for path, _ in index.unreadable()] == ["Bad.md"]


def test_invalid_utf8_is_reported_and_the_rest_of_the_note_read(vault: Vault) -> None:
    head = contact("Jane Doe").encode()
    data = head + b"caf\xe9 notes\n- [ ] Call \xff 2 \xf0\x9f\x93\x85 2026-12-01\n"
    (vault.root / "Contacts").mkdir()
    (vault.root / "Contacts/Jane Doe.md").write_bytes(data)
    with fresh_index(vault) as index:
        reasons = [why for _, why in index.unreadable()]
        assert reasons == [f"is not valid UTF-8 (byte {len(head) + 3})"]
        assert [c.name for c in index.contacts()] == ["Jane Doe"]
        assert [f.due.isoformat() for f in index.followups()] == ["2026-12-01"]


def test_nul_bytes_are_reported(vault: Vault) -> None:
    write(vault.root, "n.md", "---\ntype: contact\nname: Jane\n---\nA\x00B\n")
    with fresh_index(vault) as index:
        assert [why for _, why in index.unreadable()] == ["contains NUL bytes"]
        assert [c.name for c in index.contacts()] == ["Jane"]


def test_crlf_and_bom_notes_read_like_any_other(vault: Vault) -> None:
    body = "- [ ] Send a thank-you to [[Jane Doe]] 📅 2026-12-02 ^fu-crlf\n"
    write(vault.root, "Contacts/Jane Doe.md", contact("Jane Doe"), crlf=True, bom=True)
    write(vault.root, "Meetings/m.md", meeting("[[Jane Doe]]", "2026-12-01", body), crlf=True)
    with fresh_index(vault) as index:
        (followup,) = index.followups()
        assert (followup.id, followup.text, followup.contact) == (
            "fu-crlf",
            "Send a thank-you to [[Jane Doe]]",
            "Jane Doe",
        )
        assert index.meetings()[0].contact_notes == ("Contacts/Jane Doe.md",)
        assert index.unreadable() == []


def test_tasks_outside_contact_and_meeting_notes_are_not_follow_ups(vault: Vault) -> None:
    write(vault.root, "Todo.md", "- [ ] Buy milk 📅 2026-12-01\n")
    write(vault.root, "Orgs/Acme.md", "---\ntype: organisation\n---\n- [ ] x 📅 2026-12-01\n")
    with fresh_index(vault) as index:
        assert index.followups() == []


def test_aliases_of_ordinary_notes_resolve_links(vault: Vault) -> None:
    write(vault.root, "People/Janet Doe-Smith.md", "---\naliases: [Jane Doe]\n---\nnotes\n")
    write(vault.root, "Meetings/m.md", meeting("[[jane doe]]", day(1)))
    with fresh_index(vault) as index:
        assert index.resolver().resolve("Jane Doe") == "People/Janet Doe-Smith.md"


def test_path_links_and_case_insensitive_links_find_contacts(vault: Vault) -> None:
    write(vault.root, "Contacts/Sam.md", contact("Sam Contact"))
    write(vault.root, "Archive/Sam.md", contact("Sam Archived"))
    write(vault.root, "Meetings/a.md", meeting("[[Archive/Sam]]", day(1)))
    write(vault.root, "Meetings/b.md", meeting("[[CONTACTS/SAM|Sam]]", day(2)))
    with fresh_index(vault) as index:
        assert [m.contact for m in index.meetings()] == ["Sam Archived", "Sam Contact"]


def test_followups_hide_closed_ones_unless_asked(vault: Vault) -> None:
    body = "- [ ] Open 📅 2026-12-02\n- [x] Done 📅 2026-12-01\n- [-] Dropped 📅 2026-12-03\n"
    write(vault.root, "Contacts/Jane Doe.md", contact("Jane Doe") + body)
    with fresh_index(vault) as index:
        assert [f.text for f in index.followups()] == ["Open"]
        assert [f.text for f in index.followups(include_closed=True)] == ["Done", "Open", "Dropped"]


def test_meeting_and_contact_filters(vault: Vault) -> None:
    write(vault.root, "Orgs/Acme Ltd.md", "---\ntype: organisation\naliases: [Acme]\n---\n")
    write(vault.root, "Contacts/Jane Doe.md", contact("Jane Doe", organisation='"[[Acme]]"'))
    write(vault.root, "Contacts/Bob.md", contact("Bob Smith", organisation="Globex", status="met"))
    write(vault.root, "Meetings/1.md", meeting("[[Jane Doe]]", "2026-12-01"))
    write(vault.root, "Meetings/2.md", meeting("[[Bob]]", "2026-12-05"))
    write(vault.root, "Meetings/3.md", meeting("[[Jane Doe]]", "2026-12-09"))
    with fresh_index(vault) as index:
        in_range = index.meetings(start=day_of("2026-12-02"), end=day_of("2026-12-09"))
        assert [m.note for m in in_range] == ["Meetings/2.md", "Meetings/3.md"]
        assert [m.note for m in index.meetings(contact="jane doe")] == [
            "Meetings/1.md",
            "Meetings/3.md",
        ]
        assert [c.name for c in index.contacts(organisation="acme ltd")] == ["Jane Doe"]
        assert [c.name for c in index.contacts(organisation="Acme")] == ["Jane Doe"]
        assert [c.name for c in index.contacts(organisation="globex")] == ["Bob Smith"]
        assert [c.name for c in index.contacts(status="MET")] == ["Bob Smith"]


def day_of(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def test_search_ranks_titles_first_and_quotes_the_match(vault: Vault) -> None:
    write(vault.root, "Contacts/Jane Doe.md", contact("Jane Doe", role="Data engineer"))
    write(vault.root, "Orgs/Data Corp.md", "---\ntype: organisation\nname: Data Corp\n---\nData.\n")
    write(vault.root, "Meetings/m.md", meeting("[[Jane Doe]]", day(1), "We spoke about José.\n"))
    write(vault.root, "Plain.md", "Data data data, but an ordinary note.\n")
    with fresh_index(vault) as index:
        hits = index.search("data")
        assert [hit.note for hit in hits] == ["Orgs/Data Corp.md", "Contacts/Jane Doe.md"]
        assert "**Data**" in hits[1].snippet
        assert [hit.note for hit in index.search("jose")] == ["Meetings/m.md"]
        assert [hit.note for hit in index.search('eng "jane')] == ["Contacts/Jane Doe.md"]
        assert index.search("nothing-like-this") == []


def test_the_index_uses_wal_and_a_schema_version(vault: Vault) -> None:
    with fresh_index(vault):
        pass
    connection = sqlite3.connect(vault.state_dir / schema.INDEX_FILE)
    assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    row = connection.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    assert row == (schema.SCHEMA_VERSION,)


def test_a_schema_version_mismatch_rebuilds(vault: Vault, reads: list[str]) -> None:
    write(vault.root, "Contacts/Jane Doe.md", contact("Jane Doe"))
    with fresh_index(vault):
        pass
    connection = sqlite3.connect(vault.state_dir / schema.INDEX_FILE)
    with connection:
        connection.execute("UPDATE meta SET value = 'old' WHERE key = 'schema_version'")
        connection.execute("CREATE TABLE leftover (x)")
    connection.close()
    reads.clear()
    with fresh_index(vault) as index:
        assert [c.name for c in index.contacts()] == ["Jane Doe"]
    assert len(reads) == 1
    tables = sqlite3.connect(vault.state_dir / schema.INDEX_FILE).execute(
        "SELECT name FROM sqlite_master WHERE name = 'leftover'"
    )
    assert tables.fetchall() == []


def test_a_damaged_index_file_is_replaced(vault: Vault) -> None:
    write(vault.root, "Contacts/Jane Doe.md", contact("Jane Doe"))
    (vault.state_dir / schema.INDEX_FILE).write_bytes(b"this is not a database" * 100)
    with fresh_index(vault) as index:
        assert [c.name for c in index.contacts()] == ["Jane Doe"]


def test_rebuild_reads_everything_again(vault: Vault, reads: list[str]) -> None:
    write(vault.root, "a.md", "a\n")
    write(vault.root, "b.md", "b\n")
    with fresh_index(vault) as index:
        reads.clear()
        report = index.rebuild()
    assert (report.read, report.added) == (2, 2)
    assert len(reads) == 2


def test_a_reader_is_not_blocked_by_a_writer(vault: Vault) -> None:
    write(vault.root, "Contacts/Jane Doe.md", contact("Jane Doe"))
    with fresh_index(vault) as reader, Index.open(vault) as writer:
        writer._connection.execute("BEGIN IMMEDIATE")
        writer._connection.execute("DELETE FROM people")
        assert [c.name for c in reader.contacts()] == ["Jane Doe"]
        writer._connection.execute("ROLLBACK")


def test_dataview_fields_and_block_ids_in_a_contact_note(vault: Vault) -> None:
    body = (
        "## Follow-ups\n"
        "- [ ] Send an update (due:: 2026-12-20) [reminder:: 2026-12-20 09:15] ^fu-abc1\n"
        "```\n- [ ] Inside a code block 📅 2026-12-01\n```\n"
        "<!-- - [ ] Inside a comment 📅 2026-12-01 -->\n"
    )
    write(vault.root, "Contacts/Jane Doe.md", contact("Jane Doe") + body)
    with fresh_index(vault) as index:
        (followup,) = index.followups()
    assert (followup.id, followup.due.isoformat(), followup.time, followup.line) == (
        "fu-abc1",
        "2026-12-20",
        "09:15",
        6,
    )


def test_a_slow_sync_never_overwrites_a_newer_one(
    vault: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process indexes a newer version while this one reads: the newer one stays."""
    note = write(vault.root, "Contacts/Jane Doe.md", contact("Jane Doe", role="Analyst"))
    real = rows_module.read_file
    other = Index.open(vault)

    def read_then_race(path: str) -> FileRead | None:
        found = real(path)
        if path.endswith("Jane Doe.md") and "Analyst" in found.data.decode():
            note.write_text(contact("Jane Doe", role="Engineer"))
            touch_later(note)
            other.sync()  # commits the newer version first
        return found

    monkeypatch.setattr(rows_module, "read_file", read_then_race)
    with Index.open(vault) as index:
        index.sync()
        assert [c.role for c in index.contacts()] == ["Engineer"]
        monkeypatch.setattr(rows_module, "read_file", real)
        assert index.sync().read == 0  # and what it stored matches the file
    other.close()


def test_answers_follow_changes_another_process_indexed(vault: Vault) -> None:
    note = write(
        vault.root, "Contacts/Jane Doe.md", contact("Jane Doe") + "- [ ] Call 📅 2026-12-01\n"
    )
    with fresh_index(vault) as watcher, Index.open(vault) as other:
        assert [f.text for f in watcher.followups()] == ["Call"]
        note.write_text(contact("Jane Doe") + "- [x] Call 📅 2026-12-01\n")
        touch_later(note)
        other.sync()  # another `vault` command indexes the tick first
        assert watcher.sync().read == 0
        assert watcher.followups() == []


def test_signatures_kept_in_one_piece_match_the_rows_after_every_kind_of_sync(
    vault: Vault,
) -> None:
    def consistent(index: Index) -> bool:
        kept = sync_module.stored_signatures(index._connection)
        return kept == sync_module._signatures_by_row(index._connection)

    first = write(vault.root, "a.md", "a\n")
    write(vault.root, "Folder/b.md", "b\n")
    with fresh_index(vault) as index:
        assert consistent(index)
        first.write_text("changed\n")
        touch_later(first)
        write(vault.root, "Folder/c.md", "c\n")
        index.sync_paths(["a.md", "Folder"])
        assert consistent(index)
        (vault.root / "Folder/b.md").unlink()
        index.sync()
        assert consistent(index)
        index.rebuild()
        assert consistent(index)
        assert {p for p, *_ in sync_module.stored_signatures(index._connection)} == {
            "a.md",
            "Folder/c.md",
        }


def test_a_few_notes_changed_are_kept_beside_the_signatures_in_one_piece_until_they_add_up(
    vault: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sync_module, "CHANGES_KEPT", 3)

    def kept(index: Index, key: str) -> bytes | None:
        row = index._connection.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    notes = [write(vault.root, f"n{n}.md", f"{n}\n") for n in range(3)]
    with fresh_index(vault) as index:
        piece = kept(index, "signatures")
        assert piece is not None and kept(index, "signature changes") is None
        notes[0].write_text("edited\n")
        touch_later(notes[0])
        index.sync()
        assert kept(index, "signatures") == piece  # one note changed: the piece stays as it was
        assert kept(index, "signature changes") is not None
        assert sync_module.stored_signatures(index._connection) == (
            sync_module._signatures_by_row(index._connection)
        )
        notes[1].unlink()
        write(vault.root, "n3.md", "3\n")
        notes[0].write_text("edited again\n")
        touch_later(notes[0])
        index.sync()  # four changes since the piece was kept, more than three: written again
        assert kept(index, "signatures") != piece and kept(index, "signature changes") is None
        assert {p for p, *_ in sync_module.stored_signatures(index._connection)} == {
            "n0.md",
            "n2.md",
            "n3.md",
        }
        index._connection.execute(
            "INSERT OR REPLACE INTO meta VALUES ('signature changes', x'00')"
        )  # damaged: the rows are the truth
        assert sync_module.stored_signatures(index._connection) == (
            sync_module._signatures_by_row(index._connection)
        )
        assert index.sync().read == 0
        notes[2].write_text("edited\n")
        touch_later(notes[2])
        assert index.sync().read == 1  # a write over the damage: everything kept anew
        assert kept(index, "signature changes") is None
        assert sync_module.stored_signatures(index._connection) == (
            sync_module._signatures_by_row(index._connection)
        )


def test_a_sync_with_nothing_to_do_is_known_from_the_kept_scan_until_files_or_index_change(
    vault: Vault, reads: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    compared: list[int] = []
    real = sync_module.stored_signatures

    def comparing(connection: sqlite3.Connection) -> set[sync_module.Entry]:
        compared.append(1)
        return real(connection)

    monkeypatch.setattr(sync_module, "stored_signatures", comparing)
    note = write(vault.root, "Contacts/Jane Doe.md", contact("Jane Doe", role="Analyst"))
    write(vault.root, "Daily/today.md", "Just a journal entry.\n")
    with fresh_index(vault) as index:
        assert index.sync().read == 0  # compared note by note: nothing to do, scan kept
        compared.clear()
        assert index.sync().read == 0
        assert compared == []  # the same scan: not compared again
        note.write_text(contact("Jane Doe", role="Engineer"))
        touch_later(note)
        assert index.sync().read == 1 and compared == [1]
        write(vault.root, "Daily/new.md", "New.\n")
        assert index.sync().added == 1
        (vault.root / "Daily/new.md").rename(vault.root / "Daily/renamed.md")
        report = index.sync()
        assert (report.added, report.removed) == (1, 1)
        (vault.root / "Daily/renamed.md").unlink()
        assert index.sync().removed == 1
        index.sync()
        compared.clear()
        index.rebuild()  # the index changed, not the files: the kept scan no longer says so
        assert compared == [1]
        assert [c.role for c in index.contacts()] == ["Engineer"]
        assert {p for p, *_ in sync_module.stored_signatures(index._connection)} == {
            "Contacts/Jane Doe.md",
            "Daily/today.md",
        }


def test_a_note_dated_past_2262_is_indexed_and_its_edits_are_seen(
    vault: Vault, reads: list[str]
) -> None:
    note = write(vault.root, "Contacts/Jane Doe.md", contact("Jane Doe", role="Analyst"))
    far = 13_600_000_000 * 10**9  # the year 2400: more nanoseconds than 64 bits hold
    os.utime(note, ns=(far, far))
    assert note.stat().st_mtime_ns == far
    with fresh_index(vault) as index:
        assert [c.role for c in index.contacts()] == ["Analyst"]
        reads.clear()
        assert (index.sync().read, index.sync().read, reads) == (0, 0, [])
        note.write_text(contact("Jane Doe", role="Engineer"))
        os.utime(note, ns=(far, far))  # the same time again: its change time moved
        assert index.sync().read == 1
        assert [c.role for c in index.contacts()] == ["Engineer"]


def test_a_sync_clears_what_killed_edits_left_beside_notes_and_keeps_a_live_ones(
    vault: Vault,
) -> None:
    write(vault.root, "Contacts/Jane Doe.md", contact("Jane Doe"))
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    litter = vault.root / "Contacts" / f".vaulttools-{dead.pid}-abc123.tmp"
    litter.write_text(contact("Jane Doe", role="half written"))
    live = vault.root / "Contacts" / f".vaulttools-{os.getpid()}-0123ab.tmp"
    live.write_text("an edit in progress")
    with fresh_index(vault) as index:
        assert [c.role for c in index.contacts()] == [None]
    assert not litter.exists()
    assert live.read_text() == "an edit in progress"


def test_a_note_that_cannot_be_opened_is_reported_and_retried(
    vault: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(vault.root, "Locked.md", "secret\n")
    write(vault.root, "Open.md", "fine\n")
    real = rows_module.read_file

    def refuse(path: str) -> FileRead | None:
        if path.endswith("Locked.md"):
            raise rows_module.Unreadable("could not be read: Permission denied")
        return real(path)

    monkeypatch.setattr(rows_module, "read_file", refuse)
    with Index.open(vault) as index:
        report = index.sync()
        assert report.unreadable == [("Locked.md", "could not be read: Permission denied")]
        assert [n.path for n in index.notes()] == ["Locked.md", "Open.md"]
        monkeypatch.setattr(rows_module, "read_file", real)
        again = index.sync()  # tried again, though the file did not change
        assert (again.read, again.changed, again.unreadable) == (1, 1, [])
        assert index.unreadable() == []


def test_stored_facts_read_back_as_the_notes_give_them(vault: Vault) -> None:
    """Every fact survives the trip through SQLite: what the listings join is what notes say."""
    from vaulttools.followups import VaultFacts
    from vaulttools.index.queries import load_facts
    from vaulttools.notes import parse_note

    write(vault.root, "Orgs/Acme.md", "---\ntype: organisation\nid: org-1\nname: Acme Ltd\n---\n")
    person = contact(
        "Jane Doe",
        id="ct-1",
        aliases="[Janey, J D]",
        organisation='"[[Acme]]"',
        role="Analyst",
        email="jane@example.org",
        status="met",
        referred_by='"[[Bob]]"',
        stay_in_touch=30,
        next_contact="2026-12-24",
    )
    write(
        vault.root,
        "Contacts/Jane Doe.md",
        person + "- [x] Call [[Bob]] 📅 2026-12-01 ✅ 2026-12-02\n",
    )
    body = "## Names they suggested\n- [[Carol]]\n\n- [ ] Thank ⏰ 2026-12-03 10:15 ^fu-9\n"
    write(
        vault.root,
        "Meetings/m.md",
        meeting(
            "[[Jane Doe]]", "2026-12-02", body, contacts='["[[Bob]]"]', time="'10:30'",
            duration=45, status="done", location="Café", mode="video", objective="Learn",
        ),
    )  # fmt: skip
    notes = [
        parse_note(path.read_text(encoding="utf-8"), path.relative_to(vault.root).as_posix())
        for path in sorted(vault.root.rglob("*.md"))
    ]
    with fresh_index(vault) as index:
        stored = load_facts(index._connection)
    expected = VaultFacts.from_notes(notes)
    assert stored.people == expected.people and stored.people
    assert stored.meetings == expected.meetings and stored.meetings
    assert stored.organisations == expected.organisations and stored.organisations
    assert sorted(stored.tasks) == sorted(expected.tasks) and len(stored.tasks) == 2
    assert stored.suggestions == expected.suggestions and stored.suggestions
