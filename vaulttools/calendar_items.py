"""One meeting or follow-up -> one iCalendar component, built with the icalendar library.

A time is written in the vault's zone when that wall-clock time names one instant. A time in
the hour a clock change repeats or skips is written in UTC, as the instant RFC 5545 gives it
(the first of a repeated hour; a skipped one read with the offset from before the change),
because readers disagree on such local times. Instants a `datetime` cannot hold (around
the years 1 and 9999) make the item a whole-day one.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import icalendar

from .calendar_ids import (
    UTC_ZONES,
    ZONE_YEARS,
    clock_of,
    followup_uid,
    item_uid,
    meeting_uid,
)
from .calendar_settings import FeedSettings
from .calendar_values import PlainValues, SharedValues
from .calendar_words import (
    clean,
    followup_description,
    followup_summary,
    meeting_description,
    meeting_summary,
    obsidian_url,
)
from .model import FollowUp, Meeting

__all__ = ["build_followup", "build_meeting", "build_todo", "item_uid", "zone_years"]

TIMED_FOLLOWUP_MINUTES = 15
TIMED_PROPERTIES = ("DTSTART", "DTEND", "DUE")

Span = tuple[dt.datetime, dt.datetime]
_PLAIN = PlainValues()


# --- Components -----------------------------------------------------------------------------


def build_meeting(
    meeting: Meeting,
    settings: FeedSettings,
    uid: str | None = None,
    stamp: dt.datetime | None = None,
    values: SharedValues = _PLAIN,
) -> icalendar.Event:
    """A meeting with a day as a VEVENT: timed when its time is known, else its whole day.
    `values` shares what repeats between the components of one batch."""
    assert meeting.date is not None
    summary = meeting_summary(meeting)
    link = obsidian_url(settings.vault_name, meeting.note)
    event = _component(icalendar.Event(), uid or meeting_uid(meeting), stamp, values)
    minutes = meeting_minutes(meeting, settings)
    span = _span(meeting.date, clock_of(meeting.time), minutes, settings.zone)
    _add_when(event, meeting.date, span, values)
    _add_text(event, "SUMMARY", summary)
    if meeting.location:
        values.add(event, "LOCATION", Text(clean(meeting.location)))
    timed_minutes = minutes if span else None
    _add_text(event, "DESCRIPTION", meeting_description(meeting, timed_minutes, link))
    values.add(event, "URL", link)
    values.add(event, "CATEGORIES", ["Informational interview"])
    if span and settings.meeting_alarm_minutes:
        before = -dt.timedelta(minutes=settings.meeting_alarm_minutes)
        event.add_component(_alarm(summary, before, values))
    return event


def build_followup(
    item: FollowUp,
    settings: FeedSettings,
    uid: str | None = None,
    stamp: dt.datetime | None = None,
    values: SharedValues = _PLAIN,
) -> icalendar.Event:
    """A follow-up with a day as a VEVENT: free time, on its day or at its time."""
    assert item.due is not None
    summary = followup_summary(item)
    event = _component(icalendar.Event(), uid or followup_uid(item), stamp, values)
    span = _span(item.due, clock_of(item.time), TIMED_FOLLOWUP_MINUTES, settings.zone)
    _add_when(event, item.due, span, values)
    _add_followup_details(event, item, summary, settings, values)
    # A follow-up is a reminder, not a busy slot: keep the day free for scheduling.
    values.add(event, "TRANSP", "TRANSPARENT")
    trigger = dt.timedelta(0) if span else _day_alarm(settings)
    if trigger is not None:
        event.add_component(_alarm(summary, trigger, values))
    return event


def build_todo(
    item: FollowUp,
    settings: FeedSettings,
    uid: str | None = None,
    stamp: dt.datetime | None = None,
    values: SharedValues = _PLAIN,
) -> icalendar.Todo:
    """A follow-up as a VTODO, due on its day or at its time; one without a day is undated."""
    summary = followup_summary(item)
    todo = _component(icalendar.Todo(), uid or followup_uid(item), stamp, values)
    clock = clock_of(item.time)
    span = _span(item.due, clock, 0, settings.zone) if item.due else None
    if span:
        values.add(todo, "DUE", span[0])
    elif item.due:
        values.add(todo, "DUE", item.due)
    _add_followup_details(todo, item, summary, settings, values)
    values.add(todo, "STATUS", "NEEDS-ACTION")
    ring = _todo_alarm(item.due, clock or clock_of(settings.followup_alarm_time), settings.zone)
    if ring is not None:
        todo.add_component(_alarm(summary, ring, values))
    return todo


def meeting_minutes(meeting: Meeting, settings: FeedSettings) -> int:
    length = meeting.duration
    return length if isinstance(length, int) and length > 0 else settings.default_duration


def zone_years(component: icalendar.Component) -> set[int]:
    """The years of the times the component writes in the vault's zone (not in UTC)."""
    return {
        component[name].dt.year
        for name in TIMED_PROPERTIES
        if name in component and "TZID" in component[name].params
    }


