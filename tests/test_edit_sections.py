"""Adding lines to a section and cancelling a task: only added lines, every byte else kept."""

from __future__ import annotations

import datetime as dt

import pytest

from vaulttools.edit import TaskStateError, add_to_section, cancel_line

DAY = dt.date(2026, 11, 30)


def test_lines_go_at_the_end_of_their_section() -> None:
    text = "# P\n\n## Log\n\n- one\n\n## Next\n\nx\n"
    assert (
        add_to_section(text, "log", ["- two"]) == "# P\n\n## Log\n\n- one\n- two\n\n## Next\n\nx\n"
    )


def test_after_prose_a_blank_line_comes_first() -> None:
    text = "## Log\n<!-- a comment -->\n## Next\n"
    assert (
        add_to_section(text, "Log", ["- two"]) == "## Log\n<!-- a comment -->\n\n- two\n## Next\n"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("# P\n", "# P\n\n## Log\n\n- two\n"),
        ("# P", "# P\n\n## Log\n\n- two"),
        ("\ufeff# P\r\n", "\ufeff# P\r\n\r\n## Log\r\n\r\n- two\r\n"),
    ],
)
def test_a_missing_section_is_appended(text: str, expected: str) -> None:
    assert add_to_section(text, "Log", ["- two"]) == expected


def test_a_subheading_stays_inside_the_section() -> None:
    text = "## Log\n- one\n### Older\n- zero\n## Next\n"
    assert add_to_section(text, "Log", ["- two"]) == (
        "## Log\n- one\n### Older\n- zero\n- two\n## Next\n"
    )


def test_cancel_line_as_obsidian_tasks_writes_it() -> None:
    line = "- [ ] Send a thank-you 📅 2026-12-02 ^fu-1"
    assert cancel_line(line, DAY) == "- [-] Send a thank-you 📅 2026-12-02 ❌ 2026-11-30 ^fu-1"
    assert cancel_line("- [ ] Call [due:: 2026-12-02]", DAY) == (
        "- [-] Call [due:: 2026-12-02] [cancelled:: 2026-11-30]"
    )
    with pytest.raises(TaskStateError):
        cancel_line("- [x] Done 📅 2026-12-02 ✅ 2026-12-01", DAY)
