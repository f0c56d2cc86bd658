"""A cold index read by two processes gives exactly what one process gives."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from vaulttools.index import fresh_index, schema, workers

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


@pytest.fixture
def forks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Split reading from the first note on, and count the forks."""
    made: list[int] = []
    real = os.fork

    def counting() -> int:
        made.append(1)
        return real()

    monkeypatch.setattr(workers, "PARALLEL_MIN", 1)
    monkeypatch.setattr(os, "fork", counting)
    return made


def test_two_processes_index_what_one_does(
    tmp_path: Path, forks: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    busy_vault(tmp_path / "split")
    busy_vault(tmp_path / "single")
    with fresh_index(make_vault(tmp_path / "split")) as index:
        split_contacts = index.contacts()
    assert forks == [1]
    monkeypatch.setenv("VAULTTOOLS_WORKERS", "1")
    with fresh_index(make_vault(tmp_path / "single")) as index:
        single_contacts = index.contacts()
    assert forks == [1]  # the setting turned the split off
    assert dump(tmp_path / "split") == dump(tmp_path / "single")
    assert split_contacts == single_contacts and len(split_contacts) == 40


def test_a_failing_child_leaves_its_half_to_the_parent(
    tmp_path: Path, forks: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    busy_vault(tmp_path / "v")
    parent = os.getpid()
    real_dumps = workers.pickle.dumps

    def failing_in_child(*args: object, **kwargs: object) -> bytes:
        if os.getpid() != parent:
            raise RuntimeError("the child cannot hand its rows back")
        return real_dumps(*args, **kwargs)

    monkeypatch.setattr(workers.pickle, "dumps", failing_in_child)
    with fresh_index(make_vault(tmp_path / "v")) as index:
        report = index.rebuild()
        assert forks == [1, 1]  # fresh_index and rebuild both split the reading
        assert report.read == report.added == 121
        assert len(index.contacts()) == 40 and len(index.meetings()) == 40
