"""Edit one task line or one property of a note's text, leaving every other byte as it was.

Pure: text in, text out. Lines are split on "\\n" only, the way the parser numbers them, and a
line's own "\\r" (CRLF notes) and the note's trailing newline, or its absence, are kept.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from typing import Any

from .errors import ConflictError, VaultError
from .notes import Note, split_front_matter
from .tasks import TASK_LINE, Task, parse_task

_BOM = "\ufeff"
# A block id (`^fu-7k2m`) closes the line; Obsidian Tasks keeps it there, so do we.
_BLOCK_ID_TAIL = re.compile(r"[ \t]+\^[A-Za-z0-9-]+[ \t]*$")
_TRAILING_SPACE = re.compile(r"[ \t]*$")
_DATE = r"\d{4}-\d{2}-\d{2}"
_EMOJI_DUE = re.compile(r"([📅📆🗓]\ufe0f?[ \t]*)(" + _DATE + ")")
_EMOJI_SCHEDULED = re.compile(r"([⏳⌛]\ufe0f?[ \t]*)(" + _DATE + ")")
_EMOJI_DONE = re.compile(r"[ \t]*✅\ufe0f?[ \t]*" + _DATE)
_EMOJI_ANY_DATE = re.compile(r"[📅📆🗓⏳⌛🛫➕✅❌]\ufe0f?[ \t]*" + _DATE)
_REMINDER = re.compile(r"(⏰\ufe0f?[ \t]*)(" + _DATE + ")")


def _field(*keys: str) -> re.Pattern[str]:
    """A Dataview inline field such as `[due:: 2026-12-01]`, its value in group 2."""
    names = "|".join(keys)
    return re.compile(r"([\[(][ \t]*(?:" + names + r")[ \t]*::[ \t]*)(" + _DATE + ")", re.I)


_FIELD_DUE = _field("due")
_FIELD_SCHEDULED = _field("scheduled")
_FIELD_DONE = re.compile(r"[ \t]*[\[(][ \t]*(?:completion|done)[ \t]*::[^\])]*[\])]", re.I)
_FIELD_REMINDER = _field("reminder")
_FIELD_ANY = re.compile(r"[\[(][ \t]*[A-Za-z][\w -]*::[^\])]*[\])]")


class TaskStateError(VaultError):
    """The follow-up is already done or cancelled, so there is nothing to tick or move."""


class PropertyEditError(VaultError):
    """The front matter cannot be edited without touching more than the one property."""


# Lines -------------------------------------------------------------------------------------


def replace_line(text: str, line_no: int, change: Callable[[str], str]) -> str:
    """`text` with line `line_no` (0-based) passed through `change`; its line ending is kept."""
    bom = _BOM if text.startswith(_BOM) else ""
    lines = text[len(bom) :].split("\n")
    if not 0 <= line_no < len(lines):
        raise ConflictError(f"The note has no line {line_no + 1}; nothing was written.")
    line = lines[line_no]
    ending = "\r" if line.endswith("\r") else ""
    lines[line_no] = change(line.removesuffix("\r")) + ending
    return bom + "\n".join(lines)


def _split_block_id(body: str) -> tuple[str, str]:
    """(description with its dates, the block id and spaces after it) of a task's body."""
    block = _BLOCK_ID_TAIL.search(body)
    if block:
        return body[: block.start()], body[block.start() :]
    spaces = _TRAILING_SPACE.search(body)
    assert spaces is not None  # the pattern matches the empty end of any string
    return body[: spaces.start()], body[spaces.start() :]


def _uses_dataview(description: str) -> bool:
    """Dates written as `[due:: …]` fields rather than emoji: keep to the user's format."""
    return bool(_FIELD_ANY.search(description)) and not _EMOJI_ANY_DATE.search(description)


def _task_parts(line: str) -> re.Match[str]:
    match = TASK_LINE.match(line)
    if not match:
        raise ConflictError("That line is no longer a task in its note; nothing was written.")
    return match


# Ticking -----------------------------------------------------------------------------------

_RECURRING = re.compile(r"🔁|[\[(][ \t]*repeat[ \t]*::", re.IGNORECASE)


def is_recurring(line: str) -> bool:
    """A task that repeats: Obsidian Tasks adds its next occurrence when it is ticked there."""
    return bool(_RECURRING.search(line))


