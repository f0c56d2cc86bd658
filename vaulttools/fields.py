"""Dataview inline fields (`[due:: 2026-12-01]`, `(due:: …)`) found as Dataview finds them.

Dataview's rule: from each `[` or `(`, the key runs to the next `::` and may hold no
bracket; the value runs to the bracket that closes the opening one, counting nested
brackets of the same kind and skipping any character after a backslash. Fields of one kind
never overlap: the search goes on after a field's end. Dataview rescans the line from each
opening bracket; here each closing bracket is found once for all (a 56 KB line of unclosed
`[due:: ` stays linear).
"""

from __future__ import annotations

from typing import NamedTuple

_PAIRS = {"[": "]", "(": ")"}
_BRACKETS = frozenset("[]()")


class Field(NamedTuple):
    key: str  # stripped, as written (Dataview matches task fields case-sensitively)
    value: str  # stripped
    start: int  # the opening bracket
    value_start: int  # first character after `::`
    end: int  # one past the closing bracket


def inline_fields(line: str) -> list[Field]:
    """Every inline field of the line, by position."""
    if "::" not in line:
        return []
    found = sorted([*_fields_in(line, "["), *_fields_in(line, "(")], key=lambda f: f.start)
    return _outermost(found)


def _outermost(fields: list[Field]) -> list[Field]:
    """Fields not inside another: `[note:: see (due:: …)]` is one field, as Dataview reads it."""
    kept: list[Field] = []
    for field in fields:
        if not kept or field.start >= kept[-1].end:
            kept.append(field)
    return kept


def _fields_in(line: str, opener: str) -> list[Field]:
    closes = _closing_positions(line, opener, _PAIRS[opener])
    separators = _next_separators(line)
    next_bracket = _next_brackets(line)
    fields: list[Field] = []
    position = line.find(opener)
    while position != -1:
        field = _field_at(line, position, separators, next_bracket, closes)
        position = line.find(opener, field.end if field else position + 1)
        if field:
            fields.append(field)
    return fields


def _field_at(
    line: str, start: int, separators: list[int], next_bracket: list[int], closes: list[int]
) -> Field | None:
    separator = separators[start + 1]
    if separator == -1 or next_bracket[start + 1] < separator:
        return None  # no `::` after it, or a bracket inside the key
    value_start = separator + 2
    close = closes[value_start]
    if close == -1:
        return None
    key = line[start + 1 : separator].strip()
    return Field(key, line[value_start:close].strip(), start, value_start, close + 1)


def _next_separators(line: str) -> list[int]:
    """For each index, where the next `::` starts at or after it (-1: none)."""
    found = [-1] * (len(line) + 2)
    for index in range(len(line) - 2, -1, -1):
        found[index] = index if line.startswith("::", index) else found[index + 1]
    return found


def _next_brackets(line: str) -> list[int]:
    """For each index, where the next bracket of either kind is at or after it."""
    found = [len(line)] * (len(line) + 2)
    for index in range(len(line) - 1, -1, -1):
        found[index] = index if line[index] in _BRACKETS else found[index + 1]
    return found


def _closing_positions(line: str, opener: str, closer: str) -> list[int]:
    """For each index, the closing bracket a value starting there ends at (-1: none).

    A value from index s ends at the first closing bracket where the count of unescaped
    openers minus closers since s drops below zero: the first point after s where the
    running depth is one less than at s. One pass from the right finds all of them.
    """
    depth = [0] * (len(line) + 1)
    escaped = False
    for index, char in enumerate(line):
        step = 0
        if char == "\\":
            escaped = not escaped
        elif escaped:
            escaped = False
        else:
            step = (char == opener) - (char == closer)
        depth[index + 1] = depth[index] + step
    closes = [-1] * (len(line) + 2)
    first_at: dict[int, int] = {}  # depth -> the nearest index to the right with that depth
    for index in range(len(line), -1, -1):
        reached = first_at.get(depth[index] - 1)
        closes[index] = reached - 1 if reached is not None else -1
        first_at[depth[index]] = index
    return closes
