"""The feed server's defences, against a real server on 127.0.0.1: it answers only its own
host names, stays quick under hundreds of slow clients with a bounded number of threads,
never logs its token, compresses when asked, and keeps Last-Modified across a restart."""

from __future__ import annotations

import ast
import contextlib
import gzip
import http.client
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from vaulttools import connections
from vaulttools.serve import FeedCache, serve_in_thread, start_server

from .conftest import RunVault
from .test_serve import CALENDAR, TOKEN, FakeSource, Running, running_server
from .test_serve_hostile import raw, status_of
from .test_watch import wait_for


@pytest.fixture
def feed() -> Iterator[Running]:
    yield from running_server()


@pytest.fixture
def guarded() -> Iterator[Running]:
    yield from running_server(token=TOKEN)


def get(feed: Running, path: str = "/calendar.ics", **headers: str) -> tuple[int, dict, bytes]:
    """A GET with exactly these headers (http.client adds Host only when not given)."""
    connection = http.client.HTTPConnection("127.0.0.1", feed.server.port, timeout=5)
    try:
        connection.putrequest("GET", path, skip_host="Host" in headers, skip_accept_encoding=True)
        for name, value in headers.items():
            connection.putheader(name.replace("_", "-"), value)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


# --- DNS rebinding --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1", "127.0.0.1:{port}", "localhost", "LocalHost:{port}", "[::1]", "[::1]:{port}"],
)
def test_loopback_host_names_get_the_calendar(feed: Running, host: str) -> None:
    status, _, body = get(feed, Host=host.format(port=feed.server.port))
    assert (status, body) == (200, CALENDAR)


@pytest.mark.parametrize(
    "host",
    [
        "evil.example",
        "evil.example:{port}",
        "127.0.0.1.evil.example",
        "localhost.evil.example:{port}",
        "192.168.1.20",
        "[::ffff:8.8.8.8]",
        "",
    ],
)
def test_other_host_names_get_nothing_without_a_token(feed: Running, host: str) -> None:
    """A page on another site that rebinds its name to 127.0.0.1 sends its own name."""
    status, headers, body = get(feed, Host=host.format(port=feed.server.port))
    assert status in (400, 403)
    assert CALENDAR not in body and "ETag" not in headers and "Last-Modified" not in headers
    assert feed.source.renders <= 1  # nothing was built for it


def test_a_request_without_host_is_refused_without_a_token(feed: Running) -> None:
    answer = raw(feed, b"GET /calendar.ics HTTP/1.1\r\nConnection: close\r\n\r\n")
    assert status_of(answer) in (400, 403) and CALENDAR not in answer


def test_with_a_token_the_token_is_the_guard(guarded: Running) -> None:
    status, _, body = get(guarded, f"/{TOKEN}/calendar.ics", Host="vault.example:8765")
    assert (status, body) == (200, CALENDAR)
    assert get(guarded, "/calendar.ics", Host="127.0.0.1")[0] == 404


# --- Slow clients ---------------------------------------------------------------------------

TRICKLERS = 300
HEAD_LINE = b"GET /calendar.ics HTTP/1.1\r\nHost: 127.0.0.1\r\n"


def open_tricklers(port: int, count: int) -> list[socket.socket]:
    sockets = []
    for _ in range(count):
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        sock.sendall(HEAD_LINE)
        sockets.append(sock)
    return sockets


def trickle(sockets: list[socket.socket], stop: threading.Event) -> None:
    """One header line per connection now and then, never the blank line that ends a head."""
    for round_ in range(40):  # bounded: at most 40 rounds of 0.25 s
        if stop.wait(0.25):
            return
        for sock in sockets:
            with contextlib.suppress(OSError):  # the server closed it: that is its right
                sock.send(b"X-%d: y\r\n" % round_)


def test_hundreds_of_trickling_clients_neither_stop_others_nor_add_threads(
    feed: Running,
) -> None:
    assert get(feed)[0] == 200
    threads_before = threading.active_count()
    stop = threading.Event()
    sockets = open_tricklers(feed.server.port, TRICKLERS)
    trickler = threading.Thread(target=trickle, args=(sockets, stop))
    trickler.start()
    try:
        most = threads_before
        for _ in range(10):
            started = time.perf_counter()
            status, _, body = get(feed)
            assert (status, body) == (200, CALENDAR)
            assert time.perf_counter() - started < 2.0  # not held up behind the slow ones
            most = max(most, threading.active_count())
        # The trickler's thread, and at most the server's fixed pool of workers.
        assert most <= threads_before + 1 + connections.WORKERS
    finally:
        stop.set()
        trickler.join()
        for sock in sockets:
            sock.close()