def tick_line(line: str, day: dt.date) -> str:
    """`- [ ] Call 📅 … ^fu-1` -> `- [x] Call 📅 … ✅ <day> ^fu-1`, as Obsidian Tasks does."""
    match = _task_parts(line)
    _refuse_closed(match["status"])
    description, tail = _split_block_id(match["body"])
    if _uses_dataview(description):
        description = _FIELD_DONE.sub("", description) + f" [completion:: {day.isoformat()}]"
    else:
        description = _EMOJI_DONE.sub("", description) + f" ✅ {day.isoformat()}"
    return _rebuild(line, match, "x", description + tail)


def _rebuild(line: str, match: re.Match[str], status: str, body: str) -> str:
    """The task line with a new status character and body; indent and spacing as they were."""
    return (
        line[: match.start("status")]
        + status
        + line[match.end("status") : match.start("body")]
        + body
    )


def _refuse_closed(status: str) -> None:
    if status in "xX":
        raise TaskStateError("That follow-up is already done; nothing was changed.")
    if status == "-":
        raise TaskStateError("That follow-up was cancelled; nothing was changed.")


def tick_task(text: str, line_no: int, day: dt.date) -> str:
    """The note's text with the task on `line_no` ticked off on `day`."""
    return replace_line(text, line_no, lambda line: tick_line(line, day))


# Snoozing ----------------------------------------------------------------------------------


def snooze_line(line: str, new_date: dt.date) -> str:
    """Move a task's date to `new_date`: the date its day is read from (`Task.day_span`:
    due, else scheduled), else a due date no reader takes, else add one.

    A reminder (⏰) set on the old day moves with it, keeping its time of day.
    """
    match = _task_parts(line)
    _refuse_closed(match["status"])
    new = new_date.isoformat()
    task = parse_task(line, 0)
    if task and task.day_span:
        start, end = task.day_span
        return _move_reminder(line[:start] + new + line[end:], line[start:end], new)
    description, tail = _split_block_id(match["body"])
    marker = f" [due:: {new}]" if _uses_dataview(description) else f" 📅 {new}"
    return _rebuild(line, match, match["status"], description + marker + tail)


def _put(text: str, found: re.Match[str], value: str) -> str:
    return text[: found.start(2)] + value + text[found.end(2) :]


def _move_reminder(description: str, old: str, new: str) -> str:
    for pattern in (_REMINDER, _FIELD_REMINDER):
        found = pattern.search(description)
        if found and found[2] == old:
            return _put(description, found, new)
    return description


def snooze_task(text: str, line_no: int, new_date: dt.date) -> str:
    """The note's text with the task on `line_no` moved to `new_date`."""
    return replace_line(text, line_no, lambda line: snooze_line(line, new_date))


# Finding the task again --------------------------------------------------------------------


def locate_task(note: Note, task_id: str, line: int | None, text: str) -> Task:
    """The task a follow-up stands for, in a freshly read note.

    The index may be a moment behind the file, so the line number is a hint: a block id is
    trusted first, then the line if its text still matches, then a unique task with that text.
    """
    by_block = [task for task in note.tasks if task.block_id == task_id]
    if by_block:
        return by_block[0]
    at_line = [task for task in note.tasks if task.line == line and task.text == text]
    if at_line:
        return at_line[0]
    same_text = [task for task in note.tasks if task.text == text]
    if len(same_text) == 1:
        return same_text[0]
    raise ConflictError(
        f"The follow-up {text!r} is no longer where the index saw it in {note.path}; "
        "run 'vault index' and try again."
    )


# Properties --------------------------------------------------------------------------------


def set_property(text: str, key: str, value: Any) -> str:
    """The note's text with front matter property `key` set to `value` (None: left empty).

    Only the property's own lines change. A value on the key's line is replaced in place,
    keeping its quoting style and any comment after it; a value spread over several lines
    (a list, a block of text) becomes one line; a missing key is added at the end.
    """
    bom = _BOM if text.startswith(_BOM) else ""
    body = text[len(bom) :]
    raw, _, body_line, problems = split_front_matter(body)
    if raw is None:
        reason = problems[0] if problems else "has no front matter"
        raise PropertyEditError(f"The note {reason}; its properties were left alone.")
    before = _load_mapping(raw)
    lines = body.split("\n")
    # Front matter lines are 1 .. body_line - 2 of the file (line 0 is the opening ---).
    fm_lines = lines[1 : body_line - 1]
    eol = "\r" if lines[0].endswith("\r") else ""  # the opening fence tells CRLF notes apart
    new_fm = _edit_front_matter(fm_lines, before, key, value, eol)
    _check_only_key_changed(before, _load_mapping("\n".join(new_fm) + "\n"), key, value)
    return bom + "\n".join([lines[0], *new_fm, *lines[body_line - 1 :]])


