"""Follow-ups and meetings as the items a CalDAV calendar holds, and those items read back.

Pure: records in, iCalendar bytes out, and server data in, what it says out. Components are
built and parsed with the icalendar library. Items carry the feed's UIDs and titles, so the
same follow-up is the same item in the feed and on the server.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any
from zoneinfo import ZoneInfo

from ..model import FollowUp, Meeting

TODO, EVENT = "VTODO", "VEVENT"
# Marks the items vaulttools made; its value is the vault's UID domain.
MARKER = "X-VAULTTOOLS"
CANCELLED_MEETINGS = frozenset({"cancelled", "canceled"})
_PLAIN_ID = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._~:-")


@dataclass(frozen=True)
class ItemSettings:
    """What, besides the records, decides the items."""

    vault_name: str
    uid_domain: str  # the part of every UID after its "@"
    zone: ZoneInfo
    meeting_alarm_minutes: int = 30  # 0: no alarm
    followup_alarm_time: dt.time | None = dt.time(9, 0)
    default_duration: int = 30


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


def item_uid(item_id: str, settings: ItemSettings) -> str:
    """The feed's UID for a record id: the id (escaped when it is a path) @ the vault's domain."""
    from urllib.parse import quote

    local = item_id if set(item_id) <= _PLAIN_ID else quote(item_id, safe="-._~:")
    return f"{local}@{settings.uid_domain}"


def sync_items(
    followups: Iterable[FollowUp], meetings: Iterable[Meeting], settings: ItemSettings
) -> list[SyncItem]:
    """Every follow-up not cancelled (done ones too: the server hears of the tick) and every
    meeting on a known day not cancelled. A UID seen twice keeps its first item."""
    made = [*_followup_items(followups, settings), *_meeting_items(meetings, settings)]
    seen: dict[str, SyncItem] = {}
    for item in made:
        seen.setdefault(item.uid, item)
    return list(seen.values())


def _followup_items(followups: Iterable[FollowUp], settings: ItemSettings) -> Iterator[SyncItem]:
    for followup in followups:
        if not followup.cancelled:
            yield followup_item(followup, settings)


def _meeting_items(meetings: Iterable[Meeting], settings: ItemSettings) -> Iterator[SyncItem]:
    for meeting in meetings:
        if meeting.date and (meeting.status or "").strip().lower() not in CANCELLED_MEETINGS:
            yield meeting_item(meeting, settings)


def followup_item(followup: FollowUp, settings: ItemSettings) -> SyncItem:
    from ..calendar import followup_summary, obsidian_url

    start = _moment(followup.due, followup.time, settings.zone)
    link = obsidian_url(settings.vault_name, followup.note)
    return SyncItem(
        uid=item_uid(followup.id, settings),
        kind=TODO,
        summary=followup_summary(followup),
        start=start,
        minutes=None,
        location=None,
        done=followup.done,
        done_on=followup.done_on,
        description=_followup_description(followup, link),
        link=link,
        alarm=_followup_alarm(followup.due, start, settings),
        note=followup.note,
        followup=followup,
    )


def _followup_description(followup: FollowUp, link: str) -> str:
    from ..calendar import plain_text

    parts = [plain_text(followup.text) or "Follow-up"]
    if followup.contact:
        parts.append(f"With: {followup.contact}")
    parts += [f"Note: {followup.note.removesuffix('.md')}", f"Open in Obsidian: {link}"]
    return "\n".join(parts)


def _followup_alarm(
    due: dt.date | None, start: dt.date | dt.datetime | None, settings: ItemSettings
) -> dt.datetime | None:
    """At its time when it has one, else at the configured time of its day."""
    if isinstance(start, dt.datetime):
        return start
    if due is None or settings.followup_alarm_time is None:
        return None
    return dt.datetime.combine(due, settings.followup_alarm_time, tzinfo=settings.zone)


def meeting_item(meeting: Meeting, settings: ItemSettings) -> SyncItem:
    from ..calendar import meeting_summary, obsidian_url

    start = _moment(meeting.date, meeting.time, settings.zone)
    timed = isinstance(start, dt.datetime)
    minutes = meeting.duration if isinstance(meeting.duration, int) and meeting.duration > 0 else 0
    alarm = settings.meeting_alarm_minutes if timed else 0
    link = obsidian_url(settings.vault_name, meeting.note)
    return SyncItem(
        uid=item_uid(meeting.id, settings),
        kind=EVENT,
        summary=meeting_summary(meeting),
        start=start,
        minutes=(minutes or settings.default_duration) if timed else None,
        location=meeting.location or None,
        done=False,
        done_on=None,
        description=_meeting_description(meeting, link),
        link=link,
        alarm=dt.timedelta(minutes=alarm) if alarm else None,
        note=meeting.note,
    )


def _meeting_description(meeting: Meeting, link: str) -> str:
    parts = [f"Objective: {meeting.objective}"] if meeting.objective else []
    people = ", ".join(meeting.contacts or ((meeting.contact,) if meeting.contact else ()))
    if people:
        parts.append(f"With: {people}")
    parts += [f"Note: {meeting.note.removesuffix('.md')}", f"Open in Obsidian: {link}"]
    return "\n".join(parts)


def _moment(day: dt.date | None, clock: str | None, zone: ZoneInfo) -> dt.date | dt.datetime | None:
    """The day, or the day at its time in the vault's zone when the time can be read."""
    if day is None:
        return None
    try:
        time = dt.time.fromisoformat(clock) if clock else None
    except ValueError:
        time = None  # an unreadable time: keep the item as a whole-day one
    return dt.datetime.combine(day, time, tzinfo=zone) if time else day


