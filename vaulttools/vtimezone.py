"""A VTIMEZONE that is right for exactly the years a feed spans, from the tz database.

Each clock change in those years is an onset of its own, one RDATE line each: no yearly
rule claims more than the database says (zones change and drop daylight saving), and no
comma-separated list that some readers cut after its first value. Weighed against
icalendar's `Timezone.from_tzinfo` (onsets in the local time after the change, lists on one
line) and calendar vendors' compiled files (current rules since 1970), this is the one
that every reader in the test suite places right.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo

import icalendar

_Observance = tuple[int, int, str]  # UTC offset and daylight saving in seconds, abbreviation
_Change = tuple[int, _Observance, _Observance]  # UTC instant, observance before, after
_DAY = 24 * 3600


@lru_cache(maxsize=64)
def vtimezone(zone_name: str, first_year: int, last_year: int) -> icalendar.Timezone:
    """The zone's offsets from the start of `first_year` to the end of `last_year`."""
    changes = _changes(ZoneInfo(zone_name), first_year, last_year)
    zone = icalendar.Timezone()
    zone.add("TZID", zone_name)
    for (daylight, offset_from, offset_to, name), onsets in _by_observance(changes).items():
        zone.add_component(_observance(daylight, offset_from, offset_to, name, onsets))
    return zone


def _observance(
    daylight: bool, offset_from: int, offset_to: int, name: str, onsets: list[dt.datetime]
) -> icalendar.Component:
    part = icalendar.TimezoneDaylight() if daylight else icalendar.TimezoneStandard()
    part.add("DTSTART", onsets[0])
    # RFC 5545 counts DTSTART as an onset by itself, but some readers (the `ical` library
    # among them) only look at RDATE: the first onset is listed there too.
    for onset in onsets:
        part.add("RDATE", onset)
    part.add("TZNAME", name)
    part.add("TZOFFSETFROM", dt.timedelta(seconds=offset_from))
    part.add("TZOFFSETTO", dt.timedelta(seconds=offset_to))
    return part


def _by_observance(changes: list[_Change]) -> dict[tuple[bool, int, int, str], list[dt.datetime]]:
    """Onsets, in the local time before each change, by the observance they start.

    tzdata gives Ireland and Morocco negative daylight saving (winter is the "saving");
    calendar apps expect DAYLIGHT for the later clock, so there the one without saving is it.
    """
    negative = any(after[1] < 0 for _, _, after in changes)
    groups: dict[tuple[bool, int, int, str], list[dt.datetime]] = {}
    for instant, before, after in changes:
        daylight = after[1] == 0 if negative else after[1] > 0
        key = (daylight, before[0], after[0], after[2])
        local = dt.datetime.fromtimestamp(instant + before[0], dt.UTC).replace(tzinfo=None)
        groups.setdefault(key, []).append(local)
    return groups


def _changes(zone: ZoneInfo, first_year: int, last_year: int) -> list[_Change]:
    """The observance in force when the range starts, then each change in the range.

    zoneinfo does not list its transitions, so they are found by stepping a day at a time
    (no two changes since 2000 are closer than six days) and bisecting to the second where
    the offset or abbreviation differs; a century takes a tenth of a second, once a process.
    """
    start = int(dt.datetime(first_year, 1, 1, tzinfo=zone).timestamp())
    end = int(dt.datetime(last_year, 12, 31, 23, 59, tzinfo=zone).timestamp())
    first = _observance_at(zone, start)
    found = [(start, first, first)]
    seen = _glance(zone, start)
    for moment in range(start + _DAY, end + _DAY, _DAY):
        if _glance(zone, moment) != seen:
            onset = _bisect(zone, moment - _DAY, moment, seen)
            found.append((onset, found[-1][2], _observance_at(zone, onset)))
            seen = _glance(zone, moment)
    return found


def _glance(zone: ZoneInfo, timestamp: int) -> tuple[dt.timedelta | None, str | None]:
    local = dt.datetime.fromtimestamp(timestamp, zone)
    return local.utcoffset(), local.tzname()


def _observance_at(zone: ZoneInfo, timestamp: int) -> _Observance:
    local = dt.datetime.fromtimestamp(timestamp, zone)
    offset, saving = local.utcoffset(), local.dst()
    seconds = int(offset.total_seconds()) if offset else 0
    return (seconds, int(saving.total_seconds()) if saving else 0, local.tzname() or "")


def _bisect(zone: ZoneInfo, low: int, high: int, before: tuple[object, ...]) -> int:
    """The first second in (low, high] that does not look like `before`."""
    while high - low > 1:
        middle = (low + high) // 2
        if _glance(zone, middle) == before:
            low = middle
        else:
            high = middle
    return high
