"""What the platform offers for safe writing: two kinds of rename, and "is it being written?".

`exchange` swaps two names in one step (Linux `renameat2(RENAME_EXCHANGE)`, macOS
`renamex_np(RENAME_SWAP)`), so an edit can look at exactly what it displaced and undo the
swap. `rename_exclusive` moves a file onto a name only if that name is free (Linux
`RENAME_NOREPLACE`, macOS `RENAME_EXCL`, else a hard link, which also fails on an existing
name; Windows' own rename never replaces). Where a platform or file system has no exchange,
`Unsupported` is raised and the caller falls back to a slower way that is equally safe.
`being_written` asks Linux whether any process has a file open for writing (a read lease is
refused then); elsewhere it cannot tell.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from . import platforms

_AT_FDCWD = -100
_LINUX_NOREPLACE, _LINUX_EXCHANGE = 1, 2
_MAC_SWAP, _MAC_EXCL = 0x2, 0x4
# What a file system says when it cannot do the flag asked for (EPERM: no hard links).
_NOT_SUPPORTED = {errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP}
_NO_LINKS = {*_NOT_SUPPORTED, errno.EPERM}


class Unsupported(Exception):
    """This platform or file system cannot do that rename in one step."""


def exchange(first: Path, second: Path) -> None:
    """Swap the files named `first` and `second` in one step; both must exist."""
    _flagged_rename(first, second, _LINUX_EXCHANGE, _MAC_SWAP)


def rename_exclusive(source: Path, target: Path) -> None:
    """Move `source` to `target`; FileExistsError, and nothing moved, when `target` exists."""
    if platforms.current() == "windows":
        os.rename(source, target)  # Windows refuses an existing target by itself
        return
    try:
        _flagged_rename(source, target, _LINUX_NOREPLACE, _MAC_EXCL)
    except Unsupported:
        _link_then_unlink(source, target)


def _link_then_unlink(source: Path, target: Path) -> None:
    """A hard link is exclusive too; file systems without links get a checked rename."""
    try:
        os.link(source, target, follow_symlinks=False)
    except FileExistsError:
        raise
    except OSError as error:
        if error.errno not in _NO_LINKS:
            raise
        if os.path.lexists(target):  # FAT and the like: the one case with a short window
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(target)) from None
        os.rename(source, target)
        return
    os.unlink(source)


def _flagged_rename(source: Path, target: Path, linux_flag: int, mac_flag: int) -> None:
    call = _native_rename()
    if call is None:
        raise Unsupported
    flag = linux_flag if platforms.current() == "linux" else mac_flag
    if call(os.fsencode(source), os.fsencode(target), flag) == 0:
        return
    import ctypes

    code = ctypes.get_errno()
    if code in _NOT_SUPPORTED:
        raise Unsupported
    raise OSError(code, os.strerror(code), str(source), None, str(target))


def _native_rename() -> Callable[[bytes, bytes, int], int] | None:
    """renameat2 on Linux, renamex_np on macOS, as `call(source, target, flag)`; else None."""
    return _libc_rename(platforms.current())


@cache
def _libc_rename(system: str) -> Callable[[bytes, bytes, int], int] | None:
    import ctypes  # here: commands that only read start quicker without it

    if system == "linux":
        function = _libc_function("renameat2")
        if function is None:
            return None
        function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p]
        function.argtypes += [ctypes.c_uint]
        return lambda source, target, flag: function(_AT_FDCWD, source, _AT_FDCWD, target, flag)
    if system == "macos":
        function = _libc_function("renamex_np")
        if function is None:
            return None
        function.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_uint]
        return function
    return None


def _libc_function(name: str) -> Any:
    import ctypes

    try:
        return getattr(ctypes.CDLL(None, use_errno=True), name)
    except (OSError, AttributeError):
        return None


def being_written(descriptor: int) -> bool | None:
    """Whether some process has this file open for writing; None where that cannot be told."""
    if platforms.current() != "linux":
        return None
    import fcntl
    import signal

    try:
        # Should a writer open the file while we hold the lease, the kernel tells us with a
        # signal: SIGIO by default, which would end this process; SIGWINCH is ignored.
        fcntl.fcntl(descriptor, getattr(fcntl, "F_SETSIG", 10), signal.SIGWINCH)
        fcntl.fcntl(descriptor, fcntl.F_SETLEASE, fcntl.F_RDLCK)
    except OSError as error:  # EAGAIN: a writer has it open; else no leases here (EACCES, ...)
        return True if error.errno == errno.EAGAIN else None
    fcntl.fcntl(descriptor, fcntl.F_SETLEASE, fcntl.F_UNLCK)
    return False
