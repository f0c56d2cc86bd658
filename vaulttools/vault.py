"""The vault on disk: find it, list its notes, create and replace files safely."""

from __future__ import annotations

import contextlib
import glob
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .config import CONFIG_DIR, Config, load_config
from .errors import ConflictError, NoteExistsError, NoVaultError, VaultError


@dataclass(frozen=True)
class Vault:
    root: Path
    config: Config

    @classmethod
    def open(cls, root: Path) -> Vault:
        return cls(root, load_config(root))

    @property
    def state_dir(self) -> Path:
        return self.root / CONFIG_DIR

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
                raise NoVaultError(
                    f"{root} (from {source}) is not a vault: run 'vault init {root}' first."
                )
            return root.resolve()
    for folder in (cwd, *cwd.parents):
        if (folder / CONFIG_DIR).is_dir():
            return folder
    raise NoVaultError(
        "No vault here: run 'vault init' in your vault folder, or pass --vault PATH."
    )


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
    vanishes while we look is skipped.
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
                continue
            relative = prefix + entry.name
            try:
                if entry.is_dir(follow_symlinks=False):
                    stack.append((Path(entry.path), relative + "/"))
                elif entry.name.endswith(".md") and entry.is_file(follow_symlinks=False):
                    yield relative, entry.stat(follow_symlinks=False)
            except OSError:
                continue


def create_exclusive(path: Path, text: str) -> None:
    """Write a new file; never replace one that exists."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(path, "x", encoding="utf-8", newline="") as handle:
            handle.write(text)
    except FileExistsError as error:
        raise NoteExistsError(f"{path} already exists; it was left as it was.") from error
    except OSError as error:
        raise VaultError(f"Could not create {path}: {error.strerror}.") from error


def write_atomic(path: Path, data: bytes) -> None:
    """Replace a file in one step: readers see the old or the new content, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_orphaned_temporaries(path)
    import tempfile  # here, not at the top: commands that only read start quicker without it

    prefix = f".{path.name}.{os.getpid()}."
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=prefix, suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if path.exists():
            os.chmod(temporary, path.stat().st_mode & 0o777)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def remove_orphaned_temporaries(path: Path) -> None:
    """Delete temporary files that a killed writer of `path` left behind.

    A temporary's name carries its writer's process id; one whose writer is gone is litter.
    """
    for temporary in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        writer = temporary.name[len(path.name) + 2 :].split(".", 1)[0]
        if writer.isdigit() and not _process_alive(int(writer)):
            temporary.unlink(missing_ok=True)


def _process_alive(pid: int) -> bool:
    from . import platforms

    if platforms.current() == "windows":
        return True  # os.kill(pid, 0) would terminate it there; leave the file be
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, but someone else's
    return True


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write an output only when its bytes differ; True when it was written."""
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    write_atomic(path, data)
    return True


@dataclass(frozen=True)
class Snapshot:
    """A note's bytes as read, to check that nobody changed it before we write.

    `lock_dir` (the vault's `.vaulttools/`) holds a lock file that serialises the check and the
    write across vaulttools processes, so two `vault done` on one note cannot both pass the
    check: the second sees the first one's change and refuses.
    """

    path: Path
    data: bytes
    lock_dir: Path | None = None

    LOCK_FILE = "edit.lock"

    @classmethod
    def read(cls, path: Path, lock_dir: Path | None = None) -> Snapshot:
        return cls(path, path.read_bytes(), lock_dir)

    def replace(self, data: bytes) -> None:
        """Write `data` over the note, unless it changed on disk since it was read."""
        with self._locked():
            try:
                current = self.path.read_bytes()
            except FileNotFoundError as error:
                raise ConflictError(
                    f"{self.path} was deleted meanwhile; nothing was written."
                ) from error
            if current != self.data:
                raise ConflictError(
                    f"{self.path} changed while vaulttools was editing it; nothing was "
                    "written (run the command again to edit the new version)."
                )
            write_atomic(self.path, data)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """Hold the vault's edit lock; where the platform has no `flock`, go without it."""
        if self.lock_dir is None or not self.lock_dir.is_dir():
            yield
            return
        try:
            import fcntl
        except ImportError:  # Windows: the check still runs, only the window is not closed
            yield
            return
        with open(self.lock_dir / self.LOCK_FILE, "a+b") as handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
