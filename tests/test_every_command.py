"""Every command over a copy of examples/vault: no note changes but what the command is for."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import RunVault

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "vault"
INDEX_NOTE = "Informational Interviews.md"
Notes = dict[str, bytes]


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """A copy of the example vault, without anything derived from it."""
    root = tmp_path / "Example Vault"
    derived = shutil.ignore_patterns("index.sqlite*", "calendar.ics", "edit.lock", INDEX_NOTE)
    shutil.copytree(EXAMPLE, root, ignore=derived)
    return root


def notes(root: Path) -> Notes:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and ".vaulttools" not in p.parts
    }


def changed(before: Notes, after: Notes) -> tuple[set[str], set[str], set[str]]:
    """(added, removed, modified) note paths."""
    common = before.keys() & after.keys()
    modified = {path for path in common if before[path] != after[path]}
    return after.keys() - before.keys(), before.keys() - after.keys(), modified


def one_line_changed(old: bytes, new: bytes) -> bool:
    old_lines, new_lines = old.split(b"\n"), new.split(b"\n")
    differing = [pair for pair in zip(old_lines, new_lines, strict=False) if pair[0] != pair[1]]
    return len(old_lines) == len(new_lines) and len(differing) == 1


def first_open_followup(run: RunVault, root: Path) -> str:
    result = run("--vault", root, "followups", "--json")
    return next(item["id"] for item in json.loads(result.output) if item["source"] == "task")


READ_ONLY = [
    ["init", "{root}"],
    ["contacts"],
    ["contacts", "--json"],
    ["meetings", "--json"],
    ["followups", "--all"],
    ["followups", "--overdue", "--json"],
    ["search", "pipelines"],
    ["check"],
    ["referrals"],
    ["draft", "request", "Sam Lee"],
    ["draft", "thanks", "Priya Raman"],
    ["report"],
    ["report", "--json"],
    ["export-ics"],
    ["export-ics", "--todo", "-o", "-"],
]


@pytest.mark.parametrize("args", READ_ONLY, ids=lambda args: " ".join(args))
def test_commands_that_only_read_notes(example: Path, run: RunVault, args: list[str]) -> None:
    before = notes(example)
    result = run("--vault", example, *[a.format(root=example) for a in args])
    assert result.exit_code in (0, 1), result.output  # check exits 1 when it finds problems
    assert "Traceback" not in result.output
    assert notes(example) == before


CREATES: list[tuple[list[str], str]] = [
    (["new-contact", "Hana Wright", "--org", "Harbourside Health"], "Contacts/Hana Wright.md"),
    (["new-meeting", "Sam Lee", "--date", "2026-12-14"], "Meetings/2026-12-14 Sam Lee.md"),
    (["new-org", "Pōhutukawa Labs"], "Organisations/Pōhutukawa Labs.md"),
    (["index"], INDEX_NOTE),
]


@pytest.mark.parametrize(("args", "created"), CREATES, ids=lambda v: str(v))
def test_commands_that_create_one_note(
    example: Path, run: RunVault, args: list[str], created: str
) -> None:
    before = notes(example)
    result = run("--vault", example, *args)
    assert result.exit_code == 0, result.output
    assert changed(before, notes(example)) == ({created}, set(), set())


def test_referrals_create_adds_the_note_and_ticks_its_meetings_step(
    example: Path, run: RunVault
) -> None:
    before = notes(example)
    result = run("--vault", example, "referrals", "--create")
    assert result.exit_code == 0, result.output
    added, removed, modified = changed(before, notes(example))
    assert (added, removed) == ({"Contacts/Hana Wright.md"}, set())
    assert modified == {"Meetings/2026-11-05 Priya Raman.md"}
    assert "- [x] Add the people" in (example / next(iter(modified))).read_text("utf-8")


def test_report_markdown_adds_only_its_note(example: Path, run: RunVault) -> None:
    before = notes(example)
    assert run("--vault", example, "report", "--markdown").exit_code == 0
    added, removed, modified = changed(before, notes(example))
    assert (len(added), removed, modified) == (1, set(), set())
    assert next(iter(added)).startswith("Informational Interviews Report")


EDITS: list[tuple[str, Callable[[RunVault, Path], list[str]]]] = [
    ("done", lambda run, root: ["done", first_open_followup(run, root)]),
    ("snooze", lambda run, root: ["snooze", first_open_followup(run, root), "2027-02-01"]),
    ("status", lambda run, root: ["status", "Sam Lee", "contacted"]),
]


@pytest.mark.parametrize(("name", "arguments"), EDITS, ids=[name for name, _ in EDITS])
def test_commands_that_edit_change_one_line_of_one_note(
    example: Path, run: RunVault, name: str, arguments: Callable[[RunVault, Path], list[str]]
) -> None:
    args = arguments(run, example)
    before = notes(example)
    result = run("--vault", example, *args)
    assert result.exit_code == 0, result.output
    after = notes(example)
    added, removed, modified = changed(before, after)
    assert (added, removed, len(modified)) == (set(), set(), 1), name
    (path,) = modified
    assert one_line_changed(before[path], after[path])


def start(root: Path, *args: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "vaulttools", "--vault", str(root), *args]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def stop(process: subprocess.Popen[str]) -> str:
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=20)
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr
    return stderr


def test_serve_reads_no_further_than_the_calendar(example: Path) -> None:
    before = notes(example)
    process = start(example, "serve", "--port", "0")
    assert process.stdout is not None
    url = next(
        line.strip()
        for line in iter(process.stdout.readline, "")
        if line.strip().startswith("http")
    )
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.read().startswith(b"BEGIN:VCALENDAR")
    stop(process)
    assert notes(example) == before


def test_watch_writes_only_the_index_note(example: Path) -> None:
    before = notes(example)
    process = start(example, "watch")
    calendar = example / ".vaulttools" / "calendar.ics"
    deadline = time.monotonic() + 20
    while not calendar.exists() and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    stop(process)
    assert changed(before, notes(example)) == ({INDEX_NOTE}, set(), set())
