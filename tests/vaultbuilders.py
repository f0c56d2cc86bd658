"""Helpers that write notes into a temporary vault, in the shapes real vaults have."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from vaulttools.config import CONFIG_DIR
from vaulttools.vault import Vault

TODAY = dt.date.today()


def day(offset: int) -> str:
    """An ISO date `offset` days from today."""
    return (TODAY + dt.timedelta(days=offset)).isoformat()


def make_vault(root: Path) -> Vault:
    """A bare vault: a `.vaulttools` folder and nothing else (default settings)."""
    (root / CONFIG_DIR).mkdir(parents=True, exist_ok=True)
    return Vault.open(root)


def write(root: Path, relative: str, text: str, *, crlf: bool = False, bom: bool = False) -> Path:
    """Write a note as given, optionally with Windows line endings or a byte order mark."""
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    data = text.replace("\n", "\r\n") if crlf else text
    path.write_bytes(("\ufeff" if bom else "").encode() + data.encode("utf-8"))
    return path


def touch_later(path: Path, seconds: int = 5) -> None:
    """Move a file's mtime forward, so a change is seen whatever the clock's granularity."""
    info = path.stat()
    later = info.st_mtime_ns + seconds * 1_000_000_000
    os.utime(path, ns=(later, later))


def contact(name: str, **properties: object) -> str:
    lines = ["---", "type: contact", f"name: {name}"]
    lines += [f"{key}: {value}" for key, value in properties.items()]
    return "\n".join([*lines, "---", f"# {name}", ""])


def meeting(contact_link: str, date: str, body: str = "", **properties: object) -> str:
    lines = ["---", "type: meeting", f'contact: "{contact_link}"', f"date: {date}"]
    lines += [f"{key}: {value}" for key, value in properties.items()]
    return "\n".join([*lines, "---", "# Conversation", "", body])
