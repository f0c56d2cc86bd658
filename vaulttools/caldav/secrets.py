"""The CalDAV password: from $VAULT_CALDAV_PASSWORD, else the system keyring; never the vault."""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from ..errors import VaultError

PASSWORD_VARIABLE = "VAULT_CALDAV_PASSWORD"


def keyring_service(url: str) -> str:
    """The keyring entry's service name: one per server, so two accounts do not collide."""
    return f"vaulttools CalDAV {urlsplit(url).netloc or url}"


def find_password(url: str, username: str) -> str:
    """The password for `username` at `url`; a VaultError saying how to store one if none."""
    from_env = os.environ.get(PASSWORD_VARIABLE)
    if from_env:
        return from_env
    found = _from_keyring(url, username)
    if found:
        return found
    raise VaultError(
        f"No password for {username or 'the CalDAV server'}: run 'vault caldav password' to keep "
        f"one in the system keyring, or set {PASSWORD_VARIABLE}."
    )


def _from_keyring(url: str, username: str) -> str | None:
    import keyring
    from keyring.errors import KeyringError

    try:
        return keyring.get_password(keyring_service(url), username)
    except KeyringError:
        return None  # no usable keyring here: the message names the variable instead


def store_password(url: str, username: str, password: str) -> None:
    import keyring
    from keyring.errors import KeyringError

    try:
        keyring.set_password(keyring_service(url), username, password)
    except KeyringError as error:
        raise VaultError(
            f"This system has no keyring to keep the password in ({error}); "
            f"set {PASSWORD_VARIABLE} instead."
        ) from error
