"""The index note's generated section, and splicing it between markers. Pure.

Everything outside the markers is the user's and is kept byte for byte. The section uses
plain list items rather than `- [ ]` tasks, so that Obsidian's Tasks plugin does not show
each follow-up twice.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence

from .errors import VaultError
from .followups import Records
from .model import Contact, FollowUp, Meeting
from .names import name_key

START = "<!-- vaulttools:index:start -->"
END = "<!-- vaulttools:index:end -->"
RECENT_MEETINGS = 10
_NOTICE = "<!-- Written by `vault index`: edit your notes, not this section; it is rewritten. -->"


def splice(existing: str | None, section: str, title: str, where: str = "The index note") -> str:
    """`existing` with the text between the markers replaced by `section`.

    A new note gets a heading; a note without markers gets the section added at its end.
    The text outside the markers is kept exactly; the section uses the note's line endings.
    """
    block = f"{START}\n{_NOTICE}\n\n{section.strip()}\n\n{END}"
    if existing is None:
        return f"# {title}\n\n{block}\n"
    newline = "\r\n" if "\r\n" in existing else "\n"
    block = block.replace("\n", newline)
    start, end = existing.find(START), existing.find(END)
    if start == -1 and end == -1:
        return _appended(existing, block, newline)
    if start == -1 or end < start or existing.count(START) > 1 or existing.count(END) > 1:
        raise VaultError(
            f"{where} has its markers out of order or repeated; "
            f"keep one {START} line followed by one {END} line."
        )
    return existing[:start] + block + existing[end + len(END) :]


def _appended(existing: str, block: str, newline: str) -> str:
    if not existing.strip("\ufeff \t\r\n"):
        return existing + block + newline
    separator = newline if existing.endswith("\n") else newline * 2
    return existing + separator + block + newline


def render_section(records: Records, today: dt.date) -> str:
    """The generated Markdown: follow-ups, people, meetings, suggestions, introductions."""
    parts = [
        _followups_part(records.followups, today),
        _people_part(records.contacts),
        _meetings_part(records.meetings, today),
        _suggested_part(records),
        _introductions_part(records),
    ]
    return "\n\n".join(parts)


def _link(path: str, label: str) -> str:
    return f"[[{path.removesuffix('.md')}|{_plain(label)}]]"


def _plain(text: str) -> str:
    """Text that cannot break a wikilink, a table cell or the section's markers."""
    cleaned = text.replace("|", "/").replace("[[", "[").replace("]]", "]").replace("\n", " ")
    return _unmarked(cleaned)


def _unmarked(text: str) -> str:
    return text.replace("<!--", "<!-").replace("-->", "->")


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _followups_part(followups: Sequence[FollowUp], today: dt.date) -> str:
    open_ones = [f for f in followups if f.is_open]
    lines = ["## Follow-ups", ""]
    if not open_ones:
        return "\n".join([*lines, "_Nothing to follow up._"])
    overdue = sum(1 for f in open_ones if f.due and f.due < today)
    if overdue:
        lines += [f"**{overdue} overdue.**", ""]
    for followup in open_ones:
        lines.append(_followup_line(followup, today))
    return "\n".join(lines)


def _followup_line(followup: FollowUp, today: dt.date) -> str:
    due = followup.due.isoformat() if followup.due else "no date"
    when = f"**{due}** (overdue)" if followup.due and followup.due < today else f"**{due}**"
    time = f" {followup.time}" if followup.time else ""
    person = f" · {_plain(followup.contact)}" if followup.contact else ""
    text = _unmarked(followup.text)  # its links stay links: they work in Obsidian
    return f"- {when}{time} {text}{person} · {_link(followup.note, 'note')}"


def _people_part(contacts: Sequence[Contact]) -> str:
    lines = ["## People by organisation", ""]
    if not contacts:
        return "\n".join([*lines, "_No contacts yet._"])
    groups = _by_organisation(contacts)
    named = [name for name in groups if name]
    places = f"{len(named)} organisation{'' if len(named) == 1 else 's'}"
    people = f"{len(contacts)} {'person' if len(contacts) == 1 else 'people'}"
    lines += [f"{people} at {places}.", ""]
    for organisation, people in groups.items():
        lines += [f"### {_plain(organisation) if organisation else 'No organisation'}", ""]
        lines += ["| Person | Role | Status | Last met |", "| --- | --- | --- | --- |"]
        lines += [_person_row(person) for person in people]
        lines.append("")
    return "\n".join(lines).rstrip()


