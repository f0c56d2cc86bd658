"""The calendar feed over HTTP, for calendar apps to subscribe to.

Only one thing can be fetched: the calendar, at `/calendar.ics` (with a token:
`/<token>/calendar.ics` or `/calendar.ics?token=<token>`). Nothing else in the vault is
reachable, whatever the path. The feed is kept as bytes with its ETag; a request costs a
look at the notes' modification times at most every `CHECK_SECONDS`, and the calendar is
built again only when the follow-ups and meetings themselves changed.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import errno
import hashlib
import hmac
import ipaddress
import re
import secrets
import socket
import sqlite3
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol
from urllib.parse import parse_qs, unquote, urlsplit

from .calendar import FeedSettings, feed_identity, render_calendar
from .errors import UsageError, VaultError
from .vault import Vault, iter_markdown

FEED_NAME = "calendar.ics"
CONTENT_TYPE = "text/calendar; charset=utf-8"
CHECK_SECONDS = 2.0  # how stale the feed may be; edits show up within this
MIN_TOKEN_LENGTH = 16
_TOKEN = re.compile(r"[A-Za-z0-9_.~-]+")  # characters that need no escaping in a URL path
_LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}

Log = Callable[[str], None]


# --- What is served -------------------------------------------------------------------------


@dataclass(frozen=True)
class Feed:
    data: bytes
    etag: str  # quoted, strong
    modified: int  # seconds since the epoch, when these bytes were first served

    @classmethod
    def of(cls, data: bytes, modified: int) -> Feed:
        return cls(data, f'"{hashlib.sha256(data).hexdigest()[:32]}"', modified)

    @property
    def last_modified(self) -> str:
        return email.utils.formatdate(self.modified, usegmt=True)


class FeedSource(Protocol):
    def token(self) -> object:
        """Cheap; differs whenever the calendar may have changed."""

    def render(self) -> bytes:
        """The calendar as it is now."""


class FeedCache:
    """The current feed, checked against its source at most every `interval` seconds.

    One request thread does the check while the others go on serving the bytes they have,
    so a slow look at the vault never holds up many calendar apps at once.
    """

    def __init__(
        self,
        source: FeedSource,
        interval: float = CHECK_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        log: Log | None = None,
    ) -> None:
        self.source = source
        self.interval = interval
        self.clock = clock
        self.log = log or (lambda message: None)
        self.refreshes = 0  # how many times the source was asked for the calendar
        self._lock = threading.Lock()
        self._feed: Feed | None = None
        self._token: object = None
        self._checked = float("-inf")

    def current(self) -> Feed:
        """The feed, brought up to date if it has not been looked at for a while."""
        feed = self._feed
        if feed is not None and self.clock() - self._checked < self.interval:
            return feed
        if feed is not None and not self._lock.acquire(blocking=False):
            return feed  # another thread is looking already
        if feed is None:
            self._lock.acquire()
        try:
            return self._refresh()
        finally:
            self._lock.release()

    def invalidate(self) -> None:
        """Look at the source on the next request, e.g. after the watcher saw a change."""
        self._checked = float("-inf")

    def _refresh(self) -> Feed:
        if self._feed is not None and self.clock() - self._checked < self.interval:
            return self._feed  # refreshed while this thread waited for the lock
        try:
            token = self.source.token()
            if self._feed is None or token != self._token:
                self._update(self.source.render())
                self._token = token
        except (VaultError, OSError, sqlite3.Error) as error:
            if self._feed is None:
                raise
            self.log(f"Serving the calendar as it was: {error}")
        self._checked = self.clock()
        assert self._feed is not None
        return self._feed

    def _update(self, data: bytes) -> None:
        self.refreshes += 1
        if self._feed is None:
            self._feed = Feed.of(data, int(time.time()))
        elif data != self._feed.data:
            # HTTP dates count whole seconds: new bytes always get a later one, or an app that
            # asks If-Modified-Since would be told nothing changed within the same second.
            self._feed = Feed.of(data, max(int(time.time()), int(self._feed.modified) + 1))


class VaultFeed:
    """A vault's calendar, from its index.

    The token is each note's (mtime, size) and today's date (contact reminders count from
    it); the calendar is built again only when the follow-ups and meetings differ, so an
    edit elsewhere in the vault costs an index sync and nothing more.
    """

    def __init__(self, vault: Vault, settings: FeedSettings) -> None:
        self.vault = vault
        self.settings = settings
        self.builds = 0  # how many times the calendar was built
        self.counts = (0, 0)  # follow-ups and meetings in the feed
        self._records: object = None
        self._data = b""

    def token(self) -> object:
        notes = {
            path: (info.st_mtime_ns, info.st_size) for path, info in iter_markdown(self.vault.root)
        }
        return (dt.date.today(), notes)

    def render(self) -> bytes:
        from .index import fresh_index  # the index pulls in SQLite and the note parser

        with fresh_index(self.vault) as index:
            followups = index.followups() if self.settings.followups else []
            meetings = index.meetings() if self.settings.meetings else []
        records = feed_identity(followups, meetings)
        if records != self._records:
            rendered = render_calendar(followups, meetings, self.settings)
            self._data, self._records = rendered.data, records
            self.counts = (rendered.followups, rendered.meetings)
            self.builds += 1
        return self._data


# --- HTTP -----------------------------------------------------------------------------------


class FeedServer(ThreadingHTTPServer):
    """Serves one FeedCache; a thread per connection, so slow clients do not queue others."""

    daemon_threads = True
    request_queue_size = 128  # the default 5 turns away a burst of apps refreshing at once

    def __init__(
        self,
        address: tuple[str, int],
        cache: FeedCache,
        token: str | None = None,
        log: Log | None = None,
    ) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.cache = cache
        self.token = token
        self.log = log
        super().__init__(address, FeedHandler)

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def feed_path(self) -> str:
        return f"/{self.token}/{FEED_NAME}" if self.token else f"/{FEED_NAME}"

    def handle_error(self, request: Any, client_address: Any) -> None:
        """An app that hangs up mid-answer is normal; anything else is worth a traceback."""
        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return
        super().handle_error(request, client_address)


class FeedHandler(BaseHTTPRequestHandler):
    server: FeedServer
    server_version = "vaulttools"
    protocol_version = "HTTP/1.1"  # keep-alive: a calendar app polls again and again
    timeout = 30  # an idle or stalled connection gives its thread back

    def version_string(self) -> str:
        return self.server_version

    def do_GET(self) -> None:
        self._answer(with_body=True)

    def do_HEAD(self) -> None:
        self._answer(with_body=False)

    def __getattr__(self, name: str) -> Any:
        # Every other method (POST, PUT, DELETE, PROPFIND, …) gets 405, not the 501 that
        # http.server gives for methods it has no do_* for.
        if name.startswith("do_"):
            return self._not_allowed
        raise AttributeError(name)

    def _not_allowed(self) -> None:
        # Any body it came with is left unread: close rather than read it as the next request.
        self.close_connection = True
        self._plain(HTTPStatus.METHOD_NOT_ALLOWED, {"Allow": "GET, HEAD", "Connection": "close"})

    def _answer(self, *, with_body: bool) -> None:
        if not self._is_feed():
            self._plain(HTTPStatus.NOT_FOUND, with_body=with_body)
            return
        try:
            feed = self.server.cache.current()
        except (VaultError, OSError, sqlite3.Error) as error:
            self.log_message("cannot build the calendar: %s", error)
            self._plain(HTTPStatus.SERVICE_UNAVAILABLE, with_body=with_body)
            return
        if self._not_modified(feed):
            self._send(HTTPStatus.NOT_MODIFIED, self._feed_headers(feed))
            return
        headers = {
            "Content-Type": CONTENT_TYPE,
            "Content-Length": str(len(feed.data)),
            **self._feed_headers(feed),
        }
        self._send(HTTPStatus.OK, headers, feed.data if with_body else b"")

    def _is_feed(self) -> bool:
        """Is this the calendar's address, with the right token if there is one?"""
        url = urlsplit(self.path)
        expected = self.server.token
        if expected is None:
            return url.path == f"/{FEED_NAME}"
        if url.path == f"/{FEED_NAME}":
            given = parse_qs(url.query).get("token", [""])[0]
            return _same_secret(given, expected)
        prefix, _, name = url.path.rpartition("/")
        return name == FEED_NAME and _same_secret(unquote(prefix.removeprefix("/")), expected)

    def _not_modified(self, feed: Feed) -> bool:
        tags = self.headers.get("If-None-Match")
        if tags is not None:
            return tags.strip() == "*" or feed.etag in _etags(tags)
        since = self.headers.get("If-Modified-Since")
        if since is None:
            return False
        try:
            when = email.utils.parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
        return when.tzinfo is not None and feed.modified <= when.timestamp()

    def _feed_headers(self, feed: Feed) -> dict[str, str]:
        # no-cache: store it, but ask each time; the ETag makes asking cheap.
        return {"ETag": feed.etag, "Last-Modified": feed.last_modified, "Cache-Control": "no-cache"}

    def _plain(
        self, status: HTTPStatus, extra: dict[str, str] | None = None, *, with_body: bool = True
    ) -> None:
        body = f"{status.value} {status.phrase}\n".encode()
        headers = {"Content-Type": "text/plain; charset=utf-8", "Content-Length": str(len(body))}
        self._send(status, {**headers, **(extra or {})}, body if with_body else b"")

    def _send(self, status: HTTPStatus, headers: dict[str, str], body: bytes = b"") -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if body:
            self.wfile.write(body)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        status = code.value if isinstance(code, HTTPStatus) else code
        self.log_message("%s %s %s", self.command, self._shown_path(), status)

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.log:
            self.server.log(f"{self.address_string()} {format % args}")

    def _shown_path(self) -> str:
        """The request's path with the token hidden, so that logs do not give it away."""
        path = str(getattr(self, "path", ""))
        if not self.server.token:
            return path
        url = urlsplit(path)  # the first segment and the query may hold it, escaped or not
        return re.sub(r"^/[^/]+/", "/<token>/", url.path) + ("?<query>" if url.query else "")