# Items -> iCalendar --------------------------------------------------------------------------


def to_ical(item: SyncItem, settings: ItemSettings, now: dt.datetime) -> bytes:
    """One VCALENDAR holding the item (and the VTIMEZONE its times need)."""
    from icalendar import Calendar

    from ..calendar import PRODUCT_ID

    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    component = _todo(item, now) if item.kind == TODO else _event(item)
    component.add("uid", item.uid)
    component.add("dtstamp", now.astimezone(dt.UTC))
    component.add("summary", item.summary)
    component.add("description", item.description)
    component.add("url", item.link)
    component.add(MARKER, settings.uid_domain)
    _add_alarm(component, item)
    calendar.add_component(component)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _todo(item: SyncItem, now: dt.datetime) -> Any:
    from icalendar import Todo

    todo = Todo()
    if item.start is not None:
        todo.add("due", item.start)
    todo.add("categories", ["Follow-up"])
    if item.done:
        todo.add("status", "COMPLETED")
        todo.add("percent-complete", 100)
        todo.add("completed", _completed_at(item.done_on, now))
    else:
        todo.add("status", "NEEDS-ACTION")
    return todo


def _completed_at(day: dt.date | None, now: dt.datetime) -> dt.datetime:
    """COMPLETED is a UTC instant; a note knows only the day, so noon of that day."""
    if day is None:
        return now.astimezone(dt.UTC)
    return dt.datetime.combine(day, dt.time(12), tzinfo=now.tzinfo).astimezone(dt.UTC)


def _event(item: SyncItem) -> Any:
    from icalendar import Event

    assert item.start is not None
    event = Event()
    event.add("dtstart", item.start)
    if isinstance(item.start, dt.datetime):
        event.add("duration", dt.timedelta(minutes=item.minutes or 0))
    else:
        event.add("dtend", item.start + dt.timedelta(days=1))
    if item.location:
        event.add("location", item.location)
    event.add("categories", ["Informational interview"])
    return event


def _add_alarm(component: Any, item: SyncItem) -> None:
    from icalendar import Alarm

    if item.alarm is None or item.done:
        return
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", item.summary)
    if isinstance(item.alarm, dt.timedelta):
        alarm.add("trigger", -item.alarm)
    else:
        alarm.add("trigger", item.alarm.astimezone(dt.UTC))
    component.add_component(alarm)


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
