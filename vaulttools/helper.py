"""A helper process that works through a batch from its end while this process works from
its front: a second CPU for CPU-bound Python (a cold index's notes, a feed's components).

The helper is a fresh interpreter, `python -S -m MODULE`, that imports only what the work
needs: never a copy of this process with its open database and threads, nor the command
line. It is started before it is given the batch, so that its start overlaps this process's
own work. It works the batch from the back in chunks and hands each chunk back as soon as it
is done; this process works from the front and stops where they meet, so both finish
together however late the helper starts or however busy the machine is. Whatever the helper
did not hand back, this process does. `VAULTTOOLS_WORKERS=1` turns helpers off.

This module is both sides: `start` and `Helper` for the parent, `received` and `hand_back`
for the helper's MODULE.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported when a helper starts: most commands start none
    import subprocess
    import threading

Chunk = tuple[int, int, Any]  # [first, end) of the batch, and what the helper made of it


def command_for(module: str) -> tuple[str, ...]:
    """`python -S -m MODULE`: without `site`, whose start-up hooks (other packages' `.pth`
    files) cost every interpreter 10-15 ms; `start` gives it this process's import path."""
    return (sys.executable or "", "-S", "-m", module)


def start(command: Sequence[str]) -> Helper | None:
    """A helper process running `command`; None where a helper does not pay (one CPU,
    `VAULTTOOLS_WORKERS=1`), where there is no interpreter to start, or it cannot start."""
    helps = (os.cpu_count() or 1) > 1 and os.environ.get("VAULTTOOLS_WORKERS") != "1"
    if not (helps and command[0]):
        return None
    import subprocess

    try:
        process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "PYTHONPATH": _import_path()},
        )
    except (OSError, ValueError):
        return None
    return Helper(process)


def _import_path() -> str:
    """This process's import path, for a helper started without `site`: the folder holding
    this package first, since an editable install finds it through a hook `site` installs."""
    home = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    return os.pathsep.join([home, *(entry for entry in sys.path if entry)])


class Helper:
    """The parent's side: `low` is the first item of the batch the helper handed back, with
    every later one; a thread feeds it the batch and collects its chunks."""

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        self.process = process
        self.chunks: list[Chunk] = []
        self.low = 0
        self.thread: threading.Thread | None = None

    def give(self, batch: Any, size: int) -> None:
        """Send the batch (pickled) of `size` items; until a chunk comes back, `low` is `size`."""
        import threading

        self.low = size
        self.thread = threading.Thread(target=self._talk, args=(batch,), daemon=True)
        self.thread.start()

    def _talk(self, batch: Any) -> None:
        import pickle

        stdin, stdout = self.process.stdin, self.process.stdout
        assert stdin is not None and stdout is not None
        try:
            with stdin:
                pickle.dump(batch, stdin, protocol=pickle.HIGHEST_PROTOCOL)
            self._collect(stdout)
        except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError):
            return  # stopped, or it failed: the parent does what it did not hand back

    def _collect(self, stdout: IO[bytes]) -> None:
        import pickle

        while True:
            first, end, result = pickle.load(stdout)
            if not 0 <= first < end == self.low:
                return  # not the next chunk from the back: nothing more is taken from it
            self.chunks.append((first, end, result))
            self.low = first  # after the chunk: what is at `low` and beyond is there
            if first == 0:
                return  # the whole batch is back

    def wait(self, seconds: float) -> None:
        """Until the helper handed back the whole batch, or failed, or `seconds` passed."""
        if self.thread is not None:
            self.thread.join(seconds)

    def stop(self) -> list[Chunk]:
        """End the helper (what it works on now is not needed); the chunks it handed back,
        from the front of the batch on."""
        if self.process.returncode is None:
            self.process.kill()
            if self.thread is not None:
                self.thread.join()
            self.process.wait()
            for stream in (self.process.stdin, self.process.stdout):
                if stream is not None:
                    stream.close()
        return sorted(self.chunks, key=lambda chunk: chunk[0])


def by_item(chunks: Sequence[Chunk]) -> dict[int, Any]:
    """Chunks whose results are lists, one entry per item, as {item number: entry}."""
    return {
        first + offset: entry for first, _, result in chunks for offset, entry in enumerate(result)
    }


# The helper's side.


def received() -> Any:
    """The batch the parent gives (read once, after the helper's imports). From here on the
    helper collects garbage as seldom as the parent does."""
    import pickle

    from .collection import collect_less

    collect_less()
    return pickle.load(sys.stdin.buffer)


def hand_back(size: int, work: Callable[[int, int], Any], chunk: int) -> None:
    """Work items [first, end) from the back of a batch of `size`, one chunk at a time,
    handing each chunk back as soon as it is done, until the parent stops this process."""
    import pickle

    out = sys.stdout.buffer
    for end in range(size, 0, -chunk):
        first = max(0, end - chunk)
        pickle.dump((first, end, work(first, end)), out, protocol=pickle.HIGHEST_PROTOCOL)
        out.flush()
