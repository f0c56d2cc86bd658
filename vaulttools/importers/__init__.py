"""People from elsewhere: LinkedIn's connections export and vCards, read into one shape."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Person:
    """One person as an export describes them; `line` is where they start in the file."""

    line: int
    name: str
    organisation: str | None = None
    role: str | None = None
    emails: tuple[str, ...] = ()  # the preferred one first
    phones: tuple[str, ...] = ()  # the preferred one first
    linkedin: str | None = None
    how_we_met: str | None = None


@dataclass(frozen=True)
class Problem:
    """A row or card that could not be read; the rest of the file still is."""

    line: int
    reason: str
    error: bool = True  # False for what is readable but no person (a company's card)


def tidy(value: str | None) -> str | None:
    """A field's text without surrounding spaces, or None when there is none."""
    value = (value or "").strip()
    return value or None
