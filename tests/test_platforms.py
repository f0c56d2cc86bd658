"""The core paths give the same results down each operating system's branch.

`vaulttools.platforms.current` is the one place that asks which system this is. Forcing it
to Windows and macOS runs their branches here: a worker process started with `spawn` (and
`forkserver` on Linux) for a cold index, and no probing of other processes' ids on Windows.
"""

from __future__ import annotations

import json
import multiprocessing
from pathlib import Path
from typing import Any

import icalendar
import pytest

from vaulttools import platforms
from vaulttools.index import workers

from .conftest import RunVault

START_METHODS = {"windows": "spawn", "macos": "spawn", "linux": "forkserver"}


@pytest.fixture(params=sorted(START_METHODS))
def system(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Take `system`'s branches, and record how worker processes are started."""
    monkeypatch.setattr(platforms, "current", lambda: request.param)
    monkeypatch.setattr(workers, "PARALLEL_MIN", 1)  # the smallest index uses a worker
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
    methods: list[str] = []
    real = multiprocessing.get_context

    def recording(method: str | None = None) -> Any:
        methods.append(method or "")
        return real(method)

    monkeypatch.setattr(multiprocessing, "get_context", recording)
    results = core_paths(run, tmp_path / "vault")
    assert methods and set(methods) == {START_METHODS[system]}  # the index used a worker

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
