"""The README's tour runs as written, command after command, on a fresh vault."""

from __future__ import annotations

import shlex
from pathlib import Path

from .conftest import RunVault

README = Path(__file__).resolve().parent.parent / "README.md"


def tour_commands() -> list[list[str]]:
    """The `vault …` lines of the tour's shell block, comments dropped (`watch` runs forever)."""
    block = README.read_text(encoding="utf-8").split("# 1. Find people", 1)[1].split("```", 1)[0]
    lines = [shlex.split(line, comments=True) for line in block.splitlines()]
    return [words[1:] for words in lines if words and words[0] == "vault" and words[1] != "watch"]


def test_the_tour_runs_as_written(in_vault: RunVault, auckland: Path) -> None:
    commands = tour_commands()
    assert len(commands) >= 10
    for args in commands:
        result = in_vault(*args)
        assert result.exit_code == 0, (args, result.output)
    assert (auckland / "Contacts" / "José Álvarez.md").is_file()
    meetings = list((auckland / "Meetings").iterdir())
    assert len(meetings) == 1 and "date: 2026-12-12" in meetings[0].read_text("utf-8")
