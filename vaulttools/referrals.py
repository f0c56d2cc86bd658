"""Names suggested in meetings: which have a contact note, which were followed up, which are new.

Pure: the suggested names the index joins (`followups.Records.suggested`) in, what to do
about them out. A suggestion is a wikilink under a meeting note's heading about suggested
names ("Names they suggested", "People suggested", …).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from .model import Suggested
from .names import name_key
from .scaffold import ContactRequest

# Contacts still at this stage were not followed up yet, even when they have a note.
NOT_FOLLOWED_UP = "prospect"


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
