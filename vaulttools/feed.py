"""What the feed server serves: the calendar's bytes, their tags, and when they last changed.

The feed is kept as bytes (and gzipped bytes) with its ETag; a request costs a look at the
notes' signatures at most every `CHECK_SECONDS`, and the calendar is built again only when
the follow-ups and meetings themselves changed. When the bytes were first served is kept in
the index, so Last-Modified stays the same across a restart for the same bytes.
"""

from __future__ import annotations

import email.utils
import gzip
import hashlib
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Protocol

from .calendar import FeedSettings, calendar_from_index, feed_identity
from .clock import today
from .errors import VaultError
from .vault import Vault, iter_markdown

CHECK_SECONDS = 2.0  # how stale the feed may be; edits show up within this

Log = Callable[[str], None]
# (ETag, now) -> when the feed with this ETag was first served, remembered across restarts.
Remember = Callable[[str, int], int]


@dataclass(frozen=True)
class Feed:
    data: bytes
    etag: str  # quoted, strong
    modified: int  # seconds since the epoch, when these bytes were first served

    @classmethod
    def of(cls, data: bytes, modified: int) -> Feed:
        return cls(data, f'"{tag_of(data)}"', modified)

    @property
    def last_modified(self) -> str:
        return email.utils.formatdate(self.modified, usegmt=True)

    @cached_property
    def gzipped(self) -> bytes:
        # No time stamp in the gzip header: the same feed always compresses to the same bytes.
        return gzip.compress(self.data, compresslevel=6, mtime=0)

    @property
    def gzip_etag(self) -> str:
        """A representation of its own (RFC 9110): a strong tag differs from the plain one's."""
        return f'{self.etag[:-1]}-gzip"'


def tag_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:32]


class FeedSource(Protocol):
    def token(self) -> object:
        """Cheap; differs whenever the calendar may have changed."""

    def render(self) -> bytes:
        """The calendar as it is now."""


class FeedCache:
    """The current feed, checked against its source at most every `interval` seconds.

    One request thread does the check while the others go on serving the bytes they have,
    so a slow look at the vault never holds up many calendar apps at once.
    """

    def __init__(
        self,
        source: FeedSource,
        interval: float = CHECK_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        log: Log | None = None,
        remember: Remember | None = None,
    ) -> None:
        self.source = source
        self.interval = interval
        self.clock = clock
        self.log = log or (lambda message: None)
        self.remember = remember or (lambda etag, now: now)
        self.refreshes = 0  # how many times the source was asked for the calendar
        self._lock = threading.Lock()
        self._feed: Feed | None = None
        self._token: object = None
        self._checked = float("-inf")

    def current(self) -> Feed:
        """The feed, brought up to date if it has not been looked at for a while."""
        feed = self._feed
        if feed is not None and self.clock() - self._checked < self.interval:
            return feed
        if feed is not None and not self._lock.acquire(blocking=False):
            return feed  # another thread is looking already
        if feed is None:
            self._lock.acquire()
        try:
            return self._refresh()
        finally:
            self._lock.release()

    def invalidate(self) -> None:
        """Look at the source on the next request, e.g. after the watcher saw a change."""
        self._checked = float("-inf")

    def _refresh(self) -> Feed:
        if self._feed is not None and self.clock() - self._checked < self.interval:
            return self._feed  # refreshed while this thread waited for the lock
        try:
            token = self.source.token()
            if self._feed is None or token != self._token:
                self._update(self.source.render())
                self._token = token
        except (VaultError, OSError, sqlite3.Error) as error:
            if self._feed is None:
                raise
            self.log(f"Serving the calendar as it was: {error}")
        self._checked = self.clock()
        assert self._feed is not None
        return self._feed

    def _update(self, data: bytes) -> None:
        self.refreshes += 1
        if self._feed is not None and data == self._feed.data:
            return
        now = int(time.time())
        if self._feed is not None:
            # HTTP dates count whole seconds: new bytes always get a later one, or an app that
            # asks If-Modified-Since would be told nothing changed within the same second.
            now = max(now, self._feed.modified + 1)
        self._feed = Feed.of(data, self.remember(f'"{tag_of(data)}"', now))


class VaultFeed:
    """A vault's calendar, from its index.

    The token is each note's (mtime, size) and today's date (contact reminders count from
    it); the calendar is built again only when the follow-ups and meetings differ, so an
    edit elsewhere in the vault costs an index sync and nothing more.
    """

    STATE = "feed"  # the index's memory of when the feed's bytes were first served

    def __init__(self, vault: Vault, settings: FeedSettings) -> None:
        self.vault = vault
        self.settings = settings
        self.builds = 0  # how many times the calendar was built
        self.counts = (0, 0)  # follow-ups and meetings in the feed
        self._records: object = None
        self._data = b""

    def token(self) -> object:
        notes = {
            path: (info.st_mtime_ns, info.st_size, info.st_ctime_ns)
            for path, info in iter_markdown(self.vault.root)
        }
        return (today(self.vault.config), notes)

    def render(self) -> bytes:
        from .index import fresh_index  # the index pulls in SQLite and the note parser

        with fresh_index(self.vault) as index:
            followups = index.followups() if self.settings.followups else []
            meetings = index.feed_meetings() if self.settings.meetings else []
            records = feed_identity(followups, meetings)
            if records != self._records:
                # With the components (and their DTSTAMPs) the index keeps: the same bytes
                # as `export-ics`, and after a restart.
                rendered = calendar_from_index(index, self.settings)
                self._data, self._records = rendered.data, records
                self.counts = (rendered.followups, rendered.meetings)
                self.builds += 1
        return self._data

    def first_served(self, etag: str, now: int) -> int:
        """When the feed with this ETag was first served: from the index when it is the one
        served last, else `now`, remembered for next time."""
        from .index import Index

        with Index.open(self.vault) as index:
            etag_then, _, when = (index.output_state(self.STATE) or "").partition(" ")
            if etag_then == etag and when.isdigit():
                return int(when)
            index.set_output_state(self.STATE, f"{etag} {now}")
        return now
