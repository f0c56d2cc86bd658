"""The follow-ups as of a day, kept in the index between commands.

Joining every note's facts into follow-ups is most of what `vault followups` does once the
index is current; when no note changed since the last listing on the same day, the list kept
then is the answer. It is kept under a label of everything the join depends on (the day, the
default meeting length, the index's generation), in a row of its own so that a command can
tell whether the list is current without loading it, and packed with marshal, as the index
packs its other lists: plain values, never code.
"""

from __future__ import annotations

import datetime as dt
import marshal
from collections.abc import Sequence
from typing import Any

from ..model import FollowUp

_NAMES = FollowUp._fields
_DATES = tuple(_NAMES.index(name) for name in ("due", "done_on"))  # kept as day numbers


def label(day: dt.date, meeting_minutes: int, generation: int) -> str:
    """What a kept list was joined from; another label, another list."""
    return f"{day.isoformat()} {meeting_minutes} {generation}"


def pack(followups: Sequence[FollowUp]) -> bytes:
    return marshal.dumps([_plain(followup) for followup in followups])


def unpack(data: Any) -> list[FollowUp] | None:
    """The follow-ups `pack` kept; None for anything else (another release, or damage)."""
    if not isinstance(data, bytes):
        return None
    try:
        return [FollowUp._make(_values(row)) for row in marshal.loads(data)]
    except (ValueError, EOFError, TypeError, OverflowError):
        return None


def _plain(followup: FollowUp) -> tuple[Any, ...]:
    values = list(followup)
    for at in _DATES:
        values[at] = values[at].toordinal() if values[at] is not None else None
    return tuple(values)


def _values(row: tuple[Any, ...]) -> list[Any]:
    if len(row) != len(_NAMES):
        raise ValueError("kept by another release")
    values = list(row)
    for at in _DATES:
        values[at] = dt.date.fromordinal(values[at]) if values[at] is not None else None
    return values
