"""Dataview inline fields, found in one pass, exactly where Dataview's own rule finds them."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from vaulttools.fields import Field, inline_fields

CLOSERS = {"[": "]", "(": ")"}


def dataview_rule(line: str) -> list[Field]:
    """Dataview's rule as its documentation states it, rescanning from every bracket."""
    found: list[Field] = []
    for opener, closer in CLOSERS.items():
        position = line.find(opener)
        while position != -1:
            field = _field_from(line, position, opener, closer)
            if field:
                found.append(field)
            position = line.find(opener, field.end if field else position + 1)
    found.sort(key=lambda field: field.start)
    return [f for f in found if not any(o.start < f.start < o.end for o in found if o is not f)]


def _field_from(line: str, start: int, opener: str, closer: str) -> Field | None:
    separator = line.find("::", start + 1)
    key = line[start + 1 : separator]
    if separator == -1 or any(bracket in key for bracket in "[]()"):
        return None
    depth, escaped = 0, False
    for index in range(separator + 2, len(line)):
        char = line[index]
        if char == "\\":
            escaped = not escaped
            continue
        if escaped:
            escaped = False
            continue
        depth += (char == opener) - (char == closer)
        if depth < 0:
            value = line[separator + 2 : index].strip()
            return Field(key.strip(), value, start, separator + 2, index + 1)
    return None


@settings(max_examples=3000)
@given(st.text(alphabet="[]():\\ adue2-", max_size=30))
@example("- [ ] Call [due:: 2026-12-01] (start:: x) [a:: [b]] [c:: \\]] [d [e:: f]")
@example("[note:: see (due:: 2026-12-01)]")
def test_fields_are_where_dataview_finds_them(line: str) -> None:
    assert inline_fields(line) == dataview_rule(line)


def test_keys_and_values_are_trimmed_and_kept_as_written() -> None:
    assert inline_fields("- [ ] x [ due :: 2026-12-01 ] (Due::2026)") == [
        Field("due", "2026-12-01", 8, 16, 29),
        Field("Due", "2026", 30, 36, 41),
    ]
