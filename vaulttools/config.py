"""Settings from `.vaulttools/config.toml`, as one immutable record.

Named tuples rather than frozen dataclasses: every `vault` process, and every helper it
starts, builds these classes first, and a named tuple class is built several times quicker.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from .errors import ConfigError

if TYPE_CHECKING:  # zoneinfo is imported by the commands that need a time zone
    from zoneinfo import ZoneInfo

CONFIG_DIR = ".vaulttools"
CONFIG_FILE = "config.toml"

DEFAULT_CONFIG_TEXT = """\
# vaulttools settings for this vault. Every setting is optional: delete a line to get its default.
# Paths are relative to the vault folder.

# Time zone of your meetings and reminders, e.g. "Pacific/Auckland": it decides what "today" is.
# `vault init` writes this computer's zone here. Empty: the zone of whichever computer runs vault.
timezone = ""

# The note that vaulttools keeps up to date with your follow-ups, people and meetings.
index_note = "Informational Interviews.md"

# Views of your people, meetings and organisations for Obsidian's core Bases plugin.
# `vault init` creates it where no file of that name exists; after that it is yours.
base_file = "Informational Interviews.base"

[folders]
# Where new contact notes are created.
contacts = "Contacts"
# Where new meeting notes are created.
meetings = "Meetings"
# Where new organisation notes are created.
organisations = "Organisations"
# Your own copies of the note templates and the question bank; edit them freely.
templates = ".vaulttools/templates"

[meetings]
# Length of a new meeting in minutes when `--duration` is not given.
default_duration = 30
# How you usually meet: in-person, video or phone.
default_mode = "in-person"

[calendar]
# Where `vault export-ics` and `vault watch` write the calendar file.
path = ".vaulttools/calendar.ics"
# The calendar's name as your calendar app shows it.
name = "Informational interviews"
# How often calendar apps should look for changes, in minutes.
refresh_minutes = 60
# Minutes before a meeting that your calendar alerts you; 0 for no alert.
meeting_alarm_minutes = 30
# Time of day (HH:MM) for an alert on the day a follow-up is due; empty for no alert.
followup_alarm_time = "09:00"
# Days that past meetings stay in the calendar, as a record of your conversations.
history_days = 90

[workflow]
# Days after `vault contacted` to chase someone who has not replied; 0 for no reminder.
chase_days = 7
# Days between keeping in touch with a new contact after you meet (`stay_in_touch`); 0 for none.
stay_in_touch_days = 90

[serve]
# The address `vault serve` listens on. Anything but 127.0.0.1 or localhost needs --token.
host = "127.0.0.1"
# The port `vault serve` listens on.
port = 8765

[caldav]
# The CalDAV server that `vault caldav sync` keeps in step with your follow-ups and meetings.
url = ""
# Your user name there. The password is never kept here: it comes from the system keyring,
# or from $VAULT_CALDAV_PASSWORD.
username = ""
# The calendar on that server, by name; it is created when missing. Empty: calendar.name.
calendar = ""

