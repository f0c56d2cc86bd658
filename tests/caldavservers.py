"""Real CalDAV servers (Radicale, Xandikos) started on 127.0.0.1 for the tests, and stopped.

Both are pip packages in the test extra, so they are always there: a missing one fails.
"""

from __future__ import annotations

import atexit
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

USER, PASSWORD = "student", "correct horse battery"
START_SECONDS = 30.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    """Until the server accepts connections; a bounded loop, failing with the server's log."""
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"The server exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError(f"The server did not listen within {START_SECONDS} s.")


@dataclass
class Server:
    """A CalDAV server process; `stop` and `start` again keep its data and its port."""

    name: str
    folder: Path
    port: int
    command: list[str]
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def start(self) -> None:
        log = self.folder / "server.log"
        with open(log, "ab") as output:
            self.process = subprocess.Popen(
                self.command, stdout=output, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
            )
        wait_for_port(self.port, self.process, log)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


def storage_folder(folder: Path) -> Path:
    """Where a server keeps its items: in memory where the system offers it, since Radicale
    syncs every item it stores to disk and a thousand of them would take minutes there."""
    memory = Path("/dev/shm")
    if not (memory.is_dir() and os.access(memory, os.W_OK)):
        return folder
    made = Path(tempfile.mkdtemp(prefix="vaulttools-caldav-", dir=memory))
    atexit.register(shutil.rmtree, made, True)
    return made


def radicale(folder: Path) -> Server:
    """Radicale with htpasswd authentication, the password stored as a bcrypt hash."""
    import bcrypt

    folder.mkdir(parents=True, exist_ok=True)
    hashed = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(rounds=4)).decode()
    (folder / "users").write_text(f"{USER}:{hashed}\n")
    port = free_port()
    (folder / "config").write_text(
        "[server]\n"
        f"hosts = 127.0.0.1:{port}\n"
        "[auth]\n"
        "type = htpasswd\n"
        f"htpasswd_filename = {folder / 'users'}\n"
        "htpasswd_encryption = bcrypt\n"
        "delay = 0\n"
        "[storage]\n"
        f"filesystem_folder = {storage_folder(folder) / 'collections'}\n"
        # Its cache checked by mtime and size, not by hashing every item on every new item.
        "use_mtime_and_size_for_item_cache = True\n"
        "[logging]\n"
        "level = warning\n"
    )
    command = [sys.executable, "-m", "radicale", "--config", str(folder / "config")]
    return Server("radicale", folder, port, command)


def xandikos(folder: Path) -> Server:
    """Xandikos with its default principal (/user/); it asks for no password."""
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "xandikos",
        "serve",
        "--defaults",
        "-d",
        str(folder / "data"),
        "-l",
        "127.0.0.1",
        "-p",
        str(port),
        "--state-dir",
        str(folder / "state"),
        "--no-detect-systemd",
    ]
    return Server("xandikos", folder, port, command)
