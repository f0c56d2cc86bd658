"""Between the vault and an export: who is already there, creating who is not, and the
contacts as vCards. Nothing here writes a file itself: notes are created by the Scaffolder.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Literal

from ..errors import NoteExistsError, UsageError
from ..names import name_key, safe_stem
from ..notes import Note
from ..scaffold import ContactRequest, Scaffolder
from ..values import as_text
from ..wikilinks import readable
from . import Person, Problem
from .vcard import Card

Action = Literal["created", "would create", "exists"]


@dataclass(frozen=True)
class Outcome:
    person: Person
    action: Action
    where: str  # the note created or found, or the earlier line of the same file
    why: str = ""  # for "exists": what they share with it


def linkedin_key(url: str) -> str:
    """`https://www.linkedin.com/in/jane/` and `linkedin.com/in/Jane` are one profile."""
    bare = url.strip().casefold().split("?", 1)[0].split("#", 1)[0].rstrip("/")
    for prefix in ("https://", "http://", "www."):
        bare = bare.removeprefix(prefix)
    return bare


@dataclass
class Directory:
    """Who is known, by name (as the name matcher compares them), email and LinkedIn address."""

    known: dict[tuple[str, str], str] = field(default_factory=dict)  # (what, key) -> where

    @classmethod
    def of_notes(cls, notes: Iterable[Note]) -> Directory:
        directory = cls()
        for note in notes:
            props = note.properties
            emails = [e for e in (as_text(props.get("email")),) if e]
            names = (note.stem, note.title, *note.aliases)
            directory._add(note.path, names, emails, as_text(props.get("linkedin")))
        return directory

    def find(self, person: Person) -> tuple[str, str] | None:
        """(where, what they share) for a person already known, else None."""
        for what, key in _keys((person.name,), person.emails, person.linkedin):
            if (what, key) in self.known:
                return self.known[what, key], what
        return None

    def add(self, person: Person, where: str) -> None:
        self._add(where, (person.name,), person.emails, person.linkedin)

    def _add(
        self, where: str, names: Iterable[str], emails: Iterable[str], url: str | None
    ) -> None:
        for key in _keys(names, emails, url):
            self.known.setdefault(key, where)


def _keys(
    names: Iterable[str], emails: Iterable[str], url: str | None
) -> Iterator[tuple[str, str]]:
    yield from (("name", name_key(name)) for name in names)
    yield from (("email", email.strip().casefold()) for email in emails)
    if url:
        yield "LinkedIn address", linkedin_key(url)


def import_people(
    scaffolder: Scaffolder, people: Iterable[Person], dry_run: bool
) -> Iterator[Outcome | Problem]:
    """Create a contact for each person not yet known; never touch one who is."""
    directory = Directory.of_notes(scaffolder.contact_notes())
    folder = scaffolder.config.folders.contacts
    for person in people:
        found = directory.find(person)
        if found:
            yield Outcome(person, "exists", *found)
            continue
        try:
            outcome = _create(scaffolder, person, folder, dry_run)
        except NoteExistsError:  # another name that makes the same file name
            yield Outcome(person, "exists", f"{folder}/{safe_stem(person.name)}.md", "file name")
            continue
        except UsageError as error:
            yield Problem(person.line, str(error).rstrip("."))
            continue
        directory.add(person, outcome.where if not dry_run else f"line {person.line}")
        yield outcome


def _create(scaffolder: Scaffolder, person: Person, folder: str, dry_run: bool) -> Outcome:
    if dry_run:
        return Outcome(person, "would create", f"{folder}/{safe_stem(person.name)}.md")
    request = ContactRequest(
        name=person.name,
        organisation=person.organisation,
        role=person.role,
        email=person.emails[0] if person.emails else None,
        phone=person.phones[0] if person.phones else None,
        linkedin=person.linkedin,
        how_we_met=person.how_we_met,
        other_emails=person.emails[1:],
        other_phones=person.phones[1:],
    )
    path = scaffolder.new_contact(request)
    return Outcome(person, "created", scaffolder.vault.relative(path))


def card_of(note: Note) -> Card:
    """A contact note as a vCard's fields."""
    props = note.properties

    def text(key: str) -> str | None:
        value = as_text(props.get(key))
        return readable(value) if value else None

    return Card(
        uid=as_text(props.get("id")),
        name=note.title,
        organisation=text("organisation"),
        role=text("role"),
        email=text("email"),
        phone=text("phone"),
        linkedin=text("linkedin"),
    )
