"""Processes killed mid-work leave the vault and outputs as they were; the next run recovers."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import RunVault

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from generate import generate


def command(root: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "vaulttools", "--vault", str(root), *args]


def notes(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in root.rglob("*.md")
        if ".vaulttools" not in p.parts
    }


def killed_after(args: list[str], seconds: float) -> None:
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(seconds)
    process.send_signal(signal.SIGKILL)
    process.wait()


def listing(root: Path) -> list[dict[str, object]]:
    result = subprocess.run(command(root, "followups", "--all", "--json"), capture_output=True)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("crash") / "vault"
    generate(root, 2000)
    return root


def test_index_killed_midway_recovers_by_itself(generated: Path, tmp_path: Path) -> None:
    root = tmp_path / "vault"
    shutil.copytree(generated, root)
    clean = tmp_path / "clean"
    shutil.copytree(generated, clean)
    before = notes(root)
    rng = random.Random(7)
    for _ in range(4):
        killed_after(command(root, "index", "--rebuild"), rng.uniform(0.15, 0.8))
    after = notes(root)
    index_note = after.pop("Informational Interviews.md", None)  # the command's own output
    assert after == before
    assert index_note is None or b"vaulttools:index:end" in index_note
    result = subprocess.run(command(root, "index"), capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert listing(root) == listing(clean)


def test_export_killed_midway_leaves_old_or_new_calendar(vault: Path, in_vault: RunVault) -> None:
    from icalendar import Calendar

    in_vault("new-contact", "Jane Doe")
    in_vault("new-meeting", "Jane Doe", "--date", "2026-12-04", "--time", "10:00")
    calendar = vault / ".vaulttools" / "calendar.ics"
    assert in_vault("export-ics").exit_code == 0
    rng = random.Random(3)
    for _ in range(12):
        killed_after(command(vault, "export-ics", "--todo"), rng.uniform(0.05, 0.4))
        Calendar.from_ical(calendar.read_bytes())  # whole, whichever version it is
    assert in_vault("export-ics").exit_code == 0
    Calendar.from_ical(calendar.read_bytes())
    assert list(calendar.parent.glob(".vaulttools-*.tmp")) == []


def test_orphaned_temporary_files_are_cleared_by_the_next_write(
    vault: Path, in_vault: RunVault
) -> None:
    from vaulttools.vault import write_atomic

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    target = vault / ".vaulttools" / "calendar.ics"
    orphan = target.parent / f".vaulttools-{dead.pid}-abc123.tmp"
    orphan.write_bytes(b"BEGIN:VCALENDAR\r\n")  # what a killed writer leaves
    mine = target.parent / f".vaulttools-{os.getpid()}-0123ab.tmp"
    mine.write_bytes(b"in progress")  # a live writer's file is left alone
    write_atomic(target, b"new")
    assert not orphan.exists()
    assert mine.exists()
    assert target.read_bytes() == b"new"
