"""Follow-ups and meetings -> one iCalendar feed (RFC 5545, RFC 7986). Pure: no I/O here.

Every component is built with the icalendar library (calendar_items.py: one builder per kind,
for other callers too) and kept by what it is made from (component_cache.py), so a feed in
which one item changed costs one component, and one in which nothing changed none at all.
The same records and the same cache give the same bytes, whatever order the records come in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from .calendar_ids import UTC_ZONES, ZONE_YEARS, clock_of, followup_uid, meeting_uid
from .calendar_settings import FeedSettings, feed_settings
from .calendar_words import followup_summary, meeting_summary, obsidian_url
from .component_cache import (
    CachedComponent,
    ComponentCache,
    NoteTime,
    content_key,
    feed_key,
    memory_cache,
)
from .model import FollowUp, Meeting

if TYPE_CHECKING:  # icalendar is imported when a component has to be built, not to reuse one
    import icalendar

    from .calendar_build import Helper, Job

__all__ = [
    "ComponentCache",
    "FeedSettings",
    "RenderedCalendar",
    "build_calendar",
    "calendar_from_index",
    "feed_identity",
    "feed_settings",
    "followup_summary",
    "meeting_summary",
    "obsidian_url",
    "render_calendar",
]

PRODUCT_ID = "-//vaulttools//vaulttools//EN"
CANCELLED = frozenset({"cancelled", "canceled"})
_END = b"END:VCALENDAR\r\n"
# A vault this large, with no component kept, likely has enough items to share the builds.
HELPER_NOTES = 2000


class RenderedCalendar(NamedTuple):
    data: bytes
    followups: int  # how many follow-ups the feed holds
    meetings: int


class ComponentStore(Protocol):
    """Where a feed's cached components outlive the process: the index."""

    def load(self, feed: str, known: Collection[str] = ()) -> dict[str, CachedComponent]: ...

    def save(self, feed: str, cache: ComponentCache) -> None: ...

    def note_time(self, note: str) -> float | None: ...

    def holds(self, feed: str) -> bool: ...


class RecordSource(Protocol):
    """What the feed needs from the index: its records, and a place for its cache."""

    def followups(self) -> list[FollowUp]: ...

    def feed_meetings(self) -> list[Meeting]: ...

    def calendar_store(self) -> ComponentStore: ...

    def note_count(self) -> int: ...


def calendar_from_index(index: RecordSource, settings: FeedSettings) -> RenderedCalendar:
    """The feed for what the index holds now, with the components the index keeps (and
    this process's, in `watch --serve`, where both are served). When none is kept for a large
    vault, a helper process starts before the records are read, to share the builds."""
    store, feed = index.calendar_store(), feed_key(settings)
    cache = memory_cache(settings)
    helper = _early_helper(index, store, feed, cache)
    try:
        followups = index.followups() if settings.followups else []
        meetings = index.feed_meetings() if settings.meetings else []
        with cache.lock:
            cache.adopt(store.load(feed, cache.entries.keys()))
            rendered = _render(followups, meetings, settings, cache, store.note_time, helper)
            store.save(feed, cache)
    finally:
        if helper is not None:
            helper.stop()
    return rendered


def _early_helper(
    index: RecordSource, store: ComponentStore, feed: str, cache: ComponentCache
) -> Helper | None:
    """A helper for a first build of a large vault's feed, started before the records are
    read so that its start overlaps theirs."""
    if cache.entries or store.holds(feed) or index.note_count() < HELPER_NOTES:
        return None
    from .calendar_build import start_helper

    return start_helper()


def build_calendar(
    followups: Iterable[FollowUp],
    meetings: Iterable[Meeting],
    settings: FeedSettings,
    cache: ComponentCache | None = None,
) -> bytes:
    return render_calendar(followups, meetings, settings, cache).data


def render_calendar(
    followups: Iterable[FollowUp],
    meetings: Iterable[Meeting],
    settings: FeedSettings,
    cache: ComponentCache | None = None,
) -> RenderedCalendar:
    """The feed as bytes. Without a cache, this process's in-memory one for these settings."""
    cache = cache if cache is not None else memory_cache(settings)
    with cache.lock:
        return _render(followups, meetings, settings, cache, lambda note: None)


def _render(
    followups: Iterable[FollowUp],
    meetings: Iterable[Meeting],
    settings: FeedSettings,
    cache: ComponentCache,
    note_time: NoteTime,
    helper: Helper | None = None,
) -> RenderedCalendar:
    tasks = feed_followups(followups, todo=settings.todo) if settings.followups else []
    talks = feed_meetings(meetings) if settings.meetings else []
    parts = _Parts(settings, cache, note_time)
    for meeting in talks:
        parts.add("meeting", meeting, meeting_uid)
    for item in tasks:
        parts.add("todo" if settings.todo else "followup", item, followup_uid)
    components = parts.components(helper)
    years = {year for component in components for year in component.zone_years}
    head = parts.header() + parts.timezone(years)
    cache.settle()
    body = b"".join(component.data for component in components)
    data = head + body + _END
    return RenderedCalendar(data, followups=len(tasks), meetings=len(talks))


