"""Notes -> the records every listing answers with: follow-ups, meetings, contacts. Pure.

Two steps. `facts_of(note)` keeps what one note says, independent of every other note, so
the index can store it and re-read only the notes that change. `build_records(...)` then
joins the facts of all notes, resolving links, into FollowUp, Meeting and Contact records
as of a given day (a contact's stage and a stay-in-touch reminder depend on today).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, NamedTuple

from .links import Resolver
from .model import Contact, FollowUp, Meeting, Suggested
from .names import name_key
from .stages import (
    contact_stage,
    is_add_suggested,
    is_chase,
    is_planned,
    is_thank_you,
    meeting_status,
    took_place,
)

if TYPE_CHECKING:  # reading notes needs the YAML parser; joining stored facts does not
    from .notes import Note
    from .tasks import Task

_SUGGESTION_HEADING = re.compile(r"suggest|referr|introduc|names they", re.IGNORECASE)


class PersonFacts(NamedTuple):
    """What a contact note says about its person."""

    path: str
    id: str
    name: str
    organisation: str | None = None  # link target or plain text
    role: str | None = None
    email: str | None = None
    status: str | None = None  # as written; empty means "work it out"
    referred_by: str | None = None  # link target or plain text
    stay_in_touch: int | None = None  # days
    next_contact: dt.date | None = None
    aliases: tuple[str, ...] = ()
    contacted: dt.date | None = None  # when they were last reached out to (`vault contacted`)


class MeetingFacts(NamedTuple):
    """What a meeting note says about the conversation."""

    path: str
    id: str
    contacts: tuple[str, ...]  # link targets or plain names, in order
    date: dt.date | None = None
    time: str | None = None
    duration: int | None = None
    status: str = "planned"
    location: str | None = None
    mode: str | None = None
    objective: str | None = None


class OrganisationFacts(NamedTuple):
    path: str
    id: str
    name: str


class TaskFacts(NamedTuple):
    """A task with a date in a contact or meeting note: a follow-up before joining."""

    path: str
    line: int
    id: str
    status: str
    text: str
    due: dt.date
    time: str | None = None
    done_on: dt.date | None = None
    links: tuple[str, ...] = ()

    @property
    def done(self) -> bool:
        return self.status in "xX"

    @property
    def cancelled(self) -> bool:
        return self.status == "-"


class Suggestion(NamedTuple):
    """A name a meeting note lists under "Names they suggested"."""

    path: str  # the meeting note
    target: str  # link target


class NoteFacts(NamedTuple):
    person: PersonFacts | None = None
    meeting: MeetingFacts | None = None
    organisation: OrganisationFacts | None = None
    tasks: tuple[TaskFacts, ...] = ()
    suggestions: tuple[Suggestion, ...] = ()


def facts_of(note: Note) -> NoteFacts:
    """The facts one contact, meeting or organisation note holds; empty for other notes."""
    if note.kind == "contact":
        return NoteFacts(person=person_facts(note), tasks=tuple(task_facts(note)))
    if note.kind == "meeting":
        return NoteFacts(
            meeting=meeting_facts(note),
            tasks=tuple(task_facts(note)),
            suggestions=tuple(suggestions_in(note)),
        )
    if note.kind == "organisation":
        return NoteFacts(organisation=OrganisationFacts(note.path, note.id, note.title))
    return NoteFacts()


def person_facts(note: Note) -> PersonFacts:
    from .notes import as_date, as_int, as_link, as_text

    props = note.properties
    return PersonFacts(
        path=note.path,
        id=note.id,
        name=note.title,
        organisation=as_link(props.get("organisation")),
        role=as_text(props.get("role")),
        email=as_text(props.get("email")),
        status=as_text(props.get("status")),
        referred_by=as_link(props.get("referred_by")),
        stay_in_touch=_positive(as_int(props.get("stay_in_touch"))),
        next_contact=as_date(props.get("next_contact")),
        aliases=note.aliases,
        contacted=as_date(props.get("contacted")),
    )


def meeting_facts(note: Note) -> MeetingFacts:
    from .notes import as_date, as_int, as_text, as_time
    from .values import time_of_day

    props = note.properties
    return MeetingFacts(
        path=note.path,
        id=note.id,
        contacts=meeting_contacts(props),
        date=as_date(props.get("date")),
        time=as_time(props.get("time")) or time_of_day(props.get("date")),
        duration=_positive(as_int(props.get("duration"))),
        status=meeting_status(props.get("status")),
        location=as_text(props.get("location")),
        mode=as_text(props.get("mode")),
        objective=as_text(props.get("objective")),
    )


def meeting_contacts(props: Mapping[str, object]) -> tuple[str, ...]:
    """`contact` then `contacts` (a group), as link targets, without repeats."""
    from .values import as_links

    targets = [*as_links(props.get("contact")), *as_links(props.get("contacts"))]
    return tuple(dict.fromkeys(targets))


def _positive(value: int | None) -> int | None:
    return value if value is not None and value > 0 else None


def task_facts(note: Note) -> Iterator[TaskFacts]:
    """Every task with a date; identical descriptions in one note are numbered apart."""
    seen: Counter[str] = Counter()
    for task in note.tasks:
        seen[task.text.casefold()] += 1
        if task.when is not None:
            yield _task_fact(note, task, seen[task.text.casefold()])


def _task_fact(note: Note, task: Task, occurrence: int) -> TaskFacts:
    from .tasks import task_id

    return TaskFacts(
        path=note.path,
        line=task.line,
        id=task_id(note.id, task, occurrence),
        status=task.status,
        text=task.text,
        due=task.when,  # type: ignore[arg-type]  # only dated tasks get here
        time=task.time,
        done_on=task.done_on,
        links=task.links,
    )


def suggestions_in(note: Note) -> Iterator[Suggestion]:
    """Links under a heading such as "Names they suggested", up to the next heading."""
    from .notes import links_in

    for line in note.outline.section_lines(_SUGGESTION_HEADING.search):
        for target in links_in(line):
            yield Suggestion(note.path, target)


# Joining the facts of all notes.


class Introduction(NamedTuple):
    """Who introduced whom: from a `referred_by`, or a name suggested in a meeting."""

    introducer: str
    person: str
    suggested: bool = False  # from a meeting's suggestions rather than `referred_by`


@dataclass(frozen=True)
class Records:
    followups: list[FollowUp]
    meetings: list[Meeting]
    contacts: list[Contact]
    organisations: Mapping[str, str] = field(default_factory=dict)  # path -> name
    join: _Joiner | None = field(default=None, repr=False, compare=False)

    # Joined when first asked for: a listing of follow-ups needs neither.
    @cached_property
    def suggested(self) -> list[Suggested]:
        """Every name suggested in a meeting, first meeting first."""
        return _suggested(self.join, self.meetings) if self.join else []

    @cached_property
    def introductions(self) -> list[Introduction]:
        return _introductions(self.join) if self.join else []

    @property
    def waiting(self) -> list[Suggested]:
        """Suggested names not contacted yet: no contact note, or a contact still a prospect."""
        stages = {contact.note: contact.status for contact in self.contacts}
        waiting = [
            s for s in self.suggested if stages.get(s.contact_note or "", "prospect") == "prospect"
        ]
        return sorted(waiting, key=lambda s: name_key(s.name))


class VaultFacts(NamedTuple):
    """The facts of every contact, meeting and organisation note in a vault."""

    people: Sequence[PersonFacts] = ()
    meetings: Sequence[MeetingFacts] = ()
    organisations: Sequence[OrganisationFacts] = ()
    tasks: Sequence[TaskFacts] = ()
    suggestions: Sequence[Suggestion] = ()

    @classmethod
    def from_notes(cls, notes: Iterable[Note]) -> VaultFacts:
        people, meetings, organisations, tasks, suggestions = [], [], [], [], []
        for note in notes:
            facts = facts_of(note)
            people += [facts.person] if facts.person else []
            meetings += [facts.meeting] if facts.meeting else []
            organisations += [facts.organisation] if facts.organisation else []
            tasks += facts.tasks
            suggestions += facts.suggestions
        return cls(people, meetings, organisations, tasks, suggestions)


class _Joiner:
    """Resolves links between the facts; one per build."""

    def __init__(
        self, facts: VaultFacts, resolver: Resolver, today: dt.date, default_duration: int
    ) -> None:
        self.facts = facts
        self.resolver = resolver
        self.today = today
        self.default_duration = default_duration
        self.people = {person.path: person for person in self.facts.people}
        self.organisations = {org.path: org for org in self.facts.organisations}
        self.meetings = {meeting.path: meeting for meeting in self.facts.meetings}
        # meeting path -> the paths of its people that have a contact note
        self.meeting_people = {m.path: self._contact_paths(m) for m in self.facts.meetings}
        self.suggested: dict[str, list[str]] = defaultdict(list)  # note path -> names in it
        for suggestion in self.facts.suggestions:
            self.suggested[suggestion.path].append(suggestion.target)

    def person_path(self, target: str | None, source: str) -> str | None:
        path = self.resolver.resolve(target, source)
        return path if path in self.people else None

    def person_name(self, target: str | None, source: str) -> str | None:
        path = self.person_path(target, source)
        return self.people[path].name if path else target

    def organisation_path(self, target: str | None, source: str) -> str | None:
        path = self.resolver.resolve(target, source)
        return path if path in self.organisations else None

    def organisation_name(self, target: str | None, source: str) -> str | None:
        path = self.organisation_path(target, source)
        return self.organisations[path].name if path else target

    def _contact_paths(self, meeting: MeetingFacts) -> list[str]:
        paths = (self.person_path(target, meeting.path) for target in meeting.contacts)
        return [path for path in paths if path]


def build_records(
    facts: VaultFacts,
    resolver: Resolver,
    today: dt.date,
    default_duration: int,
) -> Records:
    """Join every note's facts into the records listings, the calendar and reports use."""
    join = _Joiner(facts, resolver, today, default_duration)
    meetings = sorted((_meeting(join, m) for m in facts.meetings), key=meeting_order)
    history = _meeting_history(join)
    tasks = [_task_followup(join, task, history) for task in facts.tasks]
    derived = [pair for person in facts.people for pair in _derived(join, person, history)]
    pairs = tasks + derived
    followups = sorted((followup for followup, _ in pairs), key=followup_order)
    by_person: dict[str | None, list[FollowUp]] = defaultdict(list)
    for followup, person_path in pairs:
        by_person[person_path].append(followup)
    contacts = sorted(
        (_contact(join, person, history, by_person[person.path]) for person in facts.people),
        key=lambda contact: (name_key(contact.name), contact.note),
    )
    return Records(
        followups=followups,
        meetings=meetings,
        contacts=contacts,
        organisations={path: org.name for path, org in join.organisations.items()},
        join=join,
    )


