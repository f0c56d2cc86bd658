"""Finding the follow-up a user means: exact id, unique prefix, or unambiguous words."""

from __future__ import annotations

import datetime as dt

import pytest

from vaulttools.lookup import AmbiguousError, NoSuchFollowUpError, resolve_followup
from vaulttools.model import FollowUp


def followup(id_: str, text: str, done: bool = False) -> FollowUp:
    return FollowUp(
        id=id_,
        text=text,
        due=dt.date(2026, 12, 2),
        time=None,
        done=done,
        cancelled=False,
        note="Meetings/2026-12-01 Jane Doe.md",
        contact="Jane Doe",
        line=3,
    )


FOLLOWUPS = [
    followup("fu-7k2m", "Send a thank-you to [[Jane Doe]]"),
    followup("fu-7k3a", "Connect with [[Jane Doe]] online"),
    followup("fu-9xyz", "Reflect on the conversation with [[Jane Doe]]"),
    followup("fu-9old", "Send a thank-you to [[Ann Lee]]", done=True),
    followup("t-1234abcd", "Ask about the graduate programme"),
]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("fu-7k2m", "fu-7k2m"),
        ("^fu-7k2m", "fu-7k2m"),
        ("fu-7k3", "fu-7k3a"),
        ("FU-9", "fu-9xyz"),  # the done fu-9old does not make an open prefix ambiguous
        ("fu-9o", "fu-9old"),  # but a prefix only it has still finds it
        ("fu-9old", "fu-9old"),
        ("t-12", "t-1234abcd"),
        ("graduate", "t-1234abcd"),
        ("thank-you jane", "fu-7k2m"),
        ("  online  ", "fu-7k3a"),
    ],
)
def test_resolves(query: str, expected: str) -> None:
    assert resolve_followup(query, FOLLOWUPS).id == expected


def test_ambiguous_prefix_lists_the_candidates_in_one_sentence() -> None:
    with pytest.raises(AmbiguousError) as caught:
        resolve_followup("fu-7", FOLLOWUPS)
    message = str(caught.value)
    assert "fu-7k2m (Send a thank-you" in message and "fu-7k3a (Connect" in message
    assert "\n" not in message


def test_ambiguous_words() -> None:
    with pytest.raises(AmbiguousError, match="fits 3 follow-ups"):
        resolve_followup("jane", FOLLOWUPS)


def test_unknown_suggests_close_texts() -> None:
    with pytest.raises(NoSuchFollowUpError, match="Did you mean fu-9xyz"):
        resolve_followup("Reflect on the conversatoin", FOLLOWUPS)
    with pytest.raises(NoSuchFollowUpError, match="'vault followups' lists them"):
        resolve_followup("zz-nothing", FOLLOWUPS)
    with pytest.raises(NoSuchFollowUpError):
        resolve_followup("  ", FOLLOWUPS)
