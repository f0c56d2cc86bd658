"""CalDAV sync speed against Radicale on this machine: the first sync of N follow-ups, and a
sync after one change, each next to a baseline measured in the same round.

Run: python benchmarks/bench_caldav.py [--followups N] [--rounds N]

Baselines: for the first sync, a plain loop of N PUTs of the same items through the caldav
library (what any client must send); for the sync after one change, one PUT plus one
sync-collection REPORT. Every measurement gets a fresh Radicale, since Radicale's cost per
new item grows with the items already in the calendar. Prints the median, the fastest and
the slowest of the rounds, and the ratio to the baseline within each round.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.caldavservers import PASSWORD, USER, Server, radicale  # noqa: E402
from vaulttools.caldav.client import connect  # noqa: E402
from vaulttools.caldav.items import to_ical  # noqa: E402
from vaulttools.caldav.run import Account, item_settings, sync_vault, vault_items  # noqa: E402
from vaulttools.config import CONFIG_DIR  # noqa: E402
from vaulttools.vault import Vault  # noqa: E402

CALENDAR = "Informational interviews"
PER_NOTE = 50


def make_vault(root: Path, count: int) -> Vault:
    (root / CONFIG_DIR).mkdir(parents=True)
    start = dt.date.today()
    for person in range(0, count, PER_NOTE):
        tasks = [
            f"- [ ] Send a thank-you to [[Person {person}]] number {n} "
            f"📅 {start + dt.timedelta(days=n % 60)} ^fu-p{person}n{n}"
            for n in range(min(PER_NOTE, count - person))
        ]
        note = root / "Contacts" / f"Person {person}.md"
        note.parent.mkdir(parents=True, exist_ok=True)
        front = f"---\ntype: contact\nname: Person {person}\n---\n"
        note.write_text(front + "\n".join(tasks) + "\n", encoding="utf-8")
    return Vault.open(root)


def timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def on_fresh_server(folder: Path, work: Callable[[Server], float]) -> float:
    server = radicale(folder)
    server.start()
    try:
        return work(server)
    finally:
        server.stop()


def plain_puts(vault: Vault) -> Callable[[Server], float]:
    """N PUTs of the items a sync would send, through the caldav library, nothing else."""
    settings = item_settings(vault)
    items, _ = vault_items(vault, settings)
    now = dt.datetime.now(settings.zone)
    bodies = [(item.uid, to_ical(item, settings, now)) for item in items]

    def run(server: Server) -> float:
        remote = connect(server.url, USER, PASSWORD, CALENDAR)
        return timed(
            lambda: [remote.put(remote.href_for(u), b, None, create=True) for u, b in bodies]
        )

    return run


def one_put_and_report(server: Server) -> float:
    remote = connect(server.url, USER, PASSWORD, CALENDAR)
    token = remote.changes(None).token
    body = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:bench\r\nBEGIN:VTODO\r\nUID:one\r\n"
    body += b"DTSTAMP:20260101T000000Z\r\nSUMMARY:one\r\nEND:VTODO\r\nEND:VCALENDAR\r\n"
    return timed(
        lambda: (remote.changes(token), remote.put(remote.href_for("one"), body, None, create=True))
    )


def syncs(vault: Vault) -> Callable[[Server], tuple[float, float]]:
    def run(server: Server) -> tuple[float, float]:
        account = Account(server.url, USER, CALENDAR)
        first = timed(lambda: sync_vault(vault, account, PASSWORD))
        note = vault.root / "Contacts" / "Person 0.md"
        note.write_text(note.read_text(encoding="utf-8").replace("- [ ]", "- [x]", 1))
        again = timed(lambda: sync_vault(vault, account, PASSWORD))
        return first, again

    return run


def one_round(folder: Path, count: int) -> dict[str, float]:
    vault = make_vault(folder / "vault", count)
    puts = on_fresh_server(folder / "puts", plain_puts(vault))
    report = on_fresh_server(folder / "report", one_put_and_report)
    both: list[tuple[float, float]] = []
    on_fresh_server(folder / "sync", lambda server: both.append(syncs(vault)(server)) or 0.0)
    first, again = both[0]
    return {"first": first, "puts": puts, "again": again, "one": report}


def row(name: str, values: list[float]) -> str:
    return f"| {name} | {statistics.median(values):.2f} | {min(values):.2f} | {max(values):.2f} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--followups", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()
    rounds = []
    for number in range(options.rounds):
        with tempfile.TemporaryDirectory() as folder:
            rounds.append(one_round(Path(folder), options.followups))
        print(f"round {number + 1}: " + ", ".join(f"{k} {v:.2f} s" for k, v in rounds[-1].items()))
    column = lambda key: [r[key] for r in rounds]  # noqa: E731
    print(f"\n{options.followups} follow-ups, Radicale on 127.0.0.1, {options.rounds} rounds\n")
    print("| what | median s | fastest s | slowest s |\n| --- | --- | --- | --- |")
    print(row("first sync", column("first")))
    print(row(f"baseline: {options.followups} plain PUTs", column("puts")))
    print(row("ratio first sync / PUTs (per round)", [r["first"] / r["puts"] for r in rounds]))
    print(row("sync after one change", column("again")))
    print(row("baseline: one REPORT + one PUT", column("one")))
    print(row("ratio sync after change / baseline", [r["again"] / r["one"] for r in rounds]))


if __name__ == "__main__":
    main()
