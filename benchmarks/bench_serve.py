"""The feed server under slow clients: a normal client's wait and the server's threads.

Run: python benchmarks/bench_serve.py [--tricklers N ...] [--requests K] [--seconds S]
For each N, opens N connections to a real server on 127.0.0.1 that send a request line and
then one header line per connection every half second, never ending the head (slowloris).
Meanwhile a normal client fetches the feed K times, one after the other. Printed: the normal
client's median and slowest fetch, the baseline median with no slow clients (measured in
the same run), their ratio, and the most threads the process had. Exits 1 when the slowest
fetch under load took more than 1 s or the threads grew with N.

Only the public API is used (`start_server`, `FeedCache`, `serve_in_thread`), so the same
script measures any version of the server.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import resource
import socket
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from vaulttools.serve import FeedCache, serve_in_thread, start_server

CALENDAR = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" + b"X-PAD:" + b"x" * 20_000 + b"\r\nEND:VCALENDAR\r\n"
)
SLOWEST_LIMIT = 1.0


class Source:
    def token(self) -> object:
        return 1

    def render(self) -> bytes:
        return CALENDAR


def fetch(port: int) -> float:
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", "/calendar.ics")
        response = connection.getresponse()
        assert response.status == 200 and response.read() == CALENDAR
    finally:
        connection.close()
    return time.perf_counter() - started


def trickle(port: int, count: int, stop: threading.Event, seconds: float) -> list[socket.socket]:
    sockets = []
    for _ in range(count):
        with contextlib.suppress(OSError):
            sock = socket.create_connection(("127.0.0.1", port), timeout=5)
            sock.setblocking(False)
            sock.send(b"GET /calendar.ics HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            sockets.append(sock)

    def keep_trickling() -> None:
        deadline = time.monotonic() + seconds
        line = 0
        while time.monotonic() < deadline and not stop.wait(0.5):
            line += 1
            for sock in sockets:
                with contextlib.suppress(OSError):
                    sock.send(b"X-%d: y\r\n" % line)

    threading.Thread(target=keep_trickling, daemon=True).start()
    return sockets


def measure(tricklers: int, requests: int, seconds: float) -> tuple[list[float], list[float], int]:
    server = start_server("127.0.0.1", 0, FeedCache(Source(), interval=3600))
    serve_in_thread(server)
    try:
        base = [fetch(server.port) for _ in range(requests)]
        threads_before = threading.active_count()
        stop = threading.Event()
        sockets = trickle(server.port, tricklers, stop, seconds)
        most, loaded = threading.active_count(), []
        for _ in range(requests):
            loaded.append(fetch(server.port))
            most = max(most, threading.active_count())
            time.sleep(0.1)  # spread the fetches over the slow clients' trickle
        stop.set()
        for sock in sockets:
            sock.close()
        return base, loaded, most - threads_before
    finally:
        server.shutdown()
        server.server_close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tricklers", type=int, nargs="+", default=[100, 300, 1000])
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20.0, help="how long to trickle")
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, 8192)), hard))
    print("slow clients | normal fetch median (none slow) | slowest | ratio | extra threads")
    failed = False
    growth = []
    for count in args.tricklers:
        base, loaded, extra = measure(count, args.requests, args.seconds)
        median, slowest = statistics.median(loaded), max(loaded)
        ratio = median / statistics.median(base)
        print(
            f"{count:>12,} | {median * 1000:8.1f} ms ({statistics.median(base) * 1000:.1f} ms)"
            f"       | {slowest * 1000:7.1f} ms | {ratio:5.1f} | {extra:,}"
        )
        failed |= slowest > SLOWEST_LIMIT
        growth.append(extra)
    failed |= len(set(growth)) > 1 and max(growth) > 2 * min(growth) + 4
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