def followup_order(followup: FollowUp) -> tuple[object, ...]:
    """By due date (none last), then note, then line (derived reminders after tasks)."""
    due = followup.due or dt.date.max
    line = followup.line if followup.line is not None else 1 << 30
    return (followup.due is None, due, followup.note, line, followup.id)


def meeting_order(meeting: Meeting) -> tuple[object, ...]:
    return (meeting.date is None, meeting.date or dt.date.max, meeting.time or "", meeting.note)


def _meeting(join: _Joiner, meeting: MeetingFacts) -> Meeting:
    names = tuple(n for n in (join.person_name(t, meeting.path) for t in meeting.contacts) if n)
    people = join.meeting_people[meeting.path]
    first = join.people[people[0]] if people else None
    return Meeting(
        note=meeting.path,
        id=meeting.id,
        contact=names[0] if names else None,
        contacts=names,
        date=meeting.date,
        time=meeting.time,
        duration=meeting.duration or join.default_duration,
        status=meeting.status,
        location=meeting.location,
        mode=meeting.mode,
        objective=meeting.objective,
        organisation=join.organisation_name(first.organisation, first.path) if first else None,
        contact_notes=tuple(people),
    )


class _History:
    """Per contact path: whether and when they were met, and whether a meeting is to come."""

    def __init__(self) -> None:
        self.met: set[str] = set()
        self.met_on: dict[str, list[dt.date]] = defaultdict(list)  # dated meetings only
        self.scheduled: set[str] = set()

    def last_met(self, path: str) -> dt.date | None:
        return max(self.met_on[path]) if path in self.met_on else None


