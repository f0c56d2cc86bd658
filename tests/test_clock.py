"""The vault's own time zone decides what "today" is, for every command."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import tomllib
from pathlib import Path
from zoneinfo import ZoneInfo

import frontmatter
import pytest

from .conftest import RunVault, set_timezone

TODAY_IN_AUCKLAND = "2026-11-30"  # while the computer (UTC) still says 2026-11-29


def test_init_writes_this_computers_time_zone(tmp_path: Path) -> None:
    env = {**os.environ, "TZ": "America/New_York"}
    command = [sys.executable, "-m", "vaulttools", "init", str(tmp_path / "v")]
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    config = tomllib.loads((tmp_path / "v" / ".vaulttools" / "config.toml").read_text("utf-8"))
    assert config["timezone"] == "America/New_York"


def test_today_is_the_vaults_date(in_vault: RunVault, auckland: Path) -> None:
    in_vault("new-contact", "Jane Doe")
    result = in_vault("new-meeting", "Jane Doe", "--date", "today")
    assert result.exit_code == 0, result.output
    assert Path(result.stdout.strip()).name == f"{TODAY_IN_AUCKLAND} Jane Doe.md"
    assert frontmatter.load(auckland / "Contacts" / "Jane Doe.md")["created"].isoformat() == (
        TODAY_IN_AUCKLAND
    )


def test_overdue_and_done_follow_the_vaults_date(in_vault: RunVault, auckland: Path) -> None:
    note = auckland / "Contacts" / "Jane Doe.md"
    in_vault("new-contact", "Jane Doe")
    with note.open("a", encoding="utf-8") as handle:
        handle.write("- [ ] Send my CV 📅 2026-11-29 ^fu-cv\n")
    overdue = in_vault("followups", "--overdue")
    assert "Send my CV" in overdue.stdout  # due yesterday in Auckland
    assert in_vault("done", "fu-cv").exit_code == 0
    assert f"- [x] Send my CV 📅 2026-11-29 ✅ {TODAY_IN_AUCKLAND} ^fu-cv" in note.read_text(
        "utf-8"
    )


def test_a_frozen_now_that_is_no_date_is_one_sentence(
    in_vault: RunVault, auckland: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VAULTTOOLS_NOW", "yesterday-ish")
    result = in_vault("followups")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "VAULTTOOLS_NOW" in result.stderr


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago"])  # UTC+14, UTC-11
def test_a_vault_without_a_zone_lives_on_this_computers_date(vault: Path, zone: str) -> None:
    """No `timezone` and no frozen clock: today is the computer's date, in its own zone."""
    set_timezone(vault, "")
    env = {key: value for key, value in os.environ.items() if key != "VAULTTOOLS_NOW"}
    command = [sys.executable, "-m", "vaulttools", "--vault", str(vault)]
    subprocess.run([*command, "new-contact", "Jane Doe"], env=env, check=True)
    dates_then = {dt.datetime.now(ZoneInfo(zone)).date().isoformat()}
    result = subprocess.run(
        [*command, "new-meeting", "Jane Doe", "--date", "today"],
        env={**env, "TZ": zone},
        capture_output=True,
        text=True,
        check=False,
    )
    dates_then.add(dt.datetime.now(ZoneInfo(zone)).date().isoformat())  # midnight may pass
    assert result.returncode == 0, result.stderr
    assert Path(result.stdout.strip()).name in {f"{day} Jane Doe.md" for day in dates_then}
