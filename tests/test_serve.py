"""The feed server: a real server on 127.0.0.1 and an ephemeral port, fetched over HTTP."""

from __future__ import annotations

import email.utils
import http.client
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pytest

from vaulttools import serve
from vaulttools.errors import UsageError, VaultError
from vaulttools.serve import FeedCache, FeedServer, serve_in_thread, start_server, subscribe_urls

TOKEN = "s3cret-token_0123456789"
CALENDAR = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"


@dataclass
class FakeSource:
    """A feed whose content the test sets; it counts how often it is asked."""

    data: bytes = CALENDAR
    version: int = 0
    fail: bool = False
    renders: int = 0
    tokens: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def token(self) -> object:
        with self.lock:
            self.tokens += 1
        if self.fail:
            raise VaultError("The index is busy.")
        return self.version

    def render(self) -> bytes:
        with self.lock:
            self.renders += 1
        return self.data


@dataclass
class Running:
    server: FeedServer
    source: FakeSource
    cache: FeedCache
    logged: list[str]

    def url(self, path: str = "/calendar.ics") -> str:
        return f"http://127.0.0.1:{self.server.port}{path}"

    def request(
        self, method: str, path: str = "/calendar.ics", headers: dict[str, str] | None = None
    ) -> tuple[http.client.HTTPResponse, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=5)
        try:
            connection.request(method, path, headers=headers or {})
            response = connection.getresponse()
            return response, response.read()
        finally:
            connection.close()


def running_server(token: str | None = None, interval: float = 0.0) -> Iterator[Running]:
    source, logged = FakeSource(), []
    cache = FeedCache(source, interval=interval, log=logged.append)
    server = start_server("127.0.0.1", 0, cache, token, log=logged.append)
    thread = serve_in_thread(server)
    try:
        yield Running(server, source, cache, logged)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        assert not thread.is_alive()


@pytest.fixture
def feed() -> Iterator[Running]:
    yield from running_server()


@pytest.fixture
def guarded() -> Iterator[Running]:
    yield from running_server(token=TOKEN)


# --- The calendar ---------------------------------------------------------------------------


def test_get_serves_the_calendar(feed: Running) -> None:
    with urllib.request.urlopen(feed.url(), timeout=5) as response:
        assert response.status == 200
        assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
        assert response.headers["Content-Length"] == str(len(CALENDAR))
        assert response.headers["ETag"].startswith('"')
        assert email.utils.parsedate_to_datetime(response.headers["Last-Modified"])
        assert response.read() == CALENDAR


def test_head_has_the_headers_and_no_body(feed: Running) -> None:
    got, _ = feed.request("GET")
    head, nothing = feed.request("HEAD")
    assert head.status == 200
    assert nothing == b""
    for name in ("Content-Type", "Content-Length", "ETag", "Last-Modified"):
        assert head.getheader(name) == got.getheader(name)


@pytest.mark.parametrize("matching", ["{etag}", "W/{etag}", '"other", {etag}', "*"])
def test_a_matching_etag_gets_304(feed: Running, matching: str) -> None:
    first, _ = feed.request("GET")
    etag = first.getheader("ETag")
    again, body = feed.request("GET", headers={"If-None-Match": matching.format(etag=etag)})
    assert again.status == 304
    assert body == b""
    assert again.getheader("ETag") == etag


def test_another_etag_gets_the_calendar(feed: Running) -> None:
    response, body = feed.request("GET", headers={"If-None-Match": '"stale"'})
    assert (response.status, body) == (200, CALENDAR)


