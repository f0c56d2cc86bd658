"""Edits race other programs' saves: the other program's bytes always survive.

Each race is made deterministic with the vault's lock: the test holds it, as another vaulttools
command would, so `vault` writes its edited copy, then waits; the test sees that temporary
file appear, saves the note the way an editor does, and lets go.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from filelock import FileLock

from vaulttools.errors import ConflictError, VaultError
from vaulttools.fsops import exchange, rename_exclusive
from vaulttools.writes import _replace_by_moving_aside, write_temporary

from .conftest import RunVault

TASK = "- [ ] Send a thank-you to [[Jane Doe]] 📅 2026-12-02 ^fu-race1\n"
LINUX = sys.platform.startswith("linux")


def start_vault(root: Path, *args: str, system: str | None = None) -> subprocess.Popen[str]:
    """`vault` in its own process; `system` takes that system's branches (see platforms)."""
    command = [sys.executable, "-m", "vaulttools"]
    if system:  # without an exchange (macOS's call is not on Linux; Windows has none)
        forced = f"from vaulttools import platforms; platforms.current = lambda: {system!r}"
        command = [sys.executable, "-c", f"{forced}; from vaulttools.cli import main; main()"]
    command += ["--vault", str(root), *args]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for(condition: object, what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.005)


def temporaries(folder: Path) -> list[Path]:
    return sorted(folder.glob(".vaulttools-*.tmp"))


@contextmanager
def holding_lock(vault: Path) -> Iterator[None]:
    lock = FileLock(str(vault / ".vaulttools" / "edit.lock"))
    with lock:
        yield


def save_like_an_editor(note: Path, data: bytes) -> None:
    """Temporary file and rename, as Obsidian and most editors save."""
    temporary = note.with_name(f".{note.name}.editor-save")
    temporary.write_bytes(data)
    os.replace(temporary, note)


@pytest.fixture
def jane(vault: Path, in_vault: RunVault) -> Path:
    """Jane's note with one open follow-up, grown to 2 MB like a long-kept log."""
    assert in_vault("new-contact", "Jane Doe").exit_code == 0
    note = vault / "Contacts" / "Jane Doe.md"
    log = "".join(
        f"- call {number}: talked about the graduate programme\n" for number in range(41_000)
    )
    note.write_text(note.read_text(encoding="utf-8") + TASK + log, encoding="utf-8")
    assert note.stat().st_size > 2_000_000
    return note


