"""Many components through icalendar at once: what a render found missing from its cache.

A large batch is shared with a helper process (calendar_worker.py): a fresh interpreter that
imports only the builders, not the command line (through multiprocessing it imported both,
and its start cost more than half the builds). The parent builds from the front, the helper
from the back, and the parent stops where they meet, so both finish together however late
the helper starts or however busy the machine is. Below `PARALLEL_MIN` jobs, on one CPU,
with `VAULTTOOLS_WORKERS=1`, and for whatever a helper did not hand back, the parent builds.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Sequence
from typing import IO, TYPE_CHECKING, Any

from .calendar_settings import FeedSettings

if TYPE_CHECKING:  # a helper's modules are imported when one starts: one edit needs none
    import subprocess
    import threading

Job = tuple[str, Any, str, int]  # builder (meeting, followup, todo), item, UID, DTSTAMP
Built = tuple[bytes, tuple[int, ...]]  # the component's bytes, years written in the zone

# Below this, a helper's start (an interpreter importing icalendar) costs more than it saves.
PARALLEL_MIN = 300
HELPER = (sys.executable or "", "-m", "vaulttools.calendar_worker")


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
    where a helper does not pay (one CPU, `VAULTTOOLS_WORKERS=1`) or cannot start."""
    helps = (os.cpu_count() or 1) > 1 and os.environ.get("VAULTTOOLS_WORKERS") != "1"
    if not (helps and command[0]):  # no interpreter to start (an embedded Python)
        return None
    import subprocess

    try:
        process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        )
    except (OSError, ValueError):
        return None
    return Helper(process)


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
    """The parent builds from the front until it meets what the helper handed back."""
    helper.give(settings, jobs)
    build = Builder(settings)
    built = []
    for job in jobs:
        if len(built) >= helper.low:
            break
        built.append(build(job))
    theirs = helper.stop()
    rest = range(len(built), len(jobs))
    return built + [theirs.get(number) or build(jobs[number]) for number in rest]


class Helper:
    """A helper process that builds the jobs it is given from the back; `low` is the first
    job it handed back, with every later one. A thread feeds it and collects its answers."""

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        self.process = process
        self.built: dict[int, Built] = {}
        self.low = 0
        self.thread: threading.Thread | None = None

    def give(self, settings: FeedSettings, jobs: Sequence[Job]) -> None:
        import threading

        self.low = len(jobs)
        self.thread = threading.Thread(target=self._talk, args=(settings, jobs), daemon=True)
        self.thread.start()

    def _talk(self, settings: FeedSettings, jobs: Sequence[Job]) -> None:
        import pickle

        stdin, stdout = self.process.stdin, self.process.stdout
        assert stdin is not None and stdout is not None
        try:
            with stdin:
                pickle.dump((settings, list(jobs)), stdin, protocol=pickle.HIGHEST_PROTOCOL)
            self._collect(stdout)
        except (OSError, EOFError, pickle.UnpicklingError, ValueError):
            return  # stopped, or it failed: the parent builds what it did not hand back

    def _collect(self, stdout: IO[bytes]) -> None:
        import pickle

        while True:
            first, components = pickle.load(stdout)
            for offset, built in enumerate(components):
                self.built[first + offset] = built
            self.low = first  # after the components: what is below `low` is there

    def stop(self) -> dict[int, Built]:
        """End the helper (what it builds now is not needed); what it handed back."""
        if self.process.returncode is None:
            self.process.kill()
            if self.thread is not None:
                self.thread.join()
            self.process.wait()
            for stream in (self.process.stdin, self.process.stdout):
                if stream is not None:
                    stream.close()
        return self.built
