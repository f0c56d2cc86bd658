"""The calendar feed over HTTP, for calendar apps to subscribe to.

Only one thing can be fetched: the calendar, at `/calendar.ics` (with a token:
`/<token>/calendar.ics` or `/calendar.ics?token=<token>`). Nothing else in the vault is
reachable, whatever the path. Without a token only this computer's own host names are
answered, so a web page cannot reach the feed by pointing its own name at 127.0.0.1. Slow
clients hold no thread (see `connections`), and the log never shows the token: it shows only
what it builds from known parts.
"""

from __future__ import annotations

import email.utils
import errno
import hmac
import io
import ipaddress
import re
import secrets
import socket
import sqlite3
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from .calendar import FeedSettings
from .connections import HEAD_SECONDS, MAX_CONNECTIONS, ConnectionLoop
from .errors import UsageError, VaultError
from .feed import Feed, FeedCache, Log, VaultFeed
from .vault import Vault

__all__ = ["FeedCache", "FeedServer", "VaultFeed", "open_feed", "serve_forever", "start_server"]

FEED_NAME = "calendar.ics"
CONTENT_TYPE = "text/calendar; charset=utf-8"
MIN_TOKEN_LENGTH = 16
SEND_SECONDS = 10.0  # for writing one answer to a client that reads slowly
_TOKEN = re.compile(r"[A-Za-z0-9_.~-]+")  # characters that need no escaping in a URL path
_LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}
_METHOD = re.compile(r"[A-Z]{1,10}")  # shorter than any token: safe to log


# --- The server -----------------------------------------------------------------------------


class FeedServer:
    """Serves one FeedCache on a listening socket, through a `ConnectionLoop`."""

    def __init__(
        self,
        listener: socket.socket,
        cache: FeedCache,
        token: str | None = None,
        log: Log | None = None,
        **limits: Any,
    ) -> None:
        self.socket = listener
        self.server_address = listener.getsockname()
        self.cache = cache
        self.token = token
        self.log = log
        self._loop = ConnectionLoop(listener, self._answer, on_error=self._failed, **limits)

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def feed_path(self) -> str:
        return f"/{self.token}/{FEED_NAME}" if self.token else f"/{FEED_NAME}"

    def serve_forever(self, poll_interval: float = 0.5) -> None:
        self._loop.run(poll_interval)

    def shutdown(self) -> None:
        """Stop serving (from another thread); returns once the loop has stopped."""
        self._loop.stop()

    def server_close(self) -> None:
        self._loop.close()
        self.socket.close()

    def _answer(self, connection: socket.socket, address: Any, head: bytes) -> bool:
        handler = FeedHandler(connection, address, self, head)
        return not handler.close_connection

    def _failed(self, error: BaseException) -> None:
        if self.log:
            self.log(f"The feed server hit a problem and goes on: {error!r}")


class FeedHandler(BaseHTTPRequestHandler):
    """Answers one request whose head the connection loop has read in full."""

    server: FeedServer  # type: ignore[assignment]
    server_version = "vaulttools"
    protocol_version = "HTTP/1.1"  # keep-alive: a calendar app polls again and again
    timeout = SEND_SECONDS

    def __init__(self, connection: socket.socket, address: Any, server: FeedServer, head: bytes):
        self._head = head
        self._asked_for_feed: bool | None = None
        super().__init__(connection, address, server)  # type: ignore[arg-type]

    def setup(self) -> None:
        super().setup()
        self.rfile.close()
        self.rfile = io.BytesIO(self._head)  # the whole head, read already; no body is read

    def handle(self) -> None:
        self.close_connection = True
        self.handle_one_request()  # one request: the loop waits for the next one, not a thread

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
        refusal = self._host_refusal()
        if refusal is not None:
            self.close_connection = True
            self._plain(refusal, {"Connection": "close"}, with_body=with_body)
            return
        if not self._is_feed():
            self._plain(HTTPStatus.NOT_FOUND, with_body=with_body)
            return
        try:
            feed = self.server.cache.current()
        except (VaultError, OSError, sqlite3.Error) as error:
            self.log_message("cannot build the calendar: %s", error)
            self._plain(HTTPStatus.SERVICE_UNAVAILABLE, with_body=with_body)
            return
        self._send_feed(feed, with_body=with_body)

    def _send_feed(self, feed: Feed, *, with_body: bool) -> None:
        zipped = _accepts_gzip(self.headers.get_all("Accept-Encoding") or [])
        headers = self._feed_headers(feed, zipped)
        if self._not_modified(feed):
            self._send(HTTPStatus.NOT_MODIFIED, headers)
            return
        body = feed.gzipped if zipped else feed.data
        headers = {"Content-Type": CONTENT_TYPE, "Content-Length": str(len(body)), **headers}
        if zipped:
            headers["Content-Encoding"] = "gzip"
        self._send(HTTPStatus.OK, headers, body if with_body else b"")

    def _host_refusal(self) -> HTTPStatus | None:
        """With no token, only names of this computer: a rebound name is someone else's page."""
        if self.server.token is not None:
            return None
        host = self.headers.get("Host")
        if host is None:  # HTTP/1.1 requires it (RFC 9112); HTTP/1.0 is older than it
            return None if self.request_version == "HTTP/1.0" else HTTPStatus.BAD_REQUEST
        try:
            name = urlsplit(f"//{host.strip()}").hostname
        except ValueError:
            return HTTPStatus.BAD_REQUEST
        return None if name and is_loopback(name.rstrip(".")) else HTTPStatus.FORBIDDEN

    def _is_feed(self) -> bool:
        """Is this the calendar's address, with the right token if there is one?"""
        if self._asked_for_feed is None:  # once: the answer and its log line agree
            self._asked_for_feed = self._names_feed()
        return self._asked_for_feed

    def _names_feed(self) -> bool:
        url = urlsplit(str(getattr(self, "path", "")))
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
            given = _etags(tags)
            return tags.strip() == "*" or bool(given & {feed.etag, feed.gzip_etag})
        since = self.headers.get("If-Modified-Since")
        if since is None:
            return False
        try:
            when = email.utils.parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
        return when.tzinfo is not None and feed.modified <= when.timestamp()

    def _feed_headers(self, feed: Feed, zipped: bool) -> dict[str, str]:
        # no-cache: store it, but ask each time; the ETag makes asking cheap.
        return {
            "ETag": feed.gzip_etag if zipped else feed.etag,
            "Last-Modified": feed.last_modified,
            "Cache-Control": "no-cache",
            "Vary": "Accept-Encoding",
        }

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

    # The log: every line is built from parts known to hold no token, whatever was asked.

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        status = code.value if isinstance(code, HTTPStatus) else code
        method = str(getattr(self, "command", "") or "")
        shown = method if _METHOD.fullmatch(method) else "(no method)"
        self.log_message("%s %s %s", shown, self._shown_path(), status)

    def log_error(self, format: str, *args: Any) -> None:
        pass  # http.server's messages quote the request line; the request's own line says enough

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.log:
            self.server.log(f"{self.client_address[0]} {format % args}")

    def _shown_path(self) -> str:
        """The request's path as one of the calendar's own shapes, or a placeholder."""
        path = str(getattr(self, "path", ""))
        if not path:
            return "<no path>"
        if not self.server.token:
            return path if path.isprintable() and len(path) <= 200 else "<another path>"
        if not self._is_feed():
            return "<another path>"
        url = urlsplit(path)
        shape = f"/{FEED_NAME}" if url.path == f"/{FEED_NAME}" else f"/<token>/{FEED_NAME}"
        return shape + ("?<query>" if url.query else "")


