"""The pure note parser: front matter, tasks and links."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vaulttools.notes import as_time, decode, parse_note
from vaulttools.tasks import parse_task, task_id

CONTACT = """\
---
type: contact
name: Jane Doe
aliases: [JD]
organisation: "[[Acme Ltd]]"
---
# Jane

- [ ] Send a thank-you to [[Jane Doe]] 📅 2026-12-02 ^fu-7k2m
- [x] Connect on LinkedIn 📅 2026-12-02 ✅ 2026-12-02
- [-] Coffee again 📅 2026-12-09 ❌ 2026-12-03
- [ ] Ask about the graduate programme [due:: 2027-01-10]
- [ ] Call back ⏰ 2026-12-04 14:30
- [ ] No date here
```
- [ ] In a code block 📅 2026-12-01
```
<!--
- [ ] In a comment 📅 2026-12-01 [[Ghost]]
-->
See `[[Not A Link]]` and [[Other Note#Heading|shown]].
"""


def test_contact_note_properties_tasks_and_links() -> None:
    note = parse_note(CONTACT, "Contacts/Jane Doe.md")
    assert note.kind == "contact"
    assert note.title == "Jane Doe"
    assert note.aliases == ("JD",)
    assert [t.text for t in note.tasks] == [
        "Send a thank-you to [[Jane Doe]]",
        "Connect on LinkedIn",
        "Coffee again",
        "Ask about the graduate programme",
        "Call back",
        "No date here",
    ]
    thank_you, linkedin, coffee, programme, call, _ = note.tasks
    assert (thank_you.due, thank_you.block_id, thank_you.links) == (
        dt.date(2026, 12, 2),
        "fu-7k2m",
        ("Jane Doe",),
    )
    assert linkedin.done and linkedin.done_on == dt.date(2026, 12, 2)
    assert coffee.cancelled and coffee.cancelled_on == dt.date(2026, 12, 3)
    assert programme.due == dt.date(2027, 1, 10)
    assert (call.when, call.time) == (dt.date(2026, 12, 4), "14:30")
    assert note.links == ("Acme Ltd", "Jane Doe", "Other Note")
    assert thank_you.line == 8  # counted from the top of the file, front matter included


def test_crlf_and_bom_read_like_plain_text() -> None:
    data = ("\ufeff" + CONTACT).replace("\n", "\r\n").encode("utf-8")
    text, problems = decode(data)
    note = parse_note(text, "Contacts/Jane Doe.md", problems)
    assert note.problems == ()
    assert note.kind == "contact"
    assert note.tasks[0].due == dt.date(2026, 12, 2)
    assert note.tasks[0].block_id == "fu-7k2m"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("---\nname: [unclosed\n---\n", "not valid YAML at line"),
        ("---\n- a\n- b\n---\n", "is a list"),
        ("---\njust text\n---\n", "is a text"),
        ("---\ntype: contact\n", "never closed"),
    ],
)
def test_unreadable_front_matter_is_a_problem_not_an_exception(text: str, problem: str) -> None:
    note = parse_note(text, "x.md")
    assert note.properties == {}
    assert len(note.problems) == 1 and problem in note.problems[0]


def test_invalid_utf8_and_nul_are_reported() -> None:
    text, problems = decode(b"---\ntype: contact\nname: Ren\xe9\n---\n\x00")
    note = parse_note(text, "x.md", problems)
    assert note.kind == "contact"
    assert any("UTF-8" in p for p in note.problems)
    assert any("NUL" in p for p in note.problems)


def test_ordinary_notes_are_not_scanned_for_tasks() -> None:
    note = parse_note("# Shopping\n- [ ] milk 📅 2026-12-01\n", "Shopping.md")
    assert note.kind is None and note.tasks == ()


@pytest.mark.parametrize(("value", "expected"), [(630, "10:30"), ("9:05", "09:05"), (True, None)])
def test_times_survive_yaml_11_base_60(value: object, expected: str | None) -> None:
    assert as_time(value) == expected


def test_task_ids_survive_ticking_and_rescheduling() -> None:
    open_task = parse_task("- [ ] Email Sam 📅 2026-12-01", 3)
    ticked = parse_task("- [x] Email Sam 📅 2026-12-08 ✅ 2026-12-02", 9)
    assert open_task and ticked
    assert task_id("ct-1", open_task) == task_id("ct-1", ticked)
    assert task_id("ct-1", open_task) != task_id("ct-2", open_task)
    assert task_id("ct-1", open_task, 2) != task_id("ct-1", open_task)


def test_impossible_dates_are_no_dates() -> None:
    task = parse_task("- [ ] Email Sam 📅 2026-02-30", 0)
    assert task and task.due is None


@given(st.text(max_size=2000))
def test_parser_never_raises(text: str) -> None:
    note = parse_note("---\ntype: meeting\n---\n" + text, "x.md")
    assert note.kind == "meeting"


@given(st.binary(max_size=2000))
def test_parser_never_raises_on_bytes(data: bytes) -> None:
    text, problems = decode(data)
    note = parse_note(text, "x.md", problems)
    try:
        data.decode("utf-8")
        valid = True
    except UnicodeDecodeError:
        valid = False
    assert any("UTF-8" in problem for problem in note.problems) is not valid
