"""`vault draft`: an outreach request or a thank-you, from editable templates. Pure.

A draft template's first line is `Subject: …`; everything after the blank line that follows
is the body. The values come from the user's `[me]` settings and the contact or meeting note.
"""

from __future__ import annotations

import datetime as dt
import re
import urllib.parse
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .config import Me
from .errors import TemplateError
from .names import name_key
from .notes import Note, as_date, as_link, as_text
from .wikilinks import readable

REQUEST_TEMPLATE = "draft-request.txt.j2"
THANKS_TEMPLATE = "draft-thanks.txt.j2"
MAX_POINTS = 3
_BULLET = re.compile(r"^[ \t]*(?:[-*+]|\d+[.)])(?:[ \t]+\[.\])?[ \t]+")


@dataclass(frozen=True)
class Draft:
    subject: str
    body: str
    to: str | None = None  # the recipient's email address, when the note has one

    def text(self) -> str:
        """The draft as printed: a subject line, a blank line, the body."""
        return f"Subject: {self.subject}\n\n{self.body}"

    def mailto(self) -> str:
        """A `mailto:` link that opens the draft in a mail program (RFC 6068)."""
        address = urllib.parse.quote(self.to or "", safe="@")
        query = urllib.parse.urlencode(
            {"subject": self.subject, "body": self.body.rstrip("\n").replace("\n", "\r\n")},
            quote_via=urllib.parse.quote,
        )
        return f"mailto:{address}?{query}"


def parse_draft(rendered: str, template: str, to: str | None = None) -> Draft:
    """Split a rendered template into its subject line and body."""
    first, _, rest = rendered.lstrip("\n").partition("\n")
    if not first.lower().startswith("subject:"):
        raise TemplateError(f"Template {template} must start with a 'Subject:' line.")
    return Draft(first.split(":", 1)[1].strip(), rest.strip("\n") + "\n", to)


def me_values(me: Me) -> dict[str, str]:
    return {key: value.strip() for key, value in me._asdict().items()}


def first_name(name: str) -> str:
    return name.split()[0] if name.split() else name


def contact_values(note: Note) -> dict[str, Any]:
    """What a draft may say about the person a contact note describes."""
    props = note.properties
    name = note.title
    return {
        "name": name,
        "first_name": first_name(name),
        "organisation": as_link(props.get("organisation")),
        "role": as_text(props.get("role")),
        "email": as_text(props.get("email")),
        "how_we_met": as_text(props.get("how_we_met")),
        "referred_by": as_link(props.get("referred_by")),
    }


def request_values(me: Me, contact: Note) -> dict[str, Any]:
    return {"me": me_values(me), "contact": contact_values(contact)}


def thanks_values(
    me: Me, meeting: Note, contact: Note | None, contact_name: str, today: dt.date
) -> dict[str, Any]:
    """Values for the thank-you: who, when, what was discussed, and whom they suggested."""
    day = _meeting_day(meeting)
    person = contact_values(contact) if contact else _bare_contact(contact_name)
    suggested = suggested_in(meeting, person["name"])
    return {
        "me": me_values(me),
        "contact": person,
        "date": day,
        "when": when_phrase(day, today),
        "objective": as_text(meeting.properties.get("objective")),
        "discussed": discussed_points(meeting),
        "suggested": list(suggested),
        "suggested_text": join_names(suggested),
    }


def suggested_in(meeting: Note, contact_name: str) -> list[str]:
    """The names under the meeting's "Names they suggested" heading, once each."""
    from .followups import suggestions_in

    names = (s.target.rsplit("/", 1)[-1] for s in suggestions_in(meeting))
    unique = {name_key(name): name for name in names if name_key(name) != name_key(contact_name)}
    return list(unique.values())


def _meeting_day(meeting: Note) -> dt.date | None:
    return as_date(meeting.properties.get("date"))


def _bare_contact(name: str) -> dict[str, Any]:
    empty = dict.fromkeys(("organisation", "role", "email", "how_we_met", "referred_by"))
    return {"name": name, "first_name": first_name(name), **empty}


def when_phrase(day: dt.date | None, today: dt.date) -> str:
    """`today`, `yesterday` or `on Monday 30 November`: when the conversation was."""
    if day is None:
        return "recently"
    if day == today:
        return "today"
    if day == today - dt.timedelta(days=1):
        return "yesterday"
    return f"on {day.strftime('%A')} {day.day} {day.strftime('%B')}"


def join_names(names: Sequence[str]) -> str:
    """`A`, `A and B`, `A, B and C`."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def discussed_points(meeting: Note, limit: int = MAX_POINTS) -> list[str]:
    """The first few points written under the meeting note's "Notes" heading.

    Links read as their display text, and the template's comments are skipped, so a note
    nobody filled in gives no points rather than the template's prompts.
    """
    points: list[str] = []
    for line in meeting.outline.section_lines(lambda title: title.strip().casefold() == "notes"):
        text = readable(_BULLET.sub("", line)).strip()
        if text and not text.startswith("#"):
            points.append(text.rstrip("."))
        if len(points) == limit:
            break
    return points


REQUEST_NEEDS = ("name", "about", "field")
THANKS_NEEDS = ("name",)


def missing_me(values: Mapping[str, Any], needed: Sequence[str]) -> list[str]:
    """The `[me]` settings a draft would be better with, to tell the user."""
    return [key for key in needed if not values["me"].get(key)]
