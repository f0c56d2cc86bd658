"""The helper process of calendar_build.py: `python -m vaulttools.calendar_worker`.

It imports the builders first (the parent starts it before it knows the jobs), then reads
the feed settings and the jobs, pickled, from the parent that started it, and builds them
from the last one back, handing each chunk's components back as soon as it is built, until
it is stopped or none is left.
"""

from __future__ import annotations

import pickle
import sys

from . import calendar_items, calendar_values  # noqa: F401  (imported before the jobs come)
from .calendar_build import Builder

CHUNK = 32  # jobs per answer: small enough that the parent wastes little where they meet


def main() -> None:
    settings, jobs = pickle.load(sys.stdin.buffer)
    build = Builder(settings)
    out = sys.stdout.buffer
    for end in range(len(jobs), 0, -CHUNK):
        first = max(0, end - CHUNK)
        components = [build(job) for job in jobs[first:end]]
        pickle.dump((first, components), out, protocol=pickle.HIGHEST_PROTOCOL)
        out.flush()


if __name__ == "__main__":
    main()
