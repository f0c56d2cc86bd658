"""Many components through icalendar at once: what a render found missing from its cache.

A large batch is shared with a helper process (`helper.py`, running calendar_worker.py, which
imports only the builders). Below `PARALLEL_MIN` jobs, on one CPU, with `VAULTTOOLS_WORKERS=1`,
and for whatever a helper did not hand back, this process builds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from . import helper as helpers
from .calendar_settings import FeedSettings
from .helper import Helper

Job = tuple[str, Any, str, int]  # builder (meeting, followup, todo), item, UID, DTSTAMP
Built = tuple[bytes, tuple[int, ...]]  # the component's bytes, years written in the zone

# Below this, a helper's start (an interpreter importing icalendar) costs more than it saves.
PARALLEL_MIN = 300
HELPER = helpers.command_for("vaulttools.calendar_worker")


def prepare() -> None:
    """Import what building components needs (icalendar among it), ahead of the builds."""
    from . import calendar_items, calendar_values  # noqa: F401


class Builder:
    """Builds jobs one by one; the values they repeat are encoded once (calendar_values.py)."""

    def __init__(self, settings: FeedSettings) -> None:
        from .calendar_items import build_followup, build_meeting, build_todo, zone_years
        from .calendar_values import SharedValues

        self.settings = settings
        self.shared = SharedValues()
        self.builders = {"meeting": build_meeting, "followup": build_followup, "todo": build_todo}
        self.zone_years = zone_years

    def __call__(self, job: Job) -> Built:
        kind, item, uid, stamp = job
        when = dt.datetime.fromtimestamp(stamp, dt.UTC)
        component = self.builders[kind](item, self.settings, uid, when, self.shared)
        return self.shared.to_ical(component), tuple(sorted(self.zone_years(component)))


def start_helper(command: Sequence[str] = HELPER) -> Helper | None:
    """A helper process, started now to import while the parent reads its records; None
    where a helper does not pay or cannot start."""
    return helpers.start(command)


def build_jobs(
    jobs: Sequence[Job], settings: FeedSettings, helper: Helper | None = None
) -> list[Built]:
    """Each job's component, in order. A large batch is shared with `helper` (or with one
    started now); a helper is stopped before this returns."""
    try:
        if len(jobs) >= PARALLEL_MIN and helper is None:
            helper = start_helper()
        if helper is None or len(jobs) < PARALLEL_MIN:
            return _alone(jobs, settings)
        return _shared(jobs, settings, helper)
    finally:
        if helper is not None:
            helper.stop()


def _alone(jobs: Sequence[Job], settings: FeedSettings) -> list[Built]:
    if not jobs:
        return []
    build = Builder(settings)
    return [build(job) for job in jobs]


def _shared(jobs: Sequence[Job], settings: FeedSettings, helper: Helper) -> list[Built]:
    """This process builds from the front until it meets what the helper handed back."""
    helper.give((settings, list(jobs)), len(jobs))
    build = Builder(settings)
    built = []
    for job in jobs:
        if len(built) >= helper.low:
            break
        built.append(build(job))
    theirs = helpers.by_item(helper.stop())
    rest = range(len(built), len(jobs))
    return built + [theirs.get(number) or build(jobs[number]) for number in rest]
