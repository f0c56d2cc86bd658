"""Task dates as Obsidian Tasks and Dataview read them; `snooze` moves the date that is read."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from vaulttools.checks import note_problems
from vaulttools.edit import snooze_line
from vaulttools.notes import parse_note
from vaulttools.tasks import parse_task

from .conftest import RunVault

HEAD = "---\ntype: contact\nname: Jane Doe\n---\n"
NEW = dt.date(2026, 12, 24)


def due_of(line: str) -> dt.date | None:
    task = parse_note(HEAD + line + "\n", "Contacts/Jane Doe.md").tasks[0]
    return task.due


def problems_of(line: str) -> list[str]:
    return note_problems(parse_note(HEAD + line + "\n", "Contacts/Jane Doe.md"))


def test_of_two_due_dates_the_one_tasks_takes_is_read_and_moved() -> None:
    line = "- [ ] Follow up on the 📅 2026-11-20 call 📅 2026-12-01"
    assert due_of(line) == dt.date(2026, 12, 1)
    moved = snooze_line(line, NEW)
    assert moved == "- [ ] Follow up on the 📅 2026-11-20 call 📅 2026-12-24"
    assert due_of(moved) == NEW


@pytest.mark.parametrize("value", ["20261201", "2026-W49-2", "tomorrow", "2026-12"])
def test_a_dataview_value_that_is_no_date_is_no_date_and_snooze_replaces_it(value: str) -> None:
    line = f"- [ ] Call [due:: {value}]"
    assert due_of(line) is None
    assert problems_of(line) == [
        f"has a task on line 5 with [due:: {value}], which is not a date (YYYY-MM-DD)"
    ]
    moved = snooze_line(line, NEW)
    assert moved == "- [ ] Call [due:: 2026-12-24]"  # one field, now read: "Moved" is true
    assert due_of(moved) == NEW


def test_spaces_around_a_dataview_key_are_dataview_s() -> None:
    assert due_of("- [ ] Call Jane [ due :: 2026-12-01 ]") == dt.date(2026, 12, 1)
    moved = snooze_line("- [ ] Call Jane [ due :: 2026-12-01 ]", NEW)
    assert moved == "- [ ] Call Jane [ due :: 2026-12-24 ]"


@pytest.mark.parametrize(
    ("line", "remark"),
    [
        ("- [ ] Call 📅 14/12/2026", "with 📅 14/12/2026, which is not a date (YYYY-MM-DD)"),
        ("- [ ] Call Jane due 12 Dec", "with 'due 12 Dec', a date no reader takes"),
        ("- [ ] Call [Due:: 2026-12-01]", "which is not read as a date: write [due:: 2026-12-01]"),
        ("- [ ] Call ⏰ 2026-12-01T25:00", "with ⏰ 2026-12-01T25:00, which is not a date"),
    ],
)
def test_a_date_no_reader_takes_is_reported(line: str, remark: str) -> None:
    assert due_of(line) is None
    (problem,) = problems_of(line)
    assert problem.startswith("has a task on line 5 ") and remark in problem


@pytest.mark.parametrize(
    "line",
    [
        "- [ ] Call 📅 2026-12-01 about the job",
        "- [ ] Call 📅 2026-12-01 #followup ^fu-ab12 #later",
        "- [ ] Call 📅 2026-12-01\t^fu-ab12",
        "- [ ] Call 📅 2026-12-01 ⏰ 2026-12-01 10:00",
        "- [ ] Call 📅 2026-12-01 %% moved %%",
    ],
)
def test_a_date_tasks_does_not_see_is_read_and_the_user_is_told(line: str) -> None:
    assert due_of(line) == dt.date(2026, 12, 1)
    assert problems_of(line) == [
        "has a task on line 5 with 📅 2026-12-01, a date Obsidian Tasks will not see"
        " (it reads dates only at the end of the line)"
    ]


def test_the_reminder_is_read_and_moves_with_the_date() -> None:
    line = "- [ ] Call 📅 2026-12-01 ⏰ 2026-12-01 14:30"
    task = parse_task(line, 0)
    assert task is not None and (task.when, task.time) == (dt.date(2026, 12, 1), "14:30")
    assert snooze_line(line, NEW) == "- [ ] Call 📅 2026-12-24 ⏰ 2026-12-24 14:30"


def test_a_task_with_no_date_gets_one_in_its_own_format() -> None:
    assert snooze_line("- [ ] Call ^fu-1", NEW) == "- [ ] Call 📅 2026-12-24 ^fu-1"
    assert snooze_line("- [ ] Call [p:: 1]", NEW) == "- [ ] Call [p:: 1] [due:: 2026-12-24]"


def test_vault_check_names_the_line_and_snooze_moves_the_date_read(
    vault: Path, in_vault: RunVault
) -> None:
    note = vault / "Contacts" / "Jane Doe.md"
    note.parent.mkdir(parents=True, exist_ok=True)
    note.write_text(
        HEAD + "- [ ] Call about the 📅 2026-11-20 call 📅 2026-12-01 ^fu-two\n"
        "- [ ] Write 📅 2026-12-02 about the job ^fu-text\n- [ ] Ask [due:: 20261201] ^fu-bad\n",
        encoding="utf-8",
    )
    result = in_vault("check")
    assert result.exit_code == 1
    assert (
        "Contacts/Jane Doe.md: has a task on line 6 with 📅 2026-12-02, a date Obsidian Tasks "
        "will not see (it reads dates only at the end of the line)"
    ) in result.output
    assert (
        "Contacts/Jane Doe.md: has a task on line 7 with [due:: 20261201], which is not a date "
        "(YYYY-MM-DD)"
    ) in result.output
    assert in_vault("snooze", "fu-two", "2026-12-24").exit_code == 0
    lines = note.read_text(encoding="utf-8").splitlines()
    assert lines[4] == "- [ ] Call about the 📅 2026-11-20 call 📅 2026-12-24 ^fu-two"
    # A task whose date no reader takes is no follow-up: check names it, snooze cannot move it.
    assert "fu-bad" not in in_vault("followups", "--all").output
