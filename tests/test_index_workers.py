"""A cold index read by two processes gives exactly what one process gives, in its order."""

from __future__ import annotations

import sqlite3
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from vaulttools.helper import Helper
from vaulttools.index import fresh_index, schema, workers
from vaulttools.index import sync as sync_module
from vaulttools.index.note_reader import NoteReader
from vaulttools.index.rows import Rows
from vaulttools.index.sync import read_notes

from .conftest import RunVault
from .vaultbuilders import contact, make_vault, meeting, touch_later, write

DUMPED = {
    "files": "path, size, kind, id, title, key",  # not mtime: the two vaults were written apart
    **dict.fromkeys(("aliases", "problems", "people", "meetings", "tasks", "suggestions"), "*"),
}


def busy_vault(root: Path) -> None:
    make_vault(root)
    for number in range(40):
        name = f"Person {number}"
        write(root, f"Contacts/{name}.md", contact(name, aliases=f"[P{number}]"))
        due = f"2026-12-0{number % 9 + 1}"
        body = f"## Names they suggested\n- [[Person {number + 1}]]\n- [ ] Thank 📅 {due}\n"
        write(root, f"Meetings/m{number}.md", meeting(f"[[{name}]]", "2026-12-01", body))
        write(root, f"Notes/n{number}.md", "---\ntags: [x]\n---\ntext\n", crlf=number % 2 == 0)
    write(root, "Notes/broken.md", "---\ntitle: [oops\n---\n")


def dump(root: Path) -> dict[str, list[tuple]]:
    connection = sqlite3.connect(root / ".vaulttools" / schema.INDEX_FILE)
    return {
        table: sorted(connection.execute(f"SELECT {columns} FROM {table}"))
        for table, columns in DUMPED.items()
    }


@pytest.fixture
def helpers_started(monkeypatch: pytest.MonkeyPatch) -> list[Helper | None]:
    """Share reading from the first note on, and record each helper started."""
    started: list[Helper | None] = []
    real = workers.start_helper

    def recording() -> Helper | None:
        started.append(real())
        return started[-1]

    monkeypatch.setattr(workers, "PARALLEL_MIN", 1)
    monkeypatch.setattr(workers, "start_helper", recording)
    return started


def note_paths(root: Path) -> list[str]:
    return sorted(path.relative_to(root).as_posix() for path in root.rglob("*.md"))


def test_two_processes_index_what_one_does(
    tmp_path: Path, helpers_started: list[Helper | None], monkeypatch: pytest.MonkeyPatch
) -> None:
    busy_vault(tmp_path / "split")
    busy_vault(tmp_path / "single")
    with fresh_index(make_vault(tmp_path / "split")) as index:
        split_contacts = index.contacts()
    assert len(helpers_started) == 1 and helpers_started[0] is not None
    assert helpers_started[0].process.returncode is not None  # stopped before the index returned
    monkeypatch.setenv("VAULTTOOLS_WORKERS", "1")
    with fresh_index(make_vault(tmp_path / "single")) as index:
        single_contacts = index.contacts()
    assert helpers_started[1:] == [None]  # the setting turned the helper off
    assert dump(tmp_path / "split") == dump(tmp_path / "single")
    assert split_contacts == single_contacts and len(split_contacts) == 40


