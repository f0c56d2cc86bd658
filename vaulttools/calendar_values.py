"""Property values and content lines that many components share, made by icalendar once.

Most of a feed's lines repeat from one component to the next: BEGIN and END, categories,
transparency, an alarm's action and trigger, an event's day, the stamp of a note's last save,
a note's link. A batch of builds asks icalendar for each distinct one once: the value it
encodes, then the content line it writes. Every other line is icalendar's too, so a component
written here is byte for byte its `to_ical()` (tests hold them to it).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import icalendar

Key = tuple[Any, ...]


class SharedValues:
    """Encoded values by what they are made from; the content line of each, once written.

    A shared value is one object in many components: nothing may change it after `add`.
    """

    def __init__(self) -> None:
        self._values: dict[Key, Any] = {}
        self._held: set[int] = set()  # ids of the values above: alive while this is
        self._lines: dict[tuple[str, object], bytes] = {}

    def add(
        self,
        component: icalendar.Component,
        name: str,
        value: Any,
        parameters: dict[str, str] | None = None,
    ) -> None:
        """`component.add(name, value, parameters)`, with the value icalendar encoded once."""
        key = (type(component), name, *_exact(value), tuple(sorted((parameters or {}).items())))
        encoded = self._values.get(key)
        if encoded is None:
            holder = type(component)()
            holder.add(name, value, parameters)
            encoded = self._values[key] = holder[name]
            self._held.add(id(encoded))
        component.add(name, encoded)

    def to_ical(self, component: icalendar.Component) -> bytes:
        """The component as icalendar writes it, each shared line written once."""
        return b"".join(
            self._line(component, name, value) for name, value in component.property_items()
        )

    def _line(self, component: icalendar.Component, name: str, value: Any) -> bytes:
        """A property's content line; BEGIN and END come as bytes, the rest as values."""
        shared = isinstance(value, bytes) or id(value) in self._held
        key = (name, value if isinstance(value, bytes) else id(value))
        line = self._lines.get(key) if shared else None
        if line is None:
            line = component.content_line(name, value).to_ical() + b"\r\n"
            if shared:
                self._lines[key] = line
        return line


class PlainValues(SharedValues):
    """Each value encoded where it is added: for a component built on its own."""

    def add(
        self,
        component: icalendar.Component,
        name: str,
        value: Any,
        parameters: dict[str, str] | None = None,
    ) -> None:
        component.add(name, value, parameters)


def _exact(value: Any) -> tuple[Any, ...]:
    """A key that tells apart what compares equal but is written differently: an instant in
    two zones, the two folds of a wall-clock time, a date and a midnight."""
    if isinstance(value, dt.datetime):
        return (dt.datetime, value.replace(tzinfo=None), value.tzinfo, value.fold)
    if isinstance(value, list):
        return (list, tuple(value))
    return (type(value), value)
