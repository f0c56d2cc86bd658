"""The `vault` command: parse, call the core, print. Each module adds one family of commands.

A module is imported only when one of its commands runs (or all are listed), so that a
quick command such as `vault followups` starts without the others' imports.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from .app import main, vault_cli

# Modules in the order their commands are listed; the names of commands that should not
# wait for every other module to be imported.
_MODULES: dict[str, tuple[str, ...]] = {
    "scaffold_commands": (),
    "index_commands": ("index", "contacts", "meetings", "followups", "search", "check"),
    "calendar_commands": (),
    "workflow_commands": (),
    "watch_commands": (),
}


def _registration(module: str) -> Callable[[], None]:
    def register() -> None:
        importlib.import_module(f"{__name__}.{module}").register(vault_cli)

    return register


for _module, _commands in _MODULES.items():
    vault_cli.add_module(_module, _registration(_module), _commands)

__all__ = ["main", "vault_cli"]
