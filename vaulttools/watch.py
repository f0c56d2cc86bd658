"""Keep the index and the outputs fresh: watchdog events -> debounced batches -> sync -> outputs.

The observer's thread only files event paths into a queue; one worker (the caller's thread)
turns each quiet-after-a-burst batch into one index sync and one refresh of the outputs. The
watcher never writes a note.
"""

from __future__ import annotations

import errno
import os
import queue
import sqlite3
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from .errors import VaultError
from .index.schema import IndexBusyError
from .vault import is_hidden, is_misnamed

# A burst of events from one save ends when the vault has been quiet this long.
DEBOUNCE_SECONDS = 0.2
# A batch is processed after at most this long, even while events keep coming.
MAX_BATCH_SECONDS = 2.0
# A cheap full scan now and then catches events the operating system dropped.
RECONCILE_SECONDS = 300.0
# After a batch failed (the index busy, the disk full), a full sync is tried this often.
RETRY_SECONDS = 2.0
# How often, when nothing happens, the watcher makes sure its vault folder is still there.
PRESENCE_SECONDS = 1.0
# What may pass: another program holding the index, a full disk, a write that failed.
_PASSING = (IndexBusyError, sqlite3.OperationalError, OSError)
_FULL_SCAN = "*"  # queued instead of a path when a folder changed


class Syncable(Protocol):
    def sync(self) -> Any: ...
    def sync_paths(self, paths: Iterable[str]) -> Any: ...


@dataclass(frozen=True)
class Batch:
    paths: frozenset[str]
    full: bool


@dataclass
class EventCollector:
    """Turns watchdog events into vault-relative note paths on a queue."""

    root: str
    ignored: frozenset[str]
    inbox: queue.Queue[str] = field(default_factory=queue.Queue)

    def dispatch(self, event: Any) -> None:  # watchdog's handler entry point
        if event.event_type in ("opened", "closed_no_write"):
            return
        for raw in (event.src_path, getattr(event, "dest_path", "")):
            if raw:
                self._file(os.fsdecode(raw), event.is_directory)

    def _file(self, path: str, is_directory: bool) -> None:
        relative = os.path.relpath(path, self.root).replace(os.sep, "/")
        if relative.startswith("../") or relative == ".." or is_hidden(relative):
            return
        if is_directory or (not relative.isascii() and is_misnamed(relative)):
            if relative != ".":
                self.inbox.put(_FULL_SCAN)  # a full scan also names notes it cannot read
        elif relative.endswith(".md") and relative not in self.ignored:
            self.inbox.put(relative)


def next_batch(inbox: queue.Queue[str], wait: float | None, clock: Callable[[], float]) -> Batch:
    """Block until events arrive (or `wait` passes: an empty batch), then drain the burst."""
    try:
        first = inbox.get(timeout=wait)
    except queue.Empty:
        return Batch(frozenset(), full=False)
    items = {first}
    deadline = clock() + MAX_BATCH_SECONDS
    while clock() < deadline:
        try:
            items.add(inbox.get(timeout=DEBOUNCE_SECONDS))
        except queue.Empty:
            break
    return Batch(frozenset(items - {_FULL_SCAN}), full=_FULL_SCAN in items)


def start_observer(root: Path, collector: EventCollector, poll: bool) -> tuple[Any, str | None]:
    """A running observer; polling when asked or when the system has no file watches left."""
    from watchdog.events import FileSystemEventHandler
    from watchdog.observers import Observer
    from watchdog.observers.polling import PollingObserver

    handler = FileSystemEventHandler()
    handler.dispatch = collector.dispatch  # type: ignore[method-assign]
    note = None
    if not poll:
        observer = Observer()
        try:
            observer.schedule(handler, str(root), recursive=True)
            observer.start()
            return observer, None
        except OSError as error:
            if error.errno not in (errno.ENOSPC, errno.EMFILE):
                raise
            note = "The system has no file watches left, so vaulttools polls for changes instead."
    observer = PollingObserver(timeout=1)
    observer.schedule(handler, str(root), recursive=True)
    observer.start()
    return observer, note


class VaultGoneError(VaultError):
    def __init__(self, root: Path) -> None:
        super().__init__(
            f"The vault folder {root} was moved or deleted, so vaulttools stopped watching it; "
            "start it again where the vault is now."
        )