def _meeting_history(join: _Joiner) -> _History:
    history = _History()
    for meeting in join.facts.meetings:
        for path in join.meeting_people[meeting.path]:
            if took_place(meeting.status, meeting.date, join.today):
                history.met.add(path)
                if meeting.date:
                    history.met_on[path].append(meeting.date)
            elif is_planned(meeting.status, meeting.date, join.today):
                history.scheduled.add(path)
    return history


def _task_person(join: _Joiner, task: TaskFacts) -> str | None:
    """The contact a task concerns: a linked contact, else the contact its note is about."""
    for target in task.links:
        path = join.person_path(target, task.path)
        if path:
            return path
    if task.path in join.people:
        return task.path
    people = join.meeting_people.get(task.path)
    return people[0] if people else None


def _task_contact_name(join: _Joiner, task: TaskFacts, person: str | None) -> str | None:
    if person:
        return join.people[person].name
    meeting = join.meetings.get(task.path)
    return meeting.contacts[0] if meeting and meeting.contacts else None


def _task_followup(
    join: _Joiner, task: TaskFacts, history: _History
) -> tuple[FollowUp, str | None]:
    """The follow-up a task is, and the path of the contact it concerns."""
    person = _task_person(join, task)
    open_task = not (task.done or task.cancelled)
    followup = FollowUp(
        id=task.id,
        text=task.text,
        due=task.due,
        time=task.time,
        done=task.done,
        cancelled=task.cancelled,
        note=task.path,
        contact=_task_contact_name(join, task, person),
        source="task",
        line=task.line,
        done_on=task.done_on,
        contact_note=person,
        settled=_settled(join, task, person, history) if open_task else None,
    )
    return followup, person


