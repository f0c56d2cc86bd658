"""The `vault` command: parse, call the core, print. Each module adds one family of commands."""

from __future__ import annotations

from . import (
    calendar_commands,
    index_commands,
    scaffold_commands,
    watch_commands,
    workflow_commands,
)
from .app import main, vault_cli

for _module in (
    scaffold_commands,
    index_commands,
    calendar_commands,
    workflow_commands,
    watch_commands,
):
    _module.register(vault_cli)

__all__ = ["main", "vault_cli"]
