"""Finding what a user means: a follow-up by id, prefix or words; a contact; a meeting."""

from __future__ import annotations

import datetime as dt

import pytest

from vaulttools.lookup import (
    AmbiguousError,
    NoSuchContactError,
    NoSuchFollowUpError,
    NoSuchMeetingError,
    resolve_contact,
    resolve_followup,
    resolve_meeting,
)
from vaulttools.model import Contact, FollowUp, Meeting


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


# --- contacts and meetings -------------------------------------------------------------------


def person(name: str, note: str | None = None) -> Contact:
    return Contact(name, note or f"Contacts/{name}.md", name, None, None, "prospect", None, None)


PEOPLE = [person("Jane Doe"), person("Jan Smith"), person("José Álvarez", "People/Jose.md")]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("jane doe", "Jane Doe"),
        ("JAN", "Jan Smith"),  # a whole word beats the start of "Jane"
        ("smi", "Jan Smith"),
        ("jose", "José Álvarez"),  # the note's file name
        ("Jose\u0301 álvarez", "José Álvarez"),  # the same name, decomposed
    ],
)
def test_resolve_contact(query: str, expected: str) -> None:
    assert resolve_contact(query, PEOPLE).name == expected


def test_resolve_contact_refuses_ambiguity_and_suggests_names() -> None:
    with pytest.raises(AmbiguousError, match="fits more than one contact"):
        resolve_contact("ja", PEOPLE)
    with pytest.raises(NoSuchContactError, match="Did you mean Jane Doe"):
        resolve_contact("Jane Dough", PEOPLE)


def meeting(day: str, name: str, status: str = "done") -> Meeting:
    note = f"Meetings/{day} {name}.md"
    return Meeting(note, note, name, (name,), dt.date.fromisoformat(day), None, 30, status)


MEETINGS = [
    meeting("2026-11-01", "Jane Doe"),
    meeting("2026-11-20", "Jane Doe"),
    meeting("2026-11-25", "Jane Doe", "cancelled"),
    meeting("2026-12-20", "Jane Doe", "planned"),
    meeting("2026-12-24", "Jan Smith", "planned"),
]
TODAY = dt.date(2026, 12, 1)


def test_resolve_meeting_by_note_name_or_person() -> None:
    assert resolve_meeting("2026-11-01 Jane Doe", MEETINGS, TODAY).date == dt.date(2026, 11, 1)
    assert resolve_meeting("Meetings/2026-11-01 Jane Doe.md", MEETINGS, TODAY) == MEETINGS[0]
    # the latest conversation that took place, not the cancelled or the planned one
    assert resolve_meeting("jane", MEETINGS, TODAY).date == dt.date(2026, 11, 20)
    # nobody met yet: the next planned conversation
    assert resolve_meeting("Jan Smith", MEETINGS, TODAY).date == dt.date(2026, 12, 24)
    with pytest.raises(NoSuchMeetingError):
        resolve_meeting("Nobody", MEETINGS, TODAY)
