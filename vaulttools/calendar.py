"""Follow-ups and meetings -> one iCalendar feed (RFC 5545, RFC 7986). Pure: no I/O here.

The feed is written by a small serializer of our own rather than with the icalendar library:
it is about ten times faster (10,000 follow-ups in 0.3 s rather than 3 s; one is allowed),
its bytes depend on nothing but the records and the settings, and it writes time zone onsets
as RFC 5545 defines them. Parsers that are not ours read the result back in the tests.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol
from urllib.parse import quote
from zoneinfo import ZoneInfo

from .config import Config
from .dates import parse_time
from .errors import ConfigError, UsageError
from .model import FollowUp, Meeting
from .wikilinks import WIKILINK, link_display, readable

PRODUCT_ID = "-//vaulttools//vaulttools//EN"
UTC_ZONES = frozenset({"UTC", "Etc/UTC", "Etc/Universal", "Universal", "Etc/Zulu", "Zulu", "UCT"})
CLOSED_MEETINGS = frozenset({"done", "cancelled", "canceled"})
TIMED_FOLLOWUP_MINUTES = 15
# A to-do without a day has no date to derive its DTSTAMP from; any fixed instant will do.
UNDATED_STAMP = "19700101T000000Z"
_MODE_LABELS = {"in-person": "In person", "video": "Video call", "phone": "Phone call"}

_LINE_LIMIT = 75  # octets per content line, CRLF not counted (RFC 5545 section 3.1)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # not allowed in TEXT; tab is
_MD_LINK = re.compile(r"\[([^\[\]\n]+)\]\([^()\s]+\)")
_SPACES = re.compile(r"\s+")
_PLAIN_ID = re.compile(r"[A-Za-z0-9._~:-]+")


@dataclass(frozen=True)
class FeedSettings:
    """What, besides the records, decides the feed's bytes."""

    vault_name: str  # the vault's folder name: Obsidian's name for it, and part of every UID
    zone: str = "UTC"  # IANA name of the zone meetings and reminders are in
    name: str = "Informational interviews"
    refresh_minutes: int = 60
    meeting_alarm_minutes: int = 30  # 0: no alarm
    followup_alarm_time: str | None = "09:00"  # HH:MM on the due day; None: no alarm
    default_duration: int = 30
    todo: bool = False  # follow-ups as VTODO rather than VEVENT
    meetings: bool = True
    followups: bool = True


@dataclass(frozen=True)
class RenderedCalendar:
    data: bytes
    followups: int  # how many follow-ups the feed holds
    meetings: int


class RecordSource(Protocol):
    """What the feed needs from the index: its open follow-ups and all its meetings."""

    def followups(self) -> list[FollowUp]: ...

    def meetings(self) -> list[Meeting]: ...


def feed_settings(
    config: Config,
    vault_name: str,
    *,
    todo: bool = False,
    meetings: bool = True,
    followups: bool = True,
) -> FeedSettings:
    """The feed settings a vault's config asks for; a bad setting is a ConfigError."""
    settings = config.calendar
    if settings.refresh_minutes < 1:
        raise ConfigError("In config.toml, calendar.refresh_minutes must be at least 1.")
    if settings.meeting_alarm_minutes < 0:
        raise ConfigError("In config.toml, calendar.meeting_alarm_minutes must be 0 or more.")
    return FeedSettings(
        vault_name=vault_name,
        zone=config.zone.key,
        name=settings.name.strip() or "Informational interviews",
        refresh_minutes=settings.refresh_minutes,
        meeting_alarm_minutes=settings.meeting_alarm_minutes,
        followup_alarm_time=_alarm_time(settings.followup_alarm_time),
        default_duration=max(1, config.meetings.default_duration),
        todo=todo,
        meetings=meetings,
        followups=followups,
    )


def _alarm_time(text: str) -> str | None:
    if not text.strip():
        return None
    try:
        return parse_time(text)
    except UsageError as error:
        raise ConfigError(
            f"In config.toml, calendar.followup_alarm_time {text!r} is not a time: use HH:MM."
        ) from error


