"""Inputs that used to take every command down: a file name that is not UTF-8, a damaged
index, a port out of range, a note its reader may no longer open. Real processes, real files."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import RunVault
from .test_hostile import GOOD_TASK, vault_process
from .test_watch import Watching

MISNAMED = b"Contacts/Caf\xe9 notes.md"
SHOWN = "Contacts/Caf\\xe9 notes.md"  # how vaulttools writes that name: readable, one line
MISNAMED_NOTE = "---\ntype: contact\nname: Cafe\n---\n- [ ] Hide 📅 2026-12-03 ^fu-cafe\n".encode()


def create_misnamed(root: Path, relative: bytes = MISNAMED) -> None:
    """A note whose name is not UTF-8, as an old zip leaves it; the file system must allow it."""
    try:
        handle = os.open(os.fsencode(root) + b"/" + relative, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except OSError as error:  # e.g. APFS refuses names that are not UTF-8
        pytest.skip(f"this file system refuses names that are not UTF-8: {error}")
    os.write(handle, MISNAMED_NOTE)
    os.close(handle)


def add_good_note(vault: Path, in_vault: RunVault) -> None:
    assert in_vault("new-contact", "Jane Doe").exit_code == 0
    jane = vault / "Contacts" / "Jane Doe.md"
    jane.write_text(jane.read_text(encoding="utf-8") + GOOD_TASK, encoding="utf-8")


# --- A file name that is not UTF-8 ----------------------------------------------------------


@pytest.fixture
def misnamed(vault: Path, in_vault: RunVault) -> Path:
    add_good_note(vault, in_vault)
    create_misnamed(vault)
    return vault


def test_index_skips_a_misnamed_note_and_names_it(misnamed: Path) -> None:
    result = vault_process(misnamed, "index")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert SHOWN in result.stdout
    listed = json.loads(vault_process(misnamed, "followups", "--json").stdout)
    assert {item["id"] for item in listed} == {"fu-good1"}


def test_check_reports_a_misnamed_note_on_one_line(misnamed: Path) -> None:
    result = vault_process(misnamed, "check")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stdout.splitlines() if "Caf" in line]
    assert len(lines) == 1, result.stdout
    assert SHOWN in lines[0] and "UTF-8" in lines[0]
    assert "skipped" in lines[0]


@pytest.mark.parametrize(
    "args", [["followups"], ["contacts"], ["search", "Jane"], ["export-ics", "-o", "-"]]
)
def test_every_command_works_beside_a_misnamed_note(misnamed: Path, args: list[str]) -> None:
    result = vault_process(misnamed, *args)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "Jane" in result.stdout or "good1" in result.stdout


def test_notes_in_a_misnamed_folder_are_skipped(vault: Path, in_vault: RunVault) -> None:
    add_good_note(vault, in_vault)
    os.mkdir(os.fsencode(vault) + b"/Archiv\xfc")
    create_misnamed(vault, b"Archiv\xfc/Old.md")
    result = vault_process(vault, "check")
    assert "Traceback" not in result.stderr
    assert [line for line in result.stdout.splitlines() if "Old.md" in line] == [
        "Archiv\\xfc/Old.md: has a name that is not UTF-8, so it was skipped; "
        "rename it to have it read"
    ]
    listed = json.loads(vault_process(vault, "followups", "--json").stdout)
    assert {item["id"] for item in listed} == {"fu-good1"}


def test_watch_survives_a_misnamed_note_and_says_so_once(vault: Path, in_vault: RunVault) -> None:
    add_good_note(vault, in_vault)
    watcher = Watching(vault)
    try:
        create_misnamed(vault)
        jane = vault / "Contacts" / "Jane Doe.md"
        jane.write_text(
            jane.read_text(encoding="utf-8") + GOOD_TASK.replace("good1", "later"),
            encoding="utf-8",
        )
        watcher.wait_for_uid("fu-later")  # later changes still reach the calendar
        assert watcher.process.poll() is None
    finally:
        code, stderr = watcher.stop()
    assert code == 0, stderr
    assert "Traceback" not in stderr
    assert stderr.count(SHOWN) == 1, stderr
    assert "fu-cafe" not in watcher.calendar_text()


# --- A damaged index ------------------------------------------------------------------------

PEOPLE = 40
# Every table the commands read, but `meta`, which is read when the index is opened.
TABLES = ("files", "aliases", "problems", "people", "meetings", "tasks", "search_data")


@pytest.fixture(scope="module")
def healthy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A vault with enough notes that its index spans many pages, indexed once."""
    root = tmp_path_factory.mktemp("healthy") / "Vault"
    subprocess.run([sys.executable, "-m", "vaulttools", "init", str(root)], check=True)
    for number in range(PEOPLE):
        note = root / "Contacts" / f"Person {number}.md"
        note.parent.mkdir(exist_ok=True)
        note.write_text(
            f"---\ntype: contact\nname: Person {number}\norganisation: Org {number % 7}\n---\n"
            f"Met at the fair; works on data pipelines number {number}.\n"
            f"- [ ] Call Person {number} 📅 2026-12-{number % 28 + 1:02d} ^fu-p{number}\n",
            encoding="utf-8",
        )
    meeting = root / "Meetings" / "2026-12-01 Person 1.md"
    meeting.parent.mkdir(exist_ok=True)
    meeting.write_text(
        '---\ntype: meeting\ncontact: "[[Person 1]]"\ndate: 2026-12-01\ntime: "10:00"\n---\n',
        encoding="utf-8",
    )
    assert vault_process(root, "index").returncode == 0
    assert vault_process(root, "export-ics").returncode == 0  # the calendar's cache too
    return root


