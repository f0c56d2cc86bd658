"""What, besides the records, decides the calendar feed's bytes: settings from config.toml."""

from __future__ import annotations

from dataclasses import dataclass

from .config import CalendarSettings, Config, MeetingSettings
from .dates import parse_time
from .errors import ConfigError, UsageError

_DEFAULTS = CalendarSettings()


@dataclass(frozen=True)
class FeedSettings:
    """One feed's settings; the records' components are cached per FeedSettings."""

    vault_name: str  # Obsidian's name for the vault (its folder's): only links carry it
    zone: str = "UTC"  # IANA name of the zone meetings and reminders are in
    name: str = _DEFAULTS.name
    refresh_minutes: int = _DEFAULTS.refresh_minutes
    meeting_alarm_minutes: int = _DEFAULTS.meeting_alarm_minutes  # 0: no alarm
    followup_alarm_time: str | None = _DEFAULTS.followup_alarm_time  # HH:MM; None: no alarm
    default_duration: int = MeetingSettings().default_duration
    todo: bool = False  # follow-ups as VTODO rather than VEVENT
    meetings: bool = True
    followups: bool = True


def feed_settings(
    config: Config,
    vault_name: str,
    *,
    todo: bool = False,
    meetings: bool = True,
    followups: bool = True,
) -> FeedSettings:
    """The feed settings a vault's config asks for; a bad setting is a ConfigError."""
    settings = config.calendar
    if settings.refresh_minutes < 1:
        raise ConfigError("In config.toml, calendar.refresh_minutes must be at least 1.")
    if settings.meeting_alarm_minutes < 0:
        raise ConfigError("In config.toml, calendar.meeting_alarm_minutes must be 0 or more.")
    return FeedSettings(
        vault_name=vault_name,
        zone=config.zone.key,
        name=settings.name.strip() or _DEFAULTS.name,
        refresh_minutes=settings.refresh_minutes,
        meeting_alarm_minutes=settings.meeting_alarm_minutes,
        followup_alarm_time=_alarm_time(settings.followup_alarm_time),
        default_duration=max(1, config.meetings.default_duration),
        todo=todo,
        meetings=meetings,
        followups=followups,
    )


def _alarm_time(text: str) -> str | None:
    if not text.strip():
        return None
    try:
        return parse_time(text)
    except UsageError as error:
        raise ConfigError(
            f"In config.toml, calendar.followup_alarm_time {text!r} is not a time: use HH:MM."
        ) from error
