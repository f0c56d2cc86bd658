"""vaulttools reads task lines as Obsidian Tasks and Dataview do, proven on their own readings.

`tests/data/obsidian-task-lines.json` is a copy of `conformance/obsidian-task-lines.json`
from the project's shared folder (see the README beside it there): 188 task lines with what
Obsidian Tasks (emoji format, and its Dataview format) and Dataview made of each, produced by
running the plugins' own parsing code, and whether Obsidian shows the line as a task.

Every line where vaulttools' due date differs from what the plugins read is named below with
the `vault check` message that tells the user, so no difference is silent.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vaulttools.checks import note_problems
from vaulttools.notes import Note, parse_note

CASES = json.loads(
    (Path(__file__).parent / "data" / "obsidian-task-lines.json").read_text(encoding="utf-8")
)
HEAD = "---\ntype: contact\nname: Jane Doe\n---\n"
NOT_A_DATE = "which is not a date (YYYY-MM-DD)"
# Deliberate differences: line -> what `vault check` says about it (None: nothing to say).
DELIBERATE: dict[str, str | None] = {
    # Tasks takes the left one, 2026-02-30, and calls it invalid; vaulttools says so and
    # reads the date that is one, telling the user Tasks will not see it.
    "- [ ] Call Jane 📅 2026-02-30 📅 2026-12-01": f"with 📅 2026-02-30, {NOT_A_DATE}",
    # Dataview rolls impossible dates over (2026-02-30 is 2026-03-02): no date, and said.
    "- [ ] Call Jane 📅 2026-02-30": f"with 📅 2026-02-30, {NOT_A_DATE}",
    "- [ ] Call Jane 📅 2026-02-29": f"with 📅 2026-02-29, {NOT_A_DATE}",
    "- [ ] Call Jane [due:: 2026-02-30]": f"with [due:: 2026-02-30], {NOT_A_DATE}",
    # Dataview reads the first ten digits of a longer number; vaulttools does not guess.
    "- [ ] Call Jane 📅 2026-12-011": f"with 📅 2026-12-011, {NOT_A_DATE}",
    # Year 0 exists for Tasks, not for a calendar: no follow-up there, and said.
    "- [ ] Call Jane 📅 0000-01-01": f"with 📅 0000-01-01, {NOT_A_DATE}",
    # CommonMark (and Obsidian) show a task after "-\t"; Tasks does not take it for one.
    "-\t[ ] Call Jane 📅 2026-12-01": "that Obsidian Tasks does not read as a task",
    # A month alone is a day to Dataview (the 1st); vaulttools wants the day written.
    "- [ ] Call Jane [due:: 2026-12]": f"with [due:: 2026-12], {NOT_A_DATE}",
    # Dataview takes fields that start with "due" for the due date; vaulttools reads `due`.
    "- [ ] Call Jane [dueday:: 2026-12-01]": "which is not read as a date: write [due::",
    "- [ ] Call Jane [duetime:: 2026-12-01]": "which is not read as a date: write [due::",
    # A date in code or a comment is hidden in Obsidian, as Tasks reads it; Dataview reads
    # it anyway. Nothing to tell: the user sees it is code or a comment.
    "- [ ] Call Jane `📅 2026-12-01`": None,
    "- [ ] Call Jane <!-- 📅 2026-12-01 -->": None,
    "- [ ] Call Jane %% 📅 2026-12-01 %%": None,
}
UNSEEN = "a date Obsidian Tasks will not see"


def tasks_day(reading: dict | None, key: str = "due") -> str | None:
    value = (reading or {}).get(key)
    return value if isinstance(value, str) and value[:1].isdigit() else None


def dataview_day(reading: dict | None, key: str = "due") -> str | None:
    value = (reading or {}).get(key)
    return value[5:15] if isinstance(value, str) and value.startswith("DATE:") else None


def read(line: str, attribute: str = "due") -> tuple[Note, str | None, list[str]]:
    note = parse_note(HEAD + line + "\n", "Contacts/Jane Doe.md")
    day = getattr(note.tasks[0], attribute) if note.tasks else None
    return note, day.isoformat() if day else None, note_problems(note)


def agrees(case: dict, ours: str | None, problems: list[str], field: str = "due") -> bool:
    """Tasks' reading, else Dataview's where Tasks has none (and check says Tasks won't)."""
    tasks = tasks_day(case["tasks_emoji_format"], field)
    dataview_key = "completion" if field == "done" else field
    dataview = (
        tasks_day(case["tasks_dataview_format"], field),
        dataview_day(case["dataview"], dataview_key),
    )
    if ours == tasks and (tasks or dataview == (None, None)):
        return True
    said = "::" in case["line"] or any(UNSEEN in problem for problem in problems)
    return tasks is None and ours is not None and ours in dataview and said


@pytest.mark.parametrize("case", CASES, ids=[case["line"] for case in CASES])
def test_vaulttools_reads_the_line_as_the_plugins_do(case: dict) -> None:
    note, ours, problems = read(case["line"])
    assert bool(note.tasks) == case["shown_as_task"]
    if case["line"] in DELIBERATE:
        assert not agrees(case, ours, problems), "no longer a difference: take it off the list"
        message = DELIBERATE[case["line"]]
        assert message is None or any(message in problem for problem in problems), problems
    else:
        assert agrees(case, ours, problems), (ours, problems)


@pytest.mark.parametrize(("field", "attribute"), [("scheduled", "scheduled"), ("done", "done_on")])
def test_scheduled_and_done_dates_are_the_plugins_too(field: str, attribute: str) -> None:
    for case in CASES:
        _, ours, problems = read(case["line"], attribute)
        assert agrees(case, ours, problems, field), (case["line"], ours)


def test_a_date_tasks_skips_is_read_and_check_says_tasks_will_not_show_it() -> None:
    _, ours, problems = read("- [ ] Call Jane 📅 2026-12-01 about the job")
    assert ours == "2026-12-01"
    assert problems == [
        "has a task on line 5 with 📅 2026-12-01, a date Obsidian Tasks will not see"
        " (it reads dates only at the end of the line)"
    ]


def test_block_ids_are_read_as_tasks_reads_them() -> None:
    for case in CASES:
        note, _, _ = read(case["line"])
        link = (case["tasks_emoji_format"] or {}).get("blockLink") or ""
        if note.tasks and link:
            assert note.tasks[0].block_id == link.strip().removeprefix("^"), case["line"]
