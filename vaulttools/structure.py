"""Which lines of a note's body are tasks, headings, or code and HTML: markdown-it-py decides.

Obsidian renders notes as CommonMark with GitHub's task lists; a `- [ ]` inside a
fence of any length, in indented code or in an HTML block is text, while one in a blockquote,
a callout or a nested list is a task. markdown-it-py is run with its block rules only (no
inline parsing: the lines it finds are read by `tasks` and `wikilinks`), once per note, and
its tokens' `map` give the source lines. Pure; the parser is built on first use.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

# GitHub's task list item: one character in brackets, then a space, a tab or the line's end.
_CHECKBOX = re.compile(r"\[[^\n]\](?:[ \t]|$)")
_HIDING = frozenset(("fence", "code_block", "html_block"))


class TaskLine(NamedTuple):
    line: int  # 0-based line in the body
    column: int  # where its `[ ]` starts in that line


class Heading(NamedTuple):
    line: int
    level: int
    title: str


class Structure(NamedTuple):
    tasks: tuple[TaskLine, ...] = ()
    headings: tuple[Heading, ...] = ()
    hidden: tuple[tuple[int, int], ...] = ()  # [start, end) line ranges of code and HTML

    def visible_lines(self, lines: list[str]) -> list[tuple[int, str]]:
        """(number, line) for every line outside code and HTML blocks."""
        shown = [True] * len(lines)
        for start, end in self.hidden:
            shown[start:end] = [False] * (min(end, len(lines)) - start)
        return [(number, line) for number, line in enumerate(lines) if shown[number]]


@cache
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    # Block rules only; tables and link definitions hold no tasks and hide none.
    parser = MarkdownIt("commonmark", {"html": True})
    parser.disable(["inline", "text_join", "reference"], ignoreInvalid=True)
    return parser


def read_structure(body: str) -> Structure:
    """The structure of `body` (comments already blanked); line numbers are `body`'s own."""
    # markdown-it takes a lone carriage return as a line break, `str.split("\n")` does not.
    source = body.replace("\r", " ") if "\r" in body else body
    tokens = _parser().parse(source)
    lines = source.split("\n")
    tasks: list[TaskLine] = []
    headings: list[Heading] = []
    hidden: list[tuple[int, int]] = []
    for index, token in enumerate(tokens):
        if token.type == "list_item_open":
            task = _task_line(tokens, index, lines)
            tasks += [task] if task else []
        elif token.type == "heading_open" and token.map:
            headings.append(Heading(token.map[0], int(token.tag[1]), tokens[index + 1].content))
        elif token.type in _HIDING and token.map:
            hidden.append((token.map[0], token.map[1]))
    return Structure(tuple(tasks), tuple(headings), tuple(hidden))


def _task_line(tokens: list[Token], index: int, lines: list[str]) -> TaskLine | None:
    """The task a list item is: its first paragraph, on its first line, opens with `[ ]`."""
    item, paragraph = tokens[index], tokens[index + 1]
    if paragraph.type != "paragraph_open" or not item.map or not paragraph.map:
        return None
    if paragraph.map[0] != item.map[0]:
        return None
    first = tokens[index + 2].content.split("\n", 1)[0].rstrip()
    if not _CHECKBOX.match(first):
        return None
    line = lines[item.map[0]].rstrip()
    column = len(line) - len(first)
    return TaskLine(item.map[0], column) if line[column:] == first else None
