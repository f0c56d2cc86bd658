"""The calendar's components kept in the index, so that `export-ics` and `watch` rebuild
only the items that changed, and each item keeps the DTSTAMP of its last change.

Part of the index's schema (schema.py creates the table), so a new schema version or
release starts it afresh; `index --rebuild` keeps it, since it holds no note's facts.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the calendar and icalendar are imported by the commands that use them
    from ..component_cache import CachedComponent, ComponentCache

_ROWS = "SELECT uid, content, stamp, zone_years, data FROM calendar_components"
TABLE = """
CREATE TABLE calendar_components (
    feed TEXT NOT NULL, uid TEXT NOT NULL, content TEXT NOT NULL, stamp INTEGER NOT NULL,
    zone_years TEXT NOT NULL, data BLOB NOT NULL, PRIMARY KEY (feed, uid)
) WITHOUT ROWID
"""


class CalendarStore:
    """One index's cached components, by feed and UID."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    def load(self, feed: str, known: Collection[str] = ()) -> dict[str, CachedComponent]:
        """The feed's components, but for the UIDs a process already holds (`watch` holds
        them all, and reads none of their bytes again)."""
        from ..component_cache import CachedComponent

        if known:
            query = "SELECT uid FROM calendar_components WHERE feed = ?"
            uids = [uid for (uid,) in self.connection.execute(query, (feed,))]
            rows = [self._row(feed, uid) for uid in uids if uid not in known]
        else:
            rows = list(self.connection.execute(_ROWS + " WHERE feed = ?", (feed,)))
        return {
            uid: CachedComponent(content, stamp, data, _years(years))
            for uid, content, stamp, years, data in rows
        }

    def _row(self, feed: str, uid: str) -> tuple[str, str, int, str, bytes]:
        found = self.connection.execute(_ROWS + " WHERE feed = ? AND uid = ?", (feed, uid))
        return found.fetchone()

    def note_time(self, note: str) -> float | None:
        """When the note was last saved, as the index saw it: a changed item's DTSTAMP."""
        row = self.connection.execute("SELECT mtime_ns FROM files WHERE path = ?", (note,))
        found = row.fetchone()
        return found[0] / 1e9 if found else None

    def holds(self, feed: str) -> bool:
        """Whether any component of the feed is kept."""
        query = "SELECT 1 FROM calendar_components WHERE feed = ? LIMIT 1"
        return self.connection.execute(query, (feed,)).fetchone() is not None

    def save(self, feed: str, cache: ComponentCache) -> None:
        """Write what the cache built and drop what it forgot, in one transaction."""
        if not (cache.changed or cache.forgotten):
            return
        gone = [(feed, uid) for uid in cache.forgotten - cache.changed]
        rows = [(feed, uid, *_row(cache.entries[uid])) for uid in cache.changed]
        self.connection.execute("BEGIN IMMEDIATE")
        try:
            self.connection.executemany(
                "DELETE FROM calendar_components WHERE feed = ? AND uid = ?", gone
            )
            self.connection.executemany(
                "INSERT OR REPLACE INTO calendar_components VALUES (?, ?, ?, ?, ?, ?)", rows
            )
            self.connection.execute("COMMIT")
        except BaseException:
            from .schema import rollback  # here: schema imports this module's table

            rollback(self.connection)  # SQLite may have undone it already (a full disk)
            raise
        cache.saved()


def _years(text: str) -> tuple[int, ...]:
    return tuple(int(year) for year in text.split(",") if year)


def _row(entry: CachedComponent) -> tuple[str, int, str, bytes]:
    return (entry.content, entry.stamp, ",".join(map(str, entry.zone_years)), entry.data)
