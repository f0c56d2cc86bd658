"""The two-way sync: compare the notes, the server and what the last sync saw; act on news.

The rule when both sides changed an item since the last sync: completion wins from either
side (a to-do ticked on the phone is ticked in its note, one ticked in the note is completed
on the server), and for everything else (text, dates, place, length) the note wins. A to-do
deleted on the server stays deleted until its note changes it; one deleted from the notes
(or cancelled there) is deleted on the server. Items that vaulttools did not make are never
touched.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from ..calendar_ids import UID_DOMAIN
from ..errors import VaultError
from .client import Listing, Rejected, Stale
from .items import TODO, ItemSettings, RemoteItem, SyncItem, fingerprint, from_ical, to_ical
from .state import Entry, SyncState

# Ticks `item` in its note on `day`; raises a VaultError when that cannot be done safely.
Ticker = Callable[[SyncItem, dt.date], None]


class Remote(Protocol):
    def href_for(self, uid: str) -> str: ...
    def changes(self, token: str | None) -> Listing: ...
    def fetch(self, hrefs: list[str]) -> dict[str, tuple[str | None, str]]: ...
    def put(self, href: str, data: bytes, etag: str | None, *, create: bool) -> str | None: ...
    def delete(self, href: str, etag: str | None) -> None: ...


@dataclass
class SyncReport:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    ticked: list[str] = field(default_factory=list)  # summaries ticked in their notes
    problems: list[str] = field(default_factory=list)  # one sentence each; retried next time

    @property
    def sent(self) -> int:
        return self.created + self.updated + self.deleted


@dataclass
class _Seen:
    """A server item of ours that changed since the last sync (or was never seen)."""

    href: str
    etag: str | None
    item: RemoteItem


class Sync:
    """One sync of `items` with `remote`, updating `state` as each step succeeds."""

    def __init__(
        self,
        remote: Remote,
        state: SyncState,
        settings: ItemSettings,
        tick: Ticker,
        *,
        unreadable: frozenset[str] = frozenset(),
        now: dt.datetime | None = None,
        after_step: Callable[[], None] = lambda: None,
    ) -> None:
        self.remote = remote
        self.state = state
        self.settings = settings
        self.tick = tick
        self.unreadable = unreadable  # notes the index could not read: their items stay put
        self.now = now or dt.datetime.now(settings.zone)
        self.after_step = after_step
        self.report = SyncReport()
        self.complete = True  # False: some server news waits for the next sync

    def run(self, items: list[SyncItem]) -> SyncReport:
        listing = self.remote.changes(self.state.token if self.state.entries else None)
        seen, gone = self._news(listing)
        local = {item.uid: item for item in items}
        for uid in sorted(local.keys() | self.state.entries.keys() | seen.keys()):
            self._one(uid, local.get(uid), seen.get(uid), uid in gone)
            self.after_step()
        if self.complete:
            self.state.token = self._token_after_writes(listing.token)
        return self.report

    def _token_after_writes(self, token: str | None) -> str | None:
        """A token that covers our own writes, when the server's changes since `token` are
        exactly those; else `token`, so that the next sync looks at them again. (A server may
        leave out an item created and deleted after a token, so our creations must not
        stay behind it.)"""
        if not self.report.sent or token is None:
            return token
        after = self.remote.changes(token)
        ours = {entry.href: entry.etag for entry in self.state.entries.values()}
        explained = all(href in ours and ours[href] == etag for href, etag in after.etags.items())
        removed = after.deleted - {e.href for e in self.state.entries.values() if e.gone}
        return after.token if explained and not removed and not after.complete else token

    # What the server says ----------------------------------------------------------------

    def _news(self, listing: Listing) -> tuple[dict[str, _Seen], set[str]]:
        """Our items that changed on the server, by UID; and the UIDs deleted there."""
        by_href = {entry.href: uid for uid, entry in self.state.entries.items()}
        changed = [
            href
            for href, etag in listing.etags.items()
            if not (href in by_href and etag and self.state.entries[by_href[href]].etag == etag)
        ]
        bodies = {h: (listing.etags[h], listing.data[h]) for h in changed if h in listing.data}
        # An item whose version we lost track of (a write that lost a race) is looked at again.
        unsure = [e.href for e in self.state.entries.values() if e.etag is None and not e.gone]
        wanted = [href for href in changed if href not in bodies]
        wanted += [href for href in unsure if href not in listing.etags]
        bodies.update(self.remote.fetch(wanted) if wanted else {})
        seen = {}
        for href, (etag, data) in bodies.items():
            item = from_ical(data, self.settings.zone)
            if item and self._ours(item, href, by_href):
                seen[item.uid] = _Seen(href, etag, item)
        removed = listing.deleted | (set(unsure) - bodies.keys())
        if listing.complete:
            removed = set(by_href) - set(listing.etags)
        gone = {by_href[href] for href in removed if href in by_href}
        return seen, gone - seen.keys()

    def _ours(self, item: RemoteItem, href: str, by_href: dict[str, str]) -> bool:
        """Made by this vault: our UID scheme, and our marker or our record of it."""
        if not item.uid.endswith("@" + UID_DOMAIN):
            return False
        return item.ours or by_href.get(href) == item.uid

    # One item --------------------------------------------------------------------------------

    def _one(self, uid: str, local: SyncItem | None, seen: _Seen | None, gone: bool) -> None:
        entry = self.state.entries.get(uid)
        if local is None:
            self._removed_from_notes(uid, entry, seen)
        elif gone:
            self._deleted_on_server(entry)
        elif seen is not None:
            self._changed_on_server(local, seen)
        elif entry is None:
            if not local.done:  # a follow-up done before it was ever sent stays off
                self._send(local, None, None)
        elif entry.gone:
            if fingerprint(local) != entry.sent:
                self._send(local, None, None)
        elif fingerprint(local) != entry.sent:
            self._send(local, entry.href, entry.etag)

    def _removed_from_notes(self, uid: str, entry: Entry | None, seen: _Seen | None) -> None:
        note = entry.note if entry else None
        if note in self.unreadable:
            return  # the note is there but unreadable: its items are not deleted meanwhile
        if seen is not None or (entry is not None and not entry.gone):
            href = seen.href if seen else entry.href  # type: ignore[union-attr]
            etag = seen.etag if seen else entry.etag  # type: ignore[union-attr]
            if not self._attempt(lambda: self.remote.delete(href, etag), uid, href):
                return
            self.report.deleted += 1
        self.state.entries.pop(uid, None)

    def _deleted_on_server(self, entry: Entry | None) -> None:
        if entry is not None:
            entry.gone, entry.etag = True, None

    def _changed_on_server(self, local: SyncItem, seen: _Seen) -> None:
        target = local
        if seen.item.done and not local.done and local.kind == TODO:
            day = seen.item.done_on or self.now.date()
            try:
                self.tick(local, day)
            except VaultError as refusal:
                self.complete = False  # the server's tick is news again next time
                self.report.problems.append(str(refusal))
                return
            self.report.ticked.append(local.summary)
            target = local.completed(day)
        if seen.item.view == target.view:
            self._agreed(target, seen.href, seen.etag)
        else:
            self._send(target, seen.href, seen.etag)

    # Acting ----------------------------------------------------------------------------------

    def _send(self, item: SyncItem, href: str | None, etag: str | None) -> None:
        data = to_ical(item, self.settings, self.now)
        where = href or self.remote.href_for(item.uid)
        creating = href is None
        put = lambda: self.remote.put(where, data, etag, create=creating)  # noqa: E731
        result = self._attempt(put, item.summary, where, item)
        if result is False:
            return
        self._agreed(item, where, result if isinstance(result, str) else None)
        if creating:
            self.report.created += 1
        else:
            self.report.updated += 1

    def _lost_track(self, href: str, item: SyncItem | None) -> None:
        """The server's copy is not the version we knew: read it again next sync."""
        self.complete = False
        for entry in self.state.entries.values():
            if entry.href == href:
                entry.etag = None
                return
        if item is not None:  # it exists though we never made it: ours from an earlier sync
            self.state.entries[item.uid] = Entry(href, None, "", item.done, item.note)

    def _agreed(self, item: SyncItem, href: str, etag: str | None) -> None:
        self.state.entries[item.uid] = Entry(href, etag, fingerprint(item), item.done, item.note)

    def _attempt(
        self, action: Callable[[], object], what: str, href: str, item: SyncItem | None = None
    ) -> object:
        """The action's result; False when the server refused it or the item changed there
        meanwhile (both retried next sync). A lost connection is raised."""
        try:
            return action() or True
        except Stale:
            self._lost_track(href, item)
            return False
        except Rejected as refusal:
            self.report.problems.append(f"The server refused {what!r} ({refusal}).")
            return False
