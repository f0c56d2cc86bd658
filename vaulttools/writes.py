"""Writing files without losing anyone's bytes: new files, outputs, and edits of notes.

Every write goes to a temporary file beside its target first, named
`.vaulttools-<pid>-<random>.tmp` so that a later run can tell one a killed vaulttools left
behind (its process is gone) and delete it. Then:

- a new file is moved onto its name only if the name is free (`create_exclusive`);
- an output that only vaulttools writes replaces the old one in one step (`write_atomic`);
- an edit of a note lands only in place of exactly the bytes it was made from
  (`replace_exactly`): the new file and the note are swapped in one step, what was displaced
  is compared with what was read, and anything else is swapped back and kept.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import time
from pathlib import Path

from . import platforms
from .errors import ConflictError, NoteExistsError, VaultError
from .fsops import Unsupported, being_written, exchange, rename_exclusive

TEMP_PREFIX = ".vaulttools-"
_TEMP_NAME = re.compile(r"\.vaulttools-(\d+)-[0-9a-f]+\.tmp")
_KEPT_SUFFIX = ".vaulttools-kept"
# Where a platform cannot tell whether a file is open for writing, a note changed this
# recently may still be in the middle of a save: wait until it has been quiet this long.
_QUIET_NS = 500_000_000
_READ_PATIENCE_SECONDS = 2.0


# Temporary files -------------------------------------------------------------------------


def _random_hex(count: int) -> str:
    """What `secrets.token_hex` gives, without importing hmac and OpenSSL for every command."""
    return os.urandom(count).hex()


def temporary_name(target: Path) -> Path:
    return target.parent / f"{TEMP_PREFIX}{os.getpid()}-{_random_hex(6)}.tmp"


def write_temporary(target: Path, data: bytes, like: os.stat_result | None = None) -> Path:
    """A new file beside `target` holding `data` on disk, with the owner and mode of `like`."""
    path = temporary_name(target)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    descriptor = os.open(path, flags | getattr(os, "O_BINARY", 0), 0o600 if like else 0o666)
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
            stream.flush()
            if like is not None:
                _copy_access(stream.fileno(), like)
            os.fsync(stream.fileno())
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path


def _copy_access(descriptor: int, like: os.stat_result) -> None:
    """The note keeps its owner (when run as root) and its permissions."""
    if hasattr(os, "fchown"):
        # Not root: the file stays ours, as an editor's save would make it.
        with contextlib.suppress(PermissionError):
            os.fchown(descriptor, like.st_uid, like.st_gid)
    if hasattr(os, "fchmod"):
        os.fchmod(descriptor, stat.S_IMODE(like.st_mode))


def is_orphan(name: str) -> bool:
    """A temporary file of a vaulttools process that no longer runs."""
    found = _TEMP_NAME.fullmatch(name)
    return bool(found) and not _process_alive(int(found[1]))


def remove_orphans(folder: Path) -> None:
    """Delete the temporary files killed vaulttools processes left in `folder`."""
    try:
        names = [entry.name for entry in os.scandir(folder) if entry.name.startswith(TEMP_PREFIX)]
    except OSError:
        return
    for name in names:
        if is_orphan(name):
            (folder / name).unlink(missing_ok=True)


def _process_alive(pid: int) -> bool:
    if platforms.current() == "windows":
        return True  # os.kill(pid, 0) would end that process there; leave its file be
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, but someone else's
    return True


# New files and outputs -------------------------------------------------------------------


def create_exclusive(path: Path, text: str) -> None:
    """Create a file that does not exist yet; a failed write leaves nothing behind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        temporary = write_temporary(path, text.encode("utf-8"))
    except OSError as error:
        raise VaultError(
            f"Could not create {path}: {error.strerror or error}; nothing was left behind."
        ) from error
    try:
        rename_exclusive(temporary, path)
    except FileExistsError as error:
        raise NoteExistsError(f"{path} already exists; it was left as it was.") from error
    finally:
        temporary.unlink(missing_ok=True)


def write_atomic(path: Path, data: bytes) -> None:
    """Replace a file only vaulttools writes in one step: readers see old or new, never half.

    The name itself is written: a symbolic link or anything but a regular file is refused.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_orphans(path.parent)
    like = _regular_or_none(path)
    temporary = write_temporary(path, data, like)
    try:
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _regular_or_none(path: Path) -> os.stat_result | None:
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    if not stat.S_ISREG(info.st_mode):
        kind = "a symbolic link" if stat.S_ISLNK(info.st_mode) else "not a regular file"
        raise VaultError(f"{path} is {kind}; vaulttools will not replace it.")
    return info


# Edits of notes --------------------------------------------------------------------------


def read_settled(path: Path) -> bytes:
    """A file's bytes once no other program is writing it; ConflictError if it never settles."""
    deadline = time.monotonic() + _READ_PATIENCE_SECONDS
    while True:
        data = _read_if_settled(path)
        if data is not None:
            return data
        if time.monotonic() > deadline:
            raise ConflictError(
                f"{path} is being written by another program; nothing was changed "
                "(try again when it has been saved)."
            )
        time.sleep(0.05)


