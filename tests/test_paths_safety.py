"""Nothing is written outside the vault, through a link vaulttools owns, or over a device."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import RunVault

POSIX = os.name == "posix"


def set_config(vault: Path, old: str, new: str) -> None:
    config = vault / ".vaulttools" / "config.toml"
    text = config.read_text(encoding="utf-8")
    assert old in text
    config.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("old", "new", "setting", "command"),
    [
        (
            'index_note = "Informational Interviews.md"',
            'index_note = "../outside.md"',
            "index_note",
            ["index"],
        ),
        (
            'path = ".vaulttools/calendar.ics"',
            'path = "../outside.md"',
            "calendar.path",
            ["export-ics"],
        ),
        (
            'contacts = "Contacts"',
            'contacts = "../outside.md"',
            "folders.contacts",
            ["new-contact", "Ana"],
        ),
        ('contacts = "Contacts"', 'contacts = "/tmp"', "folders.contacts", ["new-contact", "Ana"]),
        (
            'templates = ".vaulttools/templates"',
            'templates = "../outside.md"',
            "folders.templates",
            ["new-contact", "Ana"],
        ),
    ],
)
def test_a_config_path_leading_outside_the_vault_is_an_error_naming_it(
    vault: Path, in_vault: RunVault, old: str, new: str, setting: str, command: list[str]
) -> None:
    outside = vault.parent / "outside.md"
    outside.write_text("someone else's file\n")
    set_config(vault, old, new)
    result = in_vault(*command)
    assert result.exit_code == 1
    assert f"{setting} " in result.output and "outside the vault" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert outside.read_text() == "someone else's file\n"
    assert not (Path("/tmp") / "Ana.md").exists()


def test_a_config_path_through_a_link_leading_outside_is_an_error(
    vault: Path, in_vault: RunVault
) -> None:
    elsewhere = vault.parent / "elsewhere"
    elsewhere.mkdir()
    (vault / "Contacts").rmdir()
    (vault / "Contacts").symlink_to(elsewhere)
    result = in_vault("new-contact", "Ana")
    assert result.exit_code == 1 and "folders.contacts" in result.output
    assert list(elsewhere.iterdir()) == []
    listing = in_vault("contacts")  # read and written alike: both refused
    assert listing.exit_code == 1 and "folders.contacts" in listing.output


def test_a_note_folder_linked_inside_the_vault_is_read_and_written_alike(
    vault: Path, in_vault: RunVault
) -> None:
    (vault / "People").mkdir()
    (vault / "Contacts").rmdir()
    (vault / "Contacts").symlink_to(vault / "People")
    assert in_vault("new-contact", "Ana Lima").exit_code == 0
    assert (vault / "People" / "Ana Lima.md").is_file()
    listing = in_vault("contacts", "--json")
    assert listing.exit_code == 0 and "Ana Lima" in listing.output
    again = in_vault("new-contact", "ANA LIMA")
    assert again.exit_code == 1 and "already exists" in again.output


def test_the_index_is_never_opened_through_a_link(vault: Path, in_vault: RunVault) -> None:
    theirs = vault.parent / "their.sqlite"
    with sqlite3.connect(theirs) as connection:
        connection.execute("CREATE TABLE precious (value TEXT)")
        connection.execute("INSERT INTO precious VALUES ('keep me')")
    connection.close()
    index = vault / ".vaulttools" / "index.sqlite"
    index.unlink(missing_ok=True)
    index.symlink_to(theirs)
    result = in_vault("index")
    assert result.exit_code == 1 and "symbolic link" in result.output
    with sqlite3.connect(theirs) as connection:
        assert connection.execute("SELECT value FROM precious").fetchall() == [("keep me",)]
    connection.close()


def test_the_lock_is_never_taken_through_a_link(vault: Path, in_vault: RunVault) -> None:
    assert in_vault("new-contact", "Ana").exit_code == 0
    target = vault.parent / "created-by-the-lock"
    (vault / ".vaulttools" / "edit.lock").unlink(missing_ok=True)
    (vault / ".vaulttools" / "edit.lock").symlink_to(target)
    result = in_vault("new-contact", "Ben")
    assert result.exit_code == 1 and "symbolic link" in result.output
    assert not target.exists() and not (vault / "Contacts" / "Ben.md").exists()


def test_a_linked_state_folder_is_refused(tmp_path: Path, vault: Path, run: RunVault) -> None:
    moved = tmp_path / "state elsewhere"
    (vault / ".vaulttools").rename(moved)
    (vault / ".vaulttools").symlink_to(moved)
    result = run("--vault", vault, "followups")
    assert result.exit_code == 1 and "symbolic link" in result.output
    assert not (moved / "index.sqlite").exists()
    again = run("init", vault)
    assert again.exit_code == 1 and "symbolic link" in again.output


def test_export_through_a_link_writes_its_target(vault: Path, in_vault: RunVault) -> None:
    target = vault.parent / "feeds" / "calendar.ics"
    target.parent.mkdir()
    target.write_text("old")
    link = vault.parent / "link.ics"
    link.symlink_to(target)
    result = in_vault("export-ics", "-o", str(link))
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text().startswith("BEGIN:VCALENDAR")
    assert [p.name for p in target.parent.iterdir()] == ["calendar.ics"]


def test_export_to_standard_output(vault: Path, in_vault: RunVault) -> None:
    result = in_vault("export-ics", "-o", "-")
    assert result.exit_code == 0 and result.stdout.startswith("BEGIN:VCALENDAR")


@pytest.mark.skipif(not POSIX, reason="FIFOs and /dev/null are POSIX")
def test_export_refuses_a_fifo_and_a_device(vault: Path) -> None:
    fifo = vault.parent / "pipe.ics"
    os.mkfifo(fifo)
    for target in (fifo, Path(os.devnull)):
        command = [sys.executable, "-m", "vaulttools", "--vault", str(vault), "export-ics"]
        result = subprocess.run(
            [*command, "-o", str(target)], capture_output=True, text=True, timeout=60
        )
        assert result.returncode == 1
        assert "not a regular file" in result.stderr and "Traceback" not in result.stderr
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)
