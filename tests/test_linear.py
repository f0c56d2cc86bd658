"""Reading a note takes time in proportion to its size, whatever it holds.

Each case reads a note of size n and of size 4n (the whole reading the index does: front
matter, body, tasks, facts, problems, search text) and compares the best of several runs:
linear reading takes 4 times as long, quadratic reading 16 times. A ratio, not seconds, so a slow or
busy machine does not decide the outcome, and CPU time of this process only, which other
programs running at the same time do not inflate.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

import pytest

from vaulttools.index.note_reader import add_file
from vaulttools.index.reading import FileRead
from vaulttools.index.rows import Rows

MEETING = "---\ntype: meeting\ncontact: '[[Jane Doe]]'\ndate: 2026-12-01\n---\n"
CONTACT = "---\ntype: contact\nname: Jane Doe\n---\n"
ROUNDS = 5  # the best of five: a busy machine slows some rounds, rarely all
GROWTH = 4
LIMIT = 8.0  # linear gives about 4; quadratic about 16


def read_once(text: str) -> float:
    data = text.encode("utf-8")
    gc.collect()
    gc.disable()  # the collector's pauses depend on what else lives in this process
    try:
        started = time.process_time()  # CPU time of this process: others' load does not count
        add_file(Rows(), "Meetings/Big.md", FileRead(data, 0, len(data), 0))
        return time.process_time() - started
    finally:
        gc.enable()


def growth(make: Callable[[int], str], n: int) -> float:
    """Best time for size 4n over best time for size n, measured in alternation."""
    small, large = make(n), make(GROWTH * n)
    times = [(read_once(small), read_once(large)) for _ in range(ROUNDS)]
    return min(large for _, large in times) / min(small for small, _ in times)


def nested_lists(n: int) -> str:
    return CONTACT + "".join("  " * (i % 30) + "- [ ] x\n" for i in range(n))


def headings(n: int) -> str:
    levels = ("#" * (i % 6 + 1) for i in range(n))
    return MEETING + "".join(f"{level} Names they suggested\n- [[A]]\n" for level in levels)


# name -> (note of size n, n): n is chosen so that the smaller note takes some milliseconds.
CASES: dict[str, tuple[Callable[[int], str], int]] = {
    "unclosed comments, one a line": (lambda n: MEETING + "<!-- x\n" * n, 10_000),
    "unclosed comments in one paragraph": (lambda n: MEETING + "word <!-- x " * n, 10_000),
    "unclosed comments in a task": (lambda n: MEETING + "- [ ] a <!--" * n, 10_000),
    "a task line of unclosed fields": (lambda n: MEETING + "- [ ] x " + "[due:: " * n, 2000),
    "a task line of unclosed round fields": (lambda n: CONTACT + "- [ ] x " + "(due:: " * n, 2000),
    "a task line of nested brackets": (lambda n: CONTACT + "- [ ] x " + "[a:: [" * n, 2000),
    "a task line of lone signifiers": (lambda n: CONTACT + "- [ ] x " + "📅 " * n, 10_000),
    "a task line of spaces before a block id": (
        lambda n: CONTACT + "- [ ] x" + " " * n + "^",
        200_000,
    ),
    "a task line of backticks": (lambda n: CONTACT + "- [ ] x " + "`a ``" * n, 10_000),
    "a task line of link openings": (lambda n: CONTACT + "- [ ] x " + "[[a " * n, 10_000),
    "comment markers": (lambda n: CONTACT + "%% a\n<!-- b\n" * n, 2000),
    "fence openings": (lambda n: CONTACT + "````\n```\n- [ ] x\n" * n, 2000),
    "quoted fences": (lambda n: CONTACT + "> ```\n- [ ] x 📅 2026-12-01\n" * n, 1000),
    "headings and links": (lambda n: MEETING + "## Names they suggested\n- [[A]] [[B\n" * n, 4000),
    "table pipes": (lambda n: CONTACT + "| a |\n| --- |\n" + "| [[x\\|y]] " * n, 10_000),
    "nested quotes": (lambda n: CONTACT + "> " * n + "- [ ] x\n", 50_000),
    "nested lists": (nested_lists, 2000),
    "headings": (headings, 1000),
    "many tasks": (
        lambda n: CONTACT + "- [ ] Call [[Jane]] 📅 2026-12-01 [due:: 2026-12-02]\n" * n,
        250,
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_reading_a_note_is_linear_in_its_size(case: str) -> None:
    make, n = CASES[case]
    ratio = growth(make, n)
    assert ratio < LIMIT, f"{case}: {GROWTH} times the size took {ratio:.1f} times as long"
