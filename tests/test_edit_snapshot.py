"""Snapshot: an edit is written only over the bytes it was made from, one process at a time."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import pytest

from vaulttools.errors import ConflictError
from vaulttools.vault import Snapshot


def test_replace_writes_when_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "note.md"
    path.write_bytes(b"- [ ] a\r\n")
    Snapshot.read(path, tmp_path).replace(b"- [x] a\r\n")
    assert path.read_bytes() == b"- [x] a\r\n"


def test_second_of_two_edits_from_the_same_read_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "note.md"
    path.write_bytes(b"- [ ] a\n")
    first, second = Snapshot.read(path, tmp_path), Snapshot.read(path, tmp_path)
    first.replace(b"- [x] a\n")
    with pytest.raises(ConflictError, match="changed while"):
        second.replace(b"- [x] a twice\n")
    assert path.read_bytes() == b"- [x] a\n"


def test_deleted_note_is_not_recreated(tmp_path: Path) -> None:
    path = tmp_path / "note.md"
    path.write_bytes(b"x")
    snapshot = Snapshot.read(path)
    path.unlink()
    with pytest.raises(ConflictError, match="deleted"):
        snapshot.replace(b"y")
    assert not path.exists()


@pytest.mark.skipif(sys.platform == "win32", reason="flock is POSIX only")
def test_replace_waits_for_the_lock_and_then_sees_the_other_write(tmp_path: Path) -> None:
    import fcntl

    path = tmp_path / "note.md"
    path.write_bytes(b"old")
    snapshot = Snapshot.read(path, tmp_path)
    outcome: list[BaseException | None] = []

    def edit() -> None:
        try:
            snapshot.replace(b"mine")
            outcome.append(None)
        except ConflictError as error:
            outcome.append(error)

    with open(tmp_path / Snapshot.LOCK_FILE, "a+b") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        worker = threading.Thread(target=edit)
        worker.start()
        worker.join(0.3)
        assert worker.is_alive(), "replace did not wait for the lock"
        path.write_bytes(b"theirs")  # another process's edit, made while it held the lock
        fcntl.flock(lock.fileno(), fcntl.LOCK_UN)
    worker.join(5)
    assert isinstance(outcome[0], ConflictError)
    assert path.read_bytes() == b"theirs"
