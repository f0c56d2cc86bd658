"""`vault report`: what the search has covered so far, computed from the index's records. Pure.

It answers the workflow's "process what you learned" for the whole search: who was met and
who is planned, which organisations and roles, how often, whether thank-yous went out within
a day, whether suggested names were followed up, and what is overdue.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from .model import Contact, FollowUp, Meeting, Suggested, to_json
from .names import name_key
from .referrals import followed_up
from .stages import is_planned, is_thank_you, took_place
from .wikilinks import readable

MIN_ORGANISATIONS = 3  # the workflow warns against relying on one or two points of view
THANK_YOU_DAYS = 1  # "within 24 hours": ticked on the day of the meeting or the day after
_THANKS = re.compile(r"\bthank", re.IGNORECASE)


class Person(NamedTuple):
    """Someone the user has talked to, or is about to."""

    name: str
    note: str | None
    organisation: str | None
    role: str | None
    conversations: int
    date: dt.date | None  # the last conversation; for a planned one, the next


class ThankYou(NamedTuple):
    """The thank-you for one conversation that took place, and how it went."""

    meeting: str  # the meeting note
    contact: str | None
    date: dt.date | None  # the meeting's day
    status: str  # on_time, late, undated, pending, not_sent or none
    sent_on: dt.date | None = None


THANK_YOU_LABELS = {
    "on_time": "sent on time",
    "late": "sent late",
    "undated": "ticked without a done date",
    "pending": "still to send, in time",
    "not_sent": "not sent, and more than a day has passed",
    "none": "no thank-you follow-up in the meeting note",
}


@dataclass(frozen=True)
class Report:
    today: dt.date
    conversations: int  # that took place, dated or not
    met: list[Person]
    planned: list[Person]
    organisations: list[str]  # of the conversations that took place
    roles: list[str]
    per_month: dict[str, int]  # YYYY-MM -> conversations that took place
    thank_yous: list[ThankYou]
    suggested: list[Suggested]
    followed_up: list[str]  # names of the suggested people who were followed up
    overdue: list[FollowUp]
    warnings: list[str] = field(default_factory=list)

    def thank_you_counts(self) -> dict[str, int]:
        counts = Counter(thank.status for thank in self.thank_yous)
        return {status: counts.get(status, 0) for status in THANK_YOU_LABELS}


def build_report(
    meetings: Sequence[Meeting],
    contacts: Sequence[Contact],
    followups: Sequence[FollowUp],
    suggested: Sequence[Suggested],
    today: dt.date,
) -> Report:
    """The report as of `today`, from every meeting, contact and follow-up (done ones too)."""
    held = [m for m in meetings if took_place(m.status, m.date, today)]
    upcoming = [m for m in meetings if is_planned(m.status, m.date, today)]
    by_name = {name_key(c.name): c for c in contacts}
    met = _people(held, by_name, latest=True)
    organisations = _distinct(m.organisation for m in held)
    stages = {c.note: c.status for c in contacts}
    return Report(
        today=today,
        conversations=len(held),
        met=met,
        planned=_people(upcoming, by_name, latest=False),
        organisations=organisations,
        roles=_distinct(person.role for person in met),
        per_month=_per_month(held),
        thank_yous=[_thank_you(m, followups, today) for m in held],
        suggested=list(suggested),
        followed_up=[s.name for s in suggested if followed_up(s, stages)],
        overdue=_overdue(followups, today),
        warnings=_warnings(held, organisations),
    )


def _people(
    meetings: Sequence[Meeting], by_name: Mapping[str, Contact], latest: bool
) -> list[Person]:
    """One Person per name across the meetings, in order of name."""
    dates: dict[str, list[dt.date | None]] = {}
    shown: dict[str, str] = {}
    for meeting in meetings:
        for name in meeting.contacts or ((meeting.contact,) if meeting.contact else ()):
            key = name_key(name)
            shown.setdefault(key, name)
            dates.setdefault(key, []).append(meeting.date)
    pick = max if latest else min
    return [
        _person(shown[key], by_name.get(key), days, pick) for key, days in sorted(dates.items())
    ]


def _person(
    name: str,
    contact: Contact | None,
    days: list[dt.date | None],
    pick: Callable[[Iterable[dt.date]], dt.date],
) -> Person:
    known = [day for day in days if day is not None]
    return Person(
        name=contact.name if contact else name,
        note=contact.note if contact else None,
        organisation=contact.organisation if contact else None,
        role=contact.role if contact else None,
        conversations=len(days),
        date=pick(known) if known else None,
    )


def _distinct(values: Iterable[str | None]) -> list[str]:
    """Each value once, compared loosely, in order of name."""
    seen: dict[str, str] = {}
    for value in values:
        if value and value.strip():
            seen.setdefault(name_key(value), value.strip())
    return [seen[key] for key in sorted(seen)]


def _per_month(held: Sequence[Meeting]) -> dict[str, int]:
    """Conversations per month, with the quiet months in between shown as 0."""
    counts = Counter(m.date.strftime("%Y-%m") for m in held if m.date)
    if not counts:
        return {}
    months = []
    year, month = map(int, min(counts).split("-"))
    while f"{year:04d}-{month:02d}" <= max(counts):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return {key: counts.get(key, 0) for key in months}


def _thank_you(meeting: Meeting, followups: Sequence[FollowUp], today: dt.date) -> ThankYou:
    """On time means ticked (its ✅ date) no later than the day after the conversation."""
    tasks = [f for f in followups if f.note == meeting.note and _is_thanks(f) and not f.cancelled]
    base = ThankYou(meeting.note, meeting.contact, meeting.date, "none")
    if not tasks:
        return base
    done = [f for f in tasks if f.done]
    if not done:
        late = meeting.date is not None and today > meeting.date + dt.timedelta(THANK_YOU_DAYS)
        return _replace(base, "not_sent" if late else "pending")
    sent_on = min((f.done_on for f in done if f.done_on), default=None)
    if sent_on is None:
        return _replace(base, "undated")
    in_time = meeting.date is None or sent_on <= meeting.date + dt.timedelta(THANK_YOU_DAYS)
    return _replace(base, "on_time" if in_time else "late", sent_on)


def _is_thanks(followup: FollowUp) -> bool:
    return followup.source == "task" and (
        is_thank_you(followup.text) or bool(_THANKS.search(followup.text))
    )


def _replace(thank: ThankYou, status: str, sent_on: dt.date | None = None) -> ThankYou:
    return ThankYou(thank.meeting, thank.contact, thank.date, status, sent_on)


def _overdue(followups: Sequence[FollowUp], today: dt.date) -> list[FollowUp]:
    late = [f for f in followups if f.is_open and f.due and f.due < today]
    return sorted(late, key=lambda f: (f.due, f.note, f.line or 0))


def _warnings(held: Sequence[Meeting], organisations: Sequence[str]) -> list[str]:
    if not held:
        return ["No conversations yet: aim to talk to people at three or more organisations."]
    if len(organisations) >= MIN_ORGANISATIONS:
        return []
    unknown = sum(1 for m in held if not m.organisation)
    known = f" ({', '.join(organisations)})" if organisations else ""
    plural = "organisation" if len(organisations) == 1 else "organisations"
    note = f"; {unknown} conversation(s) have no organisation recorded" if unknown else ""
    return [
        f"Your conversations so far come from {len(organisations)} {plural}{known}{note}: "
        "talk to people at a few more before drawing firm conclusions."
    ]


# Output ------------------------------------------------------------------------------------


def report_json(report: Report) -> dict[str, Any]:
    """The report as one JSON object; keys are documented in `vault report --help`."""
    return {
        "today": report.today.isoformat(),
        "conversations": report.conversations,
        "met": [to_json(p) for p in report.met],
        "planned": [to_json(p) for p in report.planned],
        "organisations": report.organisations,
        "roles": report.roles,
        "per_month": report.per_month,
        "thank_yous": report.thank_you_counts(),
        "thank_you_details": [to_json(t) for t in report.thank_yous],
        "suggested": [_suggested_json(s, report) for s in report.suggested],
        "suggested_count": len(report.suggested),
        "followed_up_count": len(report.followed_up),
        "overdue": [to_json(f) for f in report.overdue],
        "warnings": report.warnings,
    }


def _suggested_json(suggested: Suggested, report: Report) -> dict[str, Any]:
    data = to_json(suggested)
    data["followed_up"] = suggested.name in report.followed_up
    return data


Section = tuple[str, list[str]]
Link = Callable[[str, "str | None"], str]


def summary(report: Report) -> str:
    """One sentence on the search so far, above the details."""
    people = len(report.met)
    orgs = len(report.organisations)
    return (
        f"{_count(report.conversations, 'conversation')} with {_count(people, 'person', 'people')}"
        f" at {_count(orgs, 'organisation')}; {len(report.planned)} more planned."
    )


def _count(number: int, one: str, many: str | None = None) -> str:
    return f"{number} {one if number == 1 else many or one + 's'}"


def sections(report: Report, link: Link, task_text: Callable[[str], str]) -> list[Section]:
    """(title, lines) of each part of the report.

    `link(name, note)` formats a person and `task_text` a follow-up's text, so that the
    note version links to contacts and the terminal version reads plainly.
    """
    return [
        (f"People met ({len(report.met)})", [_met_line(p, link) for p in report.met]),
        (
            f"Conversations planned ({len(report.planned)})",
            [_planned_line(p, link) for p in report.planned],
        ),
        (f"Organisations covered ({len(report.organisations)})", report.organisations),
        (f"Roles covered ({len(report.roles)})", report.roles),
        (
            f"Conversations per month ({report.conversations} in all)",
            [f"{month}: {count}" for month, count in report.per_month.items()],
        ),
        ("Thank-yous", _thank_you_lines(report, link)),
        (
            f"Names suggested ({len(report.suggested)}, followed up {len(report.followed_up)})",
            [_suggested_line(s, report, link) for s in report.suggested],
        ),
        (
            f"Overdue follow-ups ({len(report.overdue)})",
            [_overdue_line(f, task_text) for f in report.overdue],
        ),
    ]


def _where(person: Person) -> str:
    """`, Analyst at Acme Ltd`, `, at Acme Ltd`, `, Analyst` or nothing."""
    if person.role and person.organisation:
        return f", {person.role} at {person.organisation}"
    if person.organisation:
        return f", at {person.organisation}"
    return f", {person.role}" if person.role else ""


def _met_line(person: Person, link: Link) -> str:
    day = f", last {person.date.isoformat()}" if person.date else ""
    count = _count(person.conversations, "conversation")
    return f"{link(person.name, person.note)}{_where(person)} ({count}{day})"


def _planned_line(person: Person, link: Link) -> str:
    day = f"on {person.date.isoformat()}" if person.date else "no date yet"
    more = f", {person.conversations} planned" if person.conversations > 1 else ""
    return f"{link(person.name, person.note)}{_where(person)} ({day}{more})"


def _thank_you_lines(report: Report, link: Link) -> list[str]:
    counts = report.thank_you_counts()
    lines = [f"{THANK_YOU_LABELS[s]}: {n}" for s, n in counts.items() if n]
    for thank in report.thank_yous:
        if thank.status in ("late", "not_sent", "none"):
            who = link(thank.contact, None) if thank.contact else "?"
            day = thank.date.isoformat() if thank.date else "undated"
            lines.append(f"{who}, {day}: {THANK_YOU_LABELS[thank.status]}")
    return lines


def _suggested_line(suggested: Suggested, report: Report, link: Link) -> str:
    if suggested.name in report.followed_up:
        state = "followed up"
    elif suggested.has_note:
        state = "has a note, not contacted yet"
    else:
        state = "no note yet ('vault referrals --create' adds one)"
    by = f", suggested by {suggested.suggested_by}" if suggested.suggested_by else ""
    return f"{link(suggested.name, suggested.note)}{by}: {state}"


def _overdue_line(followup: FollowUp, task_text: Callable[[str], str]) -> str:
    due = followup.due.isoformat() if followup.due else ""
    return f"{due} {task_text(followup.text)} ({followup.id})"


def render_text(report: Report) -> str:
    """The report as plain text for the terminal."""
    out = [f"Informational interviews report, {report.today.isoformat()}", "", summary(report), ""]
    out += [f"Warning: {warning}" for warning in report.warnings]
    out += [""] if report.warnings else []
    for title, lines in sections(report, lambda name, _note: name, readable):
        out.append(title)
        out += [f"  - {line}" for line in lines] or ["  (none)"]
        out.append("")
    return "\n".join(out)


def render_markdown(report: Report) -> str:
    """The report as a note: front matter, warnings as a callout, links to contact notes."""
    out = [
        "---",
        f"created: {report.today.isoformat()}",
        "tags: [informational-interviews]",
        "---",
        f"# Informational interviews report, {report.today.isoformat()}",
        "",
        summary(report),
        "",
    ]
    if report.warnings:
        out += ["> [!warning]", *[f"> {warning}" for warning in report.warnings], ""]
    for title, lines in sections(report, _markdown_link, lambda text: text):
        out += [f"## {title}", ""]
        out += [f"- {line}" for line in lines] or ["_None._"]
        out.append("")
    return "\n".join(out)


def _markdown_link(name: str, note: str | None) -> str:
    """A wikilink for a person with a note; plain text otherwise, to add no unresolved links."""
    if not note:
        return name
    stem = note.rsplit("/", 1)[-1].removesuffix(".md")
    return f"[[{stem}]]" if name_key(stem) == name_key(name) else f"[[{stem}|{name}]]"
