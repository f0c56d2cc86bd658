"""What the user means by what they typed: a follow-up, a contact or a meeting.

A follow-up by the id `vault followups` shows, a unique start of one, or words of its text;
a person by name, loosely. Anything ambiguous or unknown is refused in one sentence that
lists the candidates, never guessed.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable, Sequence
from typing import TypeVar

from .errors import VaultError
from .model import Contact, FollowUp, Meeting
from .names import name_key
from .wikilinks import readable

MAX_LISTED = 5
_T = TypeVar("_T")


class NoSuchFollowUpError(VaultError):
    """No follow-up has that id, id prefix or text."""


class AmbiguousError(VaultError):
    """More than one follow-up or contact fits what the user typed."""


def resolve_followup(query: str, followups: Sequence[FollowUp]) -> FollowUp:
    """The one follow-up `query` names, trying in turn: exact id, id prefix, then its text.

    Open follow-ups are preferred at each step, so an old ticked task cannot make a
    prefix ambiguous; a closed one is still found by its exact id, to say it is done.
    """
    wanted = query.strip().removeprefix("^")
    if not wanted:
        raise NoSuchFollowUpError("No follow-up id was given; 'vault followups' lists them.")
    open_ones = [f for f in followups if not (f.done or f.cancelled)]
    exact = [f for f in followups if f.id == wanted]
    if len(exact) == 1:
        return exact[0]
    for pool in (open_ones, followups):
        chosen = _pick(wanted, _by_prefix(wanted, pool))
        if chosen:
            return chosen
    chosen = _pick(wanted, _by_words(wanted, open_ones))
    if chosen:
        return chosen
    raise NoSuchFollowUpError(_unknown_message(wanted, open_ones))


def _pick(query: str, matches: list[FollowUp]) -> FollowUp | None:
    if len(matches) > 1:
        raise AmbiguousError(_ambiguous_message(query, matches))
    return matches[0] if matches else None


def _by_prefix(query: str, pool: Sequence[FollowUp]) -> list[FollowUp]:
    folded = query.casefold()
    return [f for f in pool if f.id.casefold().startswith(folded)]


def _by_words(query: str, pool: Sequence[FollowUp]) -> list[FollowUp]:
    """Follow-ups whose text holds every word of the query, compared loosely."""
    words = name_key(query).split()
    return [f for f in pool if all(word in name_key(readable(f.text)) for word in words)]


def describe(followup: FollowUp) -> str:
    """`fu-7k2m (Send a thank-you to Jane Doe, due 2026-12-02)`: how a candidate is listed."""
    due = f", due {followup.due.isoformat()}" if followup.due else ""
    text = readable(followup.text)
    text = text if len(text) <= 50 else text[:49] + "…"
    return f"{followup.id} ({text}{due})"


def _ambiguous_message(query: str, matches: list[FollowUp]) -> str:
    listed = "; ".join(describe(f) for f in matches[:MAX_LISTED])
    more = f" and {len(matches) - MAX_LISTED} more" if len(matches) > MAX_LISTED else ""
    return (
        f"{query!r} fits {len(matches)} follow-ups: {listed}{more}; "
        "give more of the id, or more words."
    )


def _unknown_message(query: str, pool: Sequence[FollowUp]) -> str:
    by_text = {f.text: f for f in pool}
    close = difflib.get_close_matches(query, list(by_text), n=3, cutoff=0.5)
    if close:
        hint = "Did you mean " + " or ".join(describe(by_text[t]) for t in close) + "?"
    else:
        hint = "'vault followups' lists them."
    return f"No open follow-up has the id or text {query!r}. {hint}"


# Contacts and meetings by name -------------------------------------------------------------


class NoSuchContactError(VaultError):
    """No contact has that name."""


class NoSuchMeetingError(VaultError):
    """No meeting note has that name, nor a conversation with a person of that name."""


def _stem(path: str) -> str:
    return path.rsplit("/", 1)[-1].removesuffix(".md")


def resolve_contact(query: str, contacts: Sequence[Contact]) -> Contact:
    """The contact called `query`: by `name` or note file name compared loosely, else the one
    contact whose name has its words (`jane` for Jane Doe), whole words first, where that is
    unambiguous."""
    key = name_key(query)
    exact = [c for c in contacts if key in (name_key(c.name), name_key(_stem(c.note)))]
    for matches in (exact, *_by_name_words(query, contacts, lambda c: c.name)):
        if len(matches) == 1:
            return matches[0]
        if matches:
            listed = "; ".join(f"{c.name} ({c.note})" for c in matches[:MAX_LISTED])
            raise AmbiguousError(f"{query!r} fits {len(matches)} contacts: {listed}.")
    names = sorted({c.name for c in contacts})
    close = difflib.get_close_matches(query, names, n=3, cutoff=0.6)
    hint = f" Did you mean {' or '.join(close)}?" if close else " 'vault contacts' lists them."
    raise NoSuchContactError(f"No contact named {query!r}.{hint}")


def _by_name_words(
    query: str, items: Sequence[_T], name_of: Callable[[_T], str]
) -> tuple[list[_T], list[_T]]:
    """(items whose name has the query's words as whole words, items that merely contain them)."""
    words = name_key(query).split()
    if not words:
        return [], []
    whole = [i for i in items if set(words) <= set(name_key(name_of(i)).split())]
    partial = [i for i in items if all(w in name_key(name_of(i)) for w in words)]
    return whole, partial


def resolve_meeting(query: str, meetings: Sequence[Meeting], today: dt.date) -> Meeting:
    """A meeting by its note's name (`2026-12-01 Jane Doe`) or path, else by a person in it.

    For a person (named as for `resolve_contact`), the latest conversation that has taken
    place is meant, since a thank-you follows a conversation; else the next one planned.
    """
    key = name_key(query.removesuffix(".md"))
    by_note = [m for m in meetings if key in (name_key(_stem(m.note)), name_key(m.note[:-3]))]
    if by_note:
        return by_note[0]
    person = _person_in(query, meetings)
    theirs = [m for m in meetings if person in {name_key(n) for n in m.contacts}]
    past = [m for m in theirs if m.date and m.date <= today and m.status != "cancelled"]
    return max(past or theirs, key=lambda m: (m.date or dt.date.min, m.time or "", m.note))


def _person_in(query: str, meetings: Sequence[Meeting]) -> str:
    """The name_key of the one person in the meetings that `query` names."""
    people = {name_key(n): n for m in meetings for n in m.contacts}
    key = name_key(query)
    if key in people:
        return key
    for matches in _by_name_words(query, list(people.values()), lambda name: name):
        if len(matches) == 1:
            return name_key(matches[0])
        if matches:
            raise AmbiguousError(f"{query!r} fits {len(matches)} people: {', '.join(matches)}.")
    raise NoSuchMeetingError(
        f"No meeting note or conversation with {query!r}; 'vault meetings' lists them."
    )
