"""`vault export-ics` and `vault serve`: the calendar as a file, and as a feed to subscribe to."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..errors import UsageError
from ..vault import Vault
from .app import AppState, pass_state

if TYPE_CHECKING:  # the calendar is imported when a command needs it: other commands start faster
    from ..calendar import FeedSettings


def feed_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--todo, --no-meetings and --no-followups, for both commands."""
    options = (
        click.option(
            "--todo", is_flag=True, help="Follow-ups as tasks (VTODO) for apps that show them."
        ),
        click.option("--no-meetings", is_flag=True, help="Leave meetings out."),
        click.option("--no-followups", is_flag=True, help="Leave follow-ups out."),
    )
    for option in reversed(options):
        command = option(command)
    return command


def _settings(vault: Vault, todo: bool, no_meetings: bool, no_followups: bool) -> FeedSettings:
    from ..calendar import feed_settings

    _check_choice(no_meetings, no_followups)
    return feed_settings(
        vault.config,
        vault.root.name,
        todo=todo,
        meetings=not no_meetings,
        followups=not no_followups,
    )


def _check_choice(no_meetings: bool, no_followups: bool) -> None:
    if no_meetings and no_followups:
        raise UsageError("--no-meetings with --no-followups leaves nothing for the calendar.")


def _counted(followups: int, meetings: int) -> str:
    def plural(count: int, word: str) -> str:
        return f"{count} {word}{'' if count == 1 else 's'}"

    return f"{plural(followups, 'follow-up')}, {plural(meetings, 'meeting')}"


@click.command("export-ics")
@click.option(
    "-o",
    "--output",
    metavar="FILE",
    help="Where to write it; - for standard output. Default: calendar.path in config.toml.",
)
@feed_options
@pass_state
def export_ics_command(
    state: AppState, output: str | None, todo: bool, no_meetings: bool, no_followups: bool
) -> None:
    """Write the calendar of open follow-ups and planned meetings as an .ics file."""
    from ..index import fresh_index
    from ..outputs import write_output

    vault = state.vault
    _check_choice(no_meetings, no_followups)
    with fresh_index(vault, meanwhile=lambda: _ahead_of_the_feed(vault)) as index:
        from ..calendar import calendar_from_index  # after the sync: see _ahead_of_the_feed

        settings = _settings(vault, todo, no_meetings, no_followups)
        rendered = calendar_from_index(index, settings)
    if output == "-":
        click.echo(rendered.data, nl=False)  # bytes go to the binary stream: CRLF kept as is
        return
    path = Path(output) if output else vault.path(vault.config.calendar.path)
    written = write_output(path, rendered.data)
    counts = _counted(rendered.followups, rendered.meetings)
    click.echo(f"wrote {path} ({counts})" if written else f"{path} is up to date ({counts})")


def _ahead_of_the_feed(vault: Vault) -> None:
    """What an export needs once notes changed, done while a helper process reads those
    notes (see `Index.sync`): the calendar, the joining of records and the component
    builders imported, and the vault's time zone looked up."""
    from ..calendar import feed_settings  # noqa: F401
    from ..calendar_build import prepare
    from ..index import prepare_records

    prepare_records()
    prepare()
    vault.config.zone  # noqa: B018  (tzlocal and zoneinfo keep what they found)


@click.command("serve")
@click.option(
    "--host", help="Address to listen on (default: serve.host in config.toml, 127.0.0.1)."
)
@click.option(
    "--port", type=click.IntRange(0, 65535), help="Port (default: serve.port, 8765; 0: any free)."
)
@click.option(
    "--token",
    envvar="VAULT_SERVE_TOKEN",
    help="A secret that becomes part of the URL; needed to listen beyond this computer. "
    "Also read from $VAULT_SERVE_TOKEN, which keeps it out of your shell history.",
)
@feed_options
@pass_state
def serve_command(
    state: AppState,
    host: str | None,
    port: int | None,
    token: str | None,
    todo: bool,
    no_meetings: bool,
    no_followups: bool,
) -> None:
    """Serve the calendar for calendar apps to subscribe to; it stays current as notes change."""
    from ..serve import open_feed, serve_forever

    vault = state.vault
    settings = _settings(vault, todo, no_meetings, no_followups)
    server, announcement = open_feed(vault, host, port, token, settings, log=_say)
    click.echo("\n".join(announcement))
    serve_forever(server)
    click.echo("Stopped.", err=True)


def _say(line: str) -> None:
    click.echo(line, err=True)


def register(group: click.Group) -> None:
    """Add this module's commands to the `vault` group."""
    group.add_command(export_ics_command)
    group.add_command(serve_command)