def _component(component: Any, uid: str, stamp: dt.datetime | None, values: SharedValues) -> Any:
    """UID, and DTSTAMP with LAST-MODIFIED: when the item was last seen to change."""
    when = stamp or dt.datetime.now(dt.UTC).replace(microsecond=0)
    component.add("UID", uid)
    values.add(component, "DTSTAMP", when)
    values.add(component, "LAST-MODIFIED", when)
    return component


def _add_followup_details(
    component: icalendar.Component,
    item: FollowUp,
    summary: str,
    settings: FeedSettings,
    values: SharedValues,
) -> None:
    link = obsidian_url(settings.vault_name, item.note)
    _add_text(component, "SUMMARY", summary)
    _add_text(component, "DESCRIPTION", followup_description(item, link))
    values.add(component, "URL", link)
    values.add(component, "CATEGORIES", ["Follow-up"])


def _add_text(component: icalendar.Component, name: str, value: str) -> None:
    component.add(name, Text(clean(value)))


class Text(icalendar.vText):
    """TEXT exactly as written. icalendar's escaping first reads a `\\N` in the value as a
    line break, so a backslash the user wrote before an N (`C:\\New`) is set aside while
    icalendar escapes the rest (`clean` has taken out the NUL that stands in for it)."""

    def to_ical(self) -> bytes:
        if _BACKSLASH_N not in self:
            return super().to_ical()
        escaped = icalendar.vText(self.replace(_BACKSLASH_N, _ASIDE)).to_ical()
        return escaped.replace(_ASIDE.encode(), b"\\\\N")


_BACKSLASH_N, _ASIDE = "\\N", "\x00"


def _alarm(
    summary: str, trigger: dt.timedelta | dt.datetime, values: SharedValues
) -> icalendar.Alarm:
    alarm = icalendar.Alarm()
    values.add(alarm, "ACTION", "DISPLAY")
    _add_text(alarm, "DESCRIPTION", summary)
    absolute = {"VALUE": "DATE-TIME"} if isinstance(trigger, dt.datetime) else None
    values.add(alarm, "TRIGGER", trigger, parameters=absolute)
    return alarm


def _day_alarm(settings: FeedSettings) -> dt.timedelta | None:
    """At the configured time of day, relative to the day's start (floating midnight), so it
    rings at that time wherever the user is, as calendar apps do for their own all-day alarms."""
    clock = clock_of(settings.followup_alarm_time)
    return dt.timedelta(hours=clock.hour, minutes=clock.minute) if clock else None


def _todo_alarm(due: dt.date | None, clock: dt.time | None, zone: str) -> dt.datetime | None:
    """A VTODO without DTSTART has nothing reliable to be relative to: ring at an instant."""
    if due is None or clock is None:
        return None
    try:
        return dt.datetime.combine(due, clock, tzinfo=_zone(zone)).astimezone(dt.UTC)
    except OverflowError:
        return None


# --- Times ----------------------------------------------------------------------------------


def _add_when(
    event: icalendar.Event, day: dt.date, span: Span | None, values: SharedValues
) -> None:
    if span:
        values.add(event, "DTSTART", span[0])
        values.add(event, "DTEND", span[1])
        return
    values.add(event, "DTSTART", day)
    if day < dt.date.max:  # without DTEND, a day's event lasts that day (RFC 5545 3.6.1)
        values.add(event, "DTEND", day + dt.timedelta(days=1))


def _span(day: dt.date, clock: dt.time | None, minutes: int, zone_name: str) -> Span | None:
    """Start and end as they are to be written, or None for a whole-day item."""
    if clock is None:
        return None
    zone = _zone(zone_name)
    try:
        start = dt.datetime.combine(day, clock, tzinfo=zone)  # fold=0: RFC 5545's reading
        start_utc = start.astimezone(dt.UTC)
        end_utc = start_utc + dt.timedelta(minutes=minutes)
        end = end_utc.astimezone(zone)
    except OverflowError:
        return None
    if zone is dt.UTC or not (_plain(start) and _plain(end)):
        return start_utc, end_utc
    return start, end


def _plain(moment: dt.datetime) -> bool:
    """Does this wall-clock time name exactly one instant, in years written in the zone?

    In a repeated hour the two folds give two offsets; in a skipped one too (before and after).
    """
    if moment.year not in ZONE_YEARS:
        return False
    return moment.replace(fold=1).utcoffset() == moment.replace(fold=0).utcoffset()


def _zone(name: str) -> dt.tzinfo:
    return dt.UTC if name in UTC_ZONES else ZoneInfo(name)
