"""Text of a note -> Note: front matter, links and tasks. Pure: no file system here."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from .comments import blank_comments
from .front_matter import HANDLER, read_properties
from .structure import Heading, read_structure
from .tasks import Task, task_at
from .values import as_date, as_int, as_link, as_list, as_text, as_time, unquoted_link
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
_CODE_SPAN = re.compile(r"(`+)[^`]*?\1")


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
    outline: Outline = field(default_factory=lambda: Outline())  # read for contacts, meetings
    # From the properties, when the note is made. Indexing asks every note for all four,
    # and Python 3.11's cached_property takes a lock for each: 60 ms for 10,000 notes.
    kind: str | None = field(init=False, repr=False, compare=False)  # contact, meeting, ...
    id: str = field(init=False, repr=False, compare=False)  # `id`, else the path
    title: str = field(init=False, repr=False, compare=False)  # `name`, else the file name
    aliases: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        properties, settle = self.properties, object.__setattr__
        note_id = properties.get("id")
        aliases = as_list(properties.get("aliases"))
        settle(self, "kind", kind_named(properties.get("type")))
        settle(self, "id", note_id if isinstance(note_id, str) and note_id else self.path)
        settle(self, "title", as_text(properties.get("name")) or self.stem)
        settle(self, "aliases", tuple(a for a in aliases if isinstance(a, str)))

    @property
    def stem(self) -> str:
        return self.path.rsplit("/", 1)[-1].removesuffix(".md")


class Outline(NamedTuple):
    """A body's headings and its lines outside code, HTML and comments (comments blanked)."""

    headings: tuple[Heading, ...] = ()
    visible: tuple[tuple[int, str], ...] = ()  # (0-based line of the body, its text)

    def section_lines(self, wanted: Callable[[str], bool]) -> Iterator[str]:
        """The visible lines under each heading whose title is `wanted`, up to the next
        heading of the same or a higher level; each line once."""
        numbers = [number for number, _ in self.visible]
        reached = 0
        for start, end in self._sections(wanted):
            first = max(bisect.bisect_right(numbers, start), reached)
            reached = max(bisect.bisect_left(numbers, end), first)
            yield from (line for _, line in self.visible[first:reached])

    def _sections(self, wanted: Callable[[str], bool]) -> Iterator[tuple[int, int]]:
        """(heading line, end line) of the wanted sections, in order."""
        ends = _section_ends(self.headings)
        for heading, end in zip(self.headings, ends, strict=True):
            if wanted(heading.title):
                yield heading.line, end


def _section_ends(headings: tuple[Heading, ...]) -> list[int]:
    """For each heading, the line of the next heading of the same or a higher level."""
    nearest = dict.fromkeys(range(1, 7), 1 << 62)  # level -> closest such heading below
    ends = [0] * len(headings)
    for index in range(len(headings) - 1, -1, -1):
        heading = headings[index]
        ends[index] = min(nearest[level] for level in range(1, heading.level + 1))
        nearest[heading.level] = heading.line
    return ends


def decode(data: bytes) -> tuple[str, tuple[str, ...]]:
    """Bytes of a note -> text; invalid UTF-8 is replaced and reported, never fatal."""
    try:
        return data.decode("utf-8"), ()
    except UnicodeDecodeError as error:
        text = data.decode("utf-8", errors="replace")
        return text, (f"is not valid UTF-8 (byte {error.start})",)


def parse_note(
    text: str,
    path: str,
    problems: tuple[str, ...] = (),
    kind: str | None = None,
    *,
    brief: bool = False,
) -> Note:
    """Read a note's text. Never raises: what cannot be read becomes a problem.

    `kind` is the note's kind when it has no `type` (a note in the contacts folder). A
    `brief` reading keeps of a note of no known kind only what names it (`NAME_KEYS`): all
    the index needs of the other notes in a vault.
    """
    text = text.removeprefix("\ufeff")
    if "\x00" in text:
        problems = (*problems, "contains NUL bytes")
        text = text.replace("\x00", "")
    raw_properties, body, body_line, fm_problems = split_front_matter(text)
    full_when = _names_a_kind if brief and not kind else None
    properties, yaml_problems = read_properties(raw_properties, full_when)
    if kind and "type" not in properties:
        properties = {**properties, "type": kind}
    problems = (*problems, *fm_problems, *yaml_problems)
    if kind_named(properties.get("type")) is None:
        return Note(path, properties, body, body_line, problems=problems)
    tasks, body_links, outline = scan_body(body, body_line)
    return Note(
        path,
        properties,
        body,
        body_line,
        tasks=tasks,
        links=(*property_links(properties), *body_links),
        problems=problems,
        outline=outline,
    )


def split_front_matter(text: str) -> tuple[str | None, str, int, tuple[str, ...]]:
    """(front matter text or None, body, body's first line number, problems)."""
    found = HANDLER.cut(text)
    return found.raw, found.body, found.body_line, (found.problem,) if found.problem else ()


def load_properties(raw: str | None) -> tuple[Mapping[str, Any], tuple[str, ...]]:
    """Front matter text -> a mapping of properties, or an empty one and the reason."""
    return read_properties(raw)


def kind_named(type_value: Any) -> str | None:
    """contact, meeting or organisation: `type`, or the first of its list that is one."""
    return next((kind for kind in as_list(type_value) if kind in NOTE_KINDS), None)


def _names_a_kind(type_value: Any) -> bool:
    return kind_named(type_value) is not None


def scan_body(body: str, first_line: int) -> tuple[tuple[Task, ...], tuple[str, ...], Outline]:
    """Tasks, link targets and outline of the body, as Obsidian renders it."""
    if "[" not in body and "#" not in body:
        return (), (), Outline()
    visible = blank_comments(body)
    structure = read_structure(visible)
    lines = visible.split("\n")
    raw = body.split("\n") if visible is not body else lines
    tasks = tuple(
        _task(lines[t.line], raw[t.line], t.column, first_line + t.line) for t in structure.tasks
    )
    shown = structure.visible_lines(lines)
    return tasks, tuple(_links_in(shown)), Outline(structure.headings, tuple(shown))


def _task(visible: str, raw: str, column: int, line_no: int) -> Task:
    """The task on a line; Obsidian Tasks reads `raw`, with its code and comments."""
    line = _without_code(visible)
    return task_at(line, column, line_no, raw if raw != line else None)


def _without_code(line: str) -> str:
    """A task line with its code spans blanked: a date in code is no date."""
    return _CODE_SPAN.sub(lambda span: " " * len(span[0]), line) if "`" in line else line


def _links_in(lines: list[tuple[int, str]]) -> Iterator[str]:
    for _, line in lines:
        yield from links_in(line)


def links_in(line: str) -> Iterator[str]:
    """Link targets in one line of prose, leaving out code spans."""
    if "[[" in line:
        prose = _CODE_SPAN.sub("", line) if "`" in line else line
        yield from filter(None, (link_target(raw) for raw in WIKILINK.findall(prose)))


def property_links(properties: Mapping[str, Any]) -> tuple[str, ...]:
    """Link targets in top-level property values (text, lists of text, unquoted links)."""
    found: list[str] = []
    for value in properties.values():
        items = [unquoted_link(value)] if unquoted_link(value) else as_list(value)
        for item in items:
            if isinstance(item, str) and "[[" in item:
                found.extend(link_target(raw) for raw in WIKILINK.findall(item))
    return tuple(found)