def calendar_from_index(index: RecordSource, settings: FeedSettings) -> RenderedCalendar:
    """The feed for what the index holds now."""
    followups = index.followups() if settings.followups else []
    meetings = index.meetings() if settings.meetings else []
    return render_calendar(followups, meetings, settings)


def build_calendar(
    followups: Iterable[FollowUp], meetings: Iterable[Meeting], settings: FeedSettings
) -> bytes:
    return render_calendar(followups, meetings, settings).data


def render_calendar(
    followups: Iterable[FollowUp], meetings: Iterable[Meeting], settings: FeedSettings
) -> RenderedCalendar:
    """The feed as bytes: the same records give the same bytes, whatever order they come in."""
    tasks = feed_followups(followups, todo=settings.todo) if settings.followups else []
    talks = feed_meetings(meetings) if settings.meetings else []
    writer = _Writer(settings)
    components = [*writer.meetings(talks), *writer.followups(tasks)]
    body = _unique_uids(components, writer.uid_domain)
    lines = [*writer.header(), *writer.timezone(), *body, "END:VCALENDAR"]
    data = ("\r\n".join(fold(line) for line in lines) + "\r\n").encode("utf-8")
    return RenderedCalendar(data, followups=len(tasks), meetings=len(talks))


def feed_followups(followups: Iterable[FollowUp], *, todo: bool = False) -> list[FollowUp]:
    """Open follow-ups in feed order; an event needs a day, a to-do does not."""
    chosen = [f for f in followups if not (f.done or f.cancelled) and (todo or f.due)]
    return sorted(chosen, key=_followup_order)


def _followup_order(item: FollowUp) -> tuple[Any, ...]:
    # Not the line number: an edit above a task moves it without changing the feed.
    clock = _clock(item.time) or dt.time.min
    return (item.due or dt.date.max, clock, item.id, item.note, item.text)


def feed_identity(followups: Iterable[FollowUp], meetings: Iterable[Meeting]) -> object:
    """What the feed's bytes depend on, to compare cheaply: the records without the line
    numbers of tasks, which change with every edit above them."""
    return (
        tuple(dataclasses.replace(item, line=None) for item in followups),
        tuple(meetings),
    )


def feed_meetings(meetings: Iterable[Meeting]) -> list[Meeting]:
    """Meetings still to happen on a known day, in feed order."""
    chosen = [
        m for m in meetings if m.date and (m.status or "").strip().lower() not in CLOSED_MEETINGS
    ]
    return sorted(chosen, key=lambda m: (m.date, _clock(m.time) or dt.time.min, m.id, m.note))


# --- Components -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Component:
    local_uid: str  # the UID before its "@": the item's id, made safe
    lines: list[str]  # BEGIN to END, without the UID: it is added once it is known to be unique


def _unique_uids(components: list[_Component], domain: str) -> Iterator[str]:
    """Every component's lines; a UID seen before (a block id copied into two places) gets a
    suffix, since clients would otherwise show only one of the two."""
    seen: set[str] = set()
    for component in components:
        local, count = component.local_uid, 1
        while local in seen:
            count += 1
            local = f"{component.local_uid}-{count}"
        seen.add(local)
        yield component.lines[0]
        yield f"UID:{local}@{domain}"
        yield from component.lines[1:]