def test_if_modified_since_gets_304_when_nothing_changed(feed: Running) -> None:
    first, _ = feed.request("GET")
    since = {"If-Modified-Since": first.getheader("Last-Modified")}
    assert feed.request("GET", headers=since)[0].status == 304
    long_ago = {"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}
    assert feed.request("GET", headers=long_ago)[0].status == 200


def test_a_changed_calendar_gets_a_new_etag(feed: Running) -> None:
    first, _ = feed.request("GET")
    feed.source.data, feed.source.version = CALENDAR.replace(b"2.0", b"2.0\r\nX-A:1"), 1
    second, body = feed.request("GET", headers={"If-None-Match": first.getheader("ETag")})
    assert second.status == 200
    assert body == feed.source.data
    assert second.getheader("ETag") != first.getheader("ETag")


def test_a_change_within_the_same_second_still_moves_last_modified(feed: Running) -> None:
    first, _ = feed.request("GET")
    feed.source.data, feed.source.version = CALENDAR + b"\r\n", 1
    second, _ = feed.request("GET", headers={"If-Modified-Since": first.getheader("Last-Modified")})
    assert second.status == 200
    assert _http_time(second) > _http_time(first)


def _http_time(response: http.client.HTTPResponse) -> float:
    return email.utils.parsedate_to_datetime(response.getheader("Last-Modified")).timestamp()


def test_the_unchanged_feed_is_not_rendered_again(feed: Running) -> None:
    for _ in range(50):
        assert feed.request("GET")[0].status == 200
    assert feed.source.renders == 1
    assert feed.source.tokens >= 50  # it did look, every time (interval 0)


def test_within_the_interval_it_does_not_even_look() -> None:
    for running in running_server(interval=60):
        for _ in range(20):
            running.request("GET")
        assert (running.source.tokens, running.source.renders) == (1, 1)


def test_many_clients_at_once_with_one_stalled(feed: Running) -> None:
    stalled = socket.create_connection(("127.0.0.1", feed.server.port))
    stalled.sendall(b"GET /calendar.ics HTTP/1.1\r\nHost: x\r\n")  # and never finishes
    try:

        def fetch(_: int) -> bytes:
            with urllib.request.urlopen(feed.url(), timeout=5) as response:
                return response.read()

        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=16) as pool:
            bodies = list(pool.map(fetch, range(200)))
        assert bodies == [CALENDAR] * 200
        assert time.perf_counter() - started < 10
    finally:
        stalled.close()
    assert feed.source.renders == 1


def test_a_failing_refresh_keeps_serving_the_last_calendar(feed: Running) -> None:
    feed.request("GET")
    feed.source.fail = True
    response, body = feed.request("GET")
    assert (response.status, body) == (200, CALENDAR)
    assert any("Serving the calendar as it was: The index is busy." in line for line in feed.logged)


def test_no_calendar_at_all_is_503() -> None:
    for running in running_server():
        running.source.fail = True
        assert running.request("GET")[0].status == 503


# --- Nothing else ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/calendar",
        "/CALENDAR.ICS",
        "/calendar.ics/",
        "/x/calendar.ics",
        "/config.toml",
        "/.vaulttools/config.toml",
        "/../.vaulttools/calendar.ics",
        "/..%2F.vaulttools%2Fconfig.toml",
        "/Contacts/Jane%20Doe.md",
        "/.vaulttools/calendar.ics",
    ],
)
def test_every_other_path_is_404(feed: Running, path: str) -> None:
    response, body = feed.request("GET", path)
    assert response.status == 404
    assert b"BEGIN:VCALENDAR" not in body


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "PROPFIND"])
def test_other_methods_are_405(feed: Running, method: str) -> None:
    response, _ = feed.request(method)
    assert response.status == 405
    assert response.getheader("Allow") == "GET, HEAD"


def test_the_server_says_little_about_itself(feed: Running) -> None:
    response, _ = feed.request("GET")
    assert response.getheader("Server") == "vaulttools"


# --- Tokens ---------------------------------------------------------------------------------


def test_with_a_token_the_plain_path_is_404(guarded: Running) -> None:
    assert guarded.request("GET", "/calendar.ics")[0].status == 404


@pytest.mark.parametrize(
    "path",
    [
        f"/{TOKEN}/calendar.ics",
        f"/calendar.ics?token={TOKEN}",
        f"/{TOKEN.replace('-', '%2D')}/calendar.ics",  # escaped by an eager client
    ],
)
def test_the_token_opens_the_calendar(guarded: Running, path: str) -> None:
    response, body = guarded.request("GET", path)
    assert (response.status, body) == (200, CALENDAR)


