"""Calendar speed: building the feed, exporting it from a vault, and serving it unchanged.

Run: python benchmarks/bench_calendar.py [--followups N] [--requests N] [--icalendar]
Prints a table; exits 1 when a limit is missed (10,000 follow-ups in under 1 s; one build
of the calendar however many requests ask for the unchanged feed).
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from vaulttools.calendar import FeedSettings, build_calendar, calendar_from_index, feed_settings
from vaulttools.model import FollowUp, Meeting
from vaulttools.serve import FeedCache, VaultFeed, serve_in_thread, start_server
from vaulttools.vault import Vault, write_if_changed

EXPORT_LIMIT_SECONDS = 1.0
START = dt.date(2026, 1, 5)


def best_of(runs: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


# --- Records --------------------------------------------------------------------------------


def followups(count: int) -> list[FollowUp]:
    """Follow-ups as a busy vault has them: most whole-day, one in five with a time."""
    return [
        FollowUp(
            id=f"fu-{number:05d}",
            text=f"Send a thank-you to [[Person {number % 2500}]]",
            due=START + dt.timedelta(days=number % 730),
            time="14:30" if number % 5 == 0 else None,
            done=False,
            cancelled=False,
            note=f"Meetings/2026-01-05 Person {number % 2500}.md",
            contact=f"Person {number % 2500}",
        )
        for number in range(count)
    ]


def meetings(count: int) -> list[Meeting]:
    return [
        Meeting(
            note=f"Meetings/2026-01-05 Person {number}.md",
            id=f"mt-{number:05d}",
            contact=f"Person {number}",
            contacts=(f"Person {number}",),
            date=START + dt.timedelta(days=number % 730),
            time="10:00",
            duration=30,
            status="planned",
            location="Café Rosa, 12 Queen St",
            organisation="Acme Ltd",
        )
        for number in range(count)
    ]


def baseline(data: bytes) -> Callable[[], bytes]:
    """A plain loop that formats and joins as many lines as the feed has: the floor."""
    count = data.count(b"\r\n")

    def work() -> bytes:
        lines = [f"DESCRIPTION:line {number} of the feed" for number in range(count)]
        return ("\r\n".join(lines) + "\r\n").encode("utf-8")

    return work


def with_icalendar(items: list[FollowUp]) -> bytes:
    """The same events built with the icalendar library, for comparison."""
    import icalendar

    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//bench//bench//EN")
    calendar.add("version", "2.0")
    for item in items:
        event = icalendar.Event()
        event.add("uid", f"{item.id}@bench")
        event.add("dtstamp", dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
        assert item.due is not None
        event.add("dtstart", item.due)
        event.add("dtend", item.due + dt.timedelta(days=1))
        event.add("summary", item.text)
        event.add("description", f"{item.text}\nWith: {item.contact}")
        event.add("url", "obsidian://open?vault=Bench&file=x")
        alarm = icalendar.Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", item.text)
        alarm.add("trigger", dt.timedelta(hours=9))
        event.add_component(alarm)
        calendar.add_component(event)
    return calendar.to_ical()


# --- A vault on disk ------------------------------------------------------------------------


def write_vault(root: Path, meeting_count: int) -> Vault:
    """`meeting_count` meeting notes with four follow-ups each, as `vault new-meeting` makes."""
    (root / ".vaulttools").mkdir(parents=True)
    (root / ".vaulttools" / "config.toml").write_text('timezone = "Pacific/Auckland"\n')
    (root / "Meetings").mkdir()
    for number in range(meeting_count):
        day = START + dt.timedelta(days=number % 730)
        person = f"Person {number}"
        tasks = "\n".join(
            f"- [ ] {text} [[{person}]] 📅 {day + dt.timedelta(days=offset)} "
            f"^fu-{number:05d}{offset}"
            for offset, text in enumerate(
                ("Reflect on the conversation with", "Send a thank-you to", "Email", "Call")
            )
        )
        (root / "Meetings" / f"{day} {person}.md").write_text(
            f'---\ntype: meeting\nid: mt-{number:05d}\ncontact: "[[{person}]]"\n'
            f"date: {day}\ntime: '10:00'\nduration: 30\nstatus: planned\n---\n"
            f"# Conversation with {person}\n\n## Next steps\n\n{tasks}\n",
            encoding="utf-8",
        )
    return Vault.open(root)


def export_from_index(vault: Vault) -> Callable[[], object]:
    from vaulttools.index import fresh_index

    settings = feed_settings(vault.config, vault.root.name)

    def work() -> object:
        with fresh_index(vault) as index:
            rendered = calendar_from_index(index, settings)
        return write_if_changed(vault.path(vault.config.calendar.path), rendered.data)

    return work


def requests_per_second(
    port: int, clients: int, total: int, headers: dict[str, str], status: int
) -> float:
    """Many calendar apps at once, each on a kept-alive connection."""
    per_client = total // clients

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        for _ in range(per_client):
            connection.request("GET", "/calendar.ics", headers=headers)
            response = connection.getresponse()
            response.read()
            assert response.status == status
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return per_client * clients / (time.perf_counter() - started)


# --- The table ------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--followups", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=1_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--icalendar", action="store_true", help="also time the icalendar library")
    args = parser.parse_args()

    rows: list[tuple[str, str, str]] = []
    failed = False
    settings = FeedSettings(vault_name="Bench", zone="Pacific/Auckland")
    items = followups(args.followups)
    data = build_calendar(items, [], settings)
    line_count = data.count(b"\r\n")
    render = best_of(5, lambda: build_calendar(items, [], settings))
    floor = best_of(5, baseline(data))
    ok = render < EXPORT_LIMIT_SECONDS
    failed |= not ok
    rows += [
        (f"build the feed: {args.followups:,} follow-ups (best of 5)", f"{render:.3f} s",
         f"< {EXPORT_LIMIT_SECONDS:g} s {'ok' if ok else 'MISSED'}"),
        (f"baseline: format and join {line_count:,} lines", f"{floor:.3f} s", ""),
        ("  ratio feed / baseline", f"{render / floor:.1f}x", ""),
        ("  feed size", f"{len(data) / 1e6:.1f} MB", ""),
    ]  # fmt: skip
    with_meetings = best_of(3, lambda: build_calendar(items, meetings(1_000), settings))
    rows.append(("build with 1,000 meetings as well", f"{with_meetings:.3f} s", ""))
    if args.icalendar:
        library = best_of(1, lambda: with_icalendar(items))
        rows.append(("same events with the icalendar library", f"{library:.3f} s", ""))

    with tempfile.TemporaryDirectory() as folder:
        vault = write_vault(Path(folder) / "Bench", args.followups // 4)
        export = export_from_index(vault)
        cold = best_of(1, export)
        warm = best_of(3, export)
        rows += [
            (f"export-ics from a new index ({args.followups:,} follow-ups)", f"{cold:.3f} s", ""),
            ("export-ics, index up to date, file unchanged", f"{warm:.3f} s", ""),
        ]
        feed = VaultFeed(vault, feed_settings(vault.config, vault.root.name))
        cache = FeedCache(feed)
        server = start_server("127.0.0.1", 0, cache)
        thread = serve_in_thread(server)
        try:
            etag = {"If-None-Match": cache.current().etag}
            full = requests_per_second(server.port, args.clients, args.requests, {}, 200)
            revalidate = requests_per_second(
                server.port, args.clients, args.requests * 4, etag, 304
            )
        finally:
            server.shutdown()
            server.server_close()
            thread.join()
        ok = feed.builds == 1
        failed |= not ok
        rows += [
            (f"serve the unchanged feed, {args.clients} clients: 200", f"{full:,.0f} req/s", ""),
            ("  the same, asking with its ETag: 304", f"{revalidate:,.0f} req/s", ""),
            (f"  calendar builds for {args.requests * 5:,} requests", str(feed.builds),
             f"= 1 {'ok' if ok else 'MISSED'}"),
            ("  index reads (only when the notes changed)", str(cache.refreshes), ""),
        ]  # fmt: skip

    width = max(len(row[0]) for row in rows)
    print(f"{'calendar':<{width}}  {'measured':>12}  limit")
    for name, value, limit in rows:
        print(f"{name:<{width}}  {value:>12}  {limit}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
