"""Many components through icalendar at once: what a render found missing from its cache.

(Splitting a first export's builds with a worker process was measured slower on a busy
two-core machine: the worker's start and imports cost more than half the builds.)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from .calendar_settings import FeedSettings

Job = tuple[str, Any, str, int]  # builder (meeting, followup, todo), item, UID, DTSTAMP
Built = tuple[bytes, tuple[int, ...]]  # the component's bytes, years written in the zone


def build_jobs(jobs: Sequence[Job], settings: FeedSettings) -> list[Built]:
    """Each job's component, in order."""
    if not jobs:
        return []
    from .calendar_items import build_followup, build_meeting, build_todo, zone_years

    builders = {"meeting": build_meeting, "followup": build_followup, "todo": build_todo}
    built = []
    for kind, item, uid, stamp in jobs:
        when = dt.datetime.fromtimestamp(stamp, dt.UTC)
        component = builders[kind](item, settings, uid, when)
        built.append((component.to_ical(), tuple(sorted(zone_years(component)))))
    return built