def one_sentence(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in stderr, stderr
    return lines[0]


SYSTEMS = [None, "macos", "windows"]  # this system's own way, and the two others' branches


@pytest.mark.parametrize("system", SYSTEMS)
def test_an_editor_save_during_done_survives(vault: Path, jane: Path, system: str | None) -> None:
    theirs = jane.read_bytes() + b"- typed in Obsidian while vault done ran\n"
    with holding_lock(vault):
        process = start_vault(vault, "done", "fu-race1", system=system)
        wait_for(lambda: temporaries(jane.parent), "vault's edited copy")
        save_like_an_editor(jane, theirs)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 1
    assert "changed while vaulttools was editing it" in one_sentence(stderr)
    assert jane.read_bytes() == theirs
    assert temporaries(jane.parent) == []


@pytest.mark.parametrize("system", SYSTEMS)
def test_an_in_place_save_during_done_survives(vault: Path, jane: Path, system: str | None) -> None:
    theirs = jane.read_bytes()[:1000] + b"\n- rewritten in place\n"
    with holding_lock(vault):
        process = start_vault(vault, "done", "fu-race1", system=system)
        wait_for(lambda: temporaries(jane.parent), "vault's edited copy")
        with open(jane, "r+b") as stream:  # truncate, then write: an in-place save
            stream.truncate(0)
            stream.write(theirs)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 1
    assert "changed while vaulttools was editing it" in one_sentence(stderr)
    assert jane.read_bytes() == theirs


@pytest.mark.skipif(not LINUX, reason="only Linux tells whether a file is open for writing")
def test_a_program_still_writing_during_done_keeps_its_writes(vault: Path, jane: Path) -> None:
    before = jane.read_bytes()
    with holding_lock(vault):
        process = start_vault(vault, "done", "fu-race1")
        wait_for(lambda: temporaries(jane.parent), "vault's edited copy")
        writer = open(jane, "ab")  # noqa: SIM115 (opened before vault swaps, written after)
    _, stderr = process.communicate(timeout=120)
    writer.write(b"- appended by a program that had the note open\n")
    writer.close()
    assert process.returncode == 1, stderr
    assert jane.read_bytes() == before + b"- appended by a program that had the note open\n"


WRITER = """
import sys, time, pathlib
note, head, marker, go = (pathlib.Path(arg) for arg in sys.argv[1:5])
lines = [f"- line {n} of a long note\\n".encode() for n in range(5000)]
with open(note, "wb") as stream:  # truncate, then write slowly
    stream.write(head.read_bytes())
    stream.writelines(lines[:2500])
    stream.flush()
    marker.touch()
    while not go.exists():
        time.sleep(0.01)
    stream.writelines(lines[2500:])
"""


@pytest.mark.skipif(not LINUX, reason="only Linux tells whether a file is open for writing")
def test_done_refuses_a_note_that_is_still_being_written(
    vault: Path, jane: Path, tmp_path: Path
) -> None:
    assert start_vault(vault, "index").wait(timeout=120) == 0
    head = tmp_path / "head.md"
    head.write_bytes(jane.read_bytes())
    complete = head.read_bytes() + b"".join(
        f"- line {n} of a long note\n".encode() for n in range(5000)
    )
    marker, go = tmp_path / "half-written", tmp_path / "go"
    args = [sys.executable, "-c", WRITER, str(jane), str(head), str(marker), str(go)]
    writer = subprocess.Popen(args)
    wait_for(marker.exists, "the writer's first half")
    done = start_vault(vault, "done", "fu-race1")
    _, stderr = done.communicate(timeout=120)
    go.touch()
    assert writer.wait(timeout=60) == 0
    assert done.returncode == 1
    assert "being written by another program" in one_sentence(stderr)
    assert jane.read_bytes() == complete


def test_an_index_note_saved_during_index_keeps_the_users_text(
    vault: Path, in_vault: RunVault
) -> None:
    assert in_vault("index").exit_code == 0
    note = vault / "Informational Interviews.md"
    assert in_vault("new-contact", "Ana Lima").exit_code == 0  # the section has news
    theirs = b"My own plans for the week.\n\n" + note.read_bytes()
    with holding_lock(vault):
        process = start_vault(vault, "index")
        wait_for(lambda: temporaries(vault), "vault's new index note")
        save_like_an_editor(note, theirs)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr
    text = note.read_text(encoding="utf-8")  # spliced again, into the version they saved
    assert text.startswith("My own plans for the week.\n\n") and "Ana Lima" in text
    assert temporaries(vault) == []


@pytest.mark.parametrize("command", [["done", "fu-race1"], ["status", "Jane Doe", "met"]])
def test_a_read_only_note_is_left_alone(
    vault: Path, jane: Path, in_vault: RunVault, command: list[str]
) -> None:
    before = jane.read_bytes()
    jane.chmod(0o444)
    result = in_vault(*command)
    assert result.exit_code == 1
    assert "is read-only; vaulttools leaves it as it is" in result.output
    assert jane.read_bytes() == before and temporaries(jane.parent) == []


def test_a_hard_linked_note_is_left_alone(vault: Path, jane: Path, in_vault: RunVault) -> None:
    before = jane.read_bytes()
    os.link(jane, vault.parent / "Jane backup.md")  # a second name, outside the vault
    result = in_vault("done", "fu-race1")
    assert result.exit_code == 1 and "hard links" in result.output
    assert jane.read_bytes() == before


def test_an_edit_keeps_the_notes_permissions_and_owner(
    vault: Path, jane: Path, in_vault: RunVault
) -> None:
    jane.chmod(0o640)
    if os.geteuid() == 0:
        os.chown(jane, 1234, 1234)
    assert in_vault("done", "fu-race1").exit_code == 0
    info = jane.stat()
    assert info.st_mode & 0o7777 == 0o640
    if os.geteuid() == 0:
        assert (info.st_uid, info.st_gid) == (1234, 1234)
    assert "- [x] Send a thank-you" in jane.read_text(encoding="utf-8")


def test_a_yaml_merge_key_is_refused_in_one_sentence(vault: Path, in_vault: RunVault) -> None:
    note = vault / "Contacts" / "Bo.md"
    note.write_text("---\ntype: contact\nname: Bo\nbase: &b\n  role: x\n<<: *b\n---\n")
    result = in_vault("status", "Bo", "met")
    assert result.exit_code == 1
    assert "merge key" in one_sentence(result.output)
    assert "status" not in note.read_text()


# The mechanisms, on real files -------------------------------------------------------------


@pytest.mark.skipif(sys.platform not in ("linux", "darwin"), reason="no exchange elsewhere")
def test_exchange_swaps_two_files_in_one_step(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    first.write_bytes(b"one")
    second.write_bytes(b"two")
    exchange(first, second)
    assert (first.read_bytes(), second.read_bytes()) == (b"two", b"one")


def test_rename_exclusive_never_replaces(tmp_path: Path) -> None:
    source, target = tmp_path / "new", tmp_path / "taken"
    source.write_bytes(b"mine")
    target.write_bytes(b"theirs")
    with pytest.raises(FileExistsError):
        rename_exclusive(source, target)
    assert (source.read_bytes(), target.read_bytes()) == (b"mine", b"theirs")
    rename_exclusive(source, tmp_path / "free")
    assert (tmp_path / "free").read_bytes() == b"mine" and not source.exists()


def test_without_exchange_an_edit_still_lands_only_on_what_it_read(tmp_path: Path) -> None:
    note = tmp_path / "note.md"
    note.write_bytes(b"as read")
    _replace_by_moving_aside(note, write_temporary(note, b"edited"), b"as read")
    assert note.read_bytes() == b"edited"
    note.write_bytes(b"saved by an editor")
    with pytest.raises(ConflictError, match="changed while"):
        _replace_by_moving_aside(note, write_temporary(note, b"edited again"), b"edited")
    assert note.read_bytes() == b"saved by an editor"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["note.md"]


def test_a_deleted_note_is_not_recreated(tmp_path: Path) -> None:
    from vaulttools.vault import Snapshot

    note = tmp_path / "note.md"
    note.write_bytes(b"x")
    os.utime(note, ns=(0, 0))  # long settled
    snapshot = Snapshot.read(note)
    note.unlink()
    with pytest.raises(VaultError, match="deleted"):
        snapshot.replace(b"y")
    assert not note.exists()


@pytest.mark.parametrize("system", ["windows", "linux"])
def test_only_systems_with_a_swap_call_offer_an_exchange(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, system: str
) -> None:
    from vaulttools import fsops, platforms

    monkeypatch.setattr(platforms, "current", lambda: system)
    first, second = tmp_path / "a", tmp_path / "b"
    first.write_bytes(b"one")
    second.write_bytes(b"two")
    if system == "windows" or not LINUX:
        with pytest.raises(fsops.Unsupported):
            exchange(first, second)
        assert (first.read_bytes(), second.read_bytes()) == (b"one", b"two")
    else:
        exchange(first, second)
        assert (first.read_bytes(), second.read_bytes()) == (b"two", b"one")


ASKER = """
import os, sys
from vaulttools.fsops import being_written
descriptor = os.open(sys.argv[1], os.O_RDONLY)
print(sorted({str(being_written(descriptor)) for _ in range(50_000)}))
"""
OPENER = """
import pathlib, sys, time
pathlib.Path(sys.argv[2]).touch()
end = time.monotonic() + 60
while time.monotonic() < end:
    open(sys.argv[1], "ab").close()
"""


@pytest.mark.skipif(not LINUX, reason="leases are Linux's")
def test_asking_whether_a_file_is_being_written_survives_writers_arriving(
    tmp_path: Path,
) -> None:
    """A writer opening the file just as the lease is held breaks it: that must not kill us."""
    note = tmp_path / "note.md"
    note.write_bytes(b"x")
    started = tmp_path / "opener started"
    opener = subprocess.Popen([sys.executable, "-c", OPENER, str(note), str(started)])
    try:
        wait_for(started.exists, "the opener")
        asker = subprocess.run(
            [sys.executable, "-c", ASKER, str(note)], capture_output=True, text=True, timeout=120
        )
    finally:
        opener.kill()
        opener.wait()
    assert asker.returncode == 0, asker.stderr  # not ended by SIGIO
    assert asker.stdout.strip() == "['False', 'True']"  # it saw the writer, and saw it gone
