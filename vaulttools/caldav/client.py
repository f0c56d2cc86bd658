"""The thin edge to a CalDAV server, through the caldav library.

Every failure leaves here as a CaldavError of one sentence; a PUT or DELETE that lost a race
(the item changed on the server since it was read) is a Stale, which the sync retries later.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

from ..errors import VaultError

COMPONENTS = ["VTODO", "VEVENT"]
_BATCH = 200  # items fetched in one calendar-multiget REPORT


class CaldavError(VaultError):
    """The server could not be reached, refused us, or failed halfway; nothing was lost."""


class Stale(Exception):
    """The item changed (or appeared, or vanished) on the server since we looked."""


class Rejected(Exception):
    """The server refused this one item; the message says why."""


@dataclass
class Listing:
    """The server's items (href -> ETag) that changed since a sync token, or all of them."""

    token: str | None
    etags: dict[str, str | None]
    deleted: set[str] = field(default_factory=set)
    complete: bool = True  # every item is listed, so an item not listed was deleted
    data: dict[str, str] = field(default_factory=dict)  # bodies the listing already carried


def path_of(url: Any) -> str:
    """An item's path, unquoted, so the spellings servers use for the same item compare equal."""
    return unquote(urlsplit(str(url)).path)


@contextlib.contextmanager
def one_sentence(server: str) -> Iterator[None]:
    """Turn what the caldav library and the HTTP library raise into a CaldavError."""
    from caldav.lib import error

    try:
        yield
    except error.AuthorizationError as failure:
        raise CaldavError(
            f"The CalDAV server at {server} did not accept the user name and password "
            f"(HTTP {failure.status or 401})."
        ) from failure
    except error.NotFoundError as failure:
        raise CaldavError(
            f"The CalDAV server at {server} has nothing at that address."
        ) from failure
    except error.DAVError as failure:
        raise CaldavError(
            f"The CalDAV server at {server} answered with an error ({failure.reason})."
        ) from failure
    except (OSError, ValueError) as failure:  # niquests' and requests' errors are OSErrors
        raise CaldavError(
            f"Could not reach the CalDAV server at {server} ({_short(failure)}); "
            "nothing was lost, and the next sync carries on."
        ) from failure


def _short(failure: BaseException) -> str:
    text = str(failure)
    for known in ("Connection refused", "timed out", "Name or service not known", "reset"):
        if known in text:
            return known.lower()
    return type(failure).__name__


class RemoteCalendar:
    """One calendar collection on a server."""

    def __init__(self, client: Any, calendar: Any, server: str) -> None:
        self.client = client
        self.calendar = calendar
        self.server = server
        self.url = str(calendar.url)

    def href_for(self, uid: str) -> str:
        """Where a new item goes: a name made from its UID, with nothing to escape."""
        name = hashlib.sha1(uid.encode("utf-8")).hexdigest()
        return path_of(self.calendar.url).rstrip("/") + f"/{name}.ics"

    def changes(self, token: str | None) -> Listing:
        """What changed since `token` (sync-collection), or everything when it is None."""
        with one_sentence(self.server):
            found = self.calendar.get_objects_by_sync_token(token, load_objects=False)
        new_token = found.sync_token
        fake = isinstance(new_token, str) and new_token.startswith("fake-")
        etags: dict[str, str | None] = {}
        data: dict[str, str] = {}
        deleted = {path_of(url) for url in found.deleted_urls}
        for item in found:
            href = path_of(item.url)
            if href in deleted or href.rstrip("/") == path_of(self.url).rstrip("/"):
                continue
            etags[href] = item.props.get("{DAV:}getetag")
            if fake and item.data:
                data[href] = item.data
        return Listing(None if fake else new_token, etags, deleted, token is None or fake, data)

    def fetch(self, hrefs: Sequence[str]) -> dict[str, tuple[str | None, str]]:
        """href -> (ETag, iCalendar text) of the given items, in a few REPORTs."""
        from caldav.lib.url import URL

        found: dict[str, tuple[str | None, str]] = {}
        base = URL.objectify(self.url)
        for start in range(0, len(hrefs), _BATCH):
            urls = [base.join(href) for href in hrefs[start : start + _BATCH]]
            with one_sentence(self.server):
                objects = self.calendar.multiget(urls)
            for item in objects:
                found[path_of(item.url)] = (item.props.get("{DAV:}getetag"), item.data)
        return found

    def put(self, href: str, data: bytes, etag: str | None, *, create: bool) -> str | None:
        """Create an item (only where none is), or replace it (only the version `etag`, when
        known); its new ETag, when the server says."""
        condition = {"If-None-Match": "*"} if create else {"If-Match": etag} if etag else {}
        headers = {"Content-Type": "text/calendar; charset=utf-8", **condition}
        with one_sentence(self.server):
            response = self.client.put(self._url(href), data.decode("utf-8"), headers)
        self._check(response, href)
        return response.headers.get("ETag") if response.headers else None

    def delete(self, href: str, etag: str | None) -> None:
        headers = {"If-Match": etag} if etag else {}
        with one_sentence(self.server):
            response = self.client.delete(self._url(href), headers)
        if response.status != 404:
            self._check(response, href)

    def _url(self, href: str) -> str:
        from urllib.parse import quote

        return str(self.calendar.url.join(quote(href)))

    def _check(self, response: Any, href: str) -> None:
        status = response.status
        if status in (409, 412):
            raise Stale(href)
        if status == 401:
            raise CaldavError(f"The CalDAV server at {self.server} stopped accepting the password.")
        if status >= 300:
            raise Rejected(f"HTTP {status} {getattr(response, 'reason', '') or ''}".strip())


def connect(url: str, username: str, password: str, calendar_name: str) -> RemoteCalendar:
    """The named calendar on the server at `url`, created (MKCALENDAR) when it is missing.

    `calendar_name` may also be the calendar's own URL.
    """
    import caldav

    server = urlsplit(url).netloc or url
    client = caldav.DAVClient(url=url, username=username or None, password=password or None)
    with one_sentence(server):
        principal = client.principal()
        calendar = _find_calendar(principal, calendar_name) or principal.make_calendar(
            name=calendar_name, supported_calendar_component_set=COMPONENTS
        )
    return RemoteCalendar(client, calendar, server)


def _find_calendar(principal: Any, wanted: str) -> Any | None:
    from caldav.lib import error

    if wanted.startswith(("http://", "https://")):
        return principal.calendar(cal_id=wanted)
    try:
        return principal.calendar(name=wanted)
    except error.NotFoundError:
        return None
