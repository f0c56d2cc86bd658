"""`vault import linkedin|vcard FILE` and `vault export vcard`: people in and out."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..errors import UsageError, VaultError
from .app import AppState, pass_state

if TYPE_CHECKING:  # the importers and vobject load only for these commands
    from ..importers import Person, Problem
    from ..importers.exchange import Outcome

Reader = Callable[[str], "tuple[list[Person], list[Problem]]"]
FILE = click.Path(exists=True, dir_okay=False, path_type=Path)
DRY_RUN = click.option("--dry-run", is_flag=True, help="Show who would be created; write nothing.")


@click.group("import")
def import_group() -> None:
    """Create contacts from LinkedIn's connections export or from vCards."""


@import_group.command("linkedin")
@click.argument("file", type=FILE)
@DRY_RUN
@pass_state
def import_linkedin(state: AppState, file: Path, dry_run: bool) -> None:
    """Contacts from LinkedIn's Connections.csv (Settings › Data privacy › Get a copy)."""
    from ..importers.linkedin import read_connections

    _import(state, file, read_connections, dry_run)


@import_group.command("vcard")
@click.argument("file", type=FILE)
@DRY_RUN
@pass_state
def import_vcard(state: AppState, file: Path, dry_run: bool) -> None:
    """Contacts from a .vcf file (vCard 3.0 or 4.0) as phones and mail apps export them."""
    from ..importers.vcard import read_vcards

    _import(state, file, read_vcards, dry_run)


def _import(state: AppState, file: Path, read: Reader, dry_run: bool) -> None:
    from ..importers import Problem
    from ..importers.exchange import import_people
    from ..scaffold import Scaffolder

    people, problems = read(_text_of(file))
    counts = dict.fromkeys(("created", "would create", "exists"), 0)
    for result in import_people(Scaffolder(state.vault, state.today), people, dry_run):
        if isinstance(result, Problem):
            problems.append(result)
            continue
        counts[result.action] += 1
        click.echo(_described(result))
    for problem in sorted(problems, key=lambda p: p.line):
        where = f"line {problem.line} of {file.name}: {problem.reason}"
        if problem.error:
            click.echo(f"vault: {where}; skipped.", err=True)
        else:
            click.echo(f"{where}; left out.")
    made = "would be created" if dry_run else "created"
    new = counts["would create"] if dry_run else counts["created"]
    skipped = sum(problem.error for problem in problems)
    click.echo(f"{new} {made}, {counts['exists']} already there, {skipped} skipped.")
    if skipped:
        raise click.exceptions.Exit(1)  # the rest was imported; a script should still notice


def _text_of(file: Path) -> str:
    try:
        return file.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise VaultError(f"{file} is not UTF-8 text (byte {error.start}).") from error


def _described(outcome: Outcome) -> str:
    person = outcome.person
    if outcome.action == "exists":
        return (
            f"{person.name} is already in the vault ({outcome.where}, same {outcome.why}); "
            "left as it was."
        )
    details = " at ".join(filter(None, (person.role, person.organisation)))
    return f"{outcome.action} {outcome.where}" + (f" ({details})" if details else "")


@click.group("export")
def export_group() -> None:
    """Write the vault's people for other programs."""


@export_group.command("vcard")
@click.option(
    "-o", "--output", metavar="FILE", help="Where to write it (default: standard output)."
)
@pass_state
def export_vcard(state: AppState, output: str | None) -> None:
    """The contacts as vCard 4.0, for a phone's or mail app's address book."""
    from ..importers.exchange import card_of
    from ..importers.vcard import write_vcards
    from ..outputs import write_output
    from ..scaffold import Scaffolder

    notes = Scaffolder(state.vault, state.today).contact_notes()
    cards = [card_of(note) for note in notes if note.kind == "contact"]
    text = write_vcards(cards)
    if output in (None, "-"):
        click.echo(text.encode("utf-8"), nl=False)  # bytes: the CRLF line ends vCard asks for
        return
    path = Path(output)
    if path.is_dir():
        raise UsageError(f"{path} is a folder; give a file name for the vCards.")
    write_output(path, text.encode("utf-8"))
    click.echo(f"wrote {path} ({len(cards)} contact{'' if len(cards) == 1 else 's'})", err=True)


def register(group: click.Group) -> None:
    """Add this module's commands to the `vault` group."""
    group.add_command(import_group)
    group.add_command(export_group)
