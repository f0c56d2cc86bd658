"""Index speed on generated vaults, against a plain read-and-parse loop measured in the same run.

Run: python benchmarks/bench_index.py [--large] [--runs N] [--keep DIR]
Prints one table per vault size (10,000 notes; with --large also 50,000) and exits 1 when
a target is missed:

  cold `vault index`          <= 1.5 x baseline (also shown in one process, without the
                              second reader it starts on a machine with several CPUs)
  no-change `vault index`     <= 0.25 x baseline
  `vault followups` process   < 0.2 s
  peak memory (cold index)    < 150 MB

The baseline is a Python loop, timed inside its process, that reads every note and parses
it with python-frontmatter (PyYAML's C loader). Every `vault` time is a whole process,
start-up included. Each time is the best of several rounds, and "x baseline" divides best
times (the verdict uses it). "per round" is the median of the ratios within each round, where
the baseline and the command ran moments apart: on a shared machine whose speed drifts, it is
the steadier of the two; "spread" is the lowest and highest of those ratios. Byte code is
cached (in a temporary folder), as in any installed copy.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate

COLD_LIMIT = 1.5
NO_CHANGE_LIMIT = 0.25
FOLLOWUPS_SECONDS = 0.2
MEMORY_MB = 150

BASELINE = r"""
import os, sys, time, frontmatter, yaml
from frontmatter.default_handlers import YAMLHandler

class CLoaderHandler(YAMLHandler):  # python-frontmatter with PyYAML's C loader, as vaulttools
    def load(self, fm, **kwargs):
        return super().load(fm, Loader=yaml.CSafeLoader)

handler = CLoaderHandler()
root = sys.argv[1]
started = time.perf_counter()
count = 0
for folder, dirs, files in os.walk(root):
    dirs[:] = [d for d in dirs if not d.startswith(".")]
    for name in files:
        if not name.endswith(".md"):
            continue
        with open(os.path.join(folder, name), encoding="utf-8", errors="replace") as f:
            text = f.read()
        count += 1
        try:
            frontmatter.parse(text, handler=handler)
        except (yaml.YAMLError, ValueError):
            pass
print(time.perf_counter() - started, count)
"""

PEAK_MEMORY = r"""
import resource, subprocess, sys
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


@dataclass(frozen=True)
class Row:
    label: str
    seconds: float | None
    ratio: float | None  # best time over best baseline
    round_ratio: float | None  # median over rounds of time over that round's baseline
    spread: tuple[float, float] | None  # lowest and highest of those per-round ratios
    target: str
    ok: bool
    shown: str = ""


def environment(pycache: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "PYTHONPYCACHEPREFIX": str(pycache), "VAULT_DIR": ""}


def vault_command(root: Path, *args: str) -> list[str]:
    """`vault ...` as a user runs it: the installed script, else `python -m vaulttools`."""
    script = Path(sys.executable).with_name("vault")
    launcher = [str(script)] if script.exists() else [sys.executable, "-m", "vaulttools"]
    return [*launcher, "--vault", str(root), *args]


def timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def baseline(root: Path, env: dict[str, str]) -> float:
    done = subprocess.run(
        [sys.executable, "-c", BASELINE, str(root)], env=env, check=True, capture_output=True
    )
    return float(done.stdout.split()[0])


def forget_index(root: Path) -> None:
    for path in (root / ".vaulttools").glob("index.sqlite*"):
        path.unlink()


def cold_index(root: Path, env: dict[str, str]) -> float:
    forget_index(root)
    return timed(vault_command(root, "index"), env)


def peak_memory_mb(root: Path, env: dict[str, str]) -> float:
    forget_index(root)
    command = [sys.executable, "-c", PEAK_MEMORY, *vault_command(root, "index")]
    done = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
    kilobytes = int(done.stdout.split()[-1])
    return kilobytes / 1024 if sys.platform != "darwin" else kilobytes / 1024 / 1024


