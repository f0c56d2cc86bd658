"""Which lines are tasks and links: Markdown structure as Obsidian renders it (CommonMark + GFM)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vaulttools.comments import blank_comments
from vaulttools.notes import parse_note
from vaulttools.structure import read_structure

CONFORMANCE = Path(__file__).parent / "data" / "obsidian-task-lines.json"
HEAD = "---\ntype: contact\nname: Jane Doe\n---\n"


def task_texts(body: str) -> list[str]:
    return [task.text for task in parse_note(HEAD + body, "Contacts/Jane Doe.md").tasks]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # A fence opened inside a quote ends with the quote.
        ("> ```\n> - [ ] hidden\n\n- [ ] after\n", ["after"]),
        # A four-backtick fence holds a three-backtick line.
        ("````\n```\n- [ ] hidden\n````\n- [ ] after\n", ["after"]),
        # A backtick in the info string: no fence at all.
        ("```js``` text\n- [ ] after\n", ["after"]),
        # A closing fence takes no info string: the fence goes on.
        ("```\n``` not a close\n- [ ] hidden\n```\n- [ ] after\n", ["after"]),
        # Indented after a paragraph: a continuation line, not a fence.
        ("Some text\n    ```\n- [ ] after\n", ["after"]),
        # Tilde fences, longer fences, fences in list items and quotes.
        ("~~~~\n- [ ] hidden\n~~~\n~~~~\n- [ ] after\n", ["after"]),
        ("- item\n  ```\n  - [ ] hidden\n  ```\n- [ ] after\n", ["after"]),
        (
            "> [!todo] Callout\n> ```\n> - [ ] hidden\n> ```\n> - [ ] in the callout\n",
            ["in the callout"],
        ),
        # Indented code after a blank line.
        ("Text\n\n    - [ ] code\n\n- [ ] after\n", ["after"]),
        # HTML blocks and comments, `%%` comments, an unclosed `%%` to the end.
        ("<div>\n- [ ] html\n</div>\n\n- [ ] after\n", ["after"]),
        ("<!--\n- [ ] commented\n-->\n- [ ] after\n", ["after"]),
        ("%%\n- [ ] commented\n%%\n- [ ] after\n", ["after"]),
        ("- [ ] before\n%% never closed\n- [ ] hidden\n", ["before"]),
        ("<!-- never closed\n- [ ] hidden\n", []),
        # Tasks in quotes, callouts and nested lists are tasks, as Obsidian shows them.
        ("> - [ ] quoted\n> > - [ ] deeper\n- a\n  - [x] nested\n", ["quoted", "deeper", "nested"]),
        # Not tasks: no space after the box, or not a list item.
        ("- [ ]Call\n\n[ ] Call\n\n\t- [ ] tab indented: code\n", []),
    ],
)
def test_tasks_are_the_lines_obsidian_shows_as_tasks(body: str, expected: list[str]) -> None:
    assert task_texts(body) == expected


def test_line_numbers_count_from_the_top_of_the_file_with_crlf_and_lone_cr() -> None:
    body = "```\r\n- [ ] hidden\r\n```\r\nText\rmore\r\n- [ ] Call 📅 2026-12-01\r\n"
    (task,) = parse_note(HEAD + body, "Contacts/Jane Doe.md").tasks
    assert (task.line, task.text) == (4 + 4, "Call")


def test_links_in_code_and_comments_are_not_links() -> None:
    body = (
        "```\n[[In Code]]\n```\n<!-- [[In Comment]] -->\n%% [[Hidden]] %%\n"
        "See `[[Code Span]]` and [[Real]].\n| [[Sam Lee\\|Sam]] | x |\n"
    )
    note = parse_note(HEAD + body, "Contacts/Jane Doe.md")
    assert note.links == ("Real", "Sam Lee")


def test_headings_come_with_their_level_and_line() -> None:
    structure = read_structure("# One\n```\n# not\n```\nTwo\n---\n### Three ###\n")
    assert [(h.line, h.level, h.title) for h in structure.headings] == [
        (0, 1, "One"),
        (4, 2, "Two"),
        (6, 3, "Three"),
    ]


def test_every_conformance_line_is_a_task_exactly_when_obsidian_shows_one() -> None:
    for case in json.loads(CONFORMANCE.read_text(encoding="utf-8")):
        shown = bool(read_structure(blank_comments(case["line"])).tasks)
        assert shown == case["shown_as_task"], case["line"]