def _load_mapping(raw: str) -> Any:
    """Round-trip YAML: a mapping that remembers where each key is written."""
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap
    from ruamel.yaml.error import YAMLError

    try:
        data = YAML(typ="rt").load(raw)
    except YAMLError as error:
        raise PropertyEditError(
            f"The note's front matter is not valid YAML ({_first_line(error)}); "
            "nothing was written."
        ) from error
    if data is None:
        return CommentedMap()
    if not isinstance(data, CommentedMap):
        raise PropertyEditError("The note's front matter is not a set of properties.")
    if data.merge:  # merged keys have no lines of their own to edit
        raise PropertyEditError(
            "The note's front matter uses a YAML merge key (<<), so vaulttools cannot change "
            "one property without touching others; nothing was written."
        )
    return data


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0].rstrip(":") if str(error).strip() else "unreadable"


def _edit_front_matter(lines: list[str], data: Any, key: str, value: Any, eol: str) -> list[str]:
    if key not in data:
        return _append_property(lines, key, value, eol)
    start = data.lc.key(key)[0]
    end = _span_end(lines, data, key)
    if end == start + 1:
        value_line, value_col = data.lc.value(key)
        column = value_col if value_line == start else None
        return [*lines[:start], _replace_inline_value(lines[start], column, value), *lines[end:]]
    ending = "\r" if lines[start].endswith("\r") else ""
    head, _ = _split_at_colon(lines[start].removesuffix("\r"))
    return [*lines[:start], _with_value(head, "", _render_like("", value)) + ending, *lines[end:]]


def _span_end(lines: list[str], data: Any, key: str) -> int:
    """The line after `key`'s value: the next key's line, less blank and comment lines."""
    keys = list(data)
    position = keys.index(key)
    end = data.lc.key(keys[position + 1])[0] if position + 1 < len(keys) else len(lines)
    start = data.lc.key(key)[0]
    while end - 1 > start and _is_blank_or_comment(lines[end - 1]):
        end -= 1
    return end


def _is_blank_or_comment(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


def _replace_inline_value(line: str, value_col: int | None, value: Any) -> str:
    """Swap the value on the key's line, keeping what precedes it and any comment after it.

    `value_col` is where the old value starts, or None when the key has no value yet.
    """
    ending = "\r" if line.endswith("\r") else ""
    content = line.removesuffix("\r")
    if value_col is None:
        head, rest = _split_at_colon(content)
    else:
        head, rest = content[:value_col], content[value_col:]
    old_value, comment = _split_comment(rest)
    return _with_value(head, comment, _render_like(old_value.strip(), value)) + ending


def _split_at_colon(content: str) -> tuple[str, str]:
    """(`key:`, what follows) of a property line: YAML ends a key at a colon and a space."""
    found = re.match(r"^(.*?:)(?=[ \t]|$)", content)
    if not found:
        raise PropertyEditError("A property line in the front matter could not be read safely.")
    return found[1], content[found.end() :]


def _with_value(head: str, comment: str, rendered: str) -> str:
    if not rendered:  # an empty value: `key:` and its comment, if any
        return head.rstrip(" \t") + comment
    separator = "" if head.endswith((" ", "\t")) else " "
    return head + separator + rendered + comment


def _split_comment(rest: str) -> tuple[str, str]:
    """(value, the spaces and `# comment` after it) of what follows `key:` on its line."""
    quote = rest.lstrip()[:1]
    position = 0
    if quote in ("'", '"'):
        position = _closing_quote(rest, rest.index(quote), quote)
    found = re.compile(r"[ \t]+#").search(rest, position)
    if rest.lstrip().startswith("#"):
        return "", rest
    return (rest[: found.start()], rest[found.start() :]) if found else (rest, "")


def _closing_quote(text: str, opening: int, quote: str) -> int:
    position = opening + 1
    while position < len(text):
        char = text[position]
        if quote == '"' and char == "\\":
            position += 2
            continue
        if char == quote:
            if quote == "'" and text[position + 1 : position + 2] == "'":
                position += 2  # '' is an escaped quote inside single quotes
                continue
            return position + 1
        position += 1
    return len(text)


def _render_like(old: str, value: Any) -> str:
    """The new value as YAML, in the old value's quoting style where that style can hold it."""
    from .templates import yaml_value

    if value is None:
        return ""
    if isinstance(value, str) and old[:1] == '"':
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, str) and old[:1] == "'":
        return "'" + value.replace("'", "''") + "'"
    return yaml_value(value)


