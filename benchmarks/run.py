"""Run every benchmark in this folder (`bench_*.py`), one after another; each prints its table.

    python benchmarks/run.py [--large]

Arguments are passed on to every benchmark that accepts them (`--large` to the index
benchmark adds a 50,000-note vault). Exits 1 when any benchmark reports a missed target.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def accepts(script: Path, argument: str) -> bool:
    """Whether a benchmark mentions an option in its source, so it is safe to pass it on."""
    return argument.split("=", 1)[0] in script.read_text(encoding="utf-8")


def main() -> int:
    failed = []
    for script in sorted(HERE.glob("bench_*.py")):
        arguments = [arg for arg in sys.argv[1:] if accepts(script, arg)]
        print(f"== {script.name} {' '.join(arguments)}".rstrip(), flush=True)
        if subprocess.run([sys.executable, str(script), *arguments]).returncode != 0:
            failed.append(script.name)
        print(flush=True)
    if failed:
        print(f"Missed targets in: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