def test_a_request_head_must_arrive_within_its_time() -> None:
    cache = FeedCache(FakeSource(), interval=0)
    server = start_server("127.0.0.1", 0, cache, head_seconds=1.0)
    thread = serve_in_thread(server)
    try:
        sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
        sock.sendall(HEAD_LINE)
        started = time.monotonic()
        closed = False
        for line in range(40):  # a line every 0.1 s keeps it busy, not complete
            try:
                sock.send(b"X-%d: y\r\n" % line)
                sock.settimeout(0.1)
                closed = sock.recv(1024) == b""
            except TimeoutError:
                continue
            except OSError:
                closed = True
            if closed:
                break
        assert closed, "the server kept a request whose head never ended"
        assert time.monotonic() - started < 3.0
        sock.close()
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_when_connections_run_out_the_oldest_waiting_one_makes_room() -> None:
    cache = FeedCache(FakeSource(), interval=0)
    server = start_server("127.0.0.1", 0, cache, max_connections=20)
    thread = serve_in_thread(server)
    running = Running(server, FakeSource(), cache, [])
    stalled = open_tricklers(server.port, 60)
    try:
        status, _, body = get(running)
        assert (status, body) == (200, CALENDAR)
        assert closed_by_server(stalled[0])  # the oldest was let go to make room
        assert not closed_by_server(stalled[-1], wait=0.2)  # the newest waits on
    finally:
        for sock in stalled:
            sock.close()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def closed_by_server(sock: socket.socket, wait: float = 5.0) -> bool:
    sock.settimeout(wait)
    try:
        return sock.recv(1024) == b""
    except ConnectionResetError:  # closed with our unread header lines in its buffer
        return True
    except TimeoutError:
        return False


# --- The token in the log -------------------------------------------------------------------


def pieces(secret: str, size: int = 6) -> set[str]:
    return {secret[start : start + size] for start in range(len(secret) - size + 1)}


@pytest.mark.parametrize(
    "request_line",
    [
        f"GET /x/{TOKEN}/calendar.ics HTTP/1.1",
        f"GET /{TOKEN}%2fcalendar.ics HTTP/1.1",
        f"GET /{TOKEN}%2Fcalendar.ics HTTP/1.1",
        f"GET /{quote(TOKEN, safe='').replace('-', '%2D')}/calendar.ics?a=b HTTP/1.1",
        f"GET /calendar.ics?token={TOKEN}&x=1 HTTP/1.1",
        f"GET /calendar.ics?x={TOKEN} HTTP/1.1",
        f"GET /{TOKEN}/calendar.ics?again={TOKEN} HTTP/1.1",
        f"GET /{TOKEN} HTTP/1.1",
        f"GET /{TOKEN}/ HTTP/1.1",
        f"GET //{TOKEN}/calendar.ics HTTP/1.1",
        f"GET /{TOKEN}/calendar.ics HTTP/9.9",
        f"GET /{TOKEN}/calendar.ics",
        f"GET /{TOKEN}/calendar.ics extra HTTP/1.1",
        f"{TOKEN} /calendar.ics HTTP/1.1",
        f"POST /{TOKEN}/calendar.ics HTTP/1.1",
        f"GET http://127.0.0.1/{TOKEN}/calendar.ics HTTP/1.1",
    ],
)
def test_no_path_shape_puts_the_token_in_the_log(guarded: Running, request_line: str) -> None:
    answer = raw(
        guarded, f"{request_line}\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode()
    )
    assert answer or request_line.endswith("calendar.ics")  # an answer, or a closed line
    wait_for(lambda: len(guarded.logged) >= 1 or not answer, "a log line")
    logged = "\n".join(guarded.logged)
    for piece in pieces(TOKEN) | pieces(quote(TOKEN, safe="")):
        assert piece not in logged, logged


def test_a_token_in_an_oversized_head_is_not_logged(guarded: Running) -> None:
    head = f"GET /{TOKEN}/calendar.ics HTTP/1.1\r\nX-Long: {'b' * 200_000}\r\n\r\n"
    answer = raw(guarded, head.encode())
    assert status_of(answer) in (400, 431)
    assert all(TOKEN[2:-2] not in line for line in guarded.logged)


