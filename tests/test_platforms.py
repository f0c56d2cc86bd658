"""The core paths give the same results down each operating system's branch.

`vaulttools.platforms.current` is the one place that asks which system this is. Forcing it
to Windows and macOS runs their branches here: file operations, and no probing of other
processes' ids on Windows. A cold index reads with a helper process on every system.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import icalendar
import pytest

from vaulttools import platforms
from vaulttools.helper import Helper
from vaulttools.index import workers

from .conftest import RunVault

SYSTEMS = ("linux", "macos", "windows")


@pytest.fixture(params=SYSTEMS)
def system(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Take `system`'s branches."""
    monkeypatch.setattr(platforms, "current", lambda: request.param)
    monkeypatch.setattr(workers, "PARALLEL_MIN", 1)  # the smallest index uses a helper
    return request.param


def core_paths(run: RunVault, root: Path) -> dict[str, Any]:
    """init, new-contact, new-meeting, index, followups, done, export-ics, as a user runs them."""

    def ok(*args: str | Path) -> str:
        result = run("--vault", root, *args) if args[0] != "init" else run(*args)
        assert result.exit_code == 0, result.output
        return result.output

    ok("init", root)
    ok("new-contact", "Jane Doe", "--org", "Acme Ltd", "--role", "Data Engineer")
    ok("new-meeting", "Jane Doe", "--date", "2030-03-04", "--time", "10:00")
    ok("index")
    followups = json.loads(ok("followups", "--json"))
    ok("done", followups[0]["id"])
    after = json.loads(ok("followups", "--all", "--json"))
    calendar = icalendar.Calendar.from_ical(
        run("--vault", root, "export-ics", "-o", "-").stdout_bytes
    )
    return {
        "followups": [(f["text"], f["due"], f["done"]) for f in after],
        "events": sorted(str(e["SUMMARY"]) for e in calendar.walk("VEVENT")),
        "contacts": [(c["name"], c["status"]) for c in json.loads(ok("contacts", "--json"))],
    }


def test_core_paths_on_each_system(
    system: str, tmp_path: Path, run: RunVault, monkeypatch: pytest.MonkeyPatch
) -> None:
    helpers: list[Helper | None] = []
    real = workers.start_helper

    def recording() -> Helper | None:
        helpers.append(real())
        return helpers[-1]

    monkeypatch.setattr(workers, "start_helper", recording)
    results = core_paths(run, tmp_path / "vault")
    assert helpers and all(helper is not None for helper in helpers)  # the index used one
    assert all(helper.process.returncode is not None for helper in helpers if helper)

    monkeypatch.setattr(platforms, "current", lambda: "linux")
    monkeypatch.setenv("VAULTTOOLS_WORKERS", "1")
    assert results == core_paths(run, tmp_path / "reference")  # as on Linux, in one process
    done = [f for f in results["followups"] if f[2]]
    assert len(done) == 1 and len(results["followups"]) > 1
    assert results["events"] and results["contacts"] == [("Jane Doe", "scheduled")]


def test_a_dead_writers_temporary_file_is_kept_only_on_windows(
    system: str, tmp_path: Path, run: RunVault
) -> None:
    """Windows has no harmless way to ask whether a process id is alive: leave the file."""
    root = tmp_path / "vault"
    assert run("init", root).exit_code == 0
    litter = root / ".vaulttools" / ".vaulttools-999999999-a1.tmp"  # no such process
    litter.write_text("half a calendar")
    assert run("--vault", root, "export-ics").exit_code == 0
    assert litter.exists() == (system == "windows")
