"""Problems in a vault, for `vault check`. Pure: notes and facts in, problems out.

`note_problems` looks at one note alone, so the index can store its answer with the note;
`vault_problems` looks across notes (links that go nowhere, one person in two notes).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, NamedTuple

from .followups import MeetingFacts, PersonFacts, TaskFacts
from .links import Resolver, obsidian_finds, stem_of
from .names import name_key
from .notes import Note, as_date, as_int, as_text, as_time
from .stages import CONTACT_STATUSES, MEETING_STATUSES, meeting_status
from .values import unquoted_link

_DATE_PROPERTIES = {
    "contact": ("next_contact", "created"),
    "meeting": ("date", "created"),
    "organisation": ("created",),
}
_NAME_PROPERTIES = ("name",)


class Problem(NamedTuple):
    note: str  # path relative to the vault
    message: str  # a phrase completing "<note> ...", e.g. "has a date that is not a date"

    def __str__(self) -> str:
        return f"{self.note}: {self.message}"


def note_problems(note: Note) -> list[str]:
    """What is wrong with one note on its own: how it reads, and its properties' types."""
    found = list(note.problems)
    if note.kind:
        found += _property_problems(note.kind, note.properties)
    if note.kind in ("contact", "meeting"):
        found += _task_date_problems(note)
    return found


def _task_date_problems(note: Note) -> Iterator[str]:
    """Task dates no reader takes, and dates Obsidian Tasks will not show: the task's remarks."""
    for task in note.tasks:
        yield from (f"has a task on line {task.line + 1} {remark}" for remark in task.remarks)


def _property_problems(kind: str, props: Mapping[str, Any]) -> Iterator[str]:
    for key, value in props.items():
        link = unquoted_link(value)
        if link:
            yield (
                f"has {key}: {link} without quotes, which YAML reads as a list in a list: "
                f'write {key}: "{link}"'
            )
    for key in _NAME_PROPERTIES:
        value = props.get(key)
        if value is not None and not isinstance(value, str):
            yield f"has a '{key}' that is not text"
    for key in _DATE_PROPERTIES[kind]:
        value = props.get(key)
        if value not in (None, "") and as_date(value) is None:
            yield f"has a '{key}' that is not a date (YYYY-MM-DD): {_shown(value)}"
    if kind == "meeting":
        yield from _meeting_problems(props)
    if kind == "contact":
        yield from _contact_problems(props)


def _meeting_problems(props: Mapping[str, Any]) -> Iterator[str]:
    if not props.get("contact") and not props.get("contacts"):
        yield "is a meeting with no 'contact'"
    if props.get("time") not in (None, "") and as_time(props.get("time")) is None:
        yield f"has a 'time' that is not a time (HH:MM): {_shown(props.get('time'))}"
    duration = props.get("duration")
    if duration not in (None, "") and (as_int(duration) or 0) <= 0:
        yield f"has a 'duration' that is not a number of minutes: {_shown(duration)}"
    status = meeting_status(props.get("status"))
    if status not in MEETING_STATUSES:
        yield f"has a 'status' {status!r} that is not one of {', '.join(MEETING_STATUSES)}"


def _contact_problems(props: Mapping[str, Any]) -> Iterator[str]:
    status = as_text(props.get("status"))
    if status and status.casefold() not in CONTACT_STATUSES:
        yield f"has a 'status' {status!r} that is not one of {', '.join(CONTACT_STATUSES)}"
    days = props.get("stay_in_touch")
    if days not in (None, "") and (as_int(days) or 0) <= 0:
        yield f"has a 'stay_in_touch' that is not a number of days: {_shown(days)}"


def _shown(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else repr(value.strip())
    return text if len(text) <= 40 else text[:37] + "..."


def vault_problems(
    people: Sequence[PersonFacts],
    meetings: Sequence[MeetingFacts],
    tasks: Sequence[TaskFacts],
    resolver: Resolver,
) -> list[Problem]:
    """Problems that show only across notes."""
    person_paths = {person.path for person in people}
    found = [
        *_meeting_link_problems(meetings, person_paths, resolver),
        *_task_link_problems(tasks, resolver),
        *_duplicate_people(people),
        *_duplicate_followup_ids(tasks),
        *_followups_before_their_meeting(meetings, tasks),
    ]
    return sorted(found, key=lambda problem: (problem.note, problem.message))


def _meeting_link_problems(
    meetings: Sequence[MeetingFacts], person_paths: set[str], resolver: Resolver
) -> Iterator[Problem]:
    for meeting in meetings:
        for target in meeting.contacts:
            path = resolver.resolve(target, meeting.path)
            if path is None:
                yield Problem(meeting.path, f"links its contact to [[{target}]], which is no note")
            elif path not in person_paths:
                yield Problem(meeting.path, f"links its contact to {path}, which is not a contact")
            elif not obsidian_finds(target, path):
                yield Problem(meeting.path, _found_by_us_only("links its contact to", target, path))


def _task_link_problems(tasks: Sequence[TaskFacts], resolver: Resolver) -> Iterator[Problem]:
    """Links in follow-ups that name their person only as vaulttools reads names."""
    for task in tasks:
        for target in dict.fromkeys(task.links):
            path = resolver.resolve(target, task.path)
            if path is not None and not obsidian_finds(target, path):
                what = f"has a task on line {task.line + 1} that links"
                yield Problem(task.path, _found_by_us_only(what, target, path))


def _found_by_us_only(what: str, target: str, path: str) -> str:
    return (
        f"{what} [[{target}]], which vaulttools finds in {path} "
        f"but Obsidian does not: write [[{stem_of(path)}]]"
    )


def _followups_before_their_meeting(
    meetings: Sequence[MeetingFacts], tasks: Sequence[TaskFacts]
) -> Iterator[Problem]:
    """Open follow-ups in a meeting note due before the meeting: its date moved by hand."""
    day_of = {m.path: m.date for m in meetings if m.date and m.status != "cancelled"}
    for task in tasks:
        day = day_of.get(task.path)
        if day and task.due < day and not (task.done or task.cancelled):
            yield Problem(
                task.path,
                f"has the follow-up {task.text!r} due {task.due.isoformat()}, before its "
                f"meeting on {day.isoformat()} ('vault snooze' moves it)",
            )


def _duplicate_people(people: Sequence[PersonFacts]) -> Iterator[Problem]:
    """Two contact notes for one person: the same name, or one's name is the other's alias."""
    by_key: dict[str, dict[str, tuple[PersonFacts, str]]] = defaultdict(dict)
    for person in people:
        for label in (person.name, *person.aliases):
            by_key[name_key(label)].setdefault(person.path, (person, label))
    reported: set[tuple[str, str]] = set()
    for group in by_key.values():
        first, *others = sorted(group.values(), key=lambda entry: entry[0].path)
        for other, label in others:
            if (first[0].path, other.path) not in reported:
                reported.add((first[0].path, other.path))
                message = f"may be the same person as {first[0].path}: both go by {label!r}"
                yield Problem(other.path, message)


def _duplicate_followup_ids(tasks: Sequence[TaskFacts]) -> Iterator[Problem]:
    first_seen: dict[str, TaskFacts] = {}
    for task in sorted(tasks, key=lambda task: (task.path, task.line)):
        earlier = first_seen.setdefault(task.id, task)
        if earlier is not task:
            where = "line" if earlier.path == task.path else f"{earlier.path} line"
            message = (
                f"has a follow-up on line {task.line + 1} with the id {task.id}, "
                f"already used on {where} {earlier.line + 1}"
            )
            yield Problem(task.path, message)