def test_the_log_still_says_what_happened(guarded: Running) -> None:
    get(guarded, f"/{TOKEN}/calendar.ics")
    get(guarded, f"/x/{TOKEN}/calendar.ics")
    shown = [line.split(" ", 1)[1] for line in guarded.logged]
    assert shown == ["GET /<token>/calendar.ics 200", "GET <another path> 404"]


# --- Compression ----------------------------------------------------------------------------


def test_gzip_when_the_client_asks(feed: Running) -> None:
    plain_status, plain, plain_body = get(feed)
    status, headers, body = get(feed, Accept_Encoding="br, gzip;q=0.8")
    assert (plain_status, status) == (200, 200)
    assert headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(body) == plain_body == CALENDAR
    assert int(headers["Content-Length"]) == len(body)
    assert "Accept-Encoding" in headers["Vary"] and "Accept-Encoding" in plain["Vary"]
    assert "Content-Encoding" not in plain
    assert headers["ETag"] != plain["ETag"]  # two representations, two strong tags
    assert get(feed, Accept_Encoding="gzip", If_None_Match=headers["ETag"])[0] == 304
    assert get(feed, If_None_Match=plain["ETag"])[0] == 304


@pytest.mark.parametrize("accept", ["gzip;q=0", "identity", "br", "x-gzip;q=0, deflate"])
def test_no_gzip_unless_it_is_acceptable(feed: Running, accept: str) -> None:
    status, headers, body = get(feed, Accept_Encoding=accept)
    assert (status, body) == (200, CALENDAR)
    assert "Content-Encoding" not in headers


def test_curl_reads_the_compressed_feed(feed: Running) -> None:
    """A real client that asks for gzip and decodes it."""
    result = subprocess.run(
        ["curl", "--silent", "--show-error", "--compressed", "--include", feed.url()],
        capture_output=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    head, _, body = result.stdout.partition(b"\r\n\r\n")
    assert b"content-encoding: gzip" in head.lower()
    assert body == CALENDAR


# --- Last-Modified across a restart ---------------------------------------------------------


def serve_once(vault: Path) -> tuple[str, str]:
    """Start `vault serve`, fetch the feed, stop it: (Last-Modified, ETag)."""
    command = [sys.executable, "-m", "vaulttools", "--vault", str(vault), "serve", "--port", "0"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(4)]
        found = re.search(r"http://127\.0\.0\.1:(\d+)/calendar\.ics", lines[3])
        assert found, lines
        connection = http.client.HTTPConnection("127.0.0.1", int(found[1]), timeout=5)
        connection.request("GET", "/calendar.ics")
        response = connection.getresponse()
        response.read()
        connection.close()
        return response.headers["Last-Modified"], response.headers["ETag"]
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=10)


def test_last_modified_survives_a_restart(vault: Path, in_vault: RunVault) -> None:
    assert in_vault("new-contact", "Jane Doe").exit_code == 0
    jane = vault / "Contacts" / "Jane Doe.md"
    jane.write_text(jane.read_text() + "- [ ] Thank her 📅 2026-12-02\n")
    first, etag = serve_once(vault)
    stamp = time.mktime(time.strptime(first, "%a, %d %b %Y %H:%M:%S GMT")) - time.timezone
    wait_for(lambda: time.time() >= stamp + 2, "a later second")  # a restart in another second
    again, same_etag = serve_once(vault)
    assert (again, same_etag) == (first, etag)
    jane.write_text(jane.read_text() + "- [ ] Call her 📅 2026-12-09\n")
    changed, new_etag = serve_once(vault)
    assert new_etag != etag and changed != first


# --- Where the feed server is set up --------------------------------------------------------


def test_command_modules_do_not_import_each_other() -> None:
    """`vault watch --serve` starts the feed through serve.py, not through another command."""
    folder = Path(__file__).resolve().parent.parent / "vaulttools" / "cli"
    shared = {"app", "options"}
    commands = {path.stem for path in folder.glob("*.py")} - shared - {"__init__"}
    for path in folder.glob("*_commands.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {
            (node.module or "").lstrip(".").split(".")[0]
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.level == 1
        }
        assert not imported & commands, f"{path.name} imports {imported & commands}"
