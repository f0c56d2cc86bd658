"""The files vaulttools derives from the vault: the index note and the calendar."""

from __future__ import annotations

import datetime as dt

from .calendar import calendar_from_index, feed_settings
from .index import Index, write_index_note
from .vault import Vault, write_if_changed


def refresh_outputs(vault: Vault, index: Index, today: dt.date) -> list[str]:
    """Rewrite each output whose content changed; the names of those written."""
    written = []
    if write_index_note(vault, index, today):
        written.append(vault.config.index_note)
    settings = feed_settings(vault.config, vault.root.name)
    calendar = calendar_from_index(index, settings)
    if write_if_changed(vault.path(vault.config.calendar.path), calendar.data):
        written.append(vault.config.calendar.path)
    return written
