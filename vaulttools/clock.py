"""The vault's "now" and "today": in its own time zone, whatever the computer's clock says.

Every command asks here, so that a meeting made "today" in an Auckland vault is on
Auckland's date on a laptop in New York. `VAULTTOOLS_NOW` (an ISO 8601 instant, e.g.
`2026-11-29T16:36:00Z`) freezes the clock, for tests and for trying a scenario.
"""

from __future__ import annotations

import datetime as dt
import os

from .config import Config
from .errors import ConfigError

NOW_VARIABLE = "VAULTTOOLS_NOW"


def now(config: Config) -> dt.datetime:
    """This instant, in the vault's time zone."""
    frozen = os.environ.get(NOW_VARIABLE, "").strip()
    instant = _frozen(frozen, config) if frozen else dt.datetime.now(dt.UTC)
    return instant.astimezone(config.zone)


def today(config: Config) -> dt.date:
    """Today's date where the vault is."""
    if not config.timezone and not os.environ.get(NOW_VARIABLE, "").strip():
        # A vault in this computer's zone: the system's own date, without looking up the
        # zone's name (tzlocal) and its rules (zoneinfo) just to learn it.
        return dt.date.today()
    return now(config).date()


def _frozen(text: str, config: Config) -> dt.datetime:
    try:
        instant = dt.datetime.fromisoformat(text)
    except ValueError as error:
        raise ConfigError(f"{NOW_VARIABLE}={text!r} is not an ISO 8601 date and time.") from error
    return instant if instant.tzinfo else instant.replace(tzinfo=config.zone)
