"""The words of calendar items: titles that fit a phone, descriptions, links back to notes."""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import quote

from .model import FollowUp, Meeting
from .wikilinks import WIKILINK, link_display, readable

MODE_LABELS = {"in-person": "In person", "video": "Video call", "phone": "Phone call"}

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # not allowed in iCalendar TEXT; tab is
_MD_LINK = re.compile(r"\[([^\[\]\n]+)\]\([^()\s]+\)")
_SPACES = re.compile(r"\s+")

_SUMMARY_PATTERNS = (
    (
        re.compile(
            r"^send (?:a |an |the |my )?thank[- ]?you"
            r"(?P<what> (?:email|e-mail|note|message|card|letter))? to (?P<who>.+?)\.?$",
            re.IGNORECASE,
        ),
        "Thank-you{what}: {who}",
    ),
    (
        re.compile(
            r"^reflect on (?:the |my |our )?(?:conversation|chat|meeting|call|talk) with "
            r"(?P<who>.+?)\.?$",
            re.IGNORECASE,
        ),
        "Reflect: {who}",
    ),
    (
        re.compile(r"^connect with (?P<who>.+?) (?:online|on linkedin)\.?$", re.IGNORECASE),
        "Connect online: {who}",
    ),
    (
        re.compile(
            r"^add the (?:people|names) (?P<who>.+?) suggested(?: as contacts)?\.?$", re.IGNORECASE
        ),
        "Add contacts suggested by {who}",
    ),
    (re.compile(r"^follow up with (?P<who>.+?)\.?$", re.IGNORECASE), "Follow up: {who}"),
)
_DERIVED_SUMMARIES = {
    "next_contact": "Get in touch: {who}",
    "stay_in_touch": "Stay in touch: {who}",
}


def clean(value: str) -> str:
    """Text as iCalendar may carry it: one kind of line break, no control characters."""
    if value.isprintable():
        return value
    return _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


def followup_summary(item: FollowUp) -> str:
    """A title that fits a phone's calendar: the action, then the person ("Thank-you: Jane")."""
    words = plain_text(item.text)
    derived = _DERIVED_SUMMARIES.get(item.source)
    if derived and item.contact:
        return derived.format(who=item.contact)
    people = {name.casefold() for name in _link_names(item.text)}
    if item.contact:
        people.add(item.contact.casefold())
    for pattern, template in _SUMMARY_PATTERNS:
        match = pattern.match(words)
        if match and match["who"].casefold() in people:
            what = (match.groupdict().get("what") or "").lower()
            return template.format(who=match["who"], what=what)
    if words:
        return words
    return f"Follow-up: {item.contact}" if item.contact else "Follow-up"


def meeting_summary(meeting: Meeting) -> str:
    """ "Meeting: Jane Doe (Acme Ltd)"."""
    who = _people(meeting) or note_name(meeting.note).rsplit("/", 1)[-1]
    return f"Meeting: {who}" + (f" ({meeting.organisation})" if meeting.organisation else "")


def meeting_description(meeting: Meeting, minutes: int | None, link: str) -> str:
    """Objective, people, how and how long (when timed), the note and a link that opens it."""
    parts = []
    if meeting.objective:
        parts.append(f"Objective: {meeting.objective}")
    people = _people(meeting)
    if people:
        where = f" ({meeting.organisation})" if meeting.organisation else ""
        parts.append(f"With: {people}{where}")
    if meeting.mode:
        parts.append(f"How: {MODE_LABELS.get(meeting.mode, meeting.mode)}")
    if minutes is not None:
        parts.append(f"Length: {minutes} minutes")
    parts += [f"Note: {note_name(meeting.note)}", f"Open in Obsidian: {link}"]
    return "\n".join(parts)


def followup_description(item: FollowUp, link: str) -> str:
    """What to do, with whom, where it is written, and how to tick it off."""
    parts = [plain_text(item.text) or "Follow-up"]
    if item.contact:
        parts.append(f"With: {item.contact}")
    parts.append(f"Note: {note_name(item.note)}")
    if item.source == "task":
        parts.append(f"Done? Tick it in the note, or run: vault done {item.id}")
    parts.append(f"Open in Obsidian: {link}")
    return "\n".join(parts)


def _people(meeting: Meeting) -> str:
    return ", ".join(meeting.contacts or ((meeting.contact,) if meeting.contact else ()))


def plain_text(markdown: str) -> str:
    """Task text as a person reads it: `[[Jane Doe|Jane]]` -> Jane, `[a](url)` -> a."""
    if "[" in markdown:
        markdown = _MD_LINK.sub(r"\1", readable(markdown))
    return _SPACES.sub(" ", markdown).strip()


def _link_names(markdown: str) -> list[str]:
    return [link_display(inner) for inner in WIKILINK.findall(markdown)]


def note_name(path: str) -> str:
    return path.removesuffix(".md")


def obsidian_url(vault_name: str, note: str) -> str:
    """A link that opens the note in Obsidian; every reserved character percent-encoded."""
    return _vault_url(vault_name) + quote(note_name(note), safe="")


@lru_cache(maxsize=8)
def _vault_url(vault_name: str) -> str:
    return f"obsidian://open?vault={quote(vault_name, safe='')}&file="