def _accepts_gzip(values: list[str]) -> bool:
    """Does an Accept-Encoding header allow gzip (by name or `*`, with a q above 0)?"""
    weights: dict[str, float] = {}
    for item in ",".join(values).split(","):
        coding, _, parameters = item.strip().partition(";")
        weight = 1.0
        name, _, value = parameters.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                weight = float(value)
            except ValueError:
                weight = 0.0
        weights[coding.strip().lower()] = weight
    chosen = next((weights[c] for c in ("gzip", "x-gzip") if c in weights), weights.get("*", 0))
    return chosen > 0


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
    host: str,
    port: int,
    cache: FeedCache,
    token: str | None = None,
    log: Log | None = None,
    *,
    head_seconds: float = HEAD_SECONDS,
    max_connections: int = MAX_CONNECTIONS,
) -> FeedServer:
    """A server bound to host:port (0: any free port), not yet serving; errors in one sentence."""
    check_access(host, token)
    limits = {"head_seconds": head_seconds, "max_connections": max_connections}
    try:
        return FeedServer(_listen(host.strip("[]"), port), cache, token, log, **limits)
    except socket.gaierror as error:
        raise UsageError(f"{host!r} is not a host name or address this computer knows.") from error
    except OverflowError as error:
        raise UsageError(f"The port must be from 0 to 65535, not {port}.") from error
    except OSError as error:
        raise VaultError(_bind_problem(host, port, error)) from error


def _listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # A deep backlog: a burst of apps refreshing at once waits rather than being turned away.
    return socket.create_server((host, port), family=family, backlog=128)


def _bind_problem(host: str, port: int, error: OSError) -> str:
    if error.errno == errno.EADDRINUSE:
        return f"Port {port} on {host} is already in use; pick another with --port."
    if error.errno == errno.EACCES:
        return f"This user may not listen on port {port}; pick one above 1023 with --port."
    if error.errno == errno.EADDRNOTAVAIL:
        return f"{host} is not an address of this computer; try 127.0.0.1 or 0.0.0.0."
    return f"Could not listen on {host}:{port}: {error.strerror or error}."


def open_feed(
    vault: Vault,
    host: str | None,
    port: int | None,
    token: str | None,
    settings: FeedSettings,
    log: Log,
) -> tuple[FeedServer, list[str]]:
    """The vault's feed server, bound and checked, not yet serving; and what to tell the user."""
    host = host if host is not None else vault.config.serve.host
    port = port if port is not None else vault.config.serve.port
    check_access(host, token or None)  # before any work: a refusal should come at once
    feed = VaultFeed(vault, settings)
    cache = FeedCache(feed, log=log, remember=feed.first_served)
    cache.current()  # build it now, so that a broken vault is reported before the URL
    server = start_server(host, port, cache, token or None, log=log)
    return server, announcement(server, host, vault, feed.counts)


def announcement(server: FeedServer, host: str, vault: Vault, counts: tuple[int, int]) -> list[str]:
    """Where to subscribe, in lines for the user."""
    http_url, webcal_url = subscribe_urls(server, host)
    lines = [
        f"Serving the calendar of {vault.root} ({_counted(*counts)}).",
        "Subscribe to it in your calendar app:",
        f"  {webcal_url}",
        f"  {http_url}",
    ]
    if is_loopback(host):
        lines.append("Only apps on this computer can reach it; see --host and --token for others.")
    return [*lines, "It follows your notes as you edit them. Press Ctrl+C to stop."]


def _counted(followups: int, meetings: int) -> str:
    def plural(count: int, word: str) -> str:
        return f"{count} {word}{'' if count == 1 else 's'}"

    return f"{plural(followups, 'follow-up')}, {plural(meetings, 'meeting')}"


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
