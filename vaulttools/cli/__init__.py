"""The `vault` command: parse, call the core, print. Each module adds one family of commands."""

from __future__ import annotations

from . import scaffold_commands
from .app import main, vault_cli

scaffold_commands.register(vault_cli)

__all__ = ["main", "vault_cli"]