class _Writer:
    """Content lines for one feed's settings."""

    def __init__(self, settings: FeedSettings) -> None:
        self.settings = settings
        self.utc = settings.zone in UTC_ZONES
        self.zone = ZoneInfo(settings.zone)
        self.uid_domain = f"{vault_slug(settings.vault_name)}.vaulttools"
        self.timed_days: list[dt.date] = []  # days with a time in our zone: VTIMEZONE covers them
        self.links: dict[str, str] = {}  # note -> its obsidian:// link; notes hold many items

    def header(self) -> list[str]:
        name = text(self.settings.name)
        refresh = duration(self.settings.refresh_minutes)
        return [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:" + PRODUCT_ID,
            "CALSCALE:GREGORIAN",
            "NAME:" + name,
            "X-WR-CALNAME:" + name,
            "DESCRIPTION:" + text(f"Follow-ups and meetings from {self.settings.vault_name}"),
            "X-WR-TIMEZONE:" + self.settings.zone,
            "REFRESH-INTERVAL;VALUE=DURATION:" + refresh,
            "X-PUBLISHED-TTL:" + refresh,
        ]

    def timezone(self) -> list[str]:
        if self.utc or not self.timed_days:
            return []
        return vtimezone(self.settings.zone, min(self.timed_days).year, max(self.timed_days).year)

    def uid(self, item_id: str) -> str:
        """The item's id as the part of its UID before the "@"; ids that are paths escaped."""
        return item_id if _PLAIN_ID.fullmatch(item_id) else quote(item_id, safe="-._~:")

    def link(self, note: str) -> str:
        if note not in self.links:
            self.links[note] = obsidian_url(self.settings.vault_name, note)
        return self.links[note]

    # Meetings

    def meetings(self, meetings: Sequence[Meeting]) -> Iterator[_Component]:
        for meeting in meetings:
            yield _Component(self.uid(meeting.id), self.meeting_lines(meeting))

    def meeting_lines(self, meeting: Meeting) -> list[str]:
        assert meeting.date is not None
        summary = meeting_summary(meeting)
        lines = ["BEGIN:VEVENT", "DTSTAMP:" + day_stamp(meeting.date)]
        start = _clock(meeting.time)
        if start is None:  # no time agreed yet: hold the day
            lines += self.whole_day(meeting.date)
        else:
            lines += self.timed(meeting.date, start, self.minutes(meeting))
        lines += [
            "SUMMARY:" + text(summary),
            *(["LOCATION:" + text(meeting.location)] if meeting.location else []),
            "DESCRIPTION:" + text(self.meeting_description(meeting)),
            "URL:" + self.link(meeting.note),
            "CATEGORIES:Informational interview",
        ]
        if start is not None and self.settings.meeting_alarm_minutes:
            lines += alarm(summary, "-" + duration(self.settings.meeting_alarm_minutes))
        return [*lines, "END:VEVENT"]

    def minutes(self, meeting: Meeting) -> int:
        length = meeting.duration
        return length if isinstance(length, int) and length > 0 else self.settings.default_duration

    def meeting_description(self, meeting: Meeting) -> str:
        parts = []
        if meeting.objective:
            parts.append(f"Objective: {meeting.objective}")
        people = ", ".join(meeting.contacts or ((meeting.contact,) if meeting.contact else ()))
        if people:
            parts.append(
                f"With: {people}" + (f" ({meeting.organisation})" if meeting.organisation else "")
            )
        if meeting.mode:
            parts.append(f"How: {_MODE_LABELS.get(meeting.mode, meeting.mode)}")
        if _clock(meeting.time):
            parts.append(f"Length: {self.minutes(meeting)} minutes")
        parts.append(f"Note: {_note_name(meeting.note)}")
        parts.append(f"Open in Obsidian: {self.link(meeting.note)}")
        return "\n".join(parts)

    # Follow-ups

    def followups(self, followups: Sequence[FollowUp]) -> Iterator[_Component]:
        make = self.todo_lines if self.settings.todo else self.event_lines
        for item in followups:
            yield _Component(self.uid(item.id), make(item))

    def event_lines(self, item: FollowUp) -> list[str]:
        assert item.due is not None
        summary = followup_summary(item)
        lines = ["BEGIN:VEVENT", "DTSTAMP:" + day_stamp(item.due)]
        start = _clock(item.time)
        if start is None:
            lines += self.whole_day(item.due)
        else:
            lines += self.timed(item.due, start, TIMED_FOLLOWUP_MINUTES)
        lines += self.followup_details(item, summary)
        # A follow-up is a reminder, not a busy slot: keep the day free for scheduling.
        lines.append("TRANSP:TRANSPARENT")
        lines += self.followup_alarm(summary, timed=start is not None)
        return [*lines, "END:VEVENT"]

    def todo_lines(self, item: FollowUp) -> list[str]:
        summary = followup_summary(item)
        stamp = day_stamp(item.due) if item.due else UNDATED_STAMP
        lines = ["BEGIN:VTODO", "DTSTAMP:" + stamp]
        start = _clock(item.time)
        if item.due and start is None:
            lines.append("DUE;VALUE=DATE:" + _date(item.due))
        elif item.due and start is not None:
            lines.append("DUE" + self.local(item.due, start))
        lines += [*self.followup_details(item, summary), "STATUS:NEEDS-ACTION"]
        if item.due:
            lines += self.todo_alarm(summary, item.due, start)
        return [*lines, "END:VTODO"]

    def followup_details(self, item: FollowUp, summary: str) -> list[str]:
        return [
            "SUMMARY:" + text(summary),
            "DESCRIPTION:" + text(self.followup_description(item)),
            "URL:" + self.link(item.note),
            "CATEGORIES:Follow-up",
        ]

    def followup_description(self, item: FollowUp) -> str:
        parts = [plain_text(item.text) or "Follow-up"]
        if item.contact:
            parts.append(f"With: {item.contact}")
        parts.append(f"Note: {_note_name(item.note)}")
        if item.source == "task":
            parts.append(f"Done? Tick it in the note, or run: vault done {item.id}")
        parts.append(f"Open in Obsidian: {self.link(item.note)}")
        return "\n".join(parts)

    def followup_alarm(self, summary: str, *, timed: bool) -> list[str]:
        """At its time when it has one, else at the configured time on the day."""
        if timed:
            return alarm(summary, "PT0S")
        clock = _clock(self.settings.followup_alarm_time)
        if clock is None:
            return []
        # Relative to the day's start (floating midnight), so it rings at that time of day
        # wherever the user is, as calendar apps do for their own all-day alarms.
        return alarm(summary, duration(clock.hour * 60 + clock.minute, zero="PT0S"))

    def todo_alarm(self, summary: str, due: dt.date, start: dt.time | None) -> list[str]:
        # A VTODO without DTSTART has nothing reliable to be relative to: ring at an instant.
        clock = start or _clock(self.settings.followup_alarm_time)
        if clock is None:
            return []
        return alarm(summary, _utc(self.aware(due, clock)), absolute=True)

    # Dates and times

    def whole_day(self, day: dt.date) -> list[str]:
        return [
            "DTSTART;VALUE=DATE:" + _date(day),
            "DTEND;VALUE=DATE:" + _date(day + dt.timedelta(days=1)),
        ]

    def timed(self, day: dt.date, start: dt.time, minutes: int) -> list[str]:
        """DTSTART and DTEND; the end is counted in real minutes, across a clock change too."""
        begin = self.aware(day, start)
        end = (begin.astimezone(dt.UTC) + dt.timedelta(minutes=minutes)).astimezone(self.zone)
        if _ambiguous(end):  # the hour a clock change repeats: only UTC says which one
            return ["DTSTART" + self.local(day, start), "DTEND:" + _utc(end)]
        return ["DTSTART" + self.local(day, start), "DTEND" + self.local(end.date(), end.time())]

    def aware(self, day: dt.date, clock: dt.time) -> dt.datetime:
        return dt.datetime.combine(day, clock, tzinfo=self.zone)

    def local(self, day: dt.date, clock: dt.time) -> str:
        """`;TZID=Zone:YYYYMMDDTHHMMSS`, or `:…Z` when the zone is UTC."""
        self.timed_days.append(day)
        stamp = f"{_date(day)}T{clock.hour:02d}{clock.minute:02d}00"
        return f":{stamp}Z" if self.utc else f";TZID={self.settings.zone}:{stamp}"


