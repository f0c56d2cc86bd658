"""LinkedIn's connections export (Connections.csv): a "Notes:" preamble, then one row a person."""

from __future__ import annotations

import csv
import datetime as dt
import io

from . import Person, Problem, tidy

HEADER = ("First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On")


def read_connections(text: str) -> tuple[list[Person], list[Problem]]:
    """The people in the export, and the rows that could not be read (by line number)."""
    lines = text.splitlines(keepends=True)
    start = _header_line(lines)
    if start is None:
        return [], [Problem(1, f"no header row ({','.join(HEADER)}): not LinkedIn's export")]
    reader = csv.reader(io.StringIO("".join(lines[start + 1 :])))
    people, problems = [], []
    first = start + 2  # the line number of the row being read
    for row in reader:
        if any(cell.strip() for cell in row):
            read = _person(row, first)
            (people if isinstance(read, Person) else problems).append(read)
        first = start + 2 + reader.line_num
    return people, problems


def _header_line(lines: list[str]) -> int | None:
    for number, line in enumerate(lines):
        if next(csv.reader([line]), []) == list(HEADER):
            return number
    return None


def _person(row: list[str], line: int) -> Person | Problem:
    if len(row) != len(HEADER):
        return Problem(line, f"{len(row)} fields where LinkedIn writes {len(HEADER)}")
    first, last, url, email, company, position, connected = (cell.strip() for cell in row)
    name = " ".join(part for part in (first, last) if part)
    if not name:
        return Problem(line, "no name")
    since = _connected_on(connected)
    return Person(
        line=line,
        name=name,
        organisation=tidy(company),
        role=tidy(position),
        emails=(email,) if email else (),
        linkedin=tidy(url),
        how_we_met=f"LinkedIn connection since {since}" if since else "LinkedIn connection",
    )


def _connected_on(text: str) -> str | None:
    """LinkedIn writes `14 Oct 2024`; the vault writes dates as 2024-10-14."""
    for pattern in ("%d %b %Y", "%Y-%m-%d", "%m/%d/%y"):
        try:
            return dt.datetime.strptime(text, pattern).date().isoformat()
        except ValueError:
            continue
    return text or None
