"""What the feed decides without building components: UIDs, clock times, the zone's years.

Light on purpose: an export in which nothing changed needs only this, not icalendar.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from .dates import parse_time
from .errors import UsageError
from .model import FollowUp, Meeting

UID_DOMAIN = "vaulttools"
UTC_ZONES = frozenset({"UTC", "Etc/UTC", "Etc/Universal", "Universal", "Etc/Zulu", "Zulu", "UCT"})
# Years in which a time is written in the vault's zone, and that the VTIMEZONE covers; outside
# them, in UTC. The VTIMEZONE is the same for every feed in a zone: some readers (vobject,
# and Radicale through it) keep the first one they see for a TZID for as long as they run.
ZONE_YEARS = range(2000, 2101)


def meeting_uid(meeting: Meeting, occurrence: int = 1) -> str:
    return item_uid("meeting", meeting.id, occurrence)


def followup_uid(item: FollowUp, occurrence: int = 1) -> str:
    return item_uid("followup", item.id, occurrence)


def item_uid(kind: str, item_id: str, occurrence: int = 1) -> str:
    """A hash of the item's id, which is relative to the vault: moving or renaming the vault
    keeps it, and it tells a reader nothing about the disk. `occurrence` above 1 tells apart
    copies of one block id."""
    seed = f"{kind}\n{item_id}" + (f"\n{occurrence}" if occurrence > 1 else "")
    return f"{hashlib.sha256(seed.encode('utf-8')).hexdigest()[:32]}@{UID_DOMAIN}"


def clock_of(value: str | None) -> dt.time | None:
    if not value:
        return None
    try:
        return dt.time.fromisoformat(parse_time(value))
    except UsageError:
        return None  # an unreadable time: keep the item as a whole-day one