def _same_secret(given: str, expected: str) -> bool:
    # In constant time, so that response times do not reveal how much of a guess was right.
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def _etags(header: str) -> set[str]:
    """The entity tags in an If-None-Match header; weak ones compare equal too (RFC 9110)."""
    return {tag.strip().removeprefix("W/") for tag in header.split(",")}


# --- Starting it ----------------------------------------------------------------------------


def is_loopback(host: str) -> bool:
    if host.casefold() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_access(host: str, token: str | None) -> None:
    """Only this computer may fetch the feed, unless a good token guards it."""
    if token is not None:
        check_token(token)
    elif not is_loopback(host):
        raise UsageError(
            f"Listening on {host} would let other computers read your calendar: "
            "pass --token (or set VAULT_SERVE_TOKEN) to protect it."
        )


def check_token(token: str) -> None:
    if len(token) < MIN_TOKEN_LENGTH or not _TOKEN.fullmatch(token):
        raise UsageError(
            f"A token needs at least {MIN_TOKEN_LENGTH} letters, digits, '-' or '_'; "
            f"for example {secrets.token_urlsafe(18)}"
        )


def start_server(
    host: str, port: int, cache: FeedCache, token: str | None = None, log: Log | None = None
) -> FeedServer:
    """A server bound to host:port (0: any free port), not yet serving; errors in one sentence."""
    check_access(host, token)
    try:
        return FeedServer((host.strip("[]"), port), cache, token, log)
    except socket.gaierror as error:
        raise UsageError(f"{host!r} is not a host name or address this computer knows.") from error
    except OverflowError as error:
        raise UsageError(f"The port must be from 0 to 65535, not {port}.") from error
    except OSError as error:
        raise VaultError(_bind_problem(host, port, error)) from error