def _settled(join: _Joiner, task: TaskFacts, person: str | None, history: _History) -> str | None:
    """Why an open task needs doing no more, from what happened since it was written."""
    meeting = join.meetings.get(task.path)
    if meeting is not None:
        return _settled_by_meeting(join, task, meeting)
    booked = person is not None and (person in history.scheduled or person in history.met)
    if task.path in join.people and is_chase(task.text) and booked:
        return "a conversation is booked"
    return None


def _settled_by_meeting(join: _Joiner, task: TaskFacts, meeting: MeetingFacts) -> str | None:
    if meeting.status == "cancelled":
        return "its meeting was cancelled"
    if meeting.date and task.due < meeting.date and meeting.date >= join.today:
        return "it is due before its meeting"
    if is_add_suggested(task.text) and took_place(meeting.status, meeting.date, join.today):
        names = join.suggested.get(meeting.path, [])
        if all(join.resolver.resolve(name, meeting.path) for name in names):
            return "every name suggested has a note" if names else "nobody was suggested"
    return None


def _derived(
    join: _Joiner, person: PersonFacts, history: _History
) -> Iterator[tuple[FollowUp, str]]:
    """Reminders from a contact's `next_contact`, else from `stay_in_touch`.

    A set `next_contact` is the user's own next date, so it replaces the stay-in-touch
    reminder until a meeting on or after that date has taken place.
    """
    met = history.last_met(person.path)
    waiting = person.next_contact is not None and not (met and met >= person.next_contact)
    if person.next_contact:
        text = f"Get in touch with {person.name}"
        yield _reminder(person, "next", text, person.next_contact, done=not waiting), person.path
    if person.stay_in_touch and met and not waiting:
        due = met + dt.timedelta(days=person.stay_in_touch)
        yield _reminder(person, "keep", f"Stay in touch with {person.name}", due), person.path


