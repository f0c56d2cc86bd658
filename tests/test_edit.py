"""Pure edits of one task line or one property: every other byte stays as it was."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from vaulttools.edit import (
    PropertyEditError,
    TaskStateError,
    is_recurring,
    locate_task,
    set_property,
    snooze_task,
    tick_line,
    tick_task,
)
from vaulttools.errors import ConflictError
from vaulttools.notes import parse_note
from vaulttools.tasks import parse_task

DAY = dt.date(2026, 12, 2)
LATER = dt.date(2026, 12, 20)


def differing_lines(before: str, after: str) -> list[tuple[str, str]]:
    """The (old, new) pairs of lines that differ; both texts must have the same line count."""
    old, new = before.split("\n"), after.split("\n")
    assert len(old) == len(new)
    return [(a, b) for a, b in zip(old, new, strict=True) if a != b]


def note(*lines: str, eol: str = "\n", final: bool = True) -> str:
    return eol.join(lines) + (eol if final else "")


MEETING = note(
    "---",
    "type: meeting  # a comment",
    "contact: '[[Jane Doe]]'",
    "date: 2026-12-01",
    "---",
    "# Conversation",
    "",
    "- [ ] Send a thank-you to [[Jane Doe]] 📅 2026-12-02 ^fu-7k2m",
    "- [ ] Ask about the graduate programme [due:: 2027-01-10]",
    "  - [/] Connect online ⏫ 📅 2026-12-02 ⏰ 2026-12-02 09:30",
    "- [x] Reflect 📅 2026-12-01 ✅ 2026-12-01",
    "- [-] Cancelled one 📅 2026-12-01 ❌ 2026-12-01",
)


# --- ticking ---------------------------------------------------------------------------------


def test_tick_writes_done_date_before_the_block_id() -> None:
    after = tick_task(MEETING, 7, DAY)
    assert differing_lines(MEETING, after) == [
        (
            "- [ ] Send a thank-you to [[Jane Doe]] 📅 2026-12-02 ^fu-7k2m",
            "- [x] Send a thank-you to [[Jane Doe]] 📅 2026-12-02 ✅ 2026-12-02 ^fu-7k2m",
        )
    ]


def test_tick_keeps_the_users_dataview_format() -> None:
    after = tick_task(MEETING, 8, DAY)
    assert differing_lines(MEETING, after) == [
        (
            "- [ ] Ask about the graduate programme [due:: 2027-01-10]",
            "- [x] Ask about the graduate programme [due:: 2027-01-10] [completion:: 2026-12-02]",
        )
    ]


def test_tick_keeps_indent_priority_and_reminder() -> None:
    after = tick_task(MEETING, 9, DAY)
    assert differing_lines(MEETING, after) == [
        (
            "  - [/] Connect online ⏫ 📅 2026-12-02 ⏰ 2026-12-02 09:30",
            "  - [x] Connect online ⏫ 📅 2026-12-02 ⏰ 2026-12-02 09:30 ✅ 2026-12-02",
        )
    ]


@pytest.mark.parametrize("eol", ["\n", "\r\n"])
@pytest.mark.parametrize("final", [True, False])
def test_tick_preserves_line_endings_and_the_final_newline(eol: str, final: bool) -> None:
    before = note(
        "---", "type: contact", "---", "- [ ] Call Jane ^fu-1", "- [ ] Last", eol=eol, final=final
    )
    after = tick_task(before, 4, DAY)
    assert after == before.replace("- [ ] Last", "- [x] Last ✅ 2026-12-02")
    assert after.encode().count(b"\r\n") == before.encode().count(b"\r\n")
    assert after.endswith(eol) == final


def test_tick_keeps_a_byte_order_mark() -> None:
    before = "\ufeff- [ ] First line task\n"
    assert tick_task(before, 0, DAY) == "\ufeff- [x] First line task ✅ 2026-12-02\n"


def test_tick_keeps_trailing_spaces_that_may_be_a_line_break() -> None:
    assert tick_line("- [ ] Call  ", DAY) == "- [x] Call ✅ 2026-12-02  "


def test_tick_replaces_a_stale_done_date_left_after_unticking() -> None:
    line = "- [ ] Call 📅 2026-12-01 ✅ 2026-11-30 ^fu-1"
    assert tick_line(line, DAY) == "- [x] Call 📅 2026-12-01 ✅ 2026-12-02 ^fu-1"


def test_tick_refuses_done_and_cancelled_tasks() -> None:
    with pytest.raises(TaskStateError, match="already done"):
        tick_task(MEETING, 10, DAY)
    with pytest.raises(TaskStateError, match="cancelled"):
        tick_task(MEETING, 11, DAY)


def test_tick_refuses_a_line_that_is_no_longer_a_task() -> None:
    with pytest.raises(ConflictError):
        tick_task(MEETING, 5, DAY)
    with pytest.raises(ConflictError):
        tick_task(MEETING, 99, DAY)


def test_ticked_line_parses_as_done_on_that_day() -> None:
    after = parse_note(tick_task(MEETING, 7, DAY), "m.md")
    task = next(t for t in after.tasks if t.block_id == "fu-7k2m")
    assert task.done and task.done_on == DAY and task.due == DAY


# --- snoozing --------------------------------------------------------------------------------


def test_snooze_moves_the_emoji_due_date() -> None:
    after = snooze_task(MEETING, 7, LATER)
    assert differing_lines(MEETING, after) == [
        (
            "- [ ] Send a thank-you to [[Jane Doe]] 📅 2026-12-02 ^fu-7k2m",
            "- [ ] Send a thank-you to [[Jane Doe]] 📅 2026-12-20 ^fu-7k2m",
        )
    ]


def test_snooze_moves_a_dataview_due_date() -> None:
    after = snooze_task(MEETING, 8, LATER)
    assert differing_lines(MEETING, after)[0][1] == (
        "- [ ] Ask about the graduate programme [due:: 2026-12-20]"
    )


def test_snooze_moves_a_reminder_on_the_same_day_with_its_time() -> None:
    after = snooze_task(MEETING, 9, LATER)
    assert differing_lines(MEETING, after)[0][1] == (
        "  - [/] Connect online ⏫ 📅 2026-12-20 ⏰ 2026-12-20 09:30"
    )


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("- [ ] Plan ⏳ 2026-12-05", "- [ ] Plan ⏳ 2026-12-20"),
        ("- [ ] Plan ^fu-9", "- [ ] Plan 📅 2026-12-20 ^fu-9"),
        ("- [ ] Plan [start:: 2026-12-01]", "- [ ] Plan [start:: 2026-12-01] [due:: 2026-12-20]"),
        ("- [ ] Plan (due:: 2026-12-05) later", "- [ ] Plan (due:: 2026-12-20) later"),
    ],
)
def test_snooze_other_date_forms(line: str, expected: str) -> None:
    assert snooze_task(line, 0, LATER) == expected


def test_snooze_refuses_a_done_task() -> None:
    with pytest.raises(TaskStateError):
        snooze_task(MEETING, 10, LATER)


# --- finding the task again ------------------------------------------------------------------


def test_locate_prefers_block_id_then_line_then_unique_text() -> None:
    parsed = parse_note(MEETING, "m.md")
    assert locate_task(parsed, "fu-7k2m", 3, "whatever").line == 7
    found = locate_task(parsed, "t-1", 8, "Ask about the graduate programme")
    assert found.line == 8
    moved = parse_note(MEETING.replace("# Conversation\n", "# Conversation\n\nAdded\n"), "m.md")
    assert locate_task(moved, "t-1", 8, "Ask about the graduate programme").line == 10
    with pytest.raises(ConflictError, match="vault index"):
        locate_task(parsed, "t-1", 8, "Gone")


# --- properties ------------------------------------------------------------------------------

CONTACT = note(
    "---",
    "# written by hand",
    "type: contact",
    "name: 'Jane  Doe'",
    'status: "met"   # set after our coffee',
    "tags:",
    "  - mentor",
    "  - data",
    "",
    "next_contact:",
    "stay_in_touch: 30",
    "created: 2026-11-01",
    "---",
    "Body with status: thanked",
)


def one_change(before: str, after: str) -> tuple[str, str]:
    changes = differing_lines(before, after)
    assert len(changes) == 1, changes
    return changes[0]


def test_set_property_keeps_quotes_and_comment() -> None:
    after = set_property(CONTACT, "status", "thanked")
    assert one_change(CONTACT, after) == (
        'status: "met"   # set after our coffee',
        'status: "thanked"   # set after our coffee',
    )


def test_set_property_fills_an_empty_value() -> None:
    after = set_property(CONTACT, "next_contact", dt.date(2027, 1, 5))
    assert one_change(CONTACT, after) == ("next_contact:", "next_contact: 2027-01-05")


def test_set_property_clears_a_value() -> None:
    after = set_property(CONTACT, "stay_in_touch", None)
    assert one_change(CONTACT, after) == ("stay_in_touch: 30", "stay_in_touch:")


def test_set_property_replaces_a_block_list_and_keeps_the_blank_line() -> None:
    after = set_property(CONTACT, "tags", ["alumni"])
    assert after == CONTACT.replace("tags:\n  - mentor\n  - data\n", "tags: [alumni]\n")


def test_set_property_adds_a_missing_key_at_the_end() -> None:
    before = note("---", "type: contact", "name: Jane", "---", "Body", eol="\r\n")
    after = set_property(before, "status", "contacted")
    assert after == note(
        "---", "type: contact", "name: Jane", "status: contacted", "---", "Body", eol="\r\n"
    )


@pytest.mark.parametrize("eol", ["\n", "\r\n"])
def test_set_property_preserves_crlf_and_a_missing_final_newline(eol: str) -> None:
    before = note("---", "type: contact", "status: met # why", "---", "Body", eol=eol, final=False)
    after = set_property(before, "status", "declined")
    assert after == before.replace("status: met", "status: declined")


def test_set_property_quotes_what_yaml_would_misread() -> None:
    after = set_property(CONTACT, "stay_in_touch", "yes: really")
    assert yaml.safe_load(after.split("---")[1])["stay_in_touch"] == "yes: really"
    assert one_change(CONTACT, after)[1] == "stay_in_touch: 'yes: really'"


def test_set_property_in_single_quotes_escapes_quotes() -> None:
    after = set_property(CONTACT, "name", "Jane O'Doe")
    assert one_change(CONTACT, after)[1] == "name: 'Jane O''Doe'"


def test_set_property_a_link_is_double_quoted() -> None:
    after = set_property(CONTACT, "referred_by", "[[Ann Lee]]")
    assert '\nreferred_by: "[[Ann Lee]]"\n---' in after


def test_set_property_refuses_a_note_without_front_matter() -> None:
    with pytest.raises(PropertyEditError, match="no front matter"):
        set_property("# Just a note\n", "status", "met")


def test_set_property_refuses_front_matter_that_is_not_yaml() -> None:
    with pytest.raises(PropertyEditError, match="not valid YAML"):
        set_property("---\ntype: [contact\n---\n", "status", "met")


@given(
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1
    ).filter(lambda value: value.strip() == value)
)
def test_any_one_line_text_value_reads_back_exactly(value: str) -> None:
    after = set_property(CONTACT, "status", value)
    raw = after.split("\n---\n")[0].removeprefix("---\n")
    assert yaml.safe_load(raw)["status"] == value
    assert len(differing_lines(CONTACT, after)) == 1


@given(
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1
    ).filter(lambda value: value.strip() == value)
)
def test_any_one_line_text_replaces_a_plain_value_exactly(value: str) -> None:
    after = set_property(CONTACT, "stay_in_touch", value)
    raw = after.split("\n---\n")[0].removeprefix("---\n")
    assert yaml.safe_load(raw)["stay_in_touch"] == value
    assert len(differing_lines(CONTACT, after)) == 1


def test_set_property_in_empty_crlf_front_matter_uses_crlf() -> None:
    assert (
        set_property("---\r\n---\r\nBody", "status", "met") == "---\r\nstatus: met\r\n---\r\nBody"
    )


def test_set_property_keeps_a_byte_order_mark() -> None:
    before = "\ufeff---\ntype: contact\nstatus: met\n---\n"
    assert set_property(before, "status", "thanked") == before.replace("met", "thanked")


def test_set_property_refuses_duplicate_keys() -> None:
    with pytest.raises(PropertyEditError):
        set_property("---\nstatus: met\nstatus: thanked\n---\n", "status", "declined")


@pytest.mark.parametrize(
    ("line", "recurring"),
    [
        ("- [ ] Water plants 🔁 every week 📅 2026-12-02", True),
        ("- [ ] Water plants [repeat:: every week] [due:: 2026-12-02]", True),
        ("- [ ] Send a thank-you 📅 2026-12-02", False),
    ],
)
def test_is_recurring(line: str, recurring: bool) -> None:
    assert is_recurring(line) is recurring


@pytest.mark.parametrize(
    "value",
    ["0E0", "0o17", "yes", "~", "null", "1:30", "- a", "# x", "@x", "'q'", '"d"', "a: b", ".inf"],
)
def test_values_yaml_would_read_as_something_else_stay_text(value: str) -> None:
    from ruamel.yaml import YAML

    after = set_property(CONTACT, "stay_in_touch", value)
    raw = after.split("\n---\n")[0].removeprefix("---\n")
    assert yaml.safe_load(raw)["stay_in_touch"] == value
    assert YAML(typ="safe").load(raw)["stay_in_touch"] == value


_OTHER_LINE = st.text(
    alphabet=st.characters(blacklist_characters="\n", blacklist_categories=("Cs",)), max_size=40
)
_TASK_TEXT = st.text(
    alphabet=st.characters(
        whitelist_categories=("L", "N", "Zs"), blacklist_characters="\u2028\u2029"
    ),
    min_size=1,
    max_size=30,
).filter(lambda text: text.strip() != "")


@given(
    before=st.lists(_OTHER_LINE, max_size=6),
    after=st.lists(_OTHER_LINE, max_size=6),
    text=_TASK_TEXT,
    crlf=st.booleans(),
    final=st.booleans(),
)
def test_tick_and_snooze_change_only_the_task_line(
    before: list[str], after: list[str], text: str, crlf: bool, final: bool
) -> None:
    task = f"- [ ] {text.strip()} 📅 2026-12-01 ^fu-zz9"
    eol = "\r\n" if crlf else "\n"
    note_text = eol.join([*before, task, *after]) + (eol if final else "")
    line = len(before)
    ticked, snoozed = tick_task(note_text, line, DAY), snooze_task(note_text, line, LATER)
    for edited in (ticked, snoozed):
        changes = differing_lines(note_text, edited)
        assert len(changes) == 1 and changes[0][0].removesuffix("\r") == task
        old_line, new_line = changes[0]
        assert new_line.removesuffix("\r").endswith(" ^fu-zz9")
        assert new_line.endswith("\r") == old_line.endswith("\r")
        assert edited.endswith(eol) == note_text.endswith(eol)
    done = parse_task(ticked.split("\n")[line], line)
    moved = parse_task(snoozed.split("\n")[line], line)
    original = parse_task(task, line)
    assert done and moved and original and done.text == moved.text == original.text
    assert done and done.done and done.done_on == DAY and done.block_id == "fu-zz9"
    assert moved and not moved.done and moved.due == LATER and moved.block_id == "fu-zz9"


def test_set_property_with_a_quoted_key_and_dots_closing() -> None:
    before = '---\n"status": met # mine\ntype: contact\n...\nBody\n'
    after = set_property(before, "status", "thanked")
    assert after == '---\n"status": thanked # mine\ntype: contact\n...\nBody\n'