def one_round(root: Path, env: dict[str, str]) -> tuple[float, ...]:
    """Baseline, cold index (and in one process), no-change index and followups, once each."""
    base = baseline(root, env)
    cold = cold_index(root, env)
    single = cold_index(root, {**env, "VAULTTOOLS_WORKERS": "1"})
    timed(vault_command(root, "index"), env)  # the run after a cold one writes the index note
    still = timed(vault_command(root, "index"), env)
    listing = timed(vault_command(root, "followups"), env)
    return base, cold, single, still, listing


def measure(root: Path, runs: int, env: dict[str, str]) -> list[Row]:
    subprocess.run(vault_command(root, "index"), env=env, check=True, stdout=subprocess.DEVNULL)
    rounds = [one_round(root, env) for _ in range(runs)]
    base, cold, single, still, listing = (min(times) for times in zip(*rounds, strict=True))
    ratios = [[r[i] / r[0] for r in rounds] for i in range(5)]
    per_round = [statistics.median(values) for values in ratios]
    spread = [(min(values), max(values)) for values in ratios]
    memory = peak_memory_mb(root, env)
    return [
        Row("baseline: python-frontmatter", base, 1.0, per_round[0], spread[0], "", True),
        Row("cold vault index", cold, cold / base, per_round[1], spread[1],
            f"<= {COLD_LIMIT}x", cold / base <= COLD_LIMIT),
        Row("  the same in one process", single, single / base, per_round[2], spread[2], "",
            True),
        Row("no-change vault index", still, still / base, per_round[3], spread[3],
            f"<= {NO_CHANGE_LIMIT}x", still / base <= NO_CHANGE_LIMIT),
        Row("vault followups (process)", listing, listing / base, per_round[4], spread[4],
            f"< {FOLLOWUPS_SECONDS} s", listing < FOLLOWUPS_SECONDS),
        Row("peak memory (cold index)", None, None, None, None, f"< {MEMORY_MB} MB",
            memory < MEMORY_MB, f"{memory:.0f} MB"),
    ]  # fmt: skip


def print_table(title: str, rows: list[Row]) -> None:
    print(title)
    print(
        f"  {'measure':<28} {'time':>9} {'x baseline':>11} {'per round':>10} {'spread':>11}"
        f"  {'target':<10} result"
    )
    for row in rows:
        shown = row.shown or f"{row.seconds:.3f} s"
        ratio = f"{row.ratio:.2f}" if row.ratio is not None else ""
        per_round = f"{row.round_ratio:.2f}" if row.round_ratio is not None else ""
        spread = f"{row.spread[0]:.2f}-{row.spread[1]:.2f}" if row.spread else ""
        verdict = "" if not row.target else ("ok" if row.ok else "MISSED")
        print(
            f"  {row.label:<28} {shown:>9} {ratio:>11} {per_round:>10} {spread:>11}"
            f"  {row.target:<10} {verdict}"
        )
    print()


def vault_for(size: int, keep: Path | None, scratch: Path) -> Path:
    folder = (keep or scratch) / f"vault-{size}"
    marker = folder / ".vaulttools" / "generated.json"
    if not (marker.exists() and json.loads(marker.read_text()) == {"notes": size}):
        shutil.rmtree(folder, ignore_errors=True)
        generate(folder, size)
        marker.write_text(json.dumps({"notes": size}))
    return folder


def main() -> int:
    parser = argparse.ArgumentParser(description="Index speed on generated vaults.")
    parser.add_argument("--large", action="store_true", help="Also measure 50,000 notes.")
    parser.add_argument("--runs", type=int, default=5, help="Runs per measure (best of).")
    parser.add_argument("--keep", type=Path, help="Keep generated vaults here for next time.")
    args = parser.parse_args()
    sizes = [10_000, 50_000] if args.large else [10_000]
    print(f"Index benchmark: Python {platform.python_version()}, {os.cpu_count()} CPUs\n")
    all_ok = True
    with tempfile.TemporaryDirectory(prefix="vaulttools-bench-") as scratch:
        env = environment(Path(scratch) / "pycache")
        for size in sizes:
            root = vault_for(size, args.keep, Path(scratch))
            rows = measure(root, args.runs, env)
            contacts, meetings = size * 3 // 100, size * 5 // 100
            print_table(f"{size:,} notes ({contacts:,} contacts, {meetings:,} meetings)", rows)
            all_ok &= all(row.ok for row in rows)
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
