"""`vault done`, `vault snooze` and `vault status` through the CLI, over real vaults on disk."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from vaulttools.cli.app import AppState

from .conftest import RunVault

TODAY = dt.date(2026, 12, 3)

MEETING = (
    "---\r\n"
    "type: meeting\r\n"
    'contact: "[[Jane Doe]]"  # who\r\n'
    "date: 2026-12-01\r\n"
    "status: done\r\n"
    "---\r\n"
    "# Conversation with Jane Doe\r\n"
    "\r\n"
    "- [ ] Send a thank-you 📅 2026-12-02 ^fu-aaaa\r\n"
    "- [ ] Connect online 📅 2026-12-02 ⏰ 2026-12-02 09:00 ^fu-bbbb\r\n"
    "- [ ] Ask about the graduate programme [due:: 2027-01-10]\r\n"
    "- [x] Reflect on the conversation 📅 2026-12-01 ✅ 2026-12-01 ^fu-cccc"
)  # CRLF line endings and no final newline, as some editors save
CONTACT = (
    "---\n"
    "type: contact\n"
    "# added by hand\n"
    "name: 'Jane Doe'\n"
    'organisation: "[[Acme Ltd]]"\n'
    "status:   # worked out\n"
    "stay_in_touch: 30\n"
    "next_contact: 2026-12-02\n"
    "tags: [mentor]\n"
    "---\n"
    "# Jane Doe\n"
)


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(AppState, "today", property(lambda self: TODAY))


@pytest.fixture
def notes(vault: Path) -> tuple[Path, Path]:
    meeting = vault / "Meetings" / "2026-12-01 Jane Doe.md"
    contact = vault / "Contacts" / "Jane Doe.md"
    meeting.write_bytes(MEETING.encode())
    contact.write_bytes(CONTACT.encode())
    return meeting, contact


def changed_lines(before: bytes, after: bytes) -> list[tuple[bytes, bytes]]:
    """(old, new) for each line that differs; the line count must not change."""
    old, new = before.split(b"\n"), after.split(b"\n")
    assert len(old) == len(new)
    return [(a, b) for a, b in zip(old, new, strict=True) if a != b]


# --- done -------------------------------------------------------------------------------------


def test_done_ticks_one_line_byte_for_byte(in_vault: RunVault, notes: tuple[Path, Path]) -> None:
    meeting, _ = notes
    result = in_vault("done", "fu-aaaa")
    assert result.exit_code == 0, result.output
    assert "Done: Send a thank-you" in result.output
    assert changed_lines(MEETING.encode(), meeting.read_bytes()) == [
        (
            "- [ ] Send a thank-you 📅 2026-12-02 ^fu-aaaa\r".encode(),
            "- [x] Send a thank-you 📅 2026-12-02 ✅ 2026-12-03 ^fu-aaaa\r".encode(),
        )
    ]


def test_done_by_prefix_and_by_words(in_vault: RunVault, notes: tuple[Path, Path]) -> None:
    meeting, _ = notes
    assert in_vault("done", "fu-b").exit_code == 0
    assert in_vault("done", "graduate programme").exit_code == 0
    text = meeting.read_bytes().decode()
    assert "- [x] Connect online 📅 2026-12-02 ⏰ 2026-12-02 09:00 ✅ 2026-12-03 ^fu-bbbb" in text
    assert text.endswith("- [x] Reflect on the conversation 📅 2026-12-01 ✅ 2026-12-01 ^fu-cccc")
    assert "[due:: 2027-01-10] [completion:: 2026-12-03]\r\n" in text


def test_done_refuses_unknown_and_ambiguous_ids(
    in_vault: RunVault, notes: tuple[Path, Path]
) -> None:
    meeting, _ = notes
    unknown = in_vault("done", "fu-zzzz")
    assert unknown.exit_code == 1
    assert unknown.stderr.count("\n") == 1 and "No open follow-up" in unknown.stderr
    ambiguous = in_vault("done", "fu-")
    assert ambiguous.exit_code == 1
    assert "fu-aaaa" in ambiguous.stderr and "fu-bbbb" in ambiguous.stderr
    assert ambiguous.stderr.count("\n") == 1
    assert meeting.read_bytes() == MEETING.encode()


def test_done_twice_says_it_is_done(in_vault: RunVault, notes: tuple[Path, Path]) -> None:
    assert in_vault("done", "fu-aaaa").exit_code == 0
    again = in_vault("done", "fu-aaaa")
    assert again.exit_code == 1
    assert "already done on 2026-12-03" in again.stderr


def test_done_writes_nothing_when_the_note_changed_meanwhile(
    in_vault: RunVault, notes: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    import vaulttools.edit

    meeting, _ = notes
    real = vaulttools.edit.tick_task
    theirs = MEETING.replace("# Conversation", "# Talk").encode()

    def edit_in_between(text: str, line: int, day: dt.date) -> str:
        meeting.write_bytes(theirs)  # the user saves in their editor while we work
        return real(text, line, day)

    monkeypatch.setattr(vaulttools.edit, "tick_task", edit_in_between)
    result = in_vault("done", "fu-aaaa")
    assert result.exit_code == 1
    assert "changed while vaulttools was editing it; nothing was written" in result.stderr
    assert "Traceback" not in result.output
    assert meeting.read_bytes() == theirs


def test_done_on_a_contact_reminder_moves_next_contact(
    in_vault: RunVault, notes: tuple[Path, Path]
) -> None:
    _, contact = notes
    listing = in_vault("followups", "--json")
    ids = [f["id"] for f in json.loads(listing.output) if f["source"] != "task"]
    assert ids, listing.output
    result = in_vault("done", ids[0])
    assert result.exit_code == 0, result.output
    assert changed_lines(CONTACT.encode(), contact.read_bytes()) == [
        (b"next_contact: 2026-12-02", b"next_contact: 2027-01-02")
    ]


def test_done_on_a_reminder_without_stay_in_touch_clears_next_contact(
    in_vault: RunVault, notes: tuple[Path, Path]
) -> None:
    _, contact = notes
    before = CONTACT.replace("stay_in_touch: 30\n", "")
    contact.write_text(before, encoding="utf-8")
    result = in_vault("done", "Get in touch with Jane")
    assert result.exit_code == 0, result.output
    assert "next_contact cleared" in result.output
    assert changed_lines(before.encode(), contact.read_bytes()) == [
        (b"next_contact: 2026-12-02", b"next_contact:")
    ]


@pytest.mark.skipif(sys.platform == "win32", reason="relies on POSIX process start-up")
def test_concurrent_done_never_loses_an_edit(vault: Path) -> None:
    """Several `vault done` at once on one note: every one reported done is in the file."""
    tasks = [f"- [ ] Task {n} 📅 2026-12-02 ^fu-t{n:03d}" for n in range(6)]
    meeting = vault / "Meetings" / "2026-12-01 Group.md"
    meeting.write_text("---\ntype: meeting\ndate: 2026-12-01\n---\n" + "\n".join(tasks) + "\n")
    command = [sys.executable, "-m", "vaulttools", "--vault", str(vault), "index"]
    subprocess.run(command, check=True, capture_output=True)
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "vaulttools", "--vault", str(vault), "done", f"fu-t{n:03d}"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for n in range(6)
    ]
    codes = [process.wait(60) for process in processes]
    for process in processes:
        process.stdout.close()  # type: ignore[union-attr]
        process.stderr.close()  # type: ignore[union-attr]
    ticked = meeting.read_text(encoding="utf-8").count("- [x]")
    assert set(codes) <= {0, 1}
    assert ticked == codes.count(0) >= 1


# --- snooze -----------------------------------------------------------------------------------


def test_snooze_moves_due_date_and_reminder(in_vault: RunVault, notes: tuple[Path, Path]) -> None:
    meeting, _ = notes
    result = in_vault("snooze", "fu-bbbb", "2026-12-09")
    assert result.exit_code == 0, result.output
    assert "Moved to 2026-12-09" in result.output
    assert changed_lines(MEETING.encode(), meeting.read_bytes()) == [
        (
            "- [ ] Connect online 📅 2026-12-02 ⏰ 2026-12-02 09:00 ^fu-bbbb\r".encode(),
            "- [ ] Connect online 📅 2026-12-09 ⏰ 2026-12-09 09:00 ^fu-bbbb\r".encode(),
        )
    ]


def test_snooze_a_dataview_task(in_vault: RunVault, notes: tuple[Path, Path]) -> None:
    meeting, _ = notes
    assert in_vault("snooze", "graduate", "2027-02-01").exit_code == 0
    assert "[due:: 2027-02-01]\r\n" in meeting.read_bytes().decode()


def test_snooze_a_contact_reminder_sets_next_contact(
    in_vault: RunVault, notes: tuple[Path, Path]
) -> None:
    _, contact = notes
    assert in_vault("snooze", "Get in touch with Jane", "2027-03-01").exit_code == 0
    assert changed_lines(CONTACT.encode(), contact.read_bytes()) == [
        (b"next_contact: 2026-12-02", b"next_contact: 2027-03-01")
    ]


def test_snooze_refuses_a_bad_date(in_vault: RunVault, notes: tuple[Path, Path]) -> None:
    result = in_vault("snooze", "fu-aaaa", "someday")
    assert result.exit_code == 2
    assert "is not a date" in result.output


# --- status -----------------------------------------------------------------------------------


def test_status_sets_the_property_keeping_its_comment(
    in_vault: RunVault, notes: tuple[Path, Path]
) -> None:
    _, contact = notes
    result = in_vault("status", "jane", "contacted")
    assert result.exit_code == 0, result.output
    assert changed_lines(CONTACT.encode(), contact.read_bytes()) == [
        (b"status:   # worked out", b"status: contacted   # worked out")
    ]
    listing = in_vault("contacts", "--json")
    assert '"status": "contacted"' in listing.output


def test_status_auto_empties_it_again(in_vault: RunVault, notes: tuple[Path, Path]) -> None:
    _, contact = notes
    assert in_vault("status", "Jane Doe", "declined").exit_code == 0
    assert in_vault("status", "Jane Doe", "auto").exit_code == 0
    assert contact.read_bytes() == CONTACT.encode()  # back to the very same bytes
    listing = in_vault("contacts", "--json")
    assert '"status": "thanked"' not in listing.output and '"status": "met"' in listing.output


def test_status_refuses_unknown_people_and_stages(
    in_vault: RunVault, notes: tuple[Path, Path]
) -> None:
    unknown = in_vault("status", "Nobody Here", "met")
    assert unknown.exit_code == 1 and "No contact named 'Nobody Here'" in unknown.stderr
    bad = in_vault("status", "Jane Doe", "befriended")
    assert bad.exit_code == 2


def test_status_adds_the_property_when_the_note_has_none(in_vault: RunVault, vault: Path) -> None:
    contact = vault / "Contacts" / "Ann Lee.md"
    contact.write_bytes(b"---\r\ntype: contact\r\nname: Ann Lee\r\n---\r\nBody")
    assert in_vault("status", "Ann Lee", "met").exit_code == 0
    assert (
        contact.read_bytes()
        == b"---\r\ntype: contact\r\nname: Ann Lee\r\nstatus: met\r\n---\r\nBody"
    )


def test_done_on_a_repeating_task_says_the_next_one_is_not_added(
    in_vault: RunVault, vault: Path
) -> None:
    note = vault / "Contacts" / "Ann Lee.md"
    note.write_text(
        "---\ntype: contact\nname: Ann Lee\n---\n- [ ] Check in 🔁 every month 📅 2026-12-01\n"
    )
    result = in_vault("done", "check in")
    assert result.exit_code == 0, result.output
    assert "repeats" in result.stderr
    assert "- [x] Check in 🔁 every month 📅 2026-12-01 ✅ 2026-12-03\n" in note.read_text()


def stay_in_touch_vault(vault: Path) -> tuple[Path, str]:
    contact = vault / "Contacts" / "Ann Lee.md"
    before = "---\ntype: contact\nname: Ann Lee\nstay_in_touch: 30\nnext_contact:\n---\n"
    contact.write_text(before)
    meeting = vault / "Meetings" / "2026-10-01 Ann Lee.md"
    meeting.write_text('---\ntype: meeting\ncontact: "[[Ann Lee]]"\ndate: 2026-10-01\n---\n')
    return contact, before


def test_done_on_a_stay_in_touch_reminder_sets_next_contact(
    in_vault: RunVault, vault: Path
) -> None:
    """Counted from the last meeting, the reminder moves on to today plus the interval."""
    contact, before = stay_in_touch_vault(vault)
    result = in_vault("done", "Stay in touch with Ann")
    assert result.exit_code == 0, result.output
    assert contact.read_text() == before.replace("next_contact:", "next_contact: 2027-01-02")


def test_done_stay_in_touch_reminder_leaves_the_listing(in_vault: RunVault, vault: Path) -> None:
    stay_in_touch_vault(vault)
    assert in_vault("done", "Stay in touch with Ann").exit_code == 0
    listing = json.loads(in_vault("followups", "--json").output)
    assert [(f["text"], f["due"]) for f in listing if f["contact"] == "Ann Lee"] == [
        ("Get in touch with Ann Lee", "2027-01-02")
    ]


@pytest.mark.parametrize(
    "command",
    [
        ["done"],
        ["snooze"],
        ["status"],
        ["referrals"],
        ["draft"],
        ["draft", "request"],
        ["draft", "thanks"],
        ["report"],
    ],
)
def test_every_workflow_command_has_help(run: RunVault, command: list[str]) -> None:
    result = run(*command, "--help")
    assert result.exit_code == 0
    assert len(result.output.split("\n\n")[1].strip()) > 20  # a real description


def test_workflow_commands_outside_a_vault_fail_in_one_sentence(
    run: RunVault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for args in (["done", "x"], ["report"], ["referrals"], ["draft", "request", "x"]):
        result = run(*args)
        assert result.exit_code == 1
        assert result.stderr.startswith("vault: No vault here") and result.stderr.count("\n") == 1