def _ambiguous(moment: dt.datetime) -> bool:
    return moment.replace(fold=0).utcoffset() != moment.replace(fold=1).utcoffset()


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def alarm(summary: str, trigger: str, *, absolute: bool = False) -> list[str]:
    kind = "TRIGGER;VALUE=DATE-TIME:" if absolute else "TRIGGER:"
    return [
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        "DESCRIPTION:" + text(summary),
        kind + trigger,
        "END:VALARM",
    ]


def _clock(value: str | None) -> dt.time | None:
    if not value:
        return None
    try:
        return dt.time.fromisoformat(parse_time(value))
    except UsageError:
        return None  # an unreadable time: keep the item as a whole-day one


def _date(day: dt.date) -> str:
    return day.isoformat().replace("-", "")


def day_stamp(day: dt.date) -> str:
    """DTSTAMP: midnight UTC of the item's own day, so that it never depends on when the feed
    was made (identical vaults give identical bytes) yet moves when the item is moved."""
    return _date(day) + "T000000Z"


def duration(minutes: int, zero: str = "PT0M") -> str:
    """Minutes as an RFC 5545 duration: 60 -> PT1H, 90 -> PT1H30M, 2880 -> P2D."""
    if minutes == 0:
        return zero
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    clock = (f"{hours}H" if hours else "") + (f"{mins}M" if mins else "")
    return "P" + (f"{days}D" if days else "") + (f"T{clock}" if clock else "")


