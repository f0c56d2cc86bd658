"""A to-do completed on the server, ticked in its note as `vault done` ticks it.

Only the task's line changes (or, for a contact's reminder, its `next_contact`), through the
project's edit functions, and only onto the bytes that were read: a note changed meanwhile is
refused, and the sync tries again next time.
"""

from __future__ import annotations

import datetime as dt

from ..errors import VaultError
from ..model import FollowUp
from ..notes import as_int, decode, parse_note
from ..vault import Snapshot, Vault
from .items import SyncItem


def tick_in_note(vault: Vault, item: SyncItem, day: dt.date) -> None:
    followup = item.followup
    if followup is None:
        raise VaultError(f"{item.summary!r} is not a follow-up, so there is nothing to tick.")
    if followup.source == "task":
        _tick_task(vault, followup, day)
    else:
        _next_contact_after(vault, followup, day)


def _read(vault: Vault, relative: str) -> tuple[Snapshot, str]:
    snapshot = Snapshot.read(vault.path(relative), vault.state_dir)
    text, problems = decode(snapshot.data)
    if problems:
        raise VaultError(f"{relative} {problems[0]}, so vaulttools will not edit it.")
    return snapshot, text


def _tick_task(vault: Vault, followup: FollowUp, day: dt.date) -> None:
    from ..edit import locate_task, tick_task

    snapshot, text = _read(vault, followup.note)
    task = locate_task(parse_note(text, followup.note), followup.id, followup.line, followup.text)
    snapshot.replace(tick_task(text, task.line, day).encode("utf-8"))


def _next_contact_after(vault: Vault, followup: FollowUp, day: dt.date) -> None:
    """A contact's reminder done: next_contact moves on by stay_in_touch days, or is cleared."""
    from ..edit import set_property

    snapshot, text = _read(vault, followup.note)
    days = as_int(parse_note(text, followup.note).properties.get("stay_in_touch"))
    following = day + dt.timedelta(days=days) if days and days > 0 else None
    snapshot.replace(set_property(text, "next_contact", following).encode("utf-8"))