[me]
# Your name, for the messages `vault draft` writes.
name = ""
# Your email address, for those messages.
email = ""
# One line on who you are, e.g. "a final-year computer science student".
about = ""
# The field or role you are exploring, e.g. "data engineering".
field = ""
"""


class Folders(NamedTuple):
    contacts: str = "Contacts"
    meetings: str = "Meetings"
    organisations: str = "Organisations"
    templates: str = ".vaulttools/templates"


class MeetingSettings(NamedTuple):
    default_duration: int = 30
    default_mode: str = "in-person"


class CalendarSettings(NamedTuple):
    path: str = ".vaulttools/calendar.ics"
    name: str = "Informational interviews"
    refresh_minutes: int = 60
    meeting_alarm_minutes: int = 30
    followup_alarm_time: str = "09:00"
    history_days: int = 90


class WorkflowSettings(NamedTuple):
    chase_days: int = 7
    stay_in_touch_days: int = 90


class ServeSettings(NamedTuple):
    host: str = "127.0.0.1"
    port: int = 8765


class CaldavSettings(NamedTuple):
    url: str = ""
    username: str = ""
    calendar: str = ""  # empty: the calendar's name (calendar.name)


class Me(NamedTuple):
    name: str = ""
    email: str = ""
    about: str = ""
    field: str = ""


class Config(NamedTuple):
    timezone: str = ""
    index_note: str = "Informational Interviews.md"
    base_file: str = "Informational Interviews.base"
    folders: Folders = Folders()
    meetings: MeetingSettings = MeetingSettings()
    calendar: CalendarSettings = CalendarSettings()
    workflow: WorkflowSettings = WorkflowSettings()
    serve: ServeSettings = ServeSettings()
    caldav: CaldavSettings = CaldavSettings()
    me: Me = Me()

    @property
    def zone(self) -> ZoneInfo:
        """The configured time zone, or this computer's."""
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        name = self.timezone or system_timezone_name()
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ConfigError(f"The time zone {name!r} in config.toml is not known.") from error


# Numbers that make sense only within bounds, so that a wrong one is named, not crashed on.
_LIMITS: dict[tuple[type, str], tuple[int, int]] = {(ServeSettings, "port"): (0, 65535)}


def kind_of_folder(folders: Folders, path: str) -> str | None:
    """The kind of note a vault-relative path's folder holds: a note written there by hand
    without a `type` is that kind (a contact in the contacts folder)."""
    for folder, kind in (
        (folders.contacts, "contact"),
        (folders.meetings, "meeting"),
        (folders.organisations, "organisation"),
    ):
        prefix = folder.strip("/") + "/"
        if prefix != "/" and path.startswith(prefix):
            return kind
    return None


_SECTIONS = {
    "folders": Folders,
    "meetings": MeetingSettings,
    "calendar": CalendarSettings,
    "workflow": WorkflowSettings,
    "serve": ServeSettings,
    "caldav": CaldavSettings,
    "me": Me,
}


def load_config(vault_root: Path) -> Config:
    """Read the vault's config.toml; missing settings take their defaults."""
    path = vault_root / CONFIG_DIR / CONFIG_FILE
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Config()
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path} is not valid TOML: {error}.") from error
    return config_from_dict(data, str(path))


def config_from_dict(data: dict[str, Any], source: str = "config.toml") -> Config:
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key in _SECTIONS:
            if not isinstance(value, dict):
                raise ConfigError(f"In {source}, [{key}] must be a table of settings.")
            values[key] = _build(_SECTIONS[key], value, f"{source} [{key}]")
        else:
            values[key] = value
    return _build(Config, values, source)


def _build(cls: type, values: dict[str, Any], source: str) -> Any:
    known = cls.__annotations__  # setting -> its type's name
    for key, value in values.items():
        if key not in known:
            raise ConfigError(f"In {source}, {key!r} is not a setting vaulttools knows.")
        expected = known[key]
        if expected in ("str", "int") and type(value).__name__ != expected:
            raise ConfigError(f"In {source}, {key!r} must be {_article(expected)}.")
        if (cls, key) in _LIMITS:
            low, high = _LIMITS[cls, key]
            if not low <= value <= high:
                raise ConfigError(
                    f"In {source}, {key!r} must be from {low} to {high}, not {value}."
                )
    return cls(**values)


def _article(type_name: str) -> str:
    return {"str": "text in quotes", "int": "a whole number"}[type_name]


def system_timezone_name() -> str:
    """The IANA name of this computer's time zone (Windows and macOS too), else UTC."""
    import tzlocal

    try:
        return tzlocal.get_localzone_name() or "UTC"
    except (LookupError, ValueError, OSError):  # an unknown or inconsistent setting
        return "UTC"


def config_text_for_new_vault(zone: str) -> str:
    """The settings file `vault init` writes: the defaults, with this computer's time zone."""
    return DEFAULT_CONFIG_TEXT.replace('timezone = ""', f'timezone = "{zone}"', 1)