# --- Words ----------------------------------------------------------------------------------


_SUMMARY_PATTERNS = (
    (
        re.compile(
            r"^send (?:a |an |the |my )?thank[- ]?you"
            r"(?P<what> (?:email|e-mail|note|message|card|letter))? to (?P<who>.+?)\.?$",
            re.IGNORECASE,
        ),
        "Thank-you{what}: {who}",
    ),
    (
        re.compile(
            r"^reflect on (?:the |my |our )?(?:conversation|chat|meeting|call|talk) with "
            r"(?P<who>.+?)\.?$",
            re.IGNORECASE,
        ),
        "Reflect: {who}",
    ),
    (
        re.compile(r"^connect with (?P<who>.+?) (?:online|on linkedin)\.?$", re.IGNORECASE),
        "Connect online: {who}",
    ),
    (
        re.compile(
            r"^add the (?:people|names) (?P<who>.+?) suggested(?: as contacts)?\.?$", re.IGNORECASE
        ),
        "Add contacts suggested by {who}",
    ),
    (re.compile(r"^follow up with (?P<who>.+?)\.?$", re.IGNORECASE), "Follow up: {who}"),
)
_DERIVED_SUMMARIES = {
    "next_contact": "Get in touch: {who}",
    "stay_in_touch": "Stay in touch: {who}",
}


def followup_summary(item: FollowUp) -> str:
    """A title that fits a phone's calendar: the action, then the person ("Thank-you: Jane")."""
    words = plain_text(item.text)
    derived = _DERIVED_SUMMARIES.get(item.source)
    if derived and item.contact:
        return derived.format(who=item.contact)
    people = {name.casefold() for name in _link_names(item.text)}
    if item.contact:
        people.add(item.contact.casefold())
    for pattern, template in _SUMMARY_PATTERNS:
        match = pattern.match(words)
        if match and match["who"].casefold() in people:
            what = (match.groupdict().get("what") or "").lower()
            return template.format(who=match["who"], what=what)
    if words:
        return words
    return f"Follow-up: {item.contact}" if item.contact else "Follow-up"


def meeting_summary(meeting: Meeting) -> str:
    """ "Meeting: Jane Doe (Acme Ltd)"."""
    people = ", ".join(meeting.contacts or ((meeting.contact,) if meeting.contact else ()))
    who = people or _note_name(meeting.note).rsplit("/", 1)[-1]
    return f"Meeting: {who}" + (f" ({meeting.organisation})" if meeting.organisation else "")


def plain_text(markdown: str) -> str:
    """Task text as a person reads it: `[[Jane Doe|Jane]]` -> Jane, `[a](url)` -> a."""
    if "[" in markdown:
        markdown = _MD_LINK.sub(r"\1", readable(markdown))
    return _SPACES.sub(" ", markdown).strip()


def _link_names(markdown: str) -> list[str]:
    return [link_display(inner) for inner in WIKILINK.findall(markdown)]


def _note_name(path: str) -> str:
    return path.removesuffix(".md")


def obsidian_url(vault_name: str, note: str) -> str:
    """A link that opens the note in Obsidian; every reserved character percent-encoded."""
    return _vault_url(vault_name) + quote(_note_name(note), safe="")


@lru_cache(maxsize=8)
def _vault_url(vault_name: str) -> str:
    return f"obsidian://open?vault={quote(vault_name, safe='')}&file="


