"""`vault watch` when things go wrong around it: another process holds the index, the disk
fills up, the vault folder is moved or deleted. A real process, observer, SQLite and disk."""

from __future__ import annotations

import contextlib
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import RunVault
from .required import missing
from .test_watch import TIMEOUT, wait_for

GOOD = "- [ ] Send the thank-you to [[Jane Doe]] 📅 2026-12-02 ^fu-good1\n"


class Watch:
    """A `vault watch` process whose stderr is read as it comes, line by line."""

    def __init__(self, vault: Path, *flags: str) -> None:
        self.vault = vault
        self.calendar = vault / ".vaulttools" / "calendar.ics"
        command = [sys.executable, "-m", "vaulttools", "--vault", str(vault), "watch", *flags]
        self.process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        self.errors: list[str] = []
        self._reader = threading.Thread(target=self._read_errors)
        self._reader.start()
        wait_for(lambda: self.alive() and self.calendar.exists(), "the first calendar")

    def _read_errors(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.errors.append(line.rstrip("\n"))

    def alive(self) -> bool:
        if self.process.poll() is not None:
            self._reader.join()
            raise AssertionError("vault watch ended: " + "\n".join(self.errors))
        return True

    def said(self, words: str) -> list[str]:
        return [line for line in self.errors if words in line]

    def has(self, uid: str) -> bool:
        with contextlib.suppress(FileNotFoundError):
            return uid in self.calendar.read_text(encoding="utf-8")
        return False

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        self.process.wait(timeout=TIMEOUT)
        self._reader.join()
        return self.process.returncode


@pytest.fixture
def jane(vault: Path, in_vault: RunVault) -> Path:
    assert in_vault("new-contact", "Jane Doe").exit_code == 0
    note = vault / "Contacts" / "Jane Doe.md"
    note.write_text(note.read_text(encoding="utf-8") + GOOD, encoding="utf-8")
    return note


def add_task(note: Path, tag: str) -> None:
    note.write_text(note.read_text(encoding="utf-8") + GOOD.replace("good1", tag), encoding="utf-8")


def no_crash(errors: list[str]) -> None:
    text = "\n".join(errors)
    assert "Traceback" not in text and "cannot rollback" not in text, text


# --- Another process holds the index --------------------------------------------------------


def test_watch_waits_for_another_process_holding_the_index(vault: Path, jane: Path) -> None:
    watch = Watch(vault)
    holder = sqlite3.connect(vault / ".vaulttools" / "index.sqlite", isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # the write lock, held as long as this test likes
        add_task(jane, "busy")
        wait_for(lambda: watch.alive() and bool(watch.said("could not update")), "a word")
        assert not watch.has("fu-busy")
        add_task(jane, "busier")  # more changes while it is held: said only once
        wait_for(lambda: watch.alive() and len(watch.errors) >= 2, "another try")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    wait_for(lambda: watch.alive() and watch.has("fu-busier") and watch.has("fu-busy"), "both")
    assert watch.stop() == 0
    no_crash(watch.errors)
    assert len(watch.said("could not update")) == 1, watch.errors
    assert "busy" in watch.said("could not update")[0]


# --- A full disk ----------------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real file system of 8 MB (tmpfs), mounted for this test."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mount_point)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        missing(f"mounting a small file system needs root: {mounted.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "--lazy", str(mount_point)], check=True)


def fill(disk: Path) -> Path:
    """Write a file until the disk is full; the file, to delete for space again."""
    filler = disk / "filler"
    # Unbuffered: a piece that half fits must not wait in a buffer for `close` to fail on.
    with open(filler, "wb", buffering=0) as handle:
        for _ in range(8 * 16 + 1):  # 8 MB in 64 KB pieces, and one more
            try:
                handle.write(b"\0" * 65536)
            except OSError:
                break
    return filler


def test_watch_survives_a_full_disk(small_disk: Path, run: RunVault) -> None:
    vault = small_disk / "Vault"
    assert run("init", vault).exit_code == 0
    assert run("--vault", vault, "new-contact", "Jane Doe").exit_code == 0
    note = vault / "Contacts" / "Jane Doe.md"
    padding = "%% " + "room for a follow-up " * 20 + "%%\n"
    note.write_text(note.read_text(encoding="utf-8") + GOOD + padding, encoding="utf-8")
    watch = Watch(vault)
    filler = fill(small_disk)
    try:
        # An edit in place that needs no more room than the note had.
        text = note.read_text(encoding="utf-8").replace(padding, GOOD.replace("good1", "full"))
        note.write_text(text, encoding="utf-8")
        wait_for(lambda: watch.alive() and bool(watch.said("could not update")), "a word")
        assert not watch.has("fu-full")
    finally:
        filler.unlink()
    wait_for(lambda: watch.alive() and watch.has("fu-full"), "the calendar, once there is room")
    assert watch.stop() == 0
    no_crash(watch.errors)
    said = watch.said("could not update")
    assert len(said) == 1, watch.errors
    assert "space" in said[0] or "full" in said[0]


# --- The vault folder moved or deleted ------------------------------------------------------


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return None  # the server has stopped


@pytest.mark.parametrize("how", ["moved", "deleted"])
def test_watch_serve_stops_when_its_vault_goes(
    vault: Path, jane: Path, tmp_path: Path, how: str
) -> None:
    watch = Watch(vault, "--serve", "--port", "0")
    assert watch.process.stdout is not None
    url = next(
        line.strip()
        for line in iter(watch.process.stdout.readline, "")
        if line.strip().startswith("http://127.0.0.1:")
    )
    assert "fu-good1" in (fetch(url) or "")
    elsewhere = tmp_path / "Moved Vault"
    if how == "moved":
        vault.rename(elsewhere)
    else:
        shutil.rmtree(vault)
    served: list[str] = []

    def stopped() -> bool:
        body = fetch(url)
        if body is not None:
            served.append(body)
        return watch.process.poll() is not None

    wait_for(stopped, "the watcher to stop")
    assert watch.stop() == 1
    no_crash(watch.errors)
    assert watch.errors[-1] == (
        f"vault: The vault folder {vault} was moved or deleted, so vaulttools stopped "
        "watching it; start it again where the vault is now."
    )
    assert not vault.exists()  # nothing was made again at the old place
    assert all("fu-good1" in body for body in served)  # never an empty feed
    if how == "moved":
        assert "fu-good1" in (elsewhere / ".vaulttools" / "calendar.ics").read_text("utf-8")