@pytest.mark.parametrize(
    "path",
    [
        "/wrong-token-0123456789/calendar.ics",
        f"/{TOKEN[:-1]}/calendar.ics",
        f"/{TOKEN}x/calendar.ics",
        "/calendar.ics?token=wrong",
        "/calendar.ics?token=",
        f"/{TOKEN}/config.toml",
        f"/{TOKEN}/x/calendar.ics",
        "/%C3%A9/calendar.ics?token=%C3%A9",
    ],
)
def test_a_wrong_token_is_404(guarded: Running, path: str) -> None:
    assert guarded.request("GET", path)[0].status == 404


def test_tokens_are_compared_in_constant_time(
    guarded: Running, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[bytes, bytes]] = []
    real = serve.hmac.compare_digest

    def spy(given: bytes, expected: bytes) -> bool:
        calls.append((given, expected))
        return real(given, expected)

    monkeypatch.setattr(serve.hmac, "compare_digest", spy)
    guarded.request("GET", "/guess-guess-guess-0/calendar.ics")
    assert calls == [(b"guess-guess-guess-0", TOKEN.encode())]


def test_the_log_never_shows_the_token(guarded: Running) -> None:
    guarded.request("GET", f"/{TOKEN}/calendar.ics")
    guarded.request("GET", f"/calendar.ics?token={TOKEN}")
    guarded.request("GET", f"/{TOKEN.replace('-', '%2D')}/calendar.ics")
    assert all(TOKEN[2:-2] not in line for line in guarded.logged)
    assert [line.split(" ", 1)[1] for line in guarded.logged] == [
        "GET /<token>/calendar.ics 200",
        "GET /calendar.ics?<query> 200",
        "GET /<token>/calendar.ics 200",
    ]


# --- Starting -------------------------------------------------------------------------------


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.0.0.2", "[::1]"])
def test_this_computer_needs_no_token(host: str) -> None:
    serve.check_access(host, None)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "example.com"])
def test_other_hosts_need_a_token(host: str) -> None:
    with pytest.raises(UsageError, match=f"Listening on {host} would let other computers"):
        serve.check_access(host, None)
    serve.check_access(host, TOKEN)


@pytest.mark.parametrize(
    "token", ["short", "has spaces in it, 12345", "ünïcødé-token-123456", "a/b" * 8]
)
def test_weak_or_awkward_tokens_are_refused(token: str) -> None:
    with pytest.raises(UsageError, match="A token needs at least 16 letters"):
        serve.check_access("127.0.0.1", token)


def test_a_busy_port_is_one_sentence(feed: Running) -> None:
    cache = FeedCache(FakeSource())
    with pytest.raises(
        VaultError, match=rf"^Port {feed.server.port} on 127.0.0.1 is already in use"
    ):
        start_server("127.0.0.1", feed.server.port, cache)


def test_urls_to_subscribe_to(guarded: Running) -> None:
    port = guarded.server.port
    assert subscribe_urls(guarded.server, "127.0.0.1") == (
        f"http://127.0.0.1:{port}/{TOKEN}/calendar.ics",
        f"webcal://127.0.0.1:{port}/{TOKEN}/calendar.ics",
    )
    assert subscribe_urls(guarded.server, "0.0.0.0")[0].startswith(
        f"http://{socket.gethostname()}:"
    )
    assert subscribe_urls(guarded.server, "::1")[0].startswith("http://[::1]:")


def test_ipv6_loopback_works() -> None:
    if not socket.has_ipv6:
        pytest.skip("no IPv6 here")
    cache = FeedCache(FakeSource())
    try:
        server = start_server("::1", 0, cache)
    except VaultError:
        pytest.skip("IPv6 loopback is not configured here")
    thread = serve_in_thread(server)
    try:
        with urllib.request.urlopen(f"http://[::1]:{server.port}/calendar.ics", timeout=5) as r:
            assert r.read() == CALENDAR
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_urllib_sees_404_as_an_error(feed: Running) -> None:
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(feed.url("/nothing"), timeout=5)
    assert caught.value.code == 404