def vault_slug(vault_name: str) -> str:
    """The vault's part of a UID: readable for plain names, a short hash for the rest."""
    slug = re.sub(r"[^a-z0-9]+", "-", vault_name.casefold()).strip("-")
    if slug and vault_name.isascii():
        return slug
    digest = hashlib.sha1(vault_name.encode("utf-8")).hexdigest()[:8]
    return f"{slug}-{digest}" if slug else digest


# --- Serialization --------------------------------------------------------------------------


def text(value: str) -> str:
    """A TEXT value with commas, semicolons, backslashes and line breaks escaped."""
    if not value.isprintable():
        value = _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    # Chained replace is several times faster than str.translate for this.
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line: str) -> str:
    """Split a content line into 75-octet pieces, never inside a UTF-8 character."""
    if len(line) <= _LINE_LIMIT and (line.isascii() or len(line.encode()) <= _LINE_LIMIT):
        return line
    data = line.encode("utf-8")
    pieces: list[bytes] = []
    start, limit = 0, _LINE_LIMIT
    while len(data) - start > limit:
        end = start + limit
        while data[end] & 0xC0 == 0x80:  # a continuation byte: back up to its lead byte
            end -= 1
        pieces.append(data[start:end])
        start, limit = end, _LINE_LIMIT - 1  # the leading space of a folded line counts
    pieces.append(data[start:])
    return b"\r\n ".join(pieces).decode("utf-8")


def unfold(data: str) -> str:
    """The inverse of folding, for tests and tools: CRLF + space/tab joins lines."""
    return re.sub(r"\r\n[ \t]", "", data)


# --- Time zone ------------------------------------------------------------------------------


def vtimezone(zone_name: str, first_year: int, last_year: int) -> list[str]:
    """A VTIMEZONE that gives `zone_name`'s offsets at least from the start of `first_year` to
    the end of `last_year`.

    A zone that changes its clocks by one yearly rule is written as most calendar apps write
    it: a STANDARD and a DAYLIGHT rule since 1970, so that it does not depend on the years of
    the events. Any other zone lists each clock change in those years.
    """
    found = _observances(zone_name, first_year, max(last_year, first_year + 1))
    groups = _group_onsets(found)
    rules = _yearly_rules(groups)
    if rules:  # the rules hold from 1970: the observance the range starts in is one of them
        groups = dict(list(groups.items())[1:])
    lines = ["BEGIN:VTIMEZONE", "TZID:" + zone_name]
    for (kind, offset_from, offset_to, name), onsets in groups.items():
        if rules:
            month, weekday, nth, clock = rules[kind]
            first = _nth_weekday(1970, month, weekday, nth)
            timing = [
                "DTSTART:" + _date(first) + "T" + clock,
                f"RRULE:FREQ=YEARLY;BYMONTH={month};BYDAY={nth}{_WEEKDAYS[weekday]}",
            ]
        else:
            # RFC 5545 counts DTSTART as an onset by itself, but some readers (the `ical`
            # library among them) only look at RDATE: list the first onset there too.
            stamps = [_local_stamp(onset) for onset in onsets]
            timing = ["DTSTART:" + stamps[0], "RDATE:" + ",".join(stamps)]
        lines += [
            f"BEGIN:{kind}",
            *timing,
            "TZNAME:" + text(name),
            "TZOFFSETFROM:" + _offset(offset_from),
            "TZOFFSETTO:" + _offset(offset_to),
            f"END:{kind}",
        ]
    return [*lines, "END:VTIMEZONE"]


_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_GroupKey = tuple[str, int, int, str]  # kind, offset from, offset to, abbreviation


def _group_onsets(
    found: tuple[tuple[int, _Observance, _Observance], ...],
) -> dict[_GroupKey, list[dt.datetime]]:
    """Onsets (local time before the change) by the observance they start.

    tzdata gives Ireland and Morocco negative daylight saving (winter is the "saving"); calendar
    apps expect DAYLIGHT for the later clock, so there the observance without saving is it.
    """
    negative = any(after[1] < 0 for _, _, after in found)
    groups: dict[_GroupKey, list[dt.datetime]] = {}
    for onset, before, after in found:
        daylight = after[1] == 0 if negative else after[1] > 0
        key = ("DAYLIGHT" if daylight else "STANDARD", before[0], after[0], after[2])
        local = dt.datetime.fromtimestamp(onset, dt.UTC) + dt.timedelta(seconds=before[0])
        groups.setdefault(key, []).append(local.replace(tzinfo=None))
    return groups


