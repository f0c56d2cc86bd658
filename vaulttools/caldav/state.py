"""What the last sync sent and saw, per UID: a disposable file in `.vaulttools/`.

Without it a sync matches the server's items to the notes by UID and sends only what differs,
so deleting it loses nothing.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

STATE_FILE = "caldav-state.json"
_VERSION = 1


@dataclass
class Entry:
    href: str  # the item's path on the server
    etag: str | None  # the server's version of it when last seen; None: unknown
    sent: str  # fingerprint of what the notes said when the two last agreed
    done: bool
    note: str
    gone: bool = False  # deleted on the server: not sent again until the note changes it


@dataclass
class SyncState:
    calendar: str  # the calendar's URL: state for another calendar is no state at all
    token: str | None = None  # the server's sync token after the last complete sync
    entries: dict[str, Entry] = field(default_factory=dict)


def load_state(path: Path, calendar: str) -> SyncState:
    """The state kept for `calendar`; an empty one when there is none or it cannot be read."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("version") != _VERSION or data.get("calendar") != calendar:
            return SyncState(calendar)
        entries = {uid: Entry(**entry) for uid, entry in data["entries"].items()}
        return SyncState(calendar, data.get("token"), entries)
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return SyncState(calendar)


def save_state(path: Path, state: SyncState) -> None:
    data = {
        "version": _VERSION,
        "calendar": state.calendar,
        "token": state.token,
        "entries": {uid: asdict(entry) for uid, entry in sorted(state.entries.items())},
    }
    write_if_changed(path, (json.dumps(data, indent=1, ensure_ascii=False) + "\n").encode())


def write_if_changed(path: Path, data: bytes) -> bool:
    """Replace one of vaulttools' own files in one step, only when its bytes differ."""
    from ..writes import write_atomic

    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    write_atomic(path, data)
    return True
