"""Any name survives `new-contact` and a read back, or is refused with one clear sentence."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import frontmatter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vaulttools.errors import VaultError
from vaulttools.notes import parse_note
from vaulttools.scaffold import ContactRequest, Scaffolder, init_vault
from vaulttools.vault import Vault

NAMES = st.text(
    st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=120
) | st.sampled_from(["yes", "~", "null", "0x1F", "1e3", "- a", "? b", "{{ x }}", "{% if %}", "@me"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=NAMES, organisation=st.none() | NAMES)
def test_any_name_round_trips_or_is_refused(name: str, organisation: str | None) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        init_vault(root)
        scaffolder = Scaffolder(Vault.open(root), dt.date(2026, 11, 26))
        try:
            path = scaffolder.new_contact(ContactRequest(name=name, organisation=organisation))
        except VaultError as error:
            message = str(error)
            assert message.endswith(".") and "\n" not in message
            assert list((root / "Contacts").iterdir()) == []
            return
        assert path.parent == root / "Contacts"
        text = path.read_text(encoding="utf-8")
        assert frontmatter.loads(text)["name"] == name
        assert parse_note(text, "Contacts/x.md").title == name.strip()
