"""vaulttools' own files in `.vaulttools/`: never followed through a symlink; the vault's lock."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from .errors import VaultError

LOCK_FILE = "edit.lock"
# Long enough for any edit or create another vaulttools command is making; then say so.
LOCK_PATIENCE_SECONDS = 60.0


class LockBusyError(VaultError):
    """Another vaulttools command held the vault's lock for too long."""


def refuse_symlink(path: Path) -> None:
    """Stop when one of vaulttools' own files is a symbolic link: it would write where it leads."""
    if os.path.islink(path):
        raise VaultError(
            f"{path} is a symbolic link; vaulttools does not follow links for its own files, "
            "so it stopped (delete the link and run the command again)."
        )


@contextlib.contextmanager
def vault_lock(state_dir: Path) -> Iterator[None]:
    """Hold the vault's lock (one file in `.vaulttools/`), on every platform, across processes.

    Edits and creates hold it from their last check to their rename, so two vaulttools
    commands never both pass a check that only one of them may pass.
    """
    from filelock import FileLock, Timeout

    path = state_dir / LOCK_FILE
    refuse_symlink(path)
    lock = FileLock(str(path), timeout=LOCK_PATIENCE_SECONDS)
    try:
        lock.acquire()
    except Timeout as error:
        raise LockBusyError(
            f"Another vaulttools command has held {path} for {LOCK_PATIENCE_SECONDS:.0f} "
            "seconds; nothing was written (try again when it has finished)."
        ) from error
    try:
        yield
    finally:
        lock.release()
