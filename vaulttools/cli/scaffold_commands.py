"""`vault init` and the `new-*` commands that create notes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from ..errors import NoSuchNoteError
from ..scaffold import (
    MEETING_MODES,
    ContactRequest,
    MeetingRequest,
    OrganisationRequest,
    Scaffolder,
    init_vault,
)
from ..vault import Vault
from .app import AppState, pass_state
from .options import DATE, TIME


@click.command("init")
@click.argument("path", type=click.Path(file_okay=False, path_type=Path), default=".")
def init_command(path: Path) -> None:
    """Make PATH a vault, or adopt the Obsidian vault there. Safe to run again."""
    created = init_vault(path)
    if not created:
        click.echo(f"{path} is already a vault; nothing to do.")
        return
    for item in created:
        click.echo(f"created {item}{'/' if item.is_dir() else ''}")
    templates = Vault.open(path).config.folders.templates
    click.echo(f"Your templates and question bank are in {path / templates}; edit them freely.")


@click.command("new-contact")
@click.argument("name")
@click.option("--org", "organisation", help="The organisation they work at.")
@click.option("--role", help="Their job title or role.")
@click.option("--email")
@click.option("--phone")
@click.option("--linkedin", help="Their LinkedIn profile URL.")
@click.option("--how-met", "how_we_met", help="How you got their name or met them.")
@click.option("--referred-by", help="The contact who introduced you.")
@click.option("--tag", "tags", multiple=True, help="A tag; repeat for more.")
@click.option("--stay-in-touch", "stay_in_touch", type=click.IntRange(min=0), metavar="DAYS",
              help="Days between staying in touch after you meet (default 90).")  # fmt: skip
@pass_state
def new_contact_command(
    state: AppState, name: str, tags: tuple[str, ...], stay_in_touch: int | None, **fields: str
) -> None:
    """Create a note for the person NAME.

    --org and --referred-by link to the organisation's and the person's notes when they
    have one (`--org kowhai` finds Kōwhai Analytics); a name no note has is kept as typed.
    """
    request = ContactRequest(name=name, tags=tags, stay_in_touch=stay_in_touch, **fields)
    click.echo(Scaffolder(state.vault, state.today).new_contact(request))


@click.command("new-meeting")
@click.argument("contact")
@click.option("--date", "day", type=DATE, default="today", show_default=True,
              help="YYYY-MM-DD, today, tomorrow, a weekday, in 3 days, +3d or 12 Dec.")  # fmt: skip
@click.option("--time", "time_", type=TIME, help="Start time, HH:MM.")
@click.option("--duration", type=click.IntRange(5, 24 * 60), help="Minutes (default 30).")
@click.option("--location", help="Where you meet: an address, a café, a video link.")
@click.option("--mode", type=click.Choice(MEETING_MODES), help="How you meet.")
@click.option("--objective", help="What you want to find out.")
@click.option("--questions", metavar="CATEGORIES",
              help="Question categories, comma-separated, e.g. career,industry.")  # fmt: skip
@click.option("--tag", "tags", multiple=True, help="A tag; repeat for more.")
@click.option("--create-contact", is_flag=True, help="Create the contact too if it is new.")
@pass_state
def new_meeting_command(
    state: AppState,
    contact: str,
    day: dt.date,
    time_: str | None,
    tags: tuple[str, ...],
    create_contact: bool,
    **fields: str | None,
) -> None:
    """Create a note for a conversation with CONTACT, with questions and follow-ups."""
    scaffolder = Scaffolder(state.vault, state.today)
    if create_contact:
        try:
            scaffolder.find_contact(contact)
        except NoSuchNoteError:
            click.echo(scaffolder.new_contact(ContactRequest(name=contact)))
    request = MeetingRequest(contact=contact, date=day, time=time_, tags=tags, **fields)  # type: ignore[arg-type]
    click.echo(scaffolder.new_meeting(request))


@click.command("new-org")
@click.argument("name")
@click.option("--website")
@click.option("--industry")
@click.option("--location", "locations", multiple=True, help="A place they work; repeat for more.")
@click.option("--size", help="Roughly how many people work there.")
@click.option("--tag", "tags", multiple=True, help="A tag; repeat for more.")
@pass_state
def new_org_command(
    state: AppState, name: str, locations: tuple[str, ...], tags: tuple[str, ...], **fields: str
) -> None:
    """Create a note for the organisation NAME."""
    request = OrganisationRequest(name=name, locations=locations, tags=tags, **fields)
    click.echo(Scaffolder(state.vault, state.today).new_organisation(request))


def register(group: click.Group) -> None:
    for command in (init_command, new_contact_command, new_meeting_command, new_org_command):
        group.add_command(command)
