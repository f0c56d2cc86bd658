"""`vault index`, the listings (`contacts`, `meetings`, `followups`), `search` and `check`."""

from __future__ import annotations

import datetime as dt
import functools
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

import click

from ..errors import UsageError
from ..index import Index, fresh_index, write_index_note
from ..stages import CONTACT_STATUSES
from ..wikilinks import readable
from .app import AppState, pass_state
from .options import DATE

if TYPE_CHECKING:  # records are imported with the index's answers, not at start-up
    from ..model import Contact, FollowUp, Meeting

_MATCH = re.compile(r"\*\*(.+?)\*\*")  # how a search snippet marks the matched words
JSON_OPTION = click.option("--json", "as_json", is_flag=True, help="Print one JSON array.")


# Printing.


@functools.lru_cache(maxsize=4096)  # names and organisations come again row after row
def _width(text: str) -> int:
    """Columns a string takes in a terminal: wide characters two, combining marks none."""
    if text.isascii():
        return len(text)
    return sum(
        0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        for ch in text
    )


def _clip(text: str, width: int) -> str:
    if _width(text) <= width:
        return text
    while text and _width(text) > width - 1:
        text = text[:-1]
    return text + "…"


def print_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    styles: Sequence[dict[str, Any]] | None = None,
    flexible: int | None = None,
) -> None:
    """Aligned columns, clipped with … to fit the terminal's width (or $COLUMNS): the
    `flexible` column gives way first, then the widest ones."""
    widths = [max(map(_width, column)) for column in zip(headers, *rows, strict=True)]
    limit = _terminal_columns()
    if limit:
        widths = _fitted(widths, rows, limit, flexible)
    colored = sys.stdout.isatty()  # click would strip the colours again for a pipe or file
    line = _liner(widths)
    lines = [click.style(line(headers), bold=True) if colored else line(headers)]
    for number, row in enumerate(rows):
        style = styles[number] if styles and colored else {}
        lines.append(click.style(line(row), **style) if style else line(row))
    click.echo("\n".join(lines))  # one write: a long listing is printed at once


MIN_FLEXIBLE = 12  # the flexible column keeps this many characters before others give way
MIN_COLUMN = 4


def _terminal_columns() -> int | None:
    """The width to fit: the terminal's, or $COLUMNS when set; None when neither applies."""
    import os
    import shutil

    if sys.stdout.isatty() or os.environ.get("COLUMNS", "").isdigit():
        return shutil.get_terminal_size().columns
    return None


def _fitted(
    widths: list[int], rows: Sequence[Sequence[str]], limit: int, flexible: int | None
) -> list[int]:
    columns = list(zip(*rows, strict=True)) or [()] * len(widths)
    fixed = {i for i, column in enumerate(columns) if all(map(_is_figure, column))}
    values = [max((_width(str(cell)) for cell in column), default=0) for column in columns]
    floors = [
        max(value, min(width, MIN_COLUMN + 1)) for value, width in zip(values, widths, strict=True)
    ]
    return fit_widths(widths, limit - 2 * (len(widths) - 1), flexible, fixed, floors)


def _is_figure(cell: str) -> bool:
    """Dates, times and numbers: clipped, they would say something else."""
    return all(ch.isdigit() or ch in " :-.,()dago" for ch in str(cell))


def fit_widths(
    widths: list[int],
    room: int,
    flexible: int | None = None,
    fixed: set[int] | None = None,
    floors: Sequence[int] = (),
) -> list[int]:
    """Column widths that add up to at most `room`: the flexible column shrinks first (to
    MIN_FLEXIBLE), then the widest other one, a character at a time, none below MIN_COLUMN;
    `fixed` columns (dates, numbers) keep the width of their values (`floors`)."""
    fitted = list(widths)
    if flexible is not None:
        floor = min(fitted[flexible], MIN_FLEXIBLE)
        fitted[flexible] = max(floor, fitted[flexible] - max(0, sum(fitted) - room))
    for column in sorted(fixed or ()):  # a long header gives way before any value does
        excess = max(0, sum(fitted) - room)
        fitted[column] = max(floors[column], fitted[column] - excess)
    shrinkable = [i for i in range(len(fitted)) if i not in (fixed or set())]
    while sum(fitted) > room and shrinkable:
        widest = max(shrinkable, key=lambda i: fitted[i])
        if fitted[widest] <= MIN_COLUMN:
            break
        fitted[widest] -= 1
    return fitted


