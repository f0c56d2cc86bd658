"""The listing commands through the CLI: tables, JSON keys, filters, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import pytest

from .conftest import RunVault
from .vaultbuilders import contact, day, meeting, write

pytestmark = pytest.mark.usefixtures("frozen_today")  # dates counted from TODAY

FOLLOWUP_KEYS = {"id", "text", "due", "time", "done", "cancelled", "note", "contact"}
CONTACT_KEYS = {"name", "note", "organisation", "role", "status", "last_met", "next_followup"}
MEETING_KEYS = {"note", "contact", "date", "time", "duration", "status"}


@pytest.fixture
def filled(vault: Path) -> Path:
    write(vault, "Organisations/Acme Ltd.md", "---\ntype: organisation\nname: Acme Ltd\n---\n")
    write(vault, "Contacts/Jane Doe.md", contact("Jane Doe", organisation='"[[Acme Ltd]]"'))
    write(vault, "Contacts/Bob Smith.md", contact("Bob Smith", next_contact=day(10)))
    body = (
        f"- [ ] Send a thank-you to [[Jane Doe]] 📅 {day(-2)} ^fu-late\n"
        f"- [ ] Connect with [[Jane Doe]] online 📅 {day(3)} ⏰ {day(3)} 09:30 ^fu-soon\n"
        f"- [x] Reflect 📅 {day(-3)} ✅ {day(-3)} ^fu-done\n"
    )
    write(vault, "Meetings/m1.md", meeting("[[Jane Doe]]", day(-3), body, status="done"))
    write(vault, "Meetings/m2.md", meeting("[[Bob Smith]]", day(5), time="'10:00'"))
    return vault


def test_followups_table_marks_overdue_ones(in_vault: RunVault, filled: Path) -> None:
    result = in_vault("followups")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["Due", "Follow-up", "Contact", "Id"]
    assert lines[1].startswith("!") and "Send a thank-you to Jane Doe" in lines[1]
    assert f"{day(3)} 09:30" in lines[2] and "fu-soon" in lines[2]
    assert "Get in touch with Bob Smith" in lines[3]
    assert lines[-1] == "3 follow-ups, 1 overdue."
    assert "fu-done" not in result.stdout
    # columns line up: every row's id starts where the header's does
    column = lines[0].index("Id")
    assert [line[column:] for line in lines[1:4]] == [
        "fu-late",
        "fu-soon",
        "Contacts/Bob Smith.md:next",
    ]


def test_followups_filters_and_json(in_vault: RunVault, filled: Path) -> None:
    overdue = json.loads(in_vault("followups", "--overdue", "--json").stdout)
    assert [f["id"] for f in overdue] == ["fu-late"]
    assert set(overdue[0]) >= FOLLOWUP_KEYS
    assert overdue[0]["contact"] == "Jane Doe" and overdue[0]["due"] == day(-2)
    within = json.loads(in_vault("followups", "--within", "3", "--json").stdout)
    assert [f["id"] for f in within] == ["fu-late", "fu-soon"]
    assert within[1]["time"] == "09:30"
    everything = json.loads(in_vault("followups", "--all", "--json").stdout)
    assert everything[0]["id"] == "fu-done"
    assert everything[0]["done"] is True


def test_contacts_table_and_json(in_vault: RunVault, filled: Path) -> None:
    result = in_vault("contacts")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == [
        "Name",
        "Organisation",
        "Role",
        "Status",
        "Last",
        "contact",
        "Next",
        "follow-up",
    ]
    assert lines[1].split() == ["Bob", "Smith", "scheduled", day(10)]
    assert lines[2].split() == [
        "Jane",
        "Doe",
        "Acme",
        "Ltd",
        "met",
        day(-3),
        "(3d",
        "ago)",
        day(-2),
    ]
    assert lines[0].index("Status") == lines[1].index("scheduled") == lines[2].index("met")
    rows = json.loads(in_vault("contacts", "--json").stdout)
    assert all(set(row) >= CONTACT_KEYS for row in rows)
    assert [(r["name"], r["status"], r["last_met"], r["next_followup"]) for r in rows] == [
        ("Bob Smith", "scheduled", None, day(10)),
        ("Jane Doe", "met", day(-3), day(-2)),
    ]
    acme = json.loads(in_vault("contacts", "--org", "acme ltd", "--json").stdout)
    assert [r["name"] for r in acme] == ["Jane Doe"]
    met = json.loads(in_vault("contacts", "--status", "met", "--json").stdout)
    assert [r["name"] for r in met] == ["Jane Doe"]


def _columns(text: str) -> int:
    """Terminal columns: East Asian wide characters take two, combining marks none."""
    return sum(
        0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        for ch in text
    )


@pytest.mark.parametrize("width", [None, "56"])
def test_table_columns_line_up_whatever_the_names_are_written_in(
    in_vault: RunVault, vault: Path, monkeypatch: pytest.MonkeyPatch, width: str | None
) -> None:
    wide, combining = "山田 太郎", "Zoe\u0301 Marti\u0301n"
    names = ["Jane Doe", wide, combining, "Wiremu Te Whakaaro-Rangitane Parata"]
    for number, name in enumerate(names):
        write(vault, f"Contacts/c{number}.md", contact(name, organisation="Acme", role="Chef"))
    if width:
        monkeypatch.setenv("COLUMNS", width)
    else:
        monkeypatch.delenv("COLUMNS", raising=False)
    lines = in_vault("contacts").stdout.splitlines()[1:-1]
    assert len(lines) == len(names)
    # Every row's organisation and role start at the same column, wide names or not,
    # clipped to the terminal's width or not.
    for word in ("Acme", "Chef"):
        assert len({_columns(line[: line.index(word)]) for line in lines}) == 1
    if width:
        assert max(map(_columns, lines)) <= int(width)
        assert any("…" in line for line in lines)  # the longest name was clipped


def test_meetings_table_filters_and_json(in_vault: RunVault, filled: Path) -> None:
    result = in_vault("meetings")
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["Date", "Time", "Min", "With", "Organisation", "Status", "Note"]
    assert lines[1].split()[:3] == [day(-3), "30", "Jane"]
    assert lines[2].split()[:4] == [day(5), "10:00", "30", "Bob"]
    upcoming = json.loads(in_vault("meetings", "--from", "today", "--json").stdout)
    assert [m["note"] for m in upcoming] == ["Meetings/m2.md"]
    assert set(upcoming[0]) >= MEETING_KEYS
    with_jane = json.loads(in_vault("meetings", "--contact", "Jane Doe", "--json").stdout)
    assert [(m["contact"], m["status"], m["organisation"]) for m in with_jane] == [
        ("Jane Doe", "done", "Acme Ltd")
    ]


def test_bad_usage_is_one_sentence_and_exit_2(in_vault: RunVault, filled: Path) -> None:
    result = in_vault("meetings", "--from", day(5), "--to", day(1))
    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 0 and "is after" in result.stderr
    bad_date = in_vault("meetings", "--from", "someday")
    assert bad_date.exit_code == 2 and "Traceback" not in bad_date.output
    empty = in_vault("search", "   ")
    assert empty.exit_code == 2 and "search for" in empty.stderr


def test_search_prints_ranked_hits_with_snippets(in_vault: RunVault, filled: Path) -> None:
    result = in_vault("search", "acme")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == "Acme Ltd  (organisation, Organisations/Acme Ltd.md)"
    hits = json.loads(in_vault("search", "jane", "--json").stdout)
    assert {hit["note"] for hit in hits} == {"Contacts/Jane Doe.md", "Meetings/m1.md"}
    assert all("**Jane**" in hit["snippet"] for hit in hits)
    assert in_vault("search", "zzzz").stdout == "Nothing matches 'zzzz'.\n"


def test_vault_index_reports_counts_and_unreadable_notes_and_exits_0(
    in_vault, filled: Path
) -> None:
    write(filled, "Broken.md", "---\n: : :\n---\n")
    first = in_vault("index")
    assert first.exit_code == 0, first.output
    lines = first.stdout.splitlines()
    assert lines[0] == "Indexed 6 notes: read 6, added 6, changed 0, removed 0."
    assert lines[1] == "1 note could not be fully read:"
    assert lines[2].startswith("  Broken.md: has front matter that is not valid YAML")
    assert lines[3] == "Updated Informational Interviews.md."
    again = in_vault("index")
    assert again.stdout.splitlines() == [
        "Indexed 7 notes: read 0, added 0, changed 0, removed 0.",
        "1 problem found earlier in notes that did not change; 'vault check' lists them.",
    ]
    rebuilt = in_vault("index", "--rebuild")
    assert rebuilt.stdout.splitlines()[0].startswith("Indexed 7 notes: read 7, added 7")


def test_listings_on_an_empty_vault(in_vault: RunVault) -> None:
    assert in_vault("followups").stdout == "No open follow-ups.\n"
    assert in_vault("contacts").stdout == "No contacts.\n"
    assert in_vault("meetings").stdout == "No meetings.\n"
    assert json.loads(in_vault("followups", "--json").stdout) == []
    assert in_vault("followups", "--overdue").stdout == "Nothing overdue.\n"
    assert in_vault("followups", "--within", "7").stdout == "Nothing due within 7 days.\n"


def test_every_command_has_help(run: RunVault) -> None:
    for command in ("index", "contacts", "meetings", "followups", "search", "check"):
        result = run(command, "--help")
        assert result.exit_code == 0 and len(result.stdout.splitlines()[2]) > 10


def test_followups_as_a_process_is_quick_and_imports_nothing_heavy(filled: Path) -> None:
    env = {**os.environ, "VAULT_DIR": str(filled)}
    command = [sys.executable, "-m", "vaulttools", "followups"]
    subprocess.run(command, env=env, check=True, capture_output=True)  # builds the index
    probe = (
        "import sys, runpy; sys.argv = ['vault', 'followups'];\n"
        "try: runpy.run_module('vaulttools', run_name='__main__')\n"
        "except SystemExit: pass\n"
        "heavy = ('jinja2', 'icalendar', 'watchdog', 'ruamel')\n"
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    assert result.stdout.splitlines()[-1] == "[]", result.stdout + result.stderr
    assert elapsed < 2.0  # generous for slow CI machines; benchmarks/ measures it properly


def test_vault_index_refuses_an_index_note_with_broken_markers(
    in_vault: RunVault, vault: Path
) -> None:
    from vaulttools.indexnote import START

    note = vault / "Informational Interviews.md"
    note.write_text(f"My notes\n{START}\nno end marker\n", encoding="utf-8")
    result = in_vault("index")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert "Informational Interviews.md has its markers out of order" in result.stderr
    assert note.read_text(encoding="utf-8") == f"My notes\n{START}\nno end marker\n"
