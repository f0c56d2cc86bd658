"""Names suggested in meetings: which have a contact note, which were followed up, which are new.

Pure: the suggested names the index joins (`followups.Records.suggested`) in, what to do
about them out. A suggestion is a wikilink under a meeting note's heading about suggested
names ("Names they suggested", "People suggested", …).
"""

from __future__ import annotations

import re
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


def how_we_met(referral: Suggested, remark: str | None = None) -> str:
    """`Suggested by Jane Doe (2026-12-01 meeting): data engineer at Xero`, keeping what the
    user wrote beside the name: what goes into the new contact's note."""
    when = f" ({referral.date.isoformat()} meeting)" if referral.date else ""
    who = f"Suggested by {referral.suggested_by}" if referral.suggested_by else "Suggested"
    return who + when + (f": {remark}" if remark else "")


def contact_request(referral: Suggested, remark: str | None = None) -> ContactRequest:
    """The contact note `vault referrals --create` makes for a suggested name."""
    return ContactRequest(
        name=referral.name,
        how_we_met=how_we_met(referral, remark),
        referred_by=referral.suggested_by,
    )


_BULLET = re.compile(r"^[ \t>]*(?:[-*+]|\d+[.)])[ \t]+")
_SEPARATORS = " \t-–—:,;()"


def remark_beside(body: str, name: str) -> str | None:
    """The words on the line of the first link to `name`, without the link and the bullet:
    what the user wrote about a person they were given ("runs the platform team")."""
    from .wikilinks import WIKILINK, link_target

    for line in body.split("\n"):
        links = [m for m in WIKILINK.finditer(line) if _names(link_target(m[1]), name)]
        if links:
            rest = line[: links[0].start()] + line[links[0].end() :]
            return _BULLET.sub("", rest).strip(_SEPARATORS) or None
    return None


def _names(target: str, name: str) -> bool:
    return name_key(target.rsplit("/", 1)[-1].removesuffix(".md")) == name_key(name)