def feed_followups(followups: Iterable[FollowUp], *, todo: bool = False) -> list[FollowUp]:
    """Open follow-ups in feed order; an event needs a day, a to-do does not."""
    chosen = [f for f in followups if not (f.done or f.cancelled) and (todo or f.due)]
    return sorted(chosen, key=_followup_order)


def _followup_order(item: FollowUp) -> tuple[Any, ...]:
    # Not the line number: an edit above a task moves it without changing the feed.
    clock = clock_of(item.time) or dt.time.min
    return (item.due or dt.date.max, clock, item.id, item.note, item.text)


def feed_meetings(meetings: Iterable[Meeting]) -> list[Meeting]:
    """Meetings on a known day that were not cancelled, in feed order. Held ones stay: which
    past meetings the feed keeps as history is the caller's choice (`Index.feed_meetings`)."""
    chosen = [m for m in meetings if m.date and (m.status or "").strip().lower() not in CANCELLED]
    return sorted(chosen, key=lambda m: (m.date, clock_of(m.time) or dt.time.min, m.id, m.note))


def feed_identity(followups: Iterable[FollowUp], meetings: Iterable[Meeting]) -> object:
    """What the feed's bytes depend on, to compare cheaply: the records without the line
    numbers of tasks, which change with every edit above them."""
    return (tuple(_without_line(item) for item in followups), tuple(meetings))


def _without_line(item: FollowUp) -> FollowUp:
    return item if item.line is None else item._replace(line=None)


class _Parts:
    """Each item's component from the cache, under a UID unique in the feed."""

    def __init__(self, settings: FeedSettings, cache: ComponentCache, note_time: NoteTime) -> None:
        self.settings = settings
        self.cache = cache
        self.note_time = note_time
        self.seen: dict[str, int] = {}
        self.uids: list[str] = []  # in feed order
        self.jobs: list[tuple[str, Job]] = []  # what to build: content key, job

    def add(self, kind: str, item: Meeting | FollowUp, uid_of: Callable[..., str]) -> None:
        """Take the item's cached component, or note that it has to be built."""
        uid = self._unique(lambda n: uid_of(item, n))
        record = _without_line(item) if isinstance(item, FollowUp) else item
        content = content_key(record, uid)
        self.uids.append(uid)
        if self.cache.fresh(uid, content) is None:
            stamp = self.cache.stamp_for(uid, self.note_time(item.note))
            self.jobs.append((content, (kind, item, uid, stamp)))

    def components(self, helper: Helper | None) -> list[CachedComponent]:
        """Every item's component in feed order, the missing ones built all at once."""
        from .calendar_build import build_jobs

        built = build_jobs([job for _, job in self.jobs], self.settings, helper)
        for (content, (_, _, uid, stamp)), (data, years) in zip(self.jobs, built, strict=True):
            self.cache.keep(uid, content, stamp, data, years)
        return [self.cache.entries[uid] for uid in self.uids]

    def header(self) -> bytes:
        key = content_key(self.settings, _HEADER)
        built = self.cache.component(_HEADER, key, lambda _: _header(self.settings), _unknown)
        return built.data.removesuffix(_END)

    def timezone(self, years: set[int]) -> bytes:
        """The zone's VTIMEZONE when any time is written in it; none for UTC."""
        zone = self.settings.zone
        if zone in UTC_ZONES or not years:
            return b""
        key = content_key((zone, ZONE_YEARS), _TIMEZONE)
        return self.cache.component(_TIMEZONE, key, lambda _: _vtimezone(zone), _unknown).data

    def _unique(self, uid_for: Callable[[int], str]) -> str:
        """A block id copied into two places gives two items: clients would show only one
        of two with the same UID, so the later ones are numbered."""
        first = uid_for(1)
        count = self.seen.get(first, 0) + 1
        self.seen[first] = count
        return first if count == 1 else uid_for(count)


_HEADER, _TIMEZONE = "VCALENDAR", "VTIMEZONE"  # cached like components, under these names


def _unknown() -> None:
    return None


def _header(settings: FeedSettings) -> icalendar.Calendar:
    """VCALENDAR's own properties: its name and how often to look for changes.

    No X-WR-TIMEZONE: readers that follow it (Google's way, recurring-ical-events) turn UTC
    times into that zone's wall clock and lose which of a repeated hour's two was meant.
    """
    import icalendar

    from .calendar_items import Text
    from .calendar_words import clean

    calendar = icalendar.Calendar()
    calendar.add("VERSION", "2.0")
    calendar.add("PRODID", PRODUCT_ID)
    calendar.add("CALSCALE", "GREGORIAN")
    calendar.add("NAME", Text(clean(settings.name)))
    calendar.add("X-WR-CALNAME", Text(clean(settings.name)))
    about = f"Follow-ups and meetings from {settings.vault_name}"
    calendar.add("DESCRIPTION", Text(clean(about)))
    refresh = icalendar.vDuration(dt.timedelta(minutes=settings.refresh_minutes))
    calendar.add("REFRESH-INTERVAL", refresh, parameters={"VALUE": "DURATION"})
    calendar.add("X-PUBLISHED-TTL", refresh)
    return calendar


def _vtimezone(zone: str) -> icalendar.Timezone:
    from .vtimezone import vtimezone

    return vtimezone(zone, ZONE_YEARS[0], ZONE_YEARS[-1])