@pytest.fixture
def copy_of(healthy: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(healthy, tmp_path / "Vault", symlinks=True))


def damage(root: Path, tables: tuple[str, ...]) -> None:
    """Overwrite the first page of each table with garbage, as a bad sector would."""
    path = root / ".vaulttools" / "index.sqlite"
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # every page in the file itself
        size = connection.execute("PRAGMA page_size").fetchone()[0]
        query = f"SELECT rootpage FROM sqlite_master WHERE name IN ({','.join('?' * len(tables))})"
        pages = [row[0] for row in connection.execute(query, tables)]
    connection.close()
    assert len(pages) == len(tables) and not Path(f"{path}-wal").exists()
    with open(path, "r+b") as handle:
        for page in pages:
            handle.seek((page - 1) * size)
            handle.write(b"\xa5" * size)


def quick_check(root: Path) -> str:
    with sqlite3.connect(root / ".vaulttools" / "index.sqlite") as connection:
        answer = connection.execute("PRAGMA quick_check").fetchone()[0]
    connection.close()
    return answer


COMMANDS = [
    ["followups", "--json"],
    ["contacts", "--json"],
    ["meetings", "--json"],
    ["check"],
    ["search", "pipelines"],
    ["export-ics", "-o", "-"],
]


def assert_recovered(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "index" in lines[0] and "damaged" in lines[0] and "deleted" in lines[0]


@pytest.mark.parametrize("args", COMMANDS, ids=lambda args: args[0])
def test_every_command_rebuilds_a_damaged_index_and_answers(
    healthy: Path, copy_of: Path, args: list[str]
) -> None:
    expected = vault_process(healthy, *args)
    damage(copy_of, TABLES)
    result = vault_process(copy_of, *args)
    assert result.returncode == expected.returncode, result.stderr
    assert_recovered(result)
    assert comparable(result.stdout) == comparable(expected.stdout)
    assert quick_check(copy_of) == "ok"
    again = vault_process(copy_of, *args)
    assert again.stderr == ""  # said once, then fine
    assert comparable(again.stdout) == comparable(expected.stdout)


def comparable(output: str) -> list[str]:
    """The output without the calendar's stamps of when it was made."""
    return [line for line in output.splitlines() if not line.startswith("DTSTAMP")]


@pytest.mark.parametrize("args", [["index"], ["index", "--rebuild"]], ids=" ".join)
def test_index_rebuilds_a_damaged_index(copy_of: Path, args: list[str]) -> None:
    damage(copy_of, TABLES)
    result = vault_process(copy_of, *args)
    assert result.returncode == 0, result.stderr
    assert_recovered(result)
    assert f"Indexed {PEOPLE + 2} notes" in result.stdout
    assert quick_check(copy_of) == "ok"


def test_damage_met_only_by_the_calendar_is_rebuilt_too(healthy: Path, copy_of: Path) -> None:
    """The calendar's own cache in the index, read after the notes are synced."""
    damage(copy_of, ("calendar_components",))
    result = vault_process(copy_of, "export-ics", "-o", "-")
    assert result.returncode == 0
    assert_recovered(result)
    expected = vault_process(healthy, "export-ics", "-o", "-").stdout
    assert comparable(result.stdout) == comparable(expected)


def test_a_damaged_page_met_when_opening_is_rebuilt_too(healthy: Path, copy_of: Path) -> None:
    damage(copy_of, ("meta",))
    result = vault_process(copy_of, "followups", "--json")
    assert result.returncode == 0
    assert_recovered(result)
    assert result.stdout == vault_process(healthy, "followups", "--json").stdout


def test_a_page_damaged_in_the_middle_of_the_file(healthy: Path, copy_of: Path) -> None:
    """The damage as a bad sector leaves it: bytes in the middle of the file, not a table."""
    path = copy_of / ".vaulttools" / "index.sqlite"
    middle = path.stat().st_size // 2
    with open(path, "r+b") as handle:
        handle.seek(middle)
        handle.write(b"\x00\xff" * 2048)
    for args in (["index", "--rebuild"], ["followups", "--json"], ["check"]):
        result = vault_process(copy_of, *args)
        assert "Traceback" not in result.stderr, result.stderr
        assert result.returncode == vault_process(healthy, *args).returncode
    assert quick_check(copy_of) == "ok"


# --- A port out of range --------------------------------------------------------------------


@pytest.mark.parametrize("port", ["99999", "-1", "65536"])
@pytest.mark.parametrize("command", [["serve"], ["watch", "--serve"]], ids=" ".join)
def test_a_port_out_of_range_in_the_config_is_one_sentence(
    vault: Path, port: str, command: list[str]
) -> None:
    config = vault / ".vaulttools" / "config.toml"
    config.write_text(config.read_text().replace("port = 8765", f"port = {port}"))
    result = subprocess.run(
        [sys.executable, "-m", "vaulttools", "--vault", str(vault), *command],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "OverflowError" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "[serve]" in lines[0] and "'port'" in lines[0] and "65535" in lines[0]


@pytest.mark.parametrize("command", [["serve"], ["watch", "--serve"]], ids=" ".join)
def test_a_port_out_of_range_on_the_command_line_names_the_option(
    vault: Path, command: list[str]
) -> None:
    args = [sys.executable, "-m", "vaulttools", "--vault", str(vault), *command, "--port", "99999"]
    result = subprocess.run(args, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error")]
    assert len(errors) == 1 and "'--port'" in errors[0] and "65535" in errors[0]


# --- A note its reader may no longer open ---------------------------------------------------

# Root reads any file whatever its permissions: to see what a user's `chmod 000` means, the
# command runs without the two capabilities that let root ignore them (util-linux `setpriv`).
AS_A_USER = (
    ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--"] if os.geteuid() == 0 else []
)


def as_a_user(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [*AS_A_USER, sys.executable, "-m", "vaulttools", "--vault", str(root), *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=60)


def test_a_note_made_unreadable_after_indexing_is_reported(vault: Path, in_vault: RunVault) -> None:
    add_good_note(vault, in_vault)
    note = vault / "Contacts" / "Jane Doe.md"
    assert as_a_user(vault, "index").returncode == 0
    assert as_a_user(vault, "check").returncode == 0
    before = note.stat().st_mtime_ns
    note.chmod(0o000)
    try:
        assert note.stat().st_mtime_ns == before  # only its permissions changed
        result = as_a_user(vault, "check")
        assert result.returncode == 1, result.stdout + result.stderr
        assert "Contacts/Jane Doe.md: could not be read: Permission denied" in result.stdout
        listed = json.loads(as_a_user(vault, "followups", "--json").stdout)
        assert listed == []  # what cannot be read is not shown as if it were current
    finally:
        note.chmod(0o644)
    assert as_a_user(vault, "check").returncode == 0
    listed = json.loads(as_a_user(vault, "followups", "--json").stdout)
    assert [item["id"] for item in listed] == ["fu-good1"]


def test_root_reads_a_note_whose_permissions_changed_again(vault: Path, in_vault: RunVault) -> None:
    """The index reads a note whose permissions changed once more; what it finds there is
    up to the system: root still reads it, anyone else is refused and it is reported."""
    add_good_note(vault, in_vault)
    assert in_vault("index").exit_code == 0
    note = vault / "Contacts" / "Jane Doe.md"
    note.chmod(0o000)
    try:
        readable = os.access(note, os.R_OK)
        result = vault_process(vault, "index")
        assert "read 1," in result.stdout, result.stdout
        check = vault_process(vault, "check")
        assert ("could not be read" in check.stdout) is not readable
        listed = json.loads(vault_process(vault, "followups", "--json").stdout)
        assert bool(listed) is readable
    finally:
        note.chmod(0o644)
