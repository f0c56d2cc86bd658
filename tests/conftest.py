"""Fixtures shared by the CLI tests: a runner for `vault` and a fresh vault on disk."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from vaulttools.cli import vault_cli

from .vaultbuilders import TODAY

RunVault = Callable[..., Result]


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch) -> RunVault:
    """Run `vault ARGS...` in-process; the exit code and both streams are on the result."""
    monkeypatch.delenv("VAULT_DIR", raising=False)

    def invoke(*args: str | Path, input: str | None = None) -> Result:
        return CliRunner().invoke(vault_cli, [str(a) for a in args], input=input)

    return invoke


@pytest.fixture
def vault(tmp_path: Path, run: RunVault) -> Path:
    """An empty vault made by `vault init`, whose path has a space like many real ones."""
    root = tmp_path / "My Vault"
    result = run("init", root)
    assert result.exit_code == 0, result.output
    return root


@pytest.fixture
def in_vault(vault: Path, run: RunVault) -> RunVault:
    """Run `vault --vault <the vault> ARGS...`."""

    def invoke(*args: str | Path, input: str | None = None) -> Result:
        return run("--vault", vault, *args, input=input)

    return invoke


# The computer's clock says 29 November (UTC); the vault is in Auckland, already 30 November.
FROZEN_NOW = "2026-11-29T16:36:00Z"
VAULT_ZONE = "Pacific/Auckland"


@pytest.fixture
def auckland(vault: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The vault, set in Auckland, with "now" frozen where its date is a day ahead of UTC's."""
    set_timezone(vault, VAULT_ZONE)
    monkeypatch.setenv("VAULTTOOLS_NOW", FROZEN_NOW)
    return vault


def set_timezone(vault: Path, zone: str) -> None:
    """Set the vault's `timezone` setting, whatever `vault init` wrote there."""
    config = vault / ".vaulttools" / "config.toml"
    text = re.sub(
        r'^timezone = ".*"$', f'timezone = "{zone}"', config.read_text("utf-8"), flags=re.M
    )
    config.write_text(text, encoding="utf-8")


@pytest.fixture
def frozen_today(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every command's "now" at noon of the day the tests' dates were counted from
    (`vaultbuilders.TODAY`), so that a run crossing midnight still agrees with them."""
    monkeypatch.setenv("VAULTTOOLS_NOW", f"{TODAY.isoformat()}T12:00:00")
