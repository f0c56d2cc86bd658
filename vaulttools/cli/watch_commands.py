"""`vault watch`: keep the index, the index note and the calendar fresh while notes change."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from .app import AppState, pass_state


@click.command("watch")
@click.option(
    "--serve", "serve_feed", is_flag=True, help="Also serve the calendar, as `vault serve`."
)
@click.option(
    "--poll", is_flag=True, help="Poll for changes (network drives, WSL) instead of events."
)
@click.option("--host", help="With --serve: the address to listen on (default 127.0.0.1).")
@click.option(
    "--port", type=click.IntRange(0, 65535), help="With --serve: the port (default 8765)."
)
@click.option("--token", envvar="VAULT_SERVE_TOKEN", help="With --serve: the feed's secret.")
@click.option(
    "--caldav",
    is_flag=True,
    help="Also sync the CalDAV calendar (`vault caldav sync`): ticks made there reach notes.",
)
@pass_state
def watch_command(
    state: AppState,
    serve_feed: bool,
    poll: bool,
    host: str | None,
    port: int | None,
    token: str | None,
    caldav: bool,
) -> None:
    """Watch the vault and keep the index, the index note and the calendar file current.

    It never writes a note. One line per change on stderr; Ctrl+C stops it.
    """
    from ..clock import today
    from ..index import Index
    from ..outputs import refresh_outputs
    from ..watch import run_watch

    vault = state.vault
    server = _start_feed(state, host, port, token) if serve_feed else None
    calendar = _caldav_follower(state) if caldav else lambda: []
    # A short wait for the index: the watcher tries again rather than sit blocked.
    with Index.open(vault, busy_seconds=1.0) as index:
        try:
            run_watch(
                vault.root,
                index,
                refresh=lambda: (
                    _refreshed(refresh_outputs(vault, index, today(vault.config)), server)
                    + calendar()
                ),
                ignored=[vault.config.index_note],
                poll=poll,
                report=lambda line: click.echo(line, err=True),
            )
        except KeyboardInterrupt:
            click.echo("Stopped watching.", err=True)
        finally:
            if server is not None:
                server.shutdown()
                server.server_close()


def _refreshed(written: list[str], server: Any) -> list[str]:
    """After a batch, the served feed looks at the vault on its next request, not seconds later."""
    if server is not None:
        server.cache.invalidate()
    return written


def _caldav_follower(state: AppState) -> Callable[[], list[str]]:
    from ..caldav.run import Follower

    return Follower(state.vault, lambda line: click.echo(f"vault: {line}", err=True))


def _start_feed(state: AppState, host: str | None, port: int | None, token: str | None) -> Any:
    from ..calendar import feed_settings
    from ..serve import open_feed, serve_in_thread

    vault = state.vault
    settings = feed_settings(vault.config, vault.root.name)
    server, announcement = open_feed(
        vault, host, port, token, settings, log=lambda line: click.echo(line, err=True)
    )
    click.echo("\n".join(announcement))
    serve_in_thread(server)
    return server


def register(group: click.Group) -> None:
    """Add this module's commands to the `vault` group."""
    group.add_command(watch_command)