_SOURCES = {"next": "next_contact", "keep": "stay_in_touch"}


def _reminder(
    person: PersonFacts, suffix: str, text: str, due: dt.date, *, done: bool = False
) -> FollowUp:
    return FollowUp(
        id=f"{person.id}:{suffix}",
        text=text,
        due=due,
        time=None,
        done=done,
        cancelled=False,
        note=person.path,
        contact=person.name,
        source=_SOURCES[suffix],
        contact_note=person.path,
    )


def _contact(
    join: _Joiner,
    person: PersonFacts,
    history: _History,
    theirs: Sequence[FollowUp],
) -> Contact:
    thanked = any(f.done and f.source == "task" and is_thank_you(f.text) for f in theirs)
    stage = contact_stage(
        person.status,
        scheduled=person.path in history.scheduled,
        met=person.path in history.met,
        thanked=thanked,
        contacted=person.contacted is not None,
    )
    open_dates = [f.due for f in theirs if f.due and f.is_open]
    return Contact(
        name=person.name,
        note=person.path,
        id=person.id,
        organisation=join.organisation_name(person.organisation, person.path),
        role=person.role,
        status=stage,
        last_met=history.last_met(person.path),
        last_contact=max(
            filter(None, (history.last_met(person.path), person.contacted)), default=None
        ),
        next_followup=min(open_dates, default=None),
        email=person.email,
        referred_by=join.person_name(person.referred_by, person.path),
        organisation_note=join.organisation_path(person.organisation, person.path),
    )


def _suggested(join: _Joiner, meetings: Sequence[Meeting]) -> list[Suggested]:
    """Every name suggested in a meeting, once, from the earliest meeting that names it."""
    by_note = {meeting.note: meeting for meeting in meetings}
    order = {meeting.note: index for index, meeting in enumerate(meetings)}
    found: dict[str, Suggested] = {}
    for suggestion in sorted(join.facts.suggestions, key=lambda s: order.get(s.path, 1 << 30)):
        meeting = by_note.get(suggestion.path)
        note = join.resolver.resolve(suggestion.target, suggestion.path)
        contact = note if note in join.people else None
        name = join.people[contact].name if contact else _last_part(suggestion.target)
        if meeting is None or not name or name_key(name) == name_key(meeting.contact or ""):
            continue
        found.setdefault(
            note or name_key(name),
            Suggested(name, meeting.contact, meeting.note, meeting.date, note, contact),
        )
    return list(found.values())


def _last_part(target: str) -> str:
    return target.rsplit("/", 1)[-1].removesuffix(".md").strip()


def _introductions(join: _Joiner) -> list[Introduction]:
    edges: dict[tuple[str, str], Introduction] = {}
    for person in join.facts.people:
        introducer = join.person_name(person.referred_by, person.path)
        if introducer and name_key(introducer) != name_key(person.name):
            edges.setdefault(
                _edge_key(introducer, person.name), Introduction(introducer, person.name)
            )
    for suggestion in join.facts.suggestions:
        people = join.meeting_people.get(suggestion.path) or []
        name = join.person_name(suggestion.target, suggestion.path) or suggestion.target
        if people and name_key(join.people[people[0]].name) != name_key(name):
            introducer = join.people[people[0]].name
            edges.setdefault(_edge_key(introducer, name), Introduction(introducer, name, True))
    return sorted(edges.values(), key=lambda e: (name_key(e.introducer), name_key(e.person)))


def _edge_key(introducer: str, person: str) -> tuple[str, str]:
    return name_key(introducer), name_key(person)
