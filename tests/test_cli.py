"""The command group itself: lazy command modules, help everywhere, one-sentence errors."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import click
import pytest

from vaulttools.cli import MODULES, vault_cli

from .conftest import RunVault


@pytest.mark.parametrize("module", sorted(MODULES))
def test_declared_commands_are_the_ones_each_module_adds(module: str) -> None:
    group = click.Group()
    importlib.import_module(f"vaulttools.cli.{module}").register(group)
    assert set(group.commands) == set(MODULES[module])


def test_every_command_has_help(run: RunVault) -> None:
    names = vault_cli.list_commands(click.Context(vault_cli))
    assert len(names) == sum(len(commands) for commands in MODULES.values())
    for name in names:
        result = run(name, "--help")
        assert result.exit_code == 0, name
        command = vault_cli.get_command(click.Context(vault_cli), name)
        assert command is not None and command.help, f"{name} has no help text"


def test_a_quick_command_imports_no_other_command_module() -> None:
    code = (
        "import sys\n"
        "from vaulttools.cli import vault_cli\n"
        "vault_cli.get_command(None, 'followups')\n"
        "print(sorted(m for m in sys.modules if m.startswith('vaulttools.cli.')))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert "index_commands" in loaded.stdout
    for other in ("calendar_commands", "workflow_commands", "watch_commands", "scaffold_commands"):
        assert other not in loaded.stdout


def test_an_unknown_command_is_a_usage_error(run: RunVault) -> None:
    result = run("frobnicate")
    assert result.exit_code == 2
    assert "No such command" in result.output


def test_a_closed_pipe_ends_quietly(tmp_path: Path, run: RunVault) -> None:
    root = tmp_path / "v"
    run("init", root)
    tasks = "".join(f"- [ ] Call about topic {n} 📅 2026-12-01\n" for n in range(200))
    for number in range(20):  # some 4,000 lines: more than a pipe holds
        (root / "Contacts" / f"P{number}.md").write_text(
            f"---\ntype: contact\n---\n{tasks}", encoding="utf-8"
        )
    listing = subprocess.Popen(
        [sys.executable, "-m", "vaulttools", "--vault", str(root), "followups"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert listing.stdout is not None and listing.stderr is not None
    listing.stdout.readline()
    listing.stdout.close()  # what `| head -1` does
    stderr = listing.stderr.read().decode()
    listing.wait(timeout=30)
    assert stderr == ""
    assert listing.returncode == 141
