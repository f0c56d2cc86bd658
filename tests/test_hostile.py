"""Hostile notes: every command finishes, names the bad note, and still serves the good ones."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import RunVault

GOOD_TASK = "- [ ] Send a thank-you to [[Jane Doe]] 📅 2026-12-02 ^fu-good1\n"
ALIAS_BOMB = "\n".join(
    ["type: contact", 'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    + ["tags: *a9", "aliases: *a9"]
)
WRONG_TYPES = """\
type: meeting
contact: 42
contacts: {a: 1}
date: {not: a date}
time: true
duration: long
location: [1, 2]
mode: 7
status: [done]
tags: 5
aliases: {x: 1}
name: [1, 2]
"""
BAD_NOTES: dict[str, bytes] = {
    "Contacts/Latin1.md": b"---\ntype: contact\nname: Ren\xe9\n---\n" + GOOD_TASK.encode(),
    "Contacts/Nul.md": b"---\ntype: contact\nname: Nul\n---\n\x00\x00" + GOOD_TASK.encode(),
    "Contacts/Huge.md": b"---\ntype: contact\nbio: " + b"x" * (5 * 1024 * 1024) + b"\n---\n",
    "Contacts/Bomb.md": f"---\n{ALIAS_BOMB}\n---\n".encode(),
    "Contacts/List.md": b"---\n- type\n- contact\n---\n",
    "Contacts/String.md": b"---\njust a string\n---\n",
    "Meetings/Wrong types.md": f"---\n{WRONG_TYPES}---\n- [ ] x \U0001f4c5 2026-02-30\n".encode(),
    "Contacts/Impossible.md": (
        b"---\ntype: contact\nnext_contact: 2026-02-30\ncreated: 2026-13-01\n---\n"
    ),
    "Meetings/Never closed.md": b"---\ntype: meeting\ndate: 2026-12-01\n",
    # Values YAML cannot build: each is its own note's problem, never every command's.
    "Contacts/Hex.md": b"---\ntype: contact\nref: 0x_\n---\n" + GOOD_TASK.encode(),
    "Notes/Binary alias.md": b"---\naliases: [0b_]\n---\nAn ordinary note.\n",
    "Contacts/Big number.md": b"---\ntype: contact\nn: " + b"9" * 4400 + b"\n---\n",
    "Notes/Long key.md": b"---\n" + b"k" * 1100 + b": v\n---\n",
}


@pytest.fixture
def hostile(vault: Path, in_vault: RunVault, tmp_path: Path) -> Path:
    in_vault("new-contact", "Jane Doe")
    jane = vault / "Contacts" / "Jane Doe.md"
    jane.write_text(jane.read_text(encoding="utf-8") + GOOD_TASK, encoding="utf-8")
    (vault / "Notes").mkdir()
    for relative, data in BAD_NOTES.items():
        (vault / relative).write_bytes(data)
    os.mkfifo(vault / "Contacts" / "Pipe.md")
    (vault / "Loop").mkdir()
    (vault / "Loop" / "again").symlink_to(vault / "Loop")
    (vault / "Loop" / "self.md").symlink_to(vault / "Loop" / "self.md")
    outside = tmp_path / "outside.md"
    outside.write_text(
        "---\ntype: contact\nname: Outsider\n---\n" + GOOD_TASK.replace("good1", "out")
    )
    (vault / "Contacts" / "Link out.md").symlink_to(outside)
    return vault


def vault_process(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The real command in its own process, with a time limit: hanging is failing."""
    command = [sys.executable, "-m", "vaulttools", "--vault", str(root), *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def test_index_reads_the_good_and_reports_the_bad(hostile: Path) -> None:
    result = vault_process(hostile, "index")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    followups = json.loads(vault_process(hostile, "followups", "--json").stdout)
    ids = {item["id"] for item in followups}
    assert "fu-good1" in ids
    assert "fu-out" not in ids  # a link out of the vault is not followed


def test_check_names_every_bad_note(hostile: Path) -> None:
    result = vault_process(hostile, "check")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    for relative in (
        *("Latin1", "Nul", "Huge", "List", "String", "Wrong types", "Never closed"),
        *("Hex", "Binary alias", "Big number", "Long key"),
    ):
        assert relative in result.stdout, relative
    assert "Impossible" in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["contacts"],
        ["meetings"],
        ["followups", "--all"],
        ["search", "Jane"],
        ["report"],
        ["referrals"],
        ["export-ics", "-o", "-"],
    ],
)
def test_every_listing_finishes_and_serves_the_good_note(hostile: Path, args: list[str]) -> None:
    result = vault_process(hostile, *args)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    if args[0] in ("followups", "export-ics"):
        assert "good1" in result.stdout


PEAK_OF_CHILD = """
import resource, subprocess, sys
subprocess.run(sys.argv[1:], check=True, capture_output=True)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def test_memory_stays_bounded(hostile: Path) -> None:
    """Peak memory of `vault index --rebuild`, measured by a parent with no other child."""
    command = [sys.executable, "-m", "vaulttools", "--vault", str(hostile), "index", "--rebuild"]
    measured = subprocess.run(
        [sys.executable, "-c", PEAK_OF_CHILD, *command], capture_output=True, text=True, timeout=120
    )
    assert measured.returncode == 0, measured.stderr
    assert int(measured.stdout) / 1024 < 150  # ru_maxrss is in KiB on Linux


def test_notes_changing_while_indexing_never_break_a_run(vault: Path) -> None:
    """Another program deletes, recreates and rewrites notes while `vault index` runs."""
    import threading

    churn = [vault / "Contacts" / f"Churn {n}.md" for n in range(40)]
    stop = threading.Event()

    def keep_changing() -> None:
        round_ = 0
        while not stop.is_set():
            for path in churn:
                if round_ % 3 == 2:
                    path.unlink(missing_ok=True)
                else:
                    text = f"---\ntype: contact\nname: {path.stem}\n---\n" + GOOD_TASK * round_
                    path.write_text(text, encoding="utf-8")
            round_ += 1

    changer = threading.Thread(target=keep_changing)
    changer.start()
    try:
        results = [vault_process(vault, "index") for _ in range(6)]
    finally:
        stop.set()
        changer.join()
    for result in results:
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr
    final = vault_process(vault, "contacts", "--json")
    listed = {item["name"] for item in json.loads(final.stdout)}
    assert listed == {path.stem for path in churn if path.exists()}