def _read_if_settled(path: Path) -> bytes | None:
    with open(path, "rb") as stream:
        writing = being_written(stream.fileno())
        before = os.fstat(stream.fileno())
        data = stream.read()
        after = os.fstat(stream.fileno())
    if writing or _signature(before) != _signature(after) or len(data) != after.st_size:
        return None
    if writing is None and time.time_ns() - after.st_mtime_ns < _QUIET_NS:
        return None  # no way to ask: a save may be under way, so wait for quiet
    return data


def _signature(info: os.stat_result) -> tuple[int, int, int, int]:
    return info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns


def check_editable(path: Path) -> os.stat_result:
    """The note's stat, when vaulttools may replace it; a sentence saying why not otherwise."""
    try:
        info = os.lstat(path)
    except FileNotFoundError as error:
        raise ConflictError(f"{path} was deleted meanwhile; nothing was written.") from error
    if not stat.S_ISREG(info.st_mode):
        raise VaultError(f"{path} is not a regular file; vaulttools will not edit it.")
    if not info.st_mode & stat.S_IWUSR:  # checked by hand: root may write anything
        raise VaultError(f"{path} is read-only; vaulttools leaves it as it is.")
    if info.st_nlink > 1:
        raise VaultError(
            f"{path} has other hard links, which replacing it would split; "
            "vaulttools leaves it as it is."
        )
    return info


def prepare_edit(path: Path, data: bytes) -> Path:
    """The edited note written beside it, ready for `replace_exactly`."""
    return write_temporary(path, data, check_editable(path))


def replace_exactly(path: Path, temporary: Path, expected: bytes) -> None:
    """Swap `temporary` in for `path` if `path` holds exactly `expected`; else keep it and refuse.

    Call it holding the vault's lock. `temporary` is gone afterwards unless it holds another
    program's bytes that could not be put back (the error then names it).
    """
    check_editable(path)
    ours = os.lstat(temporary).st_ino
    try:
        exchange(temporary, path)
    except Unsupported:
        _replace_by_moving_aside(path, temporary, expected)
        return
    except FileNotFoundError as error:
        temporary.unlink(missing_ok=True)
        raise ConflictError(f"{path} was deleted meanwhile; nothing was written.") from error
    if _holds_exactly(temporary, expected):
        temporary.unlink()
        return
    exchange(temporary, path)  # theirs goes back where it was
    if os.lstat(temporary).st_ino != ours:  # a second save landed in that instant: keep both
        raise _kept(path, temporary)
    temporary.unlink()
    raise _changed(path)


def _holds_exactly(path: Path, expected: bytes) -> bool:
    """The file holds `expected`, and no program has it open to write more."""
    with open(path, "rb", buffering=0) as stream:
        if being_written(stream.fileno()):
            return False
        if os.fstat(stream.fileno()).st_size != len(expected):
            return False
        return stream.read() == expected


def _kept(path: Path, earlier: Path) -> ConflictError:
    kept = path.with_name(f".{path.name}{_KEPT_SUFFIX}-{_random_hex(3)}")
    os.rename(earlier, kept)
    return ConflictError(
        f"{path} was saved twice while vaulttools was editing it; nothing was written, "
        f"and the earlier save is kept as {kept}."
    )


def _changed(path: Path) -> ConflictError:
    return ConflictError(
        f"{path} changed while vaulttools was editing it; nothing was written "
        "(run the command again to edit the new version)."
    )


def _replace_by_moving_aside(path: Path, temporary: Path, expected: bytes) -> None:
    """Without an exchange: move the note aside, compare, then put ours on the free name.

    Nothing another program saves is lost; for an instant the note's name is empty, and a
    save landing then is kept and the edit refused.
    """
    aside = path.with_name(f".{path.name}{_KEPT_SUFFIX}-{_random_hex(3)}")
    try:
        os.rename(path, aside)
    except FileNotFoundError as error:
        temporary.unlink(missing_ok=True)
        raise ConflictError(f"{path} was deleted meanwhile; nothing was written.") from error
    try:
        if not _holds_exactly(aside, expected):
            _put_back(aside, path)
            raise _changed(path)
        try:
            rename_exclusive(temporary, path)
        except FileExistsError:
            aside.unlink()  # the older version: the save that just landed replaced it
            raise _changed(path) from None
        aside.unlink()
    finally:
        temporary.unlink(missing_ok=True)


def _put_back(aside: Path, path: Path) -> None:
    try:
        rename_exclusive(aside, path)
    except FileExistsError:
        raise _kept(path, aside) from None
