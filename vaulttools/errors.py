"""One hierarchy of user-facing errors; the CLI turns each into one sentence and an exit code."""

from __future__ import annotations


class VaultError(Exception):
    """A problem the user can fix; its message is one sentence."""

    exit_code = 1


class UsageError(VaultError):
    """The command was called with values that make no sense."""

    exit_code = 2


class NoVaultError(VaultError):
    pass


class NoteExistsError(VaultError):
    pass


class NoSuchNoteError(VaultError):
    pass


class TemplateError(VaultError):
    pass


class ConfigError(VaultError):
    pass


class ConflictError(VaultError):
    """A note changed on disk between reading and writing it; nothing was written."""
