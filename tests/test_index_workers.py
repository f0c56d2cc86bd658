"""A cold index read by two processes gives exactly what one process gives."""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import pytest

from vaulttools import platforms
from vaulttools.index import fresh_index, schema, workers
from vaulttools.index.sync import read_notes

from .vaultbuilders import contact, make_vault, meeting, write

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


# Readers a worker process imports by name, as spawn requires.


def read_marking_process(root: Path, paths: Sequence[str]) -> workers.Read:
    rows, gone, count = read_notes(root, paths)
    return rows, [*gone, f"process {os.getpid()}"], count


def read_failing_in_worker(root: Path, paths: Sequence[str]) -> workers.Read:
    if multiprocessing.parent_process() is not None:
        raise RuntimeError("the worker cannot hand its rows back")
    return read_marking_process(root, paths)


@pytest.fixture
def splits(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Split reading from the first note on, and record each worker's start method."""
    made: list[str] = []
    real = workers.start_method

    def recording() -> str:
        made.append(real())
        return made[-1]

    monkeypatch.setattr(workers, "PARALLEL_MIN", 1)
    monkeypatch.setattr(workers, "start_method", recording)
    return made


def test_two_processes_index_what_one_does(
    tmp_path: Path, splits: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    busy_vault(tmp_path / "split")
    busy_vault(tmp_path / "single")
    with fresh_index(make_vault(tmp_path / "split")) as index:
        split_contacts = index.contacts()
    assert splits == ["forkserver"]  # never a plain fork of this process
    monkeypatch.setenv("VAULTTOOLS_WORKERS", "1")
    with fresh_index(make_vault(tmp_path / "single")) as index:
        single_contacts = index.contacts()
    assert splits == ["forkserver"]  # the setting turned the split off
    assert dump(tmp_path / "split") == dump(tmp_path / "single")
    assert split_contacts == single_contacts and len(split_contacts) == 40


@pytest.mark.parametrize("system", ["linux", "macos", "windows"])
def test_a_share_of_the_notes_is_read_in_another_process(
    tmp_path: Path, splits: list[str], system: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(platforms, "current", lambda: system)
    busy_vault(tmp_path / "v")
    paths = sorted(p.relative_to(tmp_path / "v").as_posix() for p in (tmp_path / "v").rglob("*.md"))
    rows, gone, count = workers.read_split(tmp_path / "v", paths, read_marking_process)
    readers = {marker for marker in gone if marker.startswith("process ")}
    assert len(readers) == 2 and f"process {os.getpid()}" in readers
    assert count == len(paths) == 121
    assert sorted(row[0] for row in rows.files) == paths  # the broken note too, with its problem
    assert splits == ["forkserver" if system == "linux" else "spawn"]


def test_a_failing_worker_leaves_its_share_to_the_parent(tmp_path: Path, splits: list[str]) -> None:
    busy_vault(tmp_path / "v")
    paths = sorted(p.relative_to(tmp_path / "v").as_posix() for p in (tmp_path / "v").rglob("*.md"))
    rows, gone, count = workers.read_split(tmp_path / "v", paths, read_failing_in_worker)
    assert {marker for marker in gone if marker.startswith("process ")} == {
        f"process {os.getpid()}"
    }  # both shares read here
    assert count == 121 and sorted(row[0] for row in rows.files) == paths
