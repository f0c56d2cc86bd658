"""Calendar speed on a generated 10,000-note vault, as ratios to a read + parse loop.

Run: python benchmarks/bench_calendar.py [--notes 10000] [--runs 5] [--keep DIR]
Each round times, as a user runs them (`vault export-ics` in its own process, index up to date):
the baseline (read every note and parse its front matter), a first export (no component
cached), an export after one follow-up was edited, and an export with nothing changed. Targets:
first export <= 1.0x the baseline, after one edit <= 0.4x. Prints the best time, its ratio,
the median and spread of the per-round ratios; exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import re
import sqlite3
import statistics
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_index import baseline, environment, timed, vault_command, vault_for

FIRST_LIMIT = 1.0
ONE_EDIT_LIMIT = 0.4
_DUE = re.compile(r"(- \[ \] [^\n]*📅 )(\d{4})(-\d\d-\d\d)")
_FOLLOWUP_NOTE = re.compile(r"---\n(?:.*\n)*?type: (?:contact|meeting)\n")


@dataclass(frozen=True)
class Row:
    label: str
    times: list[float]
    ratios: list[float]  # each round's time over that round's baseline
    limit: float | None

    def line(self) -> str:
        best, low, mid, high = min(self.times), *_spread(self.ratios)
        verdict = "" if self.limit is None else ("ok" if mid <= self.limit else "MISSED")
        limit = f"<= {self.limit}x" if self.limit is not None else ""
        return (
            f"  {self.label:<34} {best:>7.3f} s {mid:>7.2f}x  {low:.2f}-{high:.2f}x"
            f"  {limit:<8} {verdict}"
        )


def _spread(values: list[float]) -> tuple[float, float, float]:
    return min(values), statistics.median(values), max(values)


def forget_components(root: Path) -> None:
    """A first export: no component cached in the index, no calendar file."""
    with sqlite3.connect(root / ".vaulttools" / "index.sqlite") as connection:
        connection.execute("DELETE FROM calendar_components")
    (root / ".vaulttools" / "calendar.ics").unlink(missing_ok=True)


def edit_one_followup(root: Path) -> None:
    """Move one open follow-up's due date to another year, as a user does in an editor.
    Follow-ups are the tasks of contact and meeting notes (a task in any other note is not)."""
    for folder in ("Contacts", "Meetings"):
        for note in sorted((root / folder).rglob("*.md")):
            text = note.read_text(encoding="utf-8", errors="replace")
            found = _DUE.search(text) if _FOLLOWUP_NOTE.match(text) else None
            if found:
                year = 2030 + (int(found[2]) + 1) % 10  # never the year it had
                note.write_text(_DUE.sub(rf"\g<1>{year}\g<3>", text, count=1), encoding="utf-8")
                return
    raise SystemExit("the generated vault has no open follow-up with a date")


def calendar_bytes(root: Path) -> bytes:
    return (root / ".vaulttools" / "calendar.ics").read_bytes()


def one_round(root: Path, env: dict[str, str]) -> tuple[float, ...]:
    export = vault_command(root, "export-ics")
    base = baseline(root, env)
    forget_components(root)
    first = timed(export, env)
    before = calendar_bytes(root)
    edit_one_followup(root)
    one_edit = timed(export, env)
    if calendar_bytes(root) == before:
        raise SystemExit("the edited follow-up did not change the calendar: nothing was measured")
    unchanged = timed(export, env)
    return base, first, one_edit, unchanged


def measure(root: Path, runs: int, env: dict[str, str]) -> list[Row]:
    timed(vault_command(root, "index"), env)
    timed(vault_command(root, "export-ics"), env)
    rounds = [one_round(root, env) for _ in range(runs)]
    columns = list(zip(*rounds, strict=True))
    ratios = [[r[i] / r[0] for r in rounds] for i in range(4)]
    return [
        Row("baseline: read + parse loop", list(columns[0]), ratios[0], None),
        Row("first export-ics (nothing cached)", list(columns[1]), ratios[1], FIRST_LIMIT),
        Row("export-ics after one edited follow-up", list(columns[2]), ratios[2], ONE_EDIT_LIMIT),
        Row("export-ics, nothing changed", list(columns[3]), ratios[3], None),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="Keep the generated vault here for next time.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        root = vault_for(args.notes, args.keep, Path(scratch))
        env = environment(Path(scratch) / "pycache")
        rows = measure(root, args.runs, env)
    print(f"calendar on {args.notes:,} notes, {args.runs} rounds")
    print(f"  {'measure':<34} {'best':>9} {'median':>8}  {'spread':<11}  target")
    for row in rows:
        print(row.line())
    missed = any(row.limit is not None and _spread(row.ratios)[1] > row.limit for row in rows)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