def _bind_problem(host: str, port: int, error: OSError) -> str:
    if error.errno == errno.EADDRINUSE:
        return f"Port {port} on {host} is already in use; pick another with --port."
    if error.errno == errno.EACCES:
        return f"This user may not listen on port {port}; pick one above 1023 with --port."
    if error.errno == errno.EADDRNOTAVAIL:
        return f"{host} is not an address of this computer; try 127.0.0.1 or 0.0.0.0."
    return f"Could not listen on {host}:{port}: {error.strerror or error}."


def subscribe_urls(server: FeedServer, host: str) -> tuple[str, str]:
    """(http URL, webcal URL) to give a calendar app."""
    shown = socket.gethostname() if host in ("", "0.0.0.0", "::") else host
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"
    address = f"{shown}:{server.port}{server.feed_path()}"
    return f"http://{address}", f"webcal://{address}"


def serve_in_thread(server: FeedServer) -> threading.Thread:
    """Serve until `server.shutdown()`; for `vault watch --serve` and the tests."""
    # A short poll so that shutdown() returns at once rather than in half a second.
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="vault-serve", daemon=True
    )
    thread.start()
    return thread


def serve_forever(server: FeedServer) -> None:
    """Serve until Ctrl+C (or `server.shutdown()` from another thread), then let go of the port."""
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass  # the normal way to stop it
    finally:
        server.server_close()
