"""The helper process of calendar_build.py: `python -S -m vaulttools.calendar_worker`.

It imports the builders first (the parent starts it before it knows the jobs), then takes
the feed settings and the jobs from the parent and builds them from the last one back
(`helper.py`), until it is stopped or none is left.
"""

from __future__ import annotations

from . import calendar_items, calendar_values  # noqa: F401  (imported before the jobs come)
from .calendar_build import Builder
from .helper import hand_back, received

CHUNK = 32  # jobs per answer: small enough that the parent wastes little where they meet


def main() -> None:
    settings, jobs = received()
    build = Builder(settings)
    hand_back(len(jobs), lambda first, end: [build(job) for job in jobs[first:end]], CHUNK)


if __name__ == "__main__":
    main()
