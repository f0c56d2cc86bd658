"""Where a contact stands: prospect, contacted, scheduled, met or thanked. Pure.

The stage is worked out from facts in the vault (meetings, ticked follow-ups) so that a
user does not have to keep a `status` property current; a non-empty `status` they do set
always wins, and `declined` can only be set that way.
"""

from __future__ import annotations

import datetime as dt
import re

from .values import as_text

STAGES = ("prospect", "contacted", "scheduled", "met", "thanked")
CONTACT_STATUSES = (*STAGES, "declined")
MEETING_STATUSES = ("planned", "done", "cancelled")
APPROACHES = ("email", "linkedin", "phone", "message", "in-person")  # ways of reaching out
_MEETING_SPELLINGS = {"canceled": "cancelled", "completed": "done", "held": "done"}
_THANK_YOU = re.compile(r"^\s*send\s+(?:a\s+)?thank[\s-]?you", re.IGNORECASE)
_CHASE = re.compile(r"^\s*chase\b", re.IGNORECASE)
_ADD_SUGGESTED = re.compile(r"^\s*add\s+the\s+people\b.*\bsuggested\b", re.IGNORECASE)


def meeting_status(value: object) -> str:
    """A meeting's `status` property, lower-cased; planned when it has none."""
    text = as_text(value)
    if text is None:
        return "planned"
    status = text.casefold()
    return _MEETING_SPELLINGS.get(status, status)


def took_place(status: str, day: dt.date | None, today: dt.date) -> bool:
    """A meeting happened: marked done and not in the future, or planned for a day now past."""
    if day is None or status == "cancelled":
        return status == "done"
    return (status == "done" and day <= today) or (status == "planned" and day < today)


def in_feed(status: str, day: dt.date | None, today: dt.date, history_days: int) -> bool:
    """A meeting the calendar shows: on a known day and not cancelled; once past, for
    `history_days` more, as a record of the conversations held."""
    if day is None or status == "cancelled":
        return False
    return day >= today - dt.timedelta(days=max(0, history_days))


def is_planned(status: str, day: dt.date | None, today: dt.date) -> bool:
    """A meeting that is still to come."""
    return status in ("planned", "done") and not took_place(status, day, today)


def is_thank_you(text: str) -> bool:
    """A follow-up that thanks someone: its text starts with "Send a thank-you"."""
    return bool(_THANK_YOU.match(text))


def is_chase(text: str) -> bool:
    """A reminder to chase a non-reply (`vault contacted` writes them): "Chase …"."""
    return bool(_CHASE.match(text))


def is_add_suggested(text: str) -> bool:
    """The meeting template's step "Add the people … suggested as contacts"."""
    return bool(_ADD_SUGGESTED.match(text))


def contact_stage(
    explicit: object, *, scheduled: bool, met: bool, thanked: bool, contacted: bool = False
) -> str:
    """The explicit `status` when set, else the furthest stage the facts show."""
    status = as_text(explicit)
    if status:
        return status.casefold()
    if thanked:
        return "thanked"
    if met:
        return "met"
    if scheduled:
        return "scheduled"
    return "contacted" if contacted else "prospect"
