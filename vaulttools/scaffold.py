"""Create a vault and its notes from templates: the logic behind init and new-*."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .bases import base_text
from .config import (
    CONFIG_DIR,
    CONFIG_FILE,
    Config,
    config_text_for_new_vault,
    load_config,
    system_timezone_name,
)
from .errors import NoSuchNoteError, NoteExistsError, TemplateError, UsageError
from .lookup import resolve_name
from .names import check_name, name_key, safe_stem
from .notes import Note, as_link, as_text, load_properties, parse_note, split_front_matter
from .ownfiles import refuse_symlink
from .templates import Renderer, new_id, package_templates_dir
from .vault import Vault, check_config_paths, create_exclusive, iter_markdown

MEETING_MODES = ("in-person", "video", "phone")
_STATE_GITIGNORE = (
    "# Derived files: deleting them loses nothing.\nindex.sqlite*\ncalendar.ics\nedit.lock\n"
)


def init_vault(root: Path) -> list[Path]:
    """Make `root` a vault, or adopt the Obsidian vault there. Returns what it created."""
    created: list[Path] = []
    state = root / CONFIG_DIR
    refuse_symlink(state)
    if not state.is_dir():
        state.mkdir(parents=True)
        created.append(state)
    settings = config_text_for_new_vault(system_timezone_name())
    for name, text in ((CONFIG_FILE, settings), (".gitignore", _STATE_GITIGNORE)):
        if _create_if_missing(state / name, text):
            created.append(state / name)
    config = load_config(root)
    check_config_paths(root, config)
    user_templates = root / config.folders.templates
    for source in sorted(package_templates_dir().iterdir()):
        target = user_templates / source.name
        if source.is_file() and _create_if_missing(target, source.read_text(encoding="utf-8")):
            created.append(target)
    for folder in (config.folders.contacts, config.folders.meetings, config.folders.organisations):
        if not (root / folder).exists():
            (root / folder).mkdir(parents=True)
            created.append(root / folder)
    if _create_if_missing(root / config.base_file, base_text()):
        created.append(root / config.base_file)
    return created


def _create_if_missing(path: Path, text: str) -> bool:
    try:
        create_exclusive(path, text)
    except NoteExistsError:
        return False
    return True


@dataclass(frozen=True)
class ContactRequest:
    name: str
    organisation: str | None = None
    role: str | None = None
    email: str | None = None
    phone: str | None = None
    linkedin: str | None = None
    how_we_met: str | None = None
    referred_by: str | None = None
    tags: tuple[str, ...] = ()
    other_emails: tuple[str, ...] = ()  # besides `email`, e.g. from a vCard
    other_phones: tuple[str, ...] = ()
    stay_in_touch: int | None = None  # days; None: the vault's setting


@dataclass(frozen=True)
class MeetingRequest:
    contact: str
    date: dt.date
    time: str | None = None
    duration: int | None = None
    location: str | None = None
    mode: str | None = None
    objective: str | None = None
    questions: str | None = None  # comma-separated categories; None: the default picks
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class OrganisationRequest:
    name: str
    website: str | None = None
    industry: str | None = None
    locations: tuple[str, ...] = ()
    size: str | None = None
    tags: tuple[str, ...] = ()


@dataclass
class Scaffolder:
    vault: Vault
    today: dt.date
    renderer: Renderer = field(init=False)

    def __post_init__(self) -> None:
        self.renderer = Renderer.for_dir(self.vault.path(self.config.folders.templates))

    @property
    def config(self) -> Config:
        return self.vault.config

    def new_contact(self, request: ContactRequest) -> Path:
        name = check_name(request.name)
        self._refuse_existing(self.config.folders.contacts, name, "contact")
        referrer = self._existing(self.config.folders.contacts, request.referred_by, "contact")
        org = self._existing(
            self.config.folders.organisations, request.organisation, "organisation"
        )
        organisation = org.title if org else request.organisation
        referred_by = referrer.title if referrer else request.referred_by
        values = {
            "id": new_id("ct", 6),
            "name": name,
            "organisation": organisation,
            "organisation_link": _link_to(org) if org else _link_or_none(organisation),
            "role": request.role,
            "email": request.email,
            "phone": request.phone,
            "linkedin": request.linkedin,
            "how_we_met": request.how_we_met,
            "other_emails": list(request.other_emails),
            "other_phones": list(request.other_phones),
            "referred_by": referred_by,
            "referred_by_link": _link_to(referrer) if referrer else _link_or_none(referred_by),
            "tags": list(request.tags),
            "status": None,  # worked out from meetings and follow-ups until the user sets it
            "stay_in_touch": _days_or_none(request.stay_in_touch, self.config),
            **self._dates(),
        }
        folder = self.config.folders.contacts
        return self._create("contact.md.j2", folder, safe_stem(name), values, (name, "contact"))

    def new_meeting(self, request: MeetingRequest) -> Path:
        contact = self.find_contact(request.contact)
        mode = request.mode or self.config.meetings.default_mode
        if mode not in MEETING_MODES:
            raise UsageError(f"{mode!r} is not a meeting mode; use {', '.join(MEETING_MODES)}.")
        duration = request.duration or self.config.meetings.default_duration
        values = {
            "id": new_id("mt", 6),
            "contact": contact.title,
            "contact_link": f"[[{contact.stem}]]",
            "organisation": as_link(contact.properties.get("organisation")),
            "role": as_text(contact.properties.get("role")),
            "date": request.date,
            "time": request.time,
            "duration": duration,
            "location": request.location,
            "mode": mode,
            "objective": request.objective,
            "status": "planned",
            **_followup_days(request.date, self.today),
            "tags": list(request.tags),
            "questions": self.renderer.question_bank().pick(request.questions),
            **self._dates(),
        }
        stem = f"{request.date.isoformat()} {safe_stem(contact.title)}"
        return self._create("meeting.md.j2", self.config.folders.meetings, stem, values)

    def new_organisation(self, request: OrganisationRequest) -> Path:
        name = check_name(request.name)
        self._refuse_existing(self.config.folders.organisations, name, "organisation")
        values = {
            "id": new_id("org", 6),
            "name": name,
            "website": request.website,
            "industry": request.industry,
            "locations": list(request.locations),
            "size": request.size,
            "tags": list(request.tags),
            **self._dates(),
        }
        folder = self.config.folders.organisations
        unique = (name, "organisation")
        return self._create("organisation.md.j2", folder, safe_stem(name), values, unique)

    def find_contact(self, name: str) -> Note:
        """The contact note a name means (file name, `name` or alias), as `resolve_name` says."""
        hint = "Add --create-contact to create it."
        notes = list(self._notes_in(self.config.folders.contacts))
        return resolve_name(name, notes, _labels, "contact", NoSuchNoteError, hint)

    def contact_notes(self) -> Iterator[Note]:
        """Every note in the contacts folder, read afresh."""
        return self._notes_in(self.config.folders.contacts)

    def _existing(self, folder: str, name: str | None, what: str) -> Note | None:
        """The note in `folder` that `name` means, None when none does (a name still to add)."""
        if not name:
            return None
        try:
            return resolve_name(name, list(self._notes_in(folder)), _labels, what)
        except NoSuchNoteError:
            return None

    def _refuse_existing(self, folder: str, name: str, what: str) -> None:
        """Refuse a second note for a name that an existing one has, as `name_key` compares."""
        keys = {name_key(name), name_key(safe_stem(name))}
        for note in self._notes_in(folder):
            if keys & {name_key(label) for label in _labels(note)}:
                path = self.vault.path(note.path)
                raise NoteExistsError(f"A {what} named {name!r} already exists: {path}.")

    def _notes_in(self, folder: str) -> Iterator[Note]:
        base = self.vault.path(folder)
        if not base.is_dir():
            return
        for relative, _ in sorted(iter_markdown(base)):  # as the index walks: no links followed
            path = base / relative
            try:
                text = path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            yield parse_note(text, self.vault.relative(path))

    def _dates(self) -> dict[str, dt.date]:
        return {"created": self.today, "today": self.today}

    def _create(
        self,
        template: str,
        folder: str,
        stem: str,
        values: Mapping[str, Any],
        unique: tuple[str, str] | None = None,
    ) -> Path:
        """Render and create the note; `unique` (name, what) is checked again under the lock.

        The lock makes the check and the create one step, so two equal names started at the
        same moment cannot both pass the check.
        """
        text = _tidy_front_matter(self.renderer.render(template, values))
        _check_rendered(template, text)
        path = self.vault.path(folder) / f"{stem}.md"
        with self.vault.lock():
            if unique:
                self._refuse_existing(folder, *unique)
            create_exclusive(path, text)
        return path


def _labels(note: Note) -> tuple[str, ...]:
    return (note.title, note.stem, *note.aliases)


def _followup_days(day: dt.date, today: dt.date) -> dict[str, dt.date]:
    """When a new meeting's follow-ups fall due: from its day, or from today when it is
    logged after the fact (nothing is overdue at once); the thank-you within a day of the
    conversation while that is still possible."""
    start = max(day, today)
    return {"followups_from": start, "thank_by": max(day + dt.timedelta(days=1), today)}


def _days_or_none(days: int | None, config: Config) -> int | None:
    chosen = config.workflow.stay_in_touch_days if days is None else days
    return chosen or None


def _link_to(note: Note) -> str:
    return f"[[{note.stem}]]"


def _link_or_none(name: str | None) -> str | None:
    return f"[[{safe_stem(name)}]]" if name else None


def _tidy_front_matter(text: str) -> str:
    """Drop the trailing space an empty value leaves after `key: `; YAML ignores it anyway."""
    raw, body, _, _ = split_front_matter(text)
    if raw is None:
        return text
    lines = "\n".join(line.rstrip() for line in raw.split("\n"))
    return f"---\n{lines}---\n{body}"


def _check_rendered(template: str, text: str) -> None:
    """A user's edited template must still give front matter that Obsidian can read."""
    raw, _, _, problems = split_front_matter(text)
    properties, yaml_problems = load_properties(raw)
    reasons = (*problems, *yaml_problems)
    if reasons or "type" not in properties:
        reason = reasons[0] if reasons else "has no 'type' property"
        raise TemplateError(f"Template {template} gives a note that {reason}.")
