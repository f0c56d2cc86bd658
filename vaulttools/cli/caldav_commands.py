"""`vault caldav`: two-way sync with a CalDAV calendar, and its password in the keyring."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from ..errors import UsageError
from .app import AppState, pass_state

if TYPE_CHECKING:
    from ..caldav.run import Account
    from ..caldav.sync import SyncReport


@click.group("caldav")
def caldav_group() -> None:
    """Keep follow-ups (as to-dos) and meetings (as events) in step with a CalDAV calendar."""


def _account(
    state: AppState, url: str | None, username: str | None, calendar: str | None
) -> Account:
    from ..caldav.run import Account, account_of

    saved = account_of(state.vault)
    account = Account(url or saved.url, username or saved.username, calendar or saved.calendar)
    if not account.url:
        raise UsageError("No CalDAV server yet: give its address with --url (it is then saved).")
    return account


def account_options(command: click.Command) -> click.Command:
    for option in reversed(
        (
            click.option("--url", help="The server's CalDAV address (saved in config.toml)."),
            click.option("--username", help="Your user name there (saved in config.toml)."),
            click.option("--calendar", help="The calendar's name or URL (created when missing)."),
        )
    ):
        command = option(command)
    return command


@caldav_group.command("sync")
@account_options
@pass_state
def sync_command(
    state: AppState, url: str | None, username: str | None, calendar: str | None
) -> None:
    """Send new and changed follow-ups and meetings; tick follow-ups completed on the server.

    The password comes from the system keyring (see `vault caldav password`) or from
    $VAULT_CALDAV_PASSWORD; it is never written to the vault.
    """
    from ..caldav.run import remember_account, sync_vault
    from ..caldav.secrets import find_password

    account = _account(state, url, username, calendar)
    password = find_password(account.url, account.username)
    report = sync_vault(state.vault, account, password)
    remember_account(state.vault, account)
    _print(report)


def _print(report: SyncReport) -> None:
    for summary in report.ticked:
        click.echo(f"Ticked in its note: {summary}")
    click.echo(
        f"Synced: {report.created} created, {report.updated} updated, "
        f"{report.deleted} deleted on the server; {len(report.ticked)} ticked in notes."
    )
    for problem in report.problems:
        click.echo(f"vault: {problem}", err=True)


@caldav_group.command("password")
@account_options
@pass_state
def password_command(
    state: AppState, url: str | None, username: str | None, calendar: str | None
) -> None:
    """Keep the CalDAV password in the system keyring (asked for, never echoed or saved)."""
    from ..caldav.secrets import store_password

    account = _account(state, url, username, calendar)
    secret = click.prompt("Password", hide_input=True)
    store_password(account.url, account.username, secret)
    click.echo(f"Kept in the system keyring for {account.username} at {account.url}.")


def register(group: click.Group) -> None:
    """Add this module's commands to the `vault` group."""
    group.add_command(caldav_group)
