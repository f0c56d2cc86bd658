"""The files vaulttools derives from the vault: the index note and the calendar."""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import ConflictError, VaultError
from .writes import write_atomic

if TYPE_CHECKING:
    from .index import Index
    from .vault import Vault


def write_output(path: Path, data: bytes) -> bool:
    """Write a file the user named, only when its bytes differ; True when it was written.

    A symbolic link is written through: the file it leads to is replaced, in its own folder,
    and the link stays. Only a regular file is ever written: a device, a pipe or a folder is
    refused, so `-o /dev/null` never replaces the machine's /dev/null.
    """
    target = Path(os.path.realpath(path))
    try:
        info = os.stat(target)
    except FileNotFoundError:
        info = None
    if info is not None and not stat.S_ISREG(info.st_mode):
        raise VaultError(
            f"{path} is not a regular file (a device, pipe or folder); vaulttools writes "
            "only regular files (use - for standard output)."
        )
    if info is not None and target.read_bytes() == data:
        return False
    write_atomic(target, data)
    return True


def refresh_outputs(vault: Vault, index: Index, today: dt.date) -> list[str]:
    """Rewrite each output whose content changed; the names of those written.

    An index note saved by the user while it was being rewritten is left as they saved it;
    the next refresh tries again.
    """
    from .calendar import calendar_from_index, feed_settings
    from .index import write_index_note

    written = []
    try:
        if write_index_note(vault, index, today):
            written.append(vault.config.index_note)
    except ConflictError:
        pass
    settings = feed_settings(vault.config, vault.root.name)
    calendar = calendar_from_index(index, settings)
    if write_output(vault.path(vault.config.calendar.path), calendar.data):
        written.append(vault.config.calendar.path)
    return written
