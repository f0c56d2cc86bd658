"""Creating notes: a failed create leaves nothing, equal names never both exist, no litter."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from filelock import FileLock

from vaulttools.names import name_key

from .conftest import RunVault
from .test_edit_races import start_vault, temporaries, wait_for

POSIX = os.name == "posix"


def _small_disk() -> None:
    """In the child: files may not grow past 200 bytes, as on a full disk (EFBIG, no signal)."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (200, 200))


@pytest.mark.skipif(not POSIX, reason="file size limits are POSIX")
def test_a_create_that_cannot_be_written_leaves_nothing(vault: Path, in_vault: RunVault) -> None:
    command = [sys.executable, "-m", "vaulttools", "--vault", str(vault), "new-contact", "Ana"]
    failed = subprocess.run(
        command, capture_output=True, text=True, preexec_fn=_small_disk, timeout=120
    )
    assert failed.returncode == 1
    assert "nothing was left behind" in failed.stderr and "Traceback" not in failed.stderr
    contacts = vault / "Contacts"
    assert list(contacts.iterdir()) == []  # no 0-byte note, no temporary file
    retry = in_vault("new-contact", "Ana")
    assert retry.exit_code == 0, retry.output
    assert (contacts / "Ana.md").stat().st_size > 200


def test_equal_names_started_together_make_one_note(vault: Path) -> None:
    spellings = ["Ana Lima", "ANA LIMA", "ana  lima", "Ana Lima "]
    assert len({name_key(name) for name in spellings}) == 1
    for round_number in range(3):
        for existing in (vault / "Contacts").iterdir():
            existing.unlink()
        processes = [start_vault(vault, "new-contact", name) for name in spellings]
        results = [(process.wait(timeout=120), process.stderr.read()) for process in processes]
        for process in processes:
            process.stdout.close()
            process.stderr.close()
        created = [code for code, _ in results if code == 0]
        assert len(created) == 1, (round_number, results)
        assert all("already exists" in err for code, err in results if code != 0), results
        assert len(list((vault / "Contacts").iterdir())) == 1


@pytest.mark.skipif(not POSIX, reason="SIGKILL is POSIX")
def test_a_killed_edit_leaves_a_temporary_that_the_next_run_removes(
    vault: Path, in_vault: RunVault
) -> None:
    assert in_vault("new-contact", "Jane Doe").exit_code == 0
    note = vault / "Contacts" / "Jane Doe.md"
    note.write_text(note.read_text() + "- [ ] Thank Jane 📅 2026-12-02 ^fu-kill1\n")
    before = note.read_bytes()
    with FileLock(str(vault / ".vaulttools" / "edit.lock")):
        process = start_vault(vault, "done", "fu-kill1")
        wait_for(lambda: temporaries(note.parent), "vault's edited copy")
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=60)
    litter = temporaries(note.parent)
    assert len(litter) == 1 and b"- [x] Thank Jane" in litter[0].read_bytes()
    assert note.read_bytes() == before
    assert in_vault("followups").exit_code == 0  # any later run
    assert temporaries(note.parent) == []
    assert note.read_bytes() == before
