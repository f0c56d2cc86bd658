"""Follow-ups and meetings as the items a CalDAV calendar holds, and those items read back.

Pure: records in, iCalendar bytes out, and server data in, what it says out. Components are
built and parsed with the icalendar library. Items carry the feed's UIDs and titles, so the
same follow-up is the same item in the feed and on the server.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any
from zoneinfo import ZoneInfo

from ..calendar_settings import FeedSettings
from ..model import FollowUp, Meeting

TODO, EVENT = "VTODO", "VEVENT"
# Marks the items vaulttools made, with UIDs "…@vaulttools" as the feed has them.
MARKER = "X-VAULTTOOLS"
UID_MARK = "1"
CANCELLED_MEETINGS = frozenset({"cancelled", "canceled"})


@dataclass(frozen=True)
class ItemSettings:
    """What, besides the records, decides the items: the feed's settings and the zone."""

    feed: FeedSettings
    zone: ZoneInfo

    @property
    def vault_name(self) -> str:
        return self.feed.vault_name


@dataclass(frozen=True)
class SyncItem:
    """One follow-up (a to-do) or meeting (an event) as the server should hold it."""

    uid: str
    kind: str  # TODO or EVENT
    summary: str
    start: dt.date | dt.datetime | None  # a to-do's due day or time; an event's start
    minutes: int | None  # an event's length
    location: str | None
    done: bool
    done_on: dt.date | None
    description: str
    link: str  # opens the note in Obsidian
    alarm: dt.datetime | dt.timedelta | None  # an instant, or how long before the start
    note: str
    followup: FollowUp | None = field(default=None, compare=False)  # what a tick changes
    meeting: Meeting | None = field(default=None, compare=False)

    @property
    def view(self) -> tuple[Any, ...]:
        """What the note decides and a server may change: compared to tell news apart."""
        return (self.kind, self.summary, self.start, self.minutes, self.location, self.done)

    def completed(self, day: dt.date) -> SyncItem:
        return replace(self, done=True, done_on=day)


@dataclass(frozen=True)
class RemoteItem:
    """What a server's copy of one of our items says."""

    uid: str
    ours: bool  # carries our marker
    kind: str
    summary: str
    start: dt.date | dt.datetime | None
    minutes: int | None
    location: str | None
    done: bool
    done_on: dt.date | None

    @property
    def view(self) -> tuple[Any, ...]:
        return (self.kind, self.summary, self.start, self.minutes, self.location, self.done)


def fingerprint(item: SyncItem) -> str:
    """Changes whenever what would be sent for the item changes."""
    parts = (*item.view, item.done_on, item.description, item.link, item.alarm)
    return hashlib.sha1(repr(parts).encode("utf-8")).hexdigest()


# Records -> items ----------------------------------------------------------------------------


def sync_items(
    followups: Iterable[FollowUp], meetings: Iterable[Meeting], settings: ItemSettings
) -> list[SyncItem]:
    """Every follow-up not cancelled (done ones too: the server hears of the tick) and every
    meeting on a known day not cancelled, with the feed's UIDs (a block id copied into two
    places gives its second copy the feed's second UID)."""
    seen: Counter[str] = Counter()
    items = []
    for make, record in [
        *((followup_item, f) for f in _open_or_done(followups)),
        *((meeting_item, m) for m in _planned(meetings)),
    ]:
        first = make(record, settings, 1)  # type: ignore[operator]
        seen[first.uid] += 1
        count = seen[first.uid]
        items.append(first if count == 1 else make(record, settings, count))  # type: ignore[operator]
    return items


def _open_or_done(followups: Iterable[FollowUp]) -> Iterator[FollowUp]:
    return (followup for followup in followups if not followup.cancelled)


def _planned(meetings: Iterable[Meeting]) -> Iterator[Meeting]:
    for meeting in meetings:
        if meeting.date and (meeting.status or "").strip().lower() not in CANCELLED_MEETINGS:
            yield meeting


def followup_item(followup: FollowUp, settings: ItemSettings, occurrence: int = 1) -> SyncItem:
    from ..calendar_ids import clock_of, followup_uid
    from ..calendar_words import clean, followup_description, followup_summary, obsidian_url

    start = _moment(followup.due, clock_of(followup.time), settings.zone)
    link = obsidian_url(settings.vault_name, followup.note)
    return SyncItem(
        uid=followup_uid(followup, occurrence),
        kind=TODO,
        summary=clean(followup_summary(followup)),
        start=start,
        minutes=None,
        location=None,
        done=followup.done,
        done_on=followup.done_on,
        description=clean(followup_description(followup, link)),
        link=link,
        alarm=_followup_alarm(followup.due, start, settings),
        note=followup.note,
        followup=followup,
    )


def _followup_alarm(
    due: dt.date | None, start: dt.date | dt.datetime | None, settings: ItemSettings
) -> dt.datetime | None:
    """At its time when it has one, else at the configured time of its day."""
    from ..calendar_ids import clock_of

    if isinstance(start, dt.datetime):
        return start
    clock = clock_of(settings.feed.followup_alarm_time)
    if due is None or clock is None:
        return None
    return dt.datetime.combine(due, clock, tzinfo=settings.zone)


