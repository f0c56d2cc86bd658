"""Reading property values as the types the schema expects; a wrong type reads as None.

Kept apart from `notes` so that code reading stored values need not import the YAML parser.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from .wikilinks import WIKILINK, link_target

_DATE_TIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]([01]\d|2[0-3]):([0-5]\d)(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)?"
)


def as_text(value: Any) -> str | None:
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return str(value)
    return None


def as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def as_time(value: Any) -> str | None:
    """`HH:MM`. YAML 1.1 reads an unquoted 10:30 as the number 630 (base 60): undo that."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and 0 <= value < 24 * 60:
        return f"{value // 60:02d}:{value % 60:02d}"
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, str):
        match = re.fullmatch(r"\s*([01]?\d|2[0-3]):([0-5]\d)(?::\d\d)?\s*", value)
        return f"{int(match[1]):02d}:{match[2]}" if match else None
    return None


def as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def as_link(value: Any) -> str | None:
    """The target of a link-valued property (`"[[Jane Doe]]"`), or its plain text.

    A list gives its first item, as Obsidian shows a list property; an unquoted
    `[[Jane Doe]]`, which YAML reads as a list in a list, is the link it was meant to be.
    """
    value = unquoted_link(value) or first(value)
    text = as_text(value)
    if text is None:
        return None
    match = WIKILINK.search(text)
    return link_target(match[1]) if match else text


def first(value: Any) -> Any:
    """A list property's first item; any other value as it is."""
    if isinstance(value, list):
        return value[0] if value else None
    return value


def unquoted_link(value: Any) -> str | None:
    """`[[Jane Doe]]` written without quotes, which YAML reads as [['Jane Doe']], as text."""
    if (
        isinstance(value, list)
        and len(value) == 1
        and isinstance(value[0], list)
        and len(value[0]) == 1
        and isinstance(value[0][0], str)
    ):
        return f"[[{value[0][0]}]]"
    return None


def as_links(value: Any) -> list[str]:
    """Every link target (or plain name) of a property that may hold one or a list."""
    items = [value] if unquoted_link(value) else as_list(value)
    return [link for link in (as_link(item) for item in items) if link]


def time_of_day(value: Any) -> str | None:
    """`HH:MM` of a date-time value (`2026-11-21T14:30`, as Obsidian writes one), else None."""
    if isinstance(value, dt.datetime):
        return value.strftime("%H:%M")
    if isinstance(value, str):
        match = _DATE_TIME.fullmatch(value.strip())
        return f"{match[1]}:{match[2]}" if match else None
    return None