def _liner(widths: Sequence[int]) -> Callable[[Sequence[str]], str]:
    """`_line` for these widths, quicker for the usual row: ASCII cells that fit."""
    template = "  ".join(f"{{:<{width}}}" for width in widths)
    fitting = sum(widths) + 2 * (len(widths) - 1)

    def line(cells: Sequence[str]) -> str:
        text = template.format(*cells)
        # Padding never shortens a cell, so the length is exact only if none overflowed;
        # and ASCII takes one column a character.
        if len(text) == fitting and text.isascii():
            return text.rstrip()
        return _line(cells, widths)

    return line


def _line(cells: Sequence[str], widths: Sequence[int]) -> str:
    padded = (_pad(str(cell), width) for cell, width in zip(cells, widths, strict=True))
    return "  ".join(padded).rstrip()


def _pad(cell: str, width: int) -> str:
    if len(cell) <= width and cell.isascii():  # most cells: one column a character, and fit
        return cell.ljust(width)
    clipped = _clip(cell, width)
    return clipped + " " * (width - _width(clipped))


def print_json(records: Iterable[Any]) -> None:
    import json

    from ..model import to_json

    click.echo(json.dumps([to_json(record) for record in records], ensure_ascii=False, indent=2))


def _day(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


# vault index


@click.command("index")
@click.option("--rebuild", is_flag=True, help="Forget the index and read every note again.")
@pass_state
def index_command(state: AppState, rebuild: bool) -> None:
    """Bring the index up to date, and regenerate the index note."""
    vault = state.vault
    with Index.open(vault) as index:
        report = index.rebuild() if rebuild else index.sync()
        click.echo(
            f"Indexed {_plural(index.note_count(), 'note')}: read {report.read:,}, "
            f"added {report.added:,}, changed {report.changed:,}, removed {report.removed:,}."
        )
        _print_unreadable(report.unreadable, len(index.unreadable()))
        if write_index_note(vault, index, state.today):
            click.echo(f"Updated {vault.config.index_note}.")


def _print_unreadable(read_now: Sequence[tuple[str, str]], known: int) -> None:
    """Name the notes read this time that did not read; count the ones reported before."""
    if read_now:
        notes = len({path for path, _ in read_now})
        click.echo(f"{_plural(notes, 'note')} could not be fully read:")
        for path, reason in read_now:
            click.echo(f"  {path}: {reason}")
    earlier = known - len(read_now)
    if earlier > 0:
        click.echo(
            f"{_plural(earlier, 'problem')} found earlier in notes that did not change; "
            "'vault check' lists them."
        )


# Listings.


@click.command("followups")
@click.option("--overdue", is_flag=True, help="Only those due before today.")
@click.option(
    "--within",
    "days",
    type=click.IntRange(min=0),
    metavar="DAYS",
    help="Only those due within DAYS from today, overdue ones included.",
)
@click.option("--all", "show_all", is_flag=True, help="Include done and cancelled ones.")
@JSON_OPTION
@pass_state
def followups_command(
    state: AppState, overdue: bool, days: int | None, show_all: bool, as_json: bool
) -> None:
    """List follow-ups by due date: tasks with a date in contact and meeting notes."""
    today = state.today
    with fresh_index(state.vault) as index:
        found = index.followups(include_closed=show_all, today=today)
        index.keep_followups(today)  # the next listing, with no note changed, reads them back
    found = [f for f in found if _wanted(f, today, overdue, days)]
    if as_json:
        print_json(found)
    elif not found:
        click.echo(_nothing_due(overdue, days, show_all))
    else:
        _followup_table(found, today)


def _nothing_due(overdue: bool, days: int | None, show_all: bool) -> str:
    if days is not None:
        return f"Nothing due within {_plural(days, 'day')}."
    if overdue:
        return "Nothing overdue."
    return "No follow-ups." if show_all else "No open follow-ups."


def _wanted(followup: FollowUp, today: dt.date, overdue: bool, days: int | None) -> bool:
    """Both filters hold when both are given: `--overdue --within 3` lists overdue ones."""
    if overdue and not _is_overdue(followup, today):
        return False
    if days is not None:
        return followup.due is not None and followup.due <= today + dt.timedelta(days=days)
    return True


def _is_overdue(followup: FollowUp, today: dt.date) -> bool:
    return followup.due is not None and followup.due < today and not _closed(followup)


def _closed(followup: FollowUp) -> bool:
    return not followup.is_open


def _followup_table(found: Sequence[FollowUp], today: dt.date) -> None:
    rows, styles, late = [], [], 0
    for f in found:
        overdue = _is_overdue(f, today)
        late += overdue
        when = _day(f.due) + (f" {f.time}" if f.time else "")
        rows.append((_mark(f, overdue), when, readable(f.text), f.contact or "", f.id))
        styles.append(_followup_style(f, overdue, today))
    print_table(("", "Due", "Follow-up", "Contact", "Id"), rows, styles=styles, flexible=2)
    summary = _plural(len(found), "follow-up") + (f", {late:,} overdue" if late else "")
    click.echo(summary + ".")


def _mark(followup: FollowUp, overdue: bool) -> str:
    if followup.done:
        return "✓"
    if followup.cancelled:
        return "✗"
    if followup.settled:
        return "–"
    return "!" if overdue else ""


def _followup_style(followup: FollowUp, overdue: bool, today: dt.date) -> dict[str, Any]:
    if _closed(followup):
        return {"dim": True}
    if overdue:
        return {"fg": "red", "bold": True}
    return {"fg": "yellow"} if followup.due == today else {}


@click.command("contacts")
@click.option("--status", type=click.Choice(CONTACT_STATUSES, case_sensitive=False),
              help="Only contacts at this stage.")  # fmt: skip
@click.option("--org", "organisation", help="Only contacts at this organisation.")
@JSON_OPTION
@pass_state
def contacts_command(
    state: AppState, status: str | None, organisation: str | None, as_json: bool
) -> None:
    """List contacts with their organisation, stage, last contact and next follow-up.

    --org takes an organisation as loosely as a name (`--org kowhai`); one nobody works at
    is a usage error.
    """
    with fresh_index(state.vault) as index:
        org = _known_organisation(index, organisation, state.today) if organisation else None
        found = index.contacts(status=status, organisation=org, today=state.today)
    _show(found, as_json, "No contacts.", lambda rows: _contact_table(rows, state.today))


def _contact_table(found: Sequence[Contact], today: dt.date) -> None:
    rows = [
        (
            c.name,
            c.organisation or "",
            c.role or "",
            c.status,
            _since(c.last_contact, today),
            _day(c.next_followup),
        )
        for c in found
    ]
    headers = ("Name", "Organisation", "Role", "Status", "Last contact", "Next follow-up")
    print_table(headers, rows, flexible=2)
    click.echo(_plural(len(found), "contact") + ".")


def _since(day: dt.date | None, today: dt.date) -> str:
    """`2026-11-20 (10d ago)`: when, and how long ago."""
    if day is None:
        return ""
    days = (today - day).days
    return f"{day.isoformat()} ({days}d ago)" if days > 0 else _day(day)


def _known_person(index: Index, query: str, today: dt.date) -> str:
    """The person a filter names (a contact, or someone met without a note), else a usage error."""
    from ..lookup import resolve_name

    names = [c.name for c in index.contacts(today=today)]
    names += [n for m in index.meetings(today=today) for n in m.contacts]
    people = list(dict.fromkeys(names))
    hint = "'vault contacts' lists them."
    return resolve_name(query, people, lambda n: (n,), "person", UsageError, hint)


def _known_organisation(index: Index, query: str, today: dt.date) -> str:
    """The organisation a filter names, among those contacts work at, else a usage error."""
    from ..lookup import resolve_name

    names = list(
        dict.fromkeys(c.organisation for c in index.contacts(today=today) if c.organisation)
    )
    hint = "'vault contacts' shows where people work."
    return resolve_name(query, names, lambda n: (n,), "organisation", UsageError, hint)


@click.command("meetings")
@click.option("--from", "start", type=DATE, help="Only meetings on or after this date.")
@click.option("--to", "end", type=DATE, help="Only meetings on or before this date.")
@click.option("--contact", help="Only meetings with this person.")
@JSON_OPTION
@pass_state
def meetings_command(
    state: AppState,
    start: dt.date | None,
    end: dt.date | None,
    contact: str | None,
    as_json: bool,
) -> None:
    """List meetings by date."""
    if start and end and start > end:
        raise UsageError(f"--from {start} is after --to {end}.")
    with fresh_index(state.vault) as index:
        person = _known_person(index, contact, state.today) if contact else None
        found = index.meetings(start=start, end=end, contact=person, today=state.today)
    _show(found, as_json, "No meetings.", lambda rows: _meeting_table(rows, state.today))


def _shown_status(meeting: Meeting, today: dt.date) -> str:
    """`held` for a planned meeting whose day has passed: it counts as held everywhere."""
    from ..stages import took_place

    held = meeting.status == "planned" and took_place(meeting.status, meeting.date, today)
    return "held" if held else meeting.status


def _meeting_table(found: Sequence[Meeting], today: dt.date) -> None:
    rows = [
        (
            _day(m.date),
            m.time or "",
            str(m.duration),
            ", ".join(m.contacts),
            m.organisation or "",
            _shown_status(m, today),
            m.note,
        )
        for m in found
    ]
    headers = ("Date", "Time", "Min", "With", "Organisation", "Status", "Note")
    styles = [{"dim": True} if m.status == "cancelled" else {} for m in found]
    print_table(headers, rows, styles=styles, flexible=6)
    click.echo(_plural(len(found), "meeting") + ".")


def _show(
    found: Sequence[Any], as_json: bool, empty: str, table: Callable[[Sequence[Any]], None]
) -> None:
    if as_json:
        print_json(found)
    elif not found:
        click.echo(empty)
    else:
        table(found)


# Search and check.


@click.command("search")
@click.argument("text")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@JSON_OPTION
@pass_state
def search_command(state: AppState, text: str, limit: int, as_json: bool) -> None:
    """Full-text search over contacts, meetings and organisations, best match first."""
    with fresh_index(state.vault) as index:
        hits = index.search(text, limit)
    if as_json:
        print_json(hits)
        return
    if not hits:
        click.echo(f"Nothing matches {text!r}.")
        return
    for hit in hits:
        click.echo(f"{click.style(hit.title, bold=True)}  ({hit.kind}, {hit.note})")
        click.echo(f"    {_highlighted(hit.snippet)}")


def _highlighted(snippet: str) -> str:
    """On a terminal the matched words stand out in colour; elsewhere their ** marks stay."""
    if not sys.stdout.isatty():
        return snippet
    return _MATCH.sub(lambda match: click.style(match[1], fg="yellow", bold=True), snippet)


@click.command("check")
@JSON_OPTION
@pass_state
def check_command(state: AppState, as_json: bool) -> None:
    """List problems in the vault's notes; exit 1 when there are any."""
    with fresh_index(state.vault) as index:
        problems = index.problems()
    if as_json:
        print_json(problems)
    elif problems:
        for problem in problems:
            click.echo(f"{problem.note}: {problem.message}")
        notes = len({problem.note for problem in problems})
        click.echo(f"{_plural(len(problems), 'problem')} in {_plural(notes, 'note')}.")
    else:
        click.echo("No problems found.")
    if problems:
        click.get_current_context().exit(1)


def register(group: click.Group) -> None:
    """Add this module's commands to the `vault` group."""
    for command in (
        index_command,
        contacts_command,
        meetings_command,
        followups_command,
        search_command,
        check_command,
    ):
        group.add_command(command)