@dataclass
class Watcher:
    """Runs batches until stopped; `refresh` rewrites the outputs and names what it wrote.

    A batch that fails because the index is busy or a write failed (a full disk) is said
    once and tried again as a full sync every `RETRY_SECONDS`. When the vault folder is moved
    or deleted, `VaultGoneError` ends the watch before anything is written to its old place.
    """

    root: Path
    index: Syncable
    inbox: queue.Queue[str]
    refresh: Callable[[], list[str]]
    report: Callable[[str], None]
    reconcile_seconds: float = RECONCILE_SECONDS
    clock: Callable[[], float] = time.monotonic
    _reported: set[tuple[str, str]] = field(default_factory=set)
    _identity: tuple[int, int] | None = None
    _trouble: str | None = None  # what went wrong with the last batch, said once
    _next_full: float = 0.0

    def start(self) -> None:
        """The first full sync and every output, before any event is handled."""
        self._identity = _identity(self.root)
        self._next_full = self.clock() + self.reconcile_seconds
        self._handle(Batch(frozenset(), full=True), "started")

    def run_once(self) -> bool:
        """Wait for one batch (or a while) and handle it. False when there was nothing to do."""
        wait = min(PRESENCE_SECONDS, max(0.0, self._next_full - self.clock()))
        batch = next_batch(self.inbox, wait, self.clock)
        self._check_vault()
        if batch.paths or batch.full:
            return self._handle(batch, "changed")
        if self.clock() < self._next_full:
            return False
        # Reconcile, quietly unless it finds news; or try again after a failed batch.
        return self._handle(Batch(frozenset(), full=True), None)

    def _check_vault(self) -> None:
        if _identity(self.root) != self._identity:
            raise VaultGoneError(self.root)

    def _handle(self, batch: Batch, reason: str | None) -> bool:
        self._check_vault()
        began = self.clock()
        try:
            result, written = self._sync_and_refresh(batch)
        except _PASSING as error:
            self._failed(error)
            return False
        self._next_full = self.clock() + self.reconcile_seconds
        if self._trouble is not None:
            self._trouble, reason = None, reason or "caught up"
        if reason is None and not _changed(result) and not written:
            return False
        elapsed = (self.clock() - began) * 1000
        self.report(_summary(reason or "reconciled", batch, result, written, elapsed))
        return True

    def _sync_and_refresh(self, batch: Batch) -> tuple[Any, list[str]]:
        if self._trouble is not None:
            batch = Batch(batch.paths, full=True)  # what the failed batches held is in it
        result = self.index.sync() if batch.full else self.index.sync_paths(sorted(batch.paths))
        self._report_unreadable(result)  # said before the outputs that leave those notes out
        self._check_vault()  # never write an output into the place the vault left
        return result, self.refresh()

    def _failed(self, error: BaseException) -> None:
        """Say what went wrong, once while it lasts; try again soon."""
        why = _why(error)
        if why != self._trouble:
            self.report(f"{time.strftime('%H:%M:%S')} could not update: {why}; trying again.")
        self._trouble = why
        self._next_full = self.clock() + RETRY_SECONDS

    def _report_unreadable(self, result: Any) -> None:
        for path, why in getattr(result, "unreadable", ()):
            if (path, why) not in self._reported:
                self._reported.add((path, why))
                self.report(f"{path}: {why}")


def _identity(root: Path) -> tuple[int, int] | None:
    """Which folder `root` is (device, inode), or None when there is none."""
    try:
        info = os.stat(root)
    except OSError:
        return None
    return (info.st_dev, info.st_ino)


def _why(error: BaseException) -> str:
    if isinstance(error, OSError) and error.strerror:
        where = f" ({error.filename})" if error.filename else ""
        return f"{error.strerror}{where}"
    return str(error).rstrip(".")


def _changed(result: Any) -> bool:
    return any(getattr(result, name, 0) for name in ("added", "changed", "removed"))


def _summary(reason: str, batch: Batch, result: Any, written: list[str], ms: float) -> str:
    counts = [
        f"{getattr(result, name, 0)} {name}"
        for name in ("added", "changed", "removed")
        if getattr(result, name, 0)
    ]
    notes = ", ".join(sorted(batch.paths)[:3]) + (" …" if len(batch.paths) > 3 else "")
    what = "; ".join(counts) or "no note changed"
    outputs = f"; wrote {', '.join(written)}" if written else ""
    stamp = time.strftime("%H:%M:%S")
    detail = f" ({notes})" if notes else ""
    return f"{stamp} {reason}: {what}{detail}{outputs} in {ms:.0f} ms"


def run_watch(
    root: Path,
    index: Syncable,
    refresh: Callable[[], list[str]],
    ignored: Iterable[str],
    poll: bool,
    report: Callable[[str], None],
) -> None:
    """Watch `root` until interrupted; the observer is always stopped and joined."""
    collector = EventCollector(str(root), frozenset(ignored))
    observer, note = start_observer(root, collector, poll)
    try:
        if note:
            report(note)
        watcher = Watcher(root, index, collector.inbox, refresh, report)
        watcher.start()
        while True:
            watcher.run_once()
    finally:
        observer.stop()
        observer.join()
