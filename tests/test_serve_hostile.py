"""The feed server against hostile clients: it stays up, answers the others, reveals nothing."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest

from .test_serve import CALENDAR, TOKEN, Running, running_server


@pytest.fixture
def feed() -> Iterator[Running]:
    yield from running_server()


def raw(feed: Running, data: bytes, wait: float = 5.0) -> bytes:
    """Send bytes as they are and read whatever comes back until the server closes."""
    with socket.create_connection(("127.0.0.1", feed.server.port), timeout=wait) as sock:
        sock.sendall(data)
        chunks = []
        try:
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        except (ConnectionResetError, TimeoutError):
            pass
    return b"".join(chunks)


def still_serving(feed: Running) -> None:
    response, body = feed.request("GET")
    assert response.status == 200 and body == CALENDAR


def status_of(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/") else 0


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"GARBAGE\r\n\r\n",
        b"GET\r\n\r\n",
        b"GET /calendar.ics HTTP/9.9\r\n\r\n",
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + bytes(range(32)) + b"\r\n\r\n",  # TLS
        b"GET /\x00/calendar.ics HTTP/1.1\r\nConnection: close\r\n\r\n",
    ],
)
def test_malformed_requests_are_refused_and_the_server_stays_up(
    feed: Running, request_bytes: bytes
) -> None:
    answer = raw(feed, request_bytes)
    assert status_of(answer) in (0, 400, 404, 405, 505)
    assert CALENDAR not in answer
    still_serving(feed)


def test_a_very_long_request_line_is_refused(feed: Running) -> None:
    answer = raw(feed, b"GET /" + b"a" * 200_000 + b" HTTP/1.1\r\n\r\n")
    assert status_of(answer) == 414
    still_serving(feed)


@pytest.mark.parametrize(
    "headers",
    [
        b"X-Long: " + b"b" * 200_000 + b"\r\n",
        b"".join(b"X-%d: y\r\n" % n for n in range(500)),
    ],
    ids=["long header", "many headers"],
)
def test_oversized_headers_are_refused(feed: Running, headers: bytes) -> None:
    request = b"GET /calendar.ics HTTP/1.1\r\nConnection: close\r\n" + headers + b"\r\n"
    answer = raw(feed, request)
    assert status_of(answer) in (400, 431)
    assert CALENDAR not in answer
    still_serving(feed)


def test_slow_clients_do_not_hold_up_the_others(feed: Running) -> None:
    stalled = []
    for _ in range(20):
        sock = socket.create_connection(("127.0.0.1", feed.server.port), timeout=5)
        sock.sendall(b"GET /calendar.ics HTTP/1.1\r\nHost: ")  # and then nothing more
        stalled.append(sock)
    try:
        started = time.perf_counter()
        still_serving(feed)
        assert time.perf_counter() - started < 2.0
    finally:
        for sock in stalled:
            sock.close()


@pytest.mark.parametrize(
    "path",
    [
        "/../.vaulttools/config.toml",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/calendar.ics/../Contacts/Jane%20Doe.md",
        "/calendar.ics%00.md",
        "/Contacts/Jane Doe.md",
    ],
)
def test_paths_outside_the_calendar_reveal_nothing(feed: Running, path: str) -> None:
    answer = raw(feed, f"GET {path} HTTP/1.1\r\nConnection: close\r\n\r\n".encode())
    assert status_of(answer) in (400, 404)
    assert CALENDAR not in answer
    for secret in (b"Traceback", b"/tmp", b"/work", b".py", b"vaulttools/"):
        assert secret not in answer


def test_wrong_tokens_reveal_nothing_and_the_right_one_still_works() -> None:
    for guarded in running_server(token=TOKEN):
        for wrong in ("", "x", TOKEN[:-1], TOKEN + "x", TOKEN.upper(), "%00" + TOKEN):
            request = f"GET /{wrong}/calendar.ics HTTP/1.1\r\nConnection: close\r\n\r\n"
            answer = raw(guarded, request.encode())
            assert status_of(answer) == 404, wrong
            assert CALENDAR not in answer
        response, body = guarded.request("GET", f"/{TOKEN}/calendar.ics")
        assert response.status == 200 and body == CALENDAR
