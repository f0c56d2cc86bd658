"""Each calendar component's bytes, kept by what it was made from, so that only items that
changed go through the icalendar library again.

One cache holds one feed (one FeedSettings of one release). It also remembers when each
item's content last changed: that is its DTSTAMP and LAST-MODIFIED, never in the future and
never earlier than what was written before. The time is that of the note's last save where
it is known (so a fresh index gives the same stamps), else when the change was first seen.
A process keeps its caches in memory (`serve`, `watch`); `export-ics` and `watch` also keep
them in the index (index/calendar_cache.py) for the next run.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

from . import __version__
from .calendar_settings import FeedSettings

if TYPE_CHECKING:  # icalendar is imported only when a component is built
    import icalendar

# Raise when components are built differently, so that cached bytes are not reused.
COMPONENT_FORMAT = 1
_MEMORY_FEEDS = 8  # feeds a long-running process keeps in memory

Build = Callable[[dt.datetime], "icalendar.Component"]  # a component, given its DTSTAMP
NoteTime = Callable[[str], float | None]  # when a note was last saved, if known


class CachedComponent(NamedTuple):
    content: str  # digest of what the component is made from
    stamp: int  # when that content was first seen, in seconds since the epoch
    data: bytes  # the component as icalendar wrote it
    zone_years: tuple[int, ...]  # years of the times it writes in the vault's zone


def feed_key(settings: FeedSettings) -> str:
    """What every component of a feed depends on besides its item: settings and release."""
    return _digest(f"{settings!r}\n{__version__}\n{COMPONENT_FORMAT}")


def content_key(item: object, uid: str) -> str:
    """An item's content: its record (the caller leaves out line numbers) and its UID."""
    return _digest(f"{item!r}\n{uid}")


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


class ComponentCache:
    """Components of one feed by UID; `changed` and `unused` say what a store must write."""

    def __init__(
        self,
        entries: dict[str, CachedComponent] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.entries = dict(entries or {})
        self.clock = clock
        self.lock = threading.Lock()  # `watch --serve` renders from two threads
        self.changed: set[str] = set()  # UIDs built since a store last saved the cache
        self.forgotten: set[str] = set()  # UIDs left out since then
        self.builds = 0
        self._used: set[str] = set()

    def fresh(self, uid: str, content: str) -> CachedComponent | None:
        """The cached component when its content is the same; the UID stays in the feed."""
        self._used.add(uid)
        entry = self.entries.get(uid)
        return entry if entry is not None and entry.content == content else None

    def stamp_for(self, uid: str, saved: float | None) -> int:
        """The DTSTAMP of a changed item: when its note was saved (`saved`, if known), else
        now; later than its last stamp, never past now (unless the clock was set back: then
        the last stamp stays)."""
        entry = self.entries.get(uid)
        now = int(self.clock())
        revised = now if saved is None else int(saved)
        if entry is None:
            return min(now, revised)
        return max(entry.stamp, min(now, max(revised, entry.stamp + 1)))

    def keep(
        self, uid: str, content: str, stamp: int, data: bytes, zone_years: tuple[int, ...]
    ) -> CachedComponent:
        entry = CachedComponent(content, stamp, data, zone_years)
        self.entries[uid] = entry
        self.changed.add(uid)
        self.builds += 1
        return entry

    def component(
        self, uid: str, content: str, build: Build, saved: Callable[[], float | None]
    ) -> CachedComponent:
        """The cached component, else one `build` makes now."""
        entry = self.fresh(uid, content)
        if entry is not None:
            return entry
        from .calendar_items import zone_years

        stamp = self.stamp_for(uid, saved())
        component = build(dt.datetime.fromtimestamp(stamp, dt.UTC))
        return self.keep(uid, content, stamp, component.to_ical(), tuple(zone_years(component)))

    def adopt(self, entries: dict[str, CachedComponent]) -> None:
        """Take a store's entries for items this cache does not hold. What it holds may have
        been served already: its stamps stay, so that none goes back."""
        for uid, entry in entries.items():
            self.entries.setdefault(uid, entry)

    def settle(self) -> None:
        """After a render: forget the items that are no longer in the feed."""
        unused = set(self.entries) - self._used
        for uid in unused:
            del self.entries[uid]
        self.changed -= unused
        self.forgotten |= unused
        self._used = set()

    def saved(self) -> None:
        """A store wrote what changed."""
        self.changed.clear()
        self.forgotten.clear()


_memory: dict[str, ComponentCache] = {}


def memory_cache(settings: FeedSettings) -> ComponentCache:
    """This process's cache for a feed: what `serve` renders with."""
    key = feed_key(settings)
    if key not in _memory:
        if len(_memory) >= _MEMORY_FEEDS:
            del _memory[next(iter(_memory))]
        _memory[key] = ComponentCache()
    return _memory[key]