def test_a_first_sync_starts_its_helper_as_soon_as_its_scan_found_enough_notes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    busy_vault(tmp_path / "v")
    notes = len(note_paths(tmp_path / "v"))
    events: list[str] = []
    real_scan, real_start = sync_module.disk_signatures, workers.start_helper

    def scan(*args: Any) -> sync_module.Scan:
        found = real_scan(*args)
        events.append(f"scan found {len(found)}")
        return found

    def start() -> Helper | None:
        events.append("helper started")
        return real_start()

    monkeypatch.setattr(sync_module, "disk_signatures", scan)
    monkeypatch.setattr(workers, "start_helper", start)
    monkeypatch.setattr(workers, "PARALLEL_MIN", notes + 1)
    with fresh_index(make_vault(tmp_path / "v")) as index:  # too few notes: no helper
        assert events == [f"scan found {notes}"]
        index.rebuild()
        monkeypatch.setattr(workers, "PARALLEL_MIN", 5)
        events.clear()
        index.rebuild()  # into an empty index again: the helper starts during the scan
        assert events == ["helper started", f"scan found {notes}"]
        events.clear()
        write(tmp_path / "v", "Notes/new.md", "text\n")
        index.sync()  # an index that holds notes: the scan starts none, one note is read here
        assert events == [f"scan found {notes + 1}"]
        assert len(index.contacts()) == 40


def test_the_helper_reads_from_the_back_what_this_process_would(tmp_path: Path) -> None:
    busy_vault(tmp_path / "v")
    paths = note_paths(tmp_path / "v")
    helper = workers.start_helper()
    assert helper is not None
    helper.give((str(tmp_path / "v"), paths), len(paths))
    deadline = time.monotonic() + 120
    while helper.low > 0 and time.monotonic() < deadline:
        time.sleep(0.01)  # until it handed back the first note, the last one it reads
    chunks = helper.stop()
    assert helper.process.returncode is not None
    bounds = [(first, end) for first, end, _ in chunks]
    assert bounds[-1] == (len(paths) - workers.CHUNK, len(paths))  # the last notes first
    assert [first for first, _ in bounds] == [0, *(end for _, end in bounds[:-1])]  # no gap
    alone, _, count = read_notes(tmp_path / "v", paths)
    handed = Rows()
    for _, _, (rows, gone, read) in chunks:
        handed.extend(rows)
        count -= read
        assert gone == []
    assert handed == alone and count == 0


def test_notes_both_read_are_kept_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """This process reads ten notes, then waits until the helper handed back all of them."""
    busy_vault(tmp_path / "v")
    paths = note_paths(tmp_path / "v")
    helper = workers.start_helper()
    assert helper is not None
    real = NoteReader.read_into

    def slow_after_ten(reader: NoteReader, rows: Rows, path: str, gone: list[str]) -> int:
        if len(rows.files) == 10:
            deadline = time.monotonic() + 120
            while helper.low > 0 and time.monotonic() < deadline:
                time.sleep(0.01)
        return real(reader, rows, path, gone)

    monkeypatch.setattr(NoteReader, "read_into", slow_after_ten)
    rows, gone, count = workers.read_shared(tmp_path / "v", paths, helper)
    assert helper.low == 0  # the helper read every note, ten of them read here too
    assert (rows, gone, count) == read_notes(tmp_path / "v", paths) and count == 121


@pytest.mark.parametrize(
    "command",
    [
        "import sys; sys.exit(3)",  # dies at once
        "import sys; sys.stdin.buffer.read(); sys.stdout.buffer.write(b'not a pickle')",
        "import sys, pickle; sys.stdin.buffer.read(); pickle.dump((0, 5, 3), sys.stdout.buffer)",
    ],
)
def test_a_failing_helper_leaves_its_share_to_this_process(tmp_path: Path, command: str) -> None:
    busy_vault(tmp_path / "v")
    paths = note_paths(tmp_path / "v")
    helper = workers.start_helper((sys.executable, "-c", command))
    assert helper is not None
    rows, gone, count = workers.read_shared(tmp_path / "v", paths, helper)
    assert helper.process.returncode is not None
    assert (rows, gone, count) == read_notes(tmp_path / "v", paths)
    assert count == 121 and sorted(row[0] for row in rows.files) == paths


# --- A command with other work: the helper starts before the scan ---------------------------


