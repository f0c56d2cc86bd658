"""Names suggested in meetings: which have a contact note, which were followed up, which are new.

Pure: meeting notes and a link resolver in, records out. A suggestion is a wikilink under a
meeting note's heading about suggested names ("Names they suggested", "People suggested", …).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from .followups import suggestions_in
from .model import Meeting
from .names import name_key
from .notes import Note
from .scaffold import ContactRequest

# Contacts still at this stage were not followed up yet, even when they have a note.
NOT_FOLLOWED_UP = "prospect"


@dataclass(frozen=True)
class Suggested:
    """One name a meeting note suggests, with what the vault knows of that person so far."""

    name: str  # as written in the link (its last path part, without a display text)
    suggested_by: str | None  # the meeting's contact, by name
    meeting: str  # the meeting note's path
    date: dt.date | None  # the meeting's date
    note: str | None  # the contact (or other) note the link resolves to, if any

    @property
    def has_note(self) -> bool:
        return self.note is not None


def suggested_names(
    meetings: Iterable[tuple[Meeting, Note]],
    resolve: Callable[[str, str], str | None],
) -> list[Suggested]:
    """Every name suggested in the meetings, once each, from its earliest meeting.

    `resolve(target, source_path)` gives the path of the note a link points at, or None.
    """
    ordered = sorted(meetings, key=lambda pair: (pair[0].date or dt.date.max, pair[0].note))
    found: dict[str, Suggested] = {}
    for meeting, note in ordered:
        for suggestion in suggestions_in(note):
            name = suggestion.target.rsplit("/", 1)[-1].removesuffix(".md").strip()
            path = resolve(suggestion.target, note.path)
            key = path or name_key(name)
            if name and name_key(name) != name_key(meeting.contact or ""):
                found.setdefault(
                    key, Suggested(name, meeting.contact, meeting.note, meeting.date, path)
                )
    return list(found.values())


def referrals(suggested: Iterable[Suggested]) -> list[Suggested]:
    """The suggested names that have no note yet: the people to add as contacts."""
    return sorted((s for s in suggested if not s.has_note), key=lambda s: name_key(s.name))


def followed_up(suggested: Suggested, stages: Mapping[str, str]) -> bool:
    """A suggested person was followed up once their contact is past the prospect stage.

    `stages` maps contact note paths to their stage, as `vault contacts` shows it.
    """
    stage = stages.get(suggested.note or "")
    return stage is not None and stage != NOT_FOLLOWED_UP


def how_we_met(referral: Suggested) -> str:
    """`Suggested by Jane Doe (2026-12-01 meeting)`: what goes into the new contact's note."""
    when = f" ({referral.date.isoformat()} meeting)" if referral.date else ""
    who = f"Suggested by {referral.suggested_by}" if referral.suggested_by else "Suggested"
    return who + when


def contact_request(referral: Suggested) -> ContactRequest:
    """The contact note `vault referrals --create` makes for a suggested name."""
    return ContactRequest(
        name=referral.name,
        how_we_met=how_we_met(referral),
        referred_by=referral.suggested_by,
    )