def _yearly_rules(
    groups: dict[_GroupKey, list[dt.datetime]],
) -> dict[str, tuple[int, int, int, str]] | None:
    """(month, weekday, nth or -1 for the last, HHMMSS) for STANDARD and DAYLIGHT, when the
    zone has exactly one of each and both keep to one rule every year; else None."""
    first_onsets = [onsets[0] for onsets in groups.values()]
    if len(groups) != 3 or first_onsets[0].year != 1970:
        return None  # the first group is the observance the range starts in
    changes = list(groups.items())[1:]
    if sorted(kind for (kind, *_), _ in changes) != ["DAYLIGHT", "STANDARD"]:
        return None
    rules = {}
    for (kind, *_), onsets in changes:
        rule = _rule_of(onsets)
        if rule is None:
            return None
        rules[kind] = rule
    return rules


def _rule_of(onsets: list[dt.datetime]) -> tuple[int, int, int, str] | None:
    years = [onset.year for onset in onsets]
    if years != list(range(years[0], years[0] + len(years))):
        return None  # not once a year
    shapes = {(o.month, o.weekday(), o.strftime("%H%M%S")) for o in onsets}
    if len(shapes) != 1:
        return None
    month, weekday, clock = shapes.pop()
    if all(_nth_weekday(o.year, month, weekday, -1) == o.date() for o in onsets):
        return month, weekday, -1, clock
    nths = {(o.day - 1) // 7 + 1 for o in onsets}
    return (month, weekday, nths.pop(), clock) if len(nths) == 1 and max(nths) <= 4 else None


def _nth_weekday(year: int, month: int, weekday: int, nth: int) -> dt.date:
    """The nth given weekday of a month; nth -1 is the last one."""
    if nth > 0:
        first = dt.date(year, month, 1)
        return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    last = following - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.weekday() - weekday) % 7)


def _local_stamp(moment: dt.datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%S")


_Observance = tuple[int, int, str]  # UTC offset and daylight saving in seconds, abbreviation


@lru_cache(maxsize=64)
def _observances(
    zone_name: str, first_year: int, last_year: int
) -> tuple[tuple[int, _Observance, _Observance], ...]:
    """(UTC instant, observance before, after): the observance at the start of the range, then
    each change in the range.

    zoneinfo does not list its transitions, so they are found by stepping a day at a time and
    bisecting to the second where the observance differs; a few years take milliseconds.
    """
    zone = ZoneInfo(zone_name)
    start = int(dt.datetime(first_year, 1, 1, tzinfo=zone).timestamp())
    end = int(dt.datetime(last_year + 1, 1, 1, tzinfo=zone).timestamp())
    current = _observance(zone, start)
    # The observance the range starts in is written as in force since 1970 (as calendar apps
    # write zones), not since the range's start: some readers ask about earlier years.
    found = [(-current[0], current, current)]
    step = 24 * 3600
    for moment in range(start + step, end + step, step):
        later = _observance(zone, moment)
        if later != current:
            onset = _bisect(zone, moment - step, moment, current)
            found.append((onset, current, later))
            current = later
    return tuple(found)


def _observance(zone: ZoneInfo, timestamp: int) -> _Observance:
    local = dt.datetime.fromtimestamp(timestamp, zone)
    offset, dst = local.utcoffset(), local.dst()
    seconds = int(offset.total_seconds()) if offset else 0
    return (seconds, int(dst.total_seconds()) if dst else 0, local.tzname() or "")


def _bisect(zone: ZoneInfo, low: int, high: int, before: _Observance) -> int:
    """The first second in (low, high] whose observance is not `before`."""
    while high - low > 1:
        middle = (low + high) // 2
        if _observance(zone, middle) == before:
            low = middle
        else:
            high = middle
    return high


def _offset(seconds: int) -> str:
    sign = "-" if seconds < 0 else "+"
    hours, rest = divmod(abs(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{sign}{hours:02d}{minutes:02d}" + (f"{secs:02d}" if secs else "")
