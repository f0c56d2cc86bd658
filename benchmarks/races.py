"""How many editor saves survive `vault done` racing them: a count, not a timing.

Each round makes a vault with a 2 MB contact note, then runs `vault done` on it while an
editor (a thread here) watches the note's folder and, the moment vaulttools' temporary file
appears, saves the note by temporary file and rename, as Obsidian does. Nothing holds the
race back: this is the real window, as wide as writing and syncing 2 MB makes it.

    python benchmarks/races.py                      # this checkout, its own way and the fallback
    python benchmarks/races.py --code /path/to/old  # another checkout of vaulttools, same rounds
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

TASK = "- [ ] Thank Jane \U0001f4c5 2026-12-02 ^fu-race1\n"
LOG_LINES = 41_000  # about 2 MB


def vault(code: Path, system: str | None, *args: str) -> subprocess.CompletedProcess[str]:
    forced = f"from vaulttools import platforms; platforms.current = lambda: {system!r}; "
    script = f"{forced if system else ''}from vaulttools.cli import main; main()"
    env = dict(os.environ, PYTHONPATH=str(code))
    command = [sys.executable, "-c", script, *args]
    # Run from elsewhere: the current folder comes first on sys.path and could shadow `code`.
    return subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=300, cwd=tempfile.gettempdir()
    )


def make_vault(code: Path, root: Path) -> Path:
    vault(code, None, "init", str(root))
    vault(code, None, "--vault", str(root), "new-contact", "Jane Doe")
    note = root / "Contacts" / "Jane Doe.md"
    log = "".join(f"- call {n}: talked about the programme\n" for n in range(LOG_LINES))
    note.write_text(note.read_text(encoding="utf-8") + TASK + log, encoding="utf-8")
    old = time.time() - 5
    os.utime(note, (old, old))  # settled, as a note saved a while ago is
    vault(code, None, "--vault", str(root), "index")
    return note


def editor(note: Path, before: set[str], theirs: bytes, stop: threading.Event) -> None:
    """Save by temporary file and rename as soon as any new temporary file shows up."""
    while not stop.is_set():
        if any(name.endswith(".tmp") for name in set(os.listdir(note.parent)) - before):
            break
    else:
        return
    temporary = note.with_name(".Jane Doe.md.editor")
    temporary.write_bytes(theirs)
    os.replace(temporary, note)


def one_round(code: Path, system: str | None, workdir: Path, number: int) -> tuple[bool, bool]:
    """(the editor's save survived, vault refused) for one race."""
    root = workdir / f"round {number}"
    note = make_vault(code, root)
    theirs = note.read_bytes() + f"- saved by the editor in round {number}\n".encode()
    stop = threading.Event()
    watcher = threading.Thread(
        target=editor, args=(note, set(os.listdir(note.parent)), theirs, stop)
    )
    watcher.start()
    result = vault(code, system, "--vault", str(root), "done", "fu-race1")
    stop.set()
    watcher.join()
    return note.read_bytes() == theirs, result.returncode != 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--code", type=Path, default=Path(__file__).resolve().parents[1])
    parser.add_argument("--rounds", type=int, default=10)
    options = parser.parse_args()
    print(f"{options.rounds} races of `vault done` against an editor's save, code: {options.code}")
    print(f"| {'way':<32} | survived | vault refused |")
    print(f"| {'-' * 32} | -------- | ------------- |")
    for system, label in ((None, "this system's own"), ("windows", "without an exchange")):
        if system and not (options.code / "vaulttools" / "platforms.py").exists():
            continue
        with tempfile.TemporaryDirectory() as workdir:
            results = [
                one_round(options.code, system, Path(workdir), n) for n in range(options.rounds)
            ]
        survived = sum(kept for kept, _ in results)
        refused = sum(refusal for _, refusal in results)
        rounds = options.rounds
        print(f"| {label:<32} | {survived:>4}/{rounds:<3} | {refused:>7}/{rounds:<5} |")


if __name__ == "__main__":
    main()