@pytest.fixture
def reads_here(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The notes this process reads itself (the helper's reading is not seen here)."""
    seen: list[str] = []
    real = NoteReader.read_into

    def recording(reader: NoteReader, rows: Rows, path: str, gone: list[str]) -> int:
        seen.append(path)
        return real(reader, rows, path, gone)

    monkeypatch.setattr(NoteReader, "read_into", recording)
    return seen


def edit_a_task(root: Path) -> None:
    note = root / "Meetings/m7.md"
    note.write_text(note.read_text("utf-8").replace("- [ ] Thank", "- [x] Thank"), "utf-8")
    touch_later(note)


def test_changed_notes_are_left_to_a_helper_while_the_command_works(
    tmp_path: Path,
    helpers_started: list[Helper | None],
    reads_here: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    busy_vault(tmp_path / "v")
    busy_vault(tmp_path / "single")
    calls: list[int] = []
    with fresh_index(make_vault(tmp_path / "v")):  # the cold index: read by both
        pass
    reads_here.clear()
    helpers_started.clear()
    edit_a_task(tmp_path / "v")
    with fresh_index(make_vault(tmp_path / "v"), meanwhile=lambda: calls.append(1)) as index:
        assert [f.done for f in index.followups(include_closed=True)].count(True) == 1
    assert len(helpers_started) == 1 and helpers_started[0] is not None  # before the scan
    assert helpers_started[0].process.returncode is not None  # and stopped
    assert reads_here == [] and calls == [1]  # the helper read the note; the command worked
    monkeypatch.setenv("VAULTTOOLS_WORKERS", "1")
    edit_a_task(tmp_path / "single")
    with fresh_index(make_vault(tmp_path / "single")):
        pass
    assert dump(tmp_path / "v") == dump(tmp_path / "single")


def test_with_nothing_changed_the_early_helper_is_stopped_unused(
    tmp_path: Path, helpers_started: list[Helper | None], reads_here: list[str]
) -> None:
    busy_vault(tmp_path / "v")
    with fresh_index(make_vault(tmp_path / "v")):
        pass
    helpers_started.clear()
    calls: list[int] = []
    with fresh_index(make_vault(tmp_path / "v"), meanwhile=lambda: calls.append(1)) as index:
        assert index.sync().read == 0
    assert len(helpers_started) == 1 and helpers_started[0] is not None
    assert helpers_started[0].process.returncode is not None
    assert calls == [] and helpers_started[0].chunks == []


def test_a_failing_early_helper_leaves_the_notes_to_this_process(
    tmp_path: Path, reads_here: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    busy_vault(tmp_path / "v")
    with fresh_index(make_vault(tmp_path / "v")):
        pass
    reads_here.clear()
    monkeypatch.setattr(workers, "PARALLEL_MIN", 1)
    dying = (sys.executable, "-c", "import sys; sys.exit(3)")
    real = workers.start_helper
    monkeypatch.setattr(workers, "start_helper", lambda: real(dying))
    edit_a_task(tmp_path / "v")
    calls: list[int] = []
    with fresh_index(make_vault(tmp_path / "v"), meanwhile=lambda: calls.append(1)) as index:
        assert [f.done for f in index.followups(include_closed=True)].count(True) == 1
    assert reads_here == ["Meetings/m7.md"] and calls == [1]


def test_an_export_after_an_edit_leaves_the_note_to_the_helper(
    tmp_path: Path, run: RunVault, helpers_started: list[Helper | None], reads_here: list[str]
) -> None:
    root = tmp_path / "v"
    busy_vault(root)
    assert run("--vault", root, "export-ics").exit_code == 0
    feed = root / ".vaulttools" / "calendar.ics"
    thanks = feed.read_text("utf-8").count("SUMMARY:Thank")
    edit_a_task(root)
    helpers_started.clear()
    reads_here.clear()
    result = run("--vault", root, "export-ics")
    assert result.exit_code == 0, result.output
    assert reads_here == [] and len(helpers_started) == 1 and helpers_started[0] is not None
    assert helpers_started[0].process.returncode is not None
    assert feed.read_text("utf-8").count("SUMMARY:Thank") == thanks - 1 > 0  # the ticked one
