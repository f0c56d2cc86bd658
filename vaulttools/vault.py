"""The vault on disk: find it, list its notes, create and replace files safely."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from .config import CONFIG_DIR, Config, load_config
from .errors import ConfigError, NoVaultError
from .ownfiles import LOCK_FILE, refuse_symlink, vault_lock
from .writes import (
    TEMP_PREFIX,
    create_exclusive,
    is_orphan,
    prepare_edit,
    read_settled,
    replace_exactly,
    write_atomic,
)

__all__ = [
    "Snapshot",
    "Vault",
    "check_config_paths",
    "create_exclusive",
    "find_vault_root",
    "is_hidden",
    "iter_markdown",
    "write_atomic",
]


class Vault(NamedTuple):
    root: Path
    config: Config

    @classmethod
    def open(cls, root: Path) -> Vault:
        refuse_symlink(root / CONFIG_DIR)
        config = load_config(root)
        check_config_paths(root, config)
        return cls(root, config)

    @property
    def state_dir(self) -> Path:
        return self.root / CONFIG_DIR

    def lock(self) -> contextlib.AbstractContextManager[None]:
        """The vault's lock, held from a last check to the write that check allows."""
        return _lock_in(self.state_dir)

    def path(self, relative: str) -> Path:
        return self.root / relative

    def relative(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()


def find_vault_root(explicit: str | None, env: str | None, cwd: Path) -> Path:
    """`--vault`, else `$VAULT_DIR`, else the nearest folder above `cwd` holding `.vaulttools/`."""
    for given, source in ((explicit, "--vault"), (env, "VAULT_DIR")):
        if given:
            root = Path(given).expanduser()
            if not (root / CONFIG_DIR).is_dir():
                raise NoVaultError(_not_a_vault(root, source))
            return root.resolve()
    for folder in (cwd, *cwd.parents):
        if (folder / CONFIG_DIR).is_dir():
            return folder
    raise NoVaultError(
        "No vault here: run 'vault init' in your vault folder, or pass --vault PATH."
    )


def _not_a_vault(root: Path, source: str) -> str:
    """Why `root` is no vault, and what to do: never advice to make a vault inside a vault."""
    resolved = root.resolve()
    enclosing = next((f for f in resolved.parents if (f / CONFIG_DIR).is_dir()), None)
    if enclosing is not None:
        return f"{root} (from {source}) is a folder inside the vault {enclosing}: use that."
    return f"{root} (from {source}) is not a vault: run 'vault init {root}' first."


def is_hidden(relative: str) -> bool:
    """Hidden folders (.obsidian, .trash, .git, .vaulttools) and files are not notes."""
    return any(part.startswith(".") for part in relative.split("/"))


def is_misnamed(path: str) -> bool:
    """Is this a name whose bytes are not UTF-8 (which `os` hands over as lone surrogates)?

    Such a name cannot be stored, compared or shown as text: the index skips it and names it.
    """
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def iter_markdown(root: Path) -> Iterator[tuple[str, os.stat_result]]:
    """(relative path, stat) of every regular .md file, outside hidden folders.

    Symlinked folders are not followed, so a link loop cannot trap the walk; a file that
    vanishes while we look is skipped. Temporary files that killed vaulttools processes left
    behind are deleted on the way.
    """
    stack = [(root, "")]
    while stack:
        folder, prefix = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if entry.name.startswith("."):
                if entry.name.startswith(TEMP_PREFIX) and is_orphan(entry.name):
                    Path(entry.path).unlink(missing_ok=True)
                continue
            relative = prefix + entry.name
            try:
                if entry.is_dir(follow_symlinks=False):
                    stack.append((Path(entry.path), relative + "/"))
                elif entry.name.endswith(".md") and entry.is_file(follow_symlinks=False):
                    yield relative, entry.stat(follow_symlinks=False)
            except OSError:
                continue


class Snapshot(NamedTuple):
    """A note's bytes as read, so that an edit lands only in place of exactly those bytes.

    `lock_dir` (the vault's `.vaulttools/`) holds the lock that keeps two vaulttools commands
    from editing at once; the swap in `replace_exactly` keeps every other program's save.
    """

    path: Path
    data: bytes
    lock_dir: Path | None = None

    LOCK_FILE = LOCK_FILE

    @classmethod
    def read(cls, path: Path, lock_dir: Path | None = None) -> Snapshot:
        """The note's bytes, once no other program is in the middle of writing it."""
        return cls(path, read_settled(path), lock_dir)

    def replace(self, data: bytes) -> None:
        """Write `data` over the note, unless it changed on disk since it was read."""
        temporary = prepare_edit(self.path, data)  # before the lock: the slow part
        try:
            with self._locked():
                replace_exactly(self.path, temporary, self.data)
        finally:
            temporary.unlink(missing_ok=True)

    def _locked(self) -> contextlib.AbstractContextManager[None]:
        return _lock_in(self.lock_dir)


def _lock_in(state_dir: Path | None) -> contextlib.AbstractContextManager[None]:
    if state_dir is None or not state_dir.is_dir():
        return contextlib.nullcontext()  # a bare folder of notes: nothing to share a lock
    return vault_lock(state_dir)


# Paths named in config.toml, and whether each names a file or a folder of notes.
_PATH_SETTINGS = {
    "index_note": "file",
    "calendar.path": "file",
    "folders.contacts": "notes",
    "folders.meetings": "notes",
    "folders.organisations": "notes",
    "folders.templates": "folder",
}


def check_config_paths(root: Path, config: Config) -> None:
    """Every path in config.toml leads inside the vault once links are followed, or stop.

    A folder of notes must also be one the index reads (not hidden), so that a note is
    created where it is read.
    """
    real_root = root.resolve()
    for setting, kind in _PATH_SETTINGS.items():
        value = _setting(config, setting)
        try:
            real = (root / value).resolve()
        except (OSError, RuntimeError) as error:  # a loop of links
            raise ConfigError(
                f"{setting} = {value!r} in config.toml cannot be followed."
            ) from error
        if real != real_root and real_root not in real.parents:
            raise ConfigError(
                f"{setting} = {value!r} in config.toml leads outside the vault; "
                "use a path inside it."
            )
        _check_kind(setting, value, kind, real.relative_to(real_root).as_posix())


def _check_kind(setting: str, value: str, kind: str, relative: str) -> None:
    if kind == "file" and relative == ".":
        raise ConfigError(f"{setting} in config.toml must name a file inside the vault.")
    if kind == "notes" and relative != "." and is_hidden(relative):
        raise ConfigError(
            f"{setting} = {value!r} in config.toml is a hidden folder, which vaulttools "
            "does not read; use a visible one."
        )


def _setting(config: Config, dotted: str) -> str:
    value: object = config
    for part in dotted.split("."):
        value = getattr(value, part)
    return str(value)
