"""`vault watch` as a user runs it: a real process, a real observer, real editor saves."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from vaulttools.calendar_ids import item_uid

from .conftest import RunVault

TIMEOUT = 15.0
TASK = "- [ ] Email the reading list to [[Jane Doe]] 📅 2026-12-20 ^fu-{tag}\n"


class Watching:
    """A `vault watch` process and the calendar file it keeps current."""

    def __init__(self, vault: Path, *flags: str) -> None:
        self.vault = vault
        self.calendar = vault / ".vaulttools" / "calendar.ics"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "vaulttools", "--vault", str(vault), "watch", *flags],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        wait_for(self._started, "the first calendar")

    def _started(self) -> bool:
        if self.process.poll() is not None:
            _, stderr = self.process.communicate()
            raise AssertionError(f"vault watch ended early: {stderr}")
        return self.calendar.exists()

    def calendar_text(self) -> str:
        try:
            return self.calendar.read_text(encoding="utf-8")
        except FileNotFoundError:
            return ""

    def wait_for_uid(self, block_id: str, present: bool = True) -> None:
        """Wait until the calendar holds (or no longer holds) the follow-up with this id."""
        uid = "UID:" + item_uid("followup", block_id)
        wait_for(lambda: (uid in self.calendar_text()) is present, f"{block_id} present={present}")

    def stop(self) -> tuple[int, str]:
        self.process.send_signal(signal.SIGINT)
        _, stderr = self.process.communicate(timeout=TIMEOUT)
        return self.process.returncode, stderr


def wait_for(condition: Callable[[], bool], what: str = "condition") -> None:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def watching(vault: Path, in_vault: RunVault) -> Iterator[Watching]:
    in_vault("new-contact", "Jane Doe")
    watcher = Watching(vault)
    yield watcher
    if watcher.process.poll() is None:
        code, stderr = watcher.stop()
        assert code == 0, stderr
        assert "Traceback" not in stderr


def contact_note(vault: Path) -> Path:
    return vault / "Contacts" / "Jane Doe.md"


def test_write_in_place(watching: Watching) -> None:
    note = contact_note(watching.vault)
    with open(note, "a", encoding="utf-8") as handle:
        handle.write(TASK.format(tag="inplace"))
    watching.wait_for_uid("fu-inplace")


def test_temporary_file_renamed_over_the_note(watching: Watching) -> None:
    note = contact_note(watching.vault)
    temporary = note.with_name(".Jane Doe.md.tmp123")
    temporary.write_text(note.read_text(encoding="utf-8") + TASK.format(tag="atomic"), "utf-8")
    os.replace(temporary, note)
    watching.wait_for_uid("fu-atomic")


def test_vim_style_backup_then_write_then_delete(watching: Watching) -> None:
    note = contact_note(watching.vault)
    text = note.read_text(encoding="utf-8")
    backup = note.with_name("Jane Doe.md~")
    os.rename(note, backup)
    note.write_text(text + TASK.format(tag="vim"), encoding="utf-8")
    backup.unlink()
    watching.wait_for_uid("fu-vim")


def test_create_then_delete_a_note(watching: Watching) -> None:
    note = watching.vault / "Contacts" / "Ana Lima.md"
    note.write_text("---\ntype: contact\nname: Ana Lima\n---\n" + TASK.format(tag="new"), "utf-8")
    watching.wait_for_uid("fu-new")
    note.unlink()
    watching.wait_for_uid("fu-new", present=False)


def test_ticking_removes_the_follow_up(watching: Watching) -> None:
    note = contact_note(watching.vault)
    original = note.read_text(encoding="utf-8")
    note.write_text(original + TASK.format(tag="tick"), encoding="utf-8")
    watching.wait_for_uid("fu-tick")
    note.write_text(original + TASK.format(tag="tick").replace("[ ]", "[x]"), encoding="utf-8")
    watching.wait_for_uid("fu-tick", present=False)


def test_rename_note_and_folder_keep_it(watching: Watching) -> None:
    note = contact_note(watching.vault)
    note.write_text(note.read_text(encoding="utf-8") + TASK.format(tag="move"), "utf-8")
    watching.wait_for_uid("fu-move")
    renamed = note.with_name("Jane.md")
    os.rename(note, renamed)
    os.rename(watching.vault / "Contacts", watching.vault / "People")

    def moved() -> bool:
        text = watching.calendar_text()
        return "People/Jane" in text or "People%2FJane" in text

    wait_for(moved, "the follow-up under its new path")
    watching.wait_for_uid("fu-move")


def test_move_into_trash_and_out_of_the_vault(watching: Watching, tmp_path: Path) -> None:
    trash = watching.vault / ".trash"
    trash.mkdir()
    for tag, target in (("trash", trash / "a.md"), ("gone", tmp_path / "outside.md")):
        note = watching.vault / "Contacts" / f"{tag}.md"
        note.write_text("---\ntype: contact\n---\n" + TASK.format(tag=tag), encoding="utf-8")
        watching.wait_for_uid(f"fu-{tag}")
        os.rename(note, target)
        watching.wait_for_uid(f"fu-{tag}", present=False)


def test_broken_note_is_reported_once_and_watching_goes_on(watching: Watching) -> None:
    broken = watching.vault / "Contacts" / "Broken.md"
    broken.write_text("---\ntype: [contact\n---\n", encoding="utf-8")
    time.sleep(0.5)
    broken.write_text("---\ntype: [contact\n---\nstill broken\n", encoding="utf-8")
    note = contact_note(watching.vault)
    note.write_text(note.read_text(encoding="utf-8") + TASK.format(tag="after"), "utf-8")
    watching.wait_for_uid("fu-after")
    code, stderr = watching.stop()
    assert code == 0
    problem_lines = [line for line in stderr.splitlines() if line.startswith("Contacts/Broken.md:")]
    assert len(problem_lines) == 1
    assert "not valid YAML" in problem_lines[0]
    assert "Traceback" not in stderr


def test_outputs_do_not_trigger_work_and_idle_is_quiet(watching: Watching) -> None:
    time.sleep(1.5)
    code, stderr = watching.stop()
    assert code == 0
    batches = [line for line in stderr.splitlines() if " changed:" in line]
    assert batches == []


def test_watcher_never_writes_a_note(vault: Path, in_vault: RunVault) -> None:
    in_vault("new-contact", "Jane Doe")
    in_vault("new-meeting", "Jane Doe", "--date", "2026-12-04")
    notes = {p: p.read_bytes() for p in vault.rglob("*.md") if ".vaulttools" not in p.parts}
    watcher = Watching(vault)
    (vault / "Contacts" / "Jane Doe.md").touch()
    time.sleep(1.0)
    code, _ = watcher.stop()
    assert code == 0
    index_note = vault / "Informational Interviews.md"
    assert {p: p.read_bytes() for p in notes} == notes
    assert index_note.exists()


def test_poll_mode_sees_changes(vault: Path, in_vault: RunVault) -> None:
    in_vault("new-contact", "Jane Doe")
    watcher = Watching(vault, "--poll")
    try:
        note = contact_note(vault)
        note.write_text(note.read_text(encoding="utf-8") + TASK.format(tag="poll"), "utf-8")
        watcher.wait_for_uid("fu-poll")
    finally:
        code, stderr = watcher.stop()
    assert code == 0, stderr


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time a process has used, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_idle_means_idle(watching: Watching) -> None:
    time.sleep(0.5)
    before = cpu_seconds(watching.process.pid)
    time.sleep(3.0)
    assert cpu_seconds(watching.process.pid) - before < 0.1


def test_watch_serve_serves_the_current_calendar(vault: Path, in_vault: RunVault) -> None:
    import urllib.request

    in_vault("new-contact", "Jane Doe")
    watcher = Watching(vault, "--serve", "--port", "0")
    try:
        assert watcher.process.stdout is not None
        lines = iter(watcher.process.stdout.readline, "")
        url = next(line.strip() for line in lines if line.strip().startswith("http://127.0.0.1:"))
        note = contact_note(vault)
        note.write_text(note.read_text(encoding="utf-8") + TASK.format(tag="served"), "utf-8")
        watcher.wait_for_uid("fu-served")

        def served() -> str:
            with urllib.request.urlopen(url, timeout=5) as response:
                assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
                return response.read().decode("utf-8")

        wait_for(lambda: "fu-served" in served(), "the served feed")
    finally:
        code, stderr = watcher.stop()
    assert code == 0, stderr
    assert "Traceback" not in stderr
