"""Obsidian wikilinks: where they point, and what Obsidian shows for them."""

from __future__ import annotations

import pytest

from vaulttools.wikilinks import link_display, link_target, readable


@pytest.mark.parametrize(
    ("inner", "target", "shown"),
    [
        ("Jane Doe", "Jane Doe", "Jane Doe"),
        ("Jane Doe|Jane", "Jane Doe", "Jane"),
        ("Jane Doe#Notes", "Jane Doe", "Jane Doe"),
        ("Jane Doe#Notes|Jane", "Jane Doe", "Jane"),
        ("Jane Doe|Jane #2", "Jane Doe", "Jane #2"),
        (" Contacts/Jane Doe ", "Contacts/Jane Doe", "Contacts/Jane Doe"),
    ],
)
def test_target_and_shown_text(inner: str, target: str, shown: str) -> None:
    assert link_target(inner) == target
    assert link_display(inner) == shown


def test_readable_replaces_every_link() -> None:
    text = "Thank [[Jane Doe|Jane]] and [[Ana Lima#Notes]] for [[x]]"
    assert readable(text) == "Thank Jane and Ana Lima for x"