def _by_organisation(contacts: Iterable[Contact]) -> dict[str | None, list[Contact]]:
    groups: dict[str | None, list[Contact]] = defaultdict(list)
    for contact in contacts:
        groups[contact.organisation].append(contact)
    order = sorted(groups, key=lambda name: (name is None, name_key(name or "")))
    return {name: sorted(groups[name], key=lambda c: name_key(c.name)) for name in order}


def _person_row(contact: Contact) -> str:
    cells = [
        _cell(_link(contact.note, contact.name)),
        _plain(contact.role or ""),
        contact.status,
        contact.last_met.isoformat() if contact.last_met else "",
    ]
    return "| " + " | ".join(cells) + " |"


def _meetings_part(meetings: Sequence[Meeting], today: dt.date) -> str:
    lines = ["## Meetings", ""]
    coming = [m for m in meetings if m.status == "planned" and m.date and m.date >= today]
    past = [m for m in meetings if m.date and m.date < today and m.status != "cancelled"]
    if not coming and not past:
        return "\n".join([*lines, "_No meetings yet._"])
    if coming:
        lines += ["### Coming up", "", *(_meeting_line(m) for m in coming), ""]
    if past:
        recent = list(reversed(past))[:RECENT_MEETINGS]
        lines += ["### Recent", "", *(_meeting_line(m) for m in recent), ""]
    return "\n".join(lines).rstrip()


def _meeting_line(meeting: Meeting) -> str:
    when = meeting.date.isoformat() if meeting.date else "no date"
    when += f" {meeting.time}" if meeting.time else ""
    who = ", ".join(_plain(name) for name in meeting.contacts) or "someone"
    where = f" at {_plain(meeting.organisation)}" if meeting.organisation else ""
    return f"- **{when}** {who}{where} · {meeting.status} · {_link(meeting.note, 'note')}"


def _suggested_part(records: Records) -> str:
    lines = ["## Names suggested, not yet contacted", ""]
    if not records.waiting:
        return "\n".join([*lines, "_None waiting._"])
    for suggestion in records.waiting:
        by = f", suggested by {_plain(suggestion.suggested_by)}" if suggestion.suggested_by else ""
        if suggestion.contact_note:
            name = _link(suggestion.contact_note, suggestion.name)
            state = "has a note, not contacted yet"
        else:
            name, state = f"**{_plain(suggestion.name)}**", "no note yet"
        lines.append(f"- {name}{by} ({state}) · {_link(suggestion.meeting, 'meeting')}")
    return "\n".join(lines)


def _introductions_part(records: Records) -> str:
    lines = ["## Who introduced whom", ""]
    if not records.introductions:
        return "\n".join([*lines, "_No introductions recorded yet._"])
    return "\n".join([*lines, mermaid_graph(records.introductions)])


def mermaid_graph(introductions: Sequence) -> str:
    """A Mermaid flowchart; dashed arrows are names suggested but not yet followed up."""
    names = sorted({n for i in introductions for n in (i.introducer, i.person)}, key=name_key)
    ids = {name: f"p{number}" for number, name in enumerate(names, 1)}
    lines = ["```mermaid", "flowchart LR"]
    lines += [f'    {ids[name]}["{_mermaid_label(name)}"]' for name in names]
    for intro in introductions:
        arrow = "-.->" if intro.suggested else "-->"
        lines.append(f"    {ids[intro.introducer]} {arrow} {ids[intro.person]}")
    return "\n".join([*lines, "```"])


def _mermaid_label(name: str) -> str:
    escaped = name.replace("&", "#amp;").replace('"', "#quot;").replace("`", "#96;")
    return escaped.replace("<", "#lt;").replace(">", "#gt;").replace("\n", " ")