def _append_property(lines: list[str], key: str, value: Any, eol: str) -> list[str]:
    """A new property goes after the last one, with the note's own line ending."""
    last = len(lines)
    while last > 0 and not lines[last - 1].strip():
        last -= 1
    new_line = _with_value(f"{key}:", "", _render_like("", value)) + eol
    return [*lines[:last], new_line, *lines[last:]]


def _check_only_key_changed(before: Any, after: Any, key: str, value: Any) -> None:
    """Refuse an edit that would change any property but `key`, or miss the value asked for."""
    old = {k: v for k, v in before.items() if k != key}
    new = {k: v for k, v in after.items() if k != key}
    expected = value.isoformat() if isinstance(value, dt.date) else value
    got = after.get(key)
    got = got.isoformat() if isinstance(got, dt.date) else got
    if old != new or list(old) != list(new) or got != expected:
        raise PropertyEditError(
            f"Setting {key!r} would change more of the front matter than that property; "
            "nothing was written."
        )


# Cancelling --------------------------------------------------------------------------------


def cancel_line(line: str, day: dt.date) -> str:
    """`- [ ] Call 📅 … ^fu-1` -> `- [-] Call 📅 … ❌ <day> ^fu-1`, as Obsidian Tasks does."""
    match = _task_parts(line)
    _refuse_closed(match["status"])
    description, tail = _split_block_id(match["body"])
    if _uses_dataview(description):
        description += f" [cancelled:: {day.isoformat()}]"
    else:
        description += f" ❌ {day.isoformat()}"
    return _rebuild(line, match, "-", description + tail)


def cancel_task(text: str, line_no: int, day: dt.date) -> str:
    """The note's text with the task on `line_no` cancelled on `day`."""
    return replace_line(text, line_no, lambda line: cancel_line(line, day))


# Adding lines ------------------------------------------------------------------------------

_HEADING_LINE = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t#]*$")


def add_to_section(text: str, heading: str, new_lines: list[str]) -> str:
    """The note's text with `new_lines` at the end of the section under `heading`.

    Every existing line is kept as it was; a note without that heading gets it, with the
    lines, appended at its end. A list continues without a gap; anything else gets a blank
    line before the new lines. The note's line ending (LF or CRLF) is used.
    """
    bom = _BOM if text.startswith(_BOM) else ""
    lines = text[len(bom) :].split("\n")
    eol = "\r" if lines[0].endswith("\r") else ""
    end = _section_end(lines, heading)
    if end is None:
        return bom + _append_lines(lines, ["", f"## {heading}", "", *new_lines], eol)
    gap = [] if TASK_LINE.match(lines[end].rstrip("\r")) or _is_bullet(lines[end]) else [""]
    added = [line + eol for line in (*gap, *new_lines)]
    return bom + "\n".join([*lines[: end + 1], *added, *lines[end + 1 :]])


def _is_bullet(line: str) -> bool:
    return bool(re.match(r"^[ \t]*[-*+][ \t]+\S", line))


def _section_end(lines: list[str], heading: str) -> int | None:
    """The last non-blank line of the section under `heading` (the heading itself if empty)."""
    wanted = heading.casefold()
    start, level = None, 0
    for number, line in enumerate(lines):
        found = _HEADING_LINE.match(line.rstrip("\r"))
        if not found:
            continue
        if start is not None and len(found[1]) <= level:
            break
        if start is None and found[2].casefold() == wanted:
            start, level = number, len(found[1])
    else:
        number = len(lines)
    if start is None:
        return None
    return max(n for n in range(start, number) if lines[n].strip() or n == start)


def _append_lines(lines: list[str], new_lines: list[str], eol: str) -> str:
    """Lines added at the end of the note, after its last line, ending as the note did."""
    ends_with_newline = lines[-1] == ""
    body = lines[:-1] if ends_with_newline else lines
    added = [line + eol for line in new_lines]
    return "\n".join([*body, *added, *([""] if ends_with_newline else [])])
