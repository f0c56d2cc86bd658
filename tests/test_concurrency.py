"""Several `vault` processes at once, with the watcher running: nothing locked, lost or torn."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from .conftest import RunVault
from .test_watch import Watching

PEOPLE = ["Ana Lima", "Ben Carter", "Chloe Chen", "Dev Patel"]


def vault_process(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "vaulttools", "--vault", str(root), *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


@pytest.fixture
def busy_vault(vault: Path, in_vault: RunVault) -> Path:
    for number, person in enumerate(PEOPLE):
        in_vault("new-contact", person)
        in_vault("new-meeting", person, "--date", f"2026-12-0{number + 1}", "--time", "10:00")
    return vault


def test_parallel_commands_while_watching(busy_vault: Path) -> None:
    followups = json.loads(vault_process(busy_vault, "followups", "--json").stdout)
    to_tick = [item["id"] for item in followups if item["text"].startswith("Send a thank-you")]
    assert len(to_tick) == len(PEOPLE)
    watcher = Watching(busy_vault)
    torn: list[str] = []
    stop_reading = threading.Event()

    def read_outputs() -> None:
        from icalendar import Calendar

        while not stop_reading.is_set():
            data = watcher.calendar.read_bytes()
            try:
                Calendar.from_ical(data)
            except ValueError as error:
                torn.append(str(error))
            if not data.rstrip().endswith(b"END:VCALENDAR"):
                torn.append("calendar without its end")

    reader = threading.Thread(target=read_outputs)
    reader.start()
    jobs = [["done", uid] for uid in to_tick]
    jobs += [["index"], ["export-ics"], ["index"], ["followups", "--json"], ["export-ics"]]
    try:
        with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
            results = list(pool.map(lambda args: vault_process(busy_vault, *args), jobs))
    finally:
        time.sleep(0.5)
        stop_reading.set()
        reader.join()
        code, stderr = watcher.stop()
    for args, result in zip(jobs, results, strict=True):
        assert result.returncode == 0, (args, result.stderr)
        assert "locked" not in result.stderr.lower()
    assert code == 0 and "locked" not in stderr.lower()
    assert torn == []
    still_open = {
        item["id"] for item in json.loads(vault_process(busy_vault, "followups", "--json").stdout)
    }
    assert still_open.isdisjoint(to_tick)  # no lost update: every tick is in its note
    for uid in to_tick:
        assert uid not in watcher.calendar_text()


def test_two_done_on_the_same_note_one_wins(busy_vault: Path) -> None:
    followups = json.loads(vault_process(busy_vault, "followups", "--json").stdout)
    same_note = [item for item in followups if item["note"].endswith("Ana Lima.md")]
    assert len(same_note) >= 2
    note = busy_vault / same_note[0]["note"]
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(
            pool.map(lambda item: vault_process(busy_vault, "done", item["id"]), same_note[:2])
        )
    text = note.read_text(encoding="utf-8")
    for item, result in zip(same_note[:2], results, strict=True):
        line = next(line for line in text.splitlines() if item["id"] in line)
        if result.returncode == 0:
            assert line.startswith("- [x]")
        else:
            assert result.returncode == 1 and "changed" in result.stderr
            assert line.startswith("- [ ]")
    assert any(result.returncode == 0 for result in results)
    assert text.count("\n- [") >= 4  # the note is intact: every task line still there
