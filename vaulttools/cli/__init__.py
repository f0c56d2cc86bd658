"""The `vault` command: parse, call the core, print. Each module adds one family of commands.

A module is imported only when one of its commands runs (or all are listed), so that a
quick command such as `vault followups` starts without the others' imports.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from .app import main, vault_cli

# Each module and the commands it adds (a test keeps this in step with the modules).
MODULES: dict[str, tuple[str, ...]] = {
    "scaffold_commands": ("init", "new-contact", "new-meeting", "new-org"),
    "index_commands": ("index", "contacts", "meetings", "followups", "search", "check"),
    "calendar_commands": ("export-ics", "serve"),
    "workflow_commands": (
        "contacted",
        "reschedule",
        "cancel",
        "done",
        "snooze",
        "status",
        "referrals",
        "draft",
        "report",
    ),
    "watch_commands": ("watch",),
    "import_commands": ("import", "export"),
    "caldav_commands": ("caldav",),
}


def _registration(module: str) -> Callable[[], None]:
    def register() -> None:
        importlib.import_module(f"{__name__}.{module}").register(vault_cli)

    return register


for _module, _commands in MODULES.items():
    vault_cli.add_module(_module, _registration(_module), _commands)

__all__ = ["main", "vault_cli"]
