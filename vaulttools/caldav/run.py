"""One sync of a vault with its CalDAV calendar: the index's records, the saved state, the
server, and the state saved again whatever happens."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..vault import Vault
from .items import ItemSettings, SyncItem, sync_items
from .state import STATE_FILE, load_state, save_state
from .sync import Sync, SyncReport


@dataclass(frozen=True)
class Account:
    url: str
    username: str
    calendar: str  # a calendar's name, or its URL


def account_of(vault: Vault) -> Account:
    """The server the vault's config names; the calendar defaults to the feed's name."""
    settings = vault.config.caldav
    return Account(settings.url, settings.username, settings.calendar or vault.config.calendar.name)


def item_settings(vault: Vault) -> ItemSettings:
    from ..calendar import feed_settings

    return ItemSettings(feed_settings(vault.config, vault.root.name, todo=True), vault.config.zone)


def vault_items(vault: Vault, settings: ItemSettings) -> tuple[list[SyncItem], frozenset[str]]:
    """The items the notes ask for, and the notes the index could not read."""
    from ..index import fresh_index

    with fresh_index(vault) as index:
        followups = index.followups(include_closed=True)
        items = sync_items(followups, index.meetings(), settings)
        unreadable = frozenset(path for path, _ in index.unreadable())
    return items, unreadable


def sync_vault(
    vault: Vault,
    account: Account,
    password: str,
    after_step: Callable[[], None] = lambda: None,
) -> SyncReport:
    """Sync the vault's follow-ups and meetings with the account's calendar."""
    from .client import connect
    from .ticks import tick_in_note

    settings = item_settings(vault)
    items, unreadable = vault_items(vault, settings)
    remote = connect(account.url, account.username, password, account.calendar)
    path = vault.state_dir / STATE_FILE
    state = load_state(path, remote.url)
    sync = Sync(
        remote,
        state,
        settings,
        lambda item, day: tick_in_note(vault, item, day),
        unreadable=unreadable,
        after_step=after_step,
    )
    try:
        return sync.run(items)
    finally:
        save_state(path, state)


def remember_account(vault: Vault, account: Account) -> bool:
    """Keep the server's URL, the user name and the calendar in config.toml (never the
    password), leaving the rest of the file as it is. True when the file changed."""
    import tomlkit

    from ..config import CONFIG_FILE
    from .state import write_if_changed

    path = vault.state_dir / CONFIG_FILE
    document = (
        tomlkit.parse(path.read_text(encoding="utf-8")) if path.exists() else tomlkit.document()
    )
    section = document.setdefault("caldav", tomlkit.table())
    default_calendar = vault.config.calendar.name
    wanted = {"url": account.url, "username": account.username}
    wanted["calendar"] = "" if account.calendar == default_calendar else account.calendar
    for key, value in wanted.items():
        if section.get(key, "") != value:
            section[key] = value
    return write_if_changed(path, tomlkit.dumps(document).encode("utf-8"))


class Follower:
    """For `vault watch --caldav`: a sync after each batch of changes and each quiet spell.

    A failure is one line on the report and the watch goes on; the next sync finishes the job.
    """

    def __init__(self, vault: Vault, report: Callable[[str], None]) -> None:
        from .secrets import find_password

        self.vault = vault
        self.account = account_of(vault)
        if not self.account.url:
            from ..errors import UsageError

            raise UsageError("No CalDAV server yet: run 'vault caldav sync --url …' once first.")
        self.password = find_password(self.account.url, self.account.username)
        self.report = report

    def __call__(self) -> list[str]:
        from ..errors import VaultError

        try:
            done = sync_vault(self.vault, self.account, self.password)
        except VaultError as error:
            self.report(str(error))
            return []
        for problem in done.problems:
            self.report(problem)
        if not (done.sent or done.ticked):
            return []
        return [f"CalDAV ({done.sent} sent, {len(done.ticked)} ticked in notes)"]