def meeting_item(meeting: Meeting, settings: ItemSettings, occurrence: int = 1) -> SyncItem:
    from ..calendar_ids import clock_of, meeting_uid
    from ..calendar_items import meeting_minutes
    from ..calendar_words import clean, meeting_description, meeting_summary, obsidian_url

    start = _moment(meeting.date, clock_of(meeting.time), settings.zone)
    timed = isinstance(start, dt.datetime)
    minutes = meeting_minutes(meeting, settings.feed) if timed else None
    alarm = settings.feed.meeting_alarm_minutes if timed else 0
    link = obsidian_url(settings.vault_name, meeting.note)
    return SyncItem(
        uid=meeting_uid(meeting, occurrence),
        kind=EVENT,
        summary=clean(meeting_summary(meeting)),
        start=start,
        minutes=minutes,
        location=clean(meeting.location) if meeting.location else None,
        done=False,
        done_on=None,
        description=clean(meeting_description(meeting, minutes, link)),
        link=link,
        alarm=dt.timedelta(minutes=alarm) if alarm else None,
        note=meeting.note,
        meeting=meeting,
    )


def _moment(
    day: dt.date | None, clock: dt.time | None, zone: ZoneInfo
) -> dt.date | dt.datetime | None:
    """The day, or the instant of its time in the vault's zone (as the feed reads it)."""
    if day is None:
        return None
    return dt.datetime.combine(day, clock, tzinfo=zone) if clock else day


# Items -> iCalendar --------------------------------------------------------------------------


def to_ical(item: SyncItem, settings: ItemSettings, now: dt.datetime) -> bytes:
    """One VCALENDAR holding the item as the feed builds it, marked as ours, completed when
    done (and then without its alarm), with the VTIMEZONE its times need."""
    from icalendar import Calendar

    from ..calendar import PRODUCT_ID
    from ..calendar_items import build_meeting, build_todo

    stamp = now.astimezone(dt.UTC).replace(microsecond=0)
    if item.followup is not None:
        component = build_todo(item.followup, settings.feed, item.uid, stamp)
    else:
        assert item.meeting is not None
        component = build_meeting(item.meeting, settings.feed, item.uid, stamp)
    component.add(MARKER, UID_MARK)
    if item.done:
        _complete(component, _completed_at(item.done_on, now))
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add_component(component)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _complete(todo: Any, when: dt.datetime) -> None:
    todo.pop("STATUS", None)
    todo.add("STATUS", "COMPLETED")
    todo.add("PERCENT-COMPLETE", 100)
    todo.add("COMPLETED", when)
    todo.subcomponents = [part for part in todo.subcomponents if part.name != "VALARM"]


def _completed_at(day: dt.date | None, now: dt.datetime) -> dt.datetime:
    """COMPLETED is a UTC instant; a note knows only the day, so noon of that day."""
    if day is None:
        return now.astimezone(dt.UTC).replace(microsecond=0)
    return dt.datetime.combine(day, dt.time(12), tzinfo=now.tzinfo).astimezone(dt.UTC)


# iCalendar -> what the server says -----------------------------------------------------------


def from_ical(data: str | bytes, zone: ZoneInfo) -> RemoteItem | None:
    """The first to-do or event in a server's resource; None when it holds neither or is not
    iCalendar at all (another program's item we cannot read is left alone)."""
    from icalendar import Calendar

    try:
        calendar = Calendar.from_ical(data)
        component = next(c for c in calendar.walk() if c.name in (TODO, EVENT))
    except (ValueError, StopIteration):
        return None
    done = str(component.get("status", "")).upper() == "COMPLETED" or "completed" in component
    return RemoteItem(
        uid=str(component.get("uid", "")),
        ours=MARKER in component,
        kind=component.name,
        summary=str(component.get("summary", "")),
        start=_start(component),
        minutes=_minutes(component),
        location=str(component["location"]) if component.get("location") else None,
        done=done,
        done_on=_done_on(component, zone),
    )


def _start(component: Any) -> dt.date | dt.datetime | None:
    key = "due" if component.name == TODO else "dtstart"
    return component.decoded(key) if key in component else None


def _minutes(component: Any) -> int | None:
    if component.name != EVENT:
        return None
    start = _start(component)
    if not isinstance(start, dt.datetime):
        return None
    if "duration" in component:
        length = component.decoded("duration")
    elif "dtend" in component:
        length = component.decoded("dtend") - start
    else:
        return 0
    return int(length.total_seconds() // 60)


def _done_on(component: Any, zone: ZoneInfo) -> dt.date | None:
    if "completed" not in component:
        return None
    moment = component.decoded("completed")
    if isinstance(moment, dt.datetime):
        return moment.astimezone(zone).date() if moment.tzinfo else moment.date()
    return moment if isinstance(moment, dt.date) else None
