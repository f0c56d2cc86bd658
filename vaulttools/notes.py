"""Text of a note -> Note: front matter, links and tasks. Pure: no file system here."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .comments import blank_comments
from .front_matter import HANDLER, read_properties
from .tasks import Task, parse_task
from .values import as_date, as_int, as_link, as_list, as_text, as_time
from .wikilinks import WIKILINK, link_target

__all__ = [
    "Note",
    "as_date",
    "as_int",
    "as_link",
    "as_list",
    "as_text",
    "as_time",
    "decode",
    "parse_note",
]

NOTE_KINDS = ("contact", "meeting", "organisation")
_FENCE = re.compile(r"^[ \t>]*(```|~~~)")
_CODE_SPAN = re.compile(r"(`+)[^`]*?\1")
_CLOSING = ("---", "...")


@dataclass(frozen=True)
class Note:
    """What vaulttools reads from one Markdown file."""

    path: str  # relative to the vault, with forward slashes
    properties: Mapping[str, Any]
    body: str
    body_line: int  # line number (0-based) where the body starts in the file
    tasks: tuple[Task, ...] = ()
    links: tuple[str, ...] = ()  # link targets, from properties and body, in order
    problems: tuple[str, ...] = ()  # why parts of the note could not be read

    @property
    def stem(self) -> str:
        return self.path.rsplit("/", 1)[-1].removesuffix(".md")

    @property
    def kind(self) -> str | None:
        kind = self.properties.get("type")
        return kind if kind in NOTE_KINDS else None

    @property
    def id(self) -> str:
        """The note's `id` property, else its path: what follow-up ids are derived from."""
        value = self.properties.get("id")
        return value if isinstance(value, str) and value else self.path

    @property
    def title(self) -> str:
        """The name a person or organisation goes by: `name`, else the file name."""
        return as_text(self.properties.get("name")) or self.stem

    @property
    def aliases(self) -> tuple[str, ...]:
        return tuple(a for a in as_list(self.properties.get("aliases")) if isinstance(a, str))


def decode(data: bytes) -> tuple[str, tuple[str, ...]]:
    """Bytes of a note -> text; invalid UTF-8 is replaced and reported, never fatal."""
    try:
        return data.decode("utf-8"), ()
    except UnicodeDecodeError as error:
        text = data.decode("utf-8", errors="replace")
        return text, (f"is not valid UTF-8 (byte {error.start})",)


def parse_note(text: str, path: str, problems: tuple[str, ...] = ()) -> Note:
    """Read a note's text. Never raises: what cannot be read becomes a problem."""
    text = text.removeprefix("\ufeff")
    if "\x00" in text:
        problems = (*problems, "contains NUL bytes")
        text = text.replace("\x00", "")
    raw_properties, body, body_line, fm_problems = split_front_matter(text)
    properties, yaml_problems = load_properties(raw_properties)
    note = Note(
        path, properties, body, body_line, problems=(*problems, *fm_problems, *yaml_problems)
    )
    if note.kind is None:
        return note
    tasks, body_links = scan_body(body, body_line)
    return Note(
        path,
        properties,
        body,
        body_line,
        tasks=tasks,
        links=(*property_links(properties), *body_links),
        problems=note.problems,
    )


def split_front_matter(text: str) -> tuple[str | None, str, int, tuple[str, ...]]:
    """(front matter text or None, body, body's first line number, problems)."""
    found = HANDLER.cut(text)
    return found.raw, found.body, found.body_line, (found.problem,) if found.problem else ()


def load_properties(raw: str | None) -> tuple[Mapping[str, Any], tuple[str, ...]]:
    """Front matter text -> a mapping of properties, or an empty one and the reason."""
    return read_properties(raw)


def scan_body(body: str, first_line: int) -> tuple[tuple[Task, ...], tuple[str, ...]]:
    """Tasks and link targets in the body, skipping code blocks and comments."""
    visible = blank_comments(body)
    tasks: list[Task] = []
    links: list[str] = []
    fence: str | None = None
    for offset, line in enumerate(visible.split("\n")):
        marker = _FENCE.match(line)
        if marker and (fence is None or marker[1] == fence):
            fence = None if fence else marker[1]
            continue
        if fence:
            continue
        if "[" in line:
            task = parse_task(line, first_line + offset)
            if task:
                tasks.append(task)
            prose = _CODE_SPAN.sub("", line) if "`" in line else line
            links.extend(link_target(raw) for raw in WIKILINK.findall(prose))
    return tuple(tasks), tuple(link for link in links if link)


def property_links(properties: Mapping[str, Any]) -> tuple[str, ...]:
    """Link targets in top-level property values (text, or lists of text)."""
    found: list[str] = []
    for value in properties.values():
        for item in value if isinstance(value, list) else (value,):
            if isinstance(item, str) and "[[" in item:
                found.extend(link_target(raw) for raw in WIKILINK.findall(item))
    return tuple(found)
