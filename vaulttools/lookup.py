"""What the user means by what they typed: a follow-up, a contact or a meeting.

A follow-up by the id `vault followups` shows, a unique start of one, or words of its text;
a person by name, loosely. Anything ambiguous or unknown is refused in one sentence that
lists the candidates, never guessed.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

from .errors import NoSuchNoteError, VaultError
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
    open_ones = [f for f in followups if f.is_open]
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


class NoSuchNameError(NoSuchNoteError):
    """No contact, organisation or meeting has that name."""


class NoSuchContactError(NoSuchNameError):
    """No contact has that name."""


class NoSuchMeetingError(NoSuchNameError):
    """No meeting note has that name, nor a conversation with a person of that name."""


def _stem(path: str) -> str:
    return path.rsplit("/", 1)[-1].removesuffix(".md")


def resolve_contact(query: str, contacts: Sequence[Contact]) -> Contact:
    """The contact called `query`, by `name` or note file name, as `resolve_name` matches."""
    hint = "'vault contacts' lists them."
    return resolve_name(query, contacts, _contact_labels, "contact", NoSuchContactError, hint)


def _contact_labels(contact: Contact) -> tuple[str, ...]:
    return (contact.name, _stem(contact.note))


def resolve_name(
    query: str,
    items: Sequence[_T],
    labels: Callable[[_T], Sequence[str]],
    what: str,
    error: type[VaultError] = NoSuchNameError,
    hint: str = "",
) -> _T:
    """The one item `query` names, the same way in every command.

    Names compare by `name_key` (case, accents and spacing aside). Tried in turn: a whole
    label (the first label is how the item is shown), then labels holding the query's
    words as whole words (`jane` for Jane Doe), then as word starts (`pri` for Priya Shah).
    Several fits at a step are refused with the candidates; none, with a "Did you mean".
    """
    keyed = [(item, [name_key(label) for label in labels(item) if label]) for item in items]
    for fits in _name_tiers(name_key(query), keyed):
        unique = list({id(item): item for item in fits}.values())
        if len(unique) == 1:
            return unique[0]
        if unique:
            listed = "; ".join(_shown(labels(i)) for i in unique[:MAX_LISTED])
            raise AmbiguousError(f"{query!r} fits more than one {what}: {listed}.")
    raise error(_no_name_message(query, items, labels, what, hint))


def _name_tiers(key: str, keyed: list[tuple[_T, list[str]]]) -> Iterator[list[_T]]:
    words = key.split()
    yield [item for item, keys in keyed if key in keys]
    if not words:
        return
    yield [item for item, keys in keyed if any(set(words) <= set(k.split()) for k in keys)]
    yield [item for item, keys in keyed if any(_starts_words(words, k.split()) for k in keys)]


def _starts_words(words: list[str], name_words: list[str]) -> bool:
    """Every word typed starts a different word of the name, in any order."""
    left = list(name_words)
    for word in words:
        found = next((w for w in left if w.startswith(word)), None)
        if found is None:
            return False
        left.remove(found)
    return True


def _shown(labels: Sequence[str]) -> str:
    first, *others = labels
    other = next((o for o in others if o and o != first), None)
    return f"{first} ({other})" if other else first


def _no_name_message(
    query: str, items: Sequence[_T], labels: Callable[[_T], Sequence[str]], what: str, hint: str
) -> str:
    by_key = {name_key(label): labels(item)[0] for item in items for label in labels(item) if label}
    close = difflib.get_close_matches(name_key(query), list(by_key), n=3, cutoff=0.6)
    names = list(dict.fromkeys(by_key[key] for key in close))
    advice = f" Did you mean {' or '.join(names)}?" if names else ""
    return " ".join(part for part in (f"No {what} named {query!r}.{advice}", hint) if part)


def resolve_meeting(query: str, meetings: Sequence[Meeting], today: dt.date) -> Meeting:
    """A meeting by its note's name (`2026-12-01 Jane Doe`) or path, else by a person in it.

    For a person (named as for `resolve_contact`), the latest conversation that has taken
    place is meant, since a thank-you follows a conversation; else the next one planned.
    """
    found = _by_note_name(query, meetings)
    if found:
        return found
    theirs = _meetings_of(query, meetings)
    past = [m for m in theirs if m.date and m.date <= today and m.status != "cancelled"]
    return max(past or theirs, key=lambda m: (m.date or dt.date.min, m.time or "", m.note))


def resolve_planned_meeting(query: str, meetings: Sequence[Meeting]) -> Meeting:
    """A meeting by its note's name, or the one planned meeting with the person `query` names."""
    found = _by_note_name(query, meetings)
    if found:
        return found
    planned = [m for m in _meetings_of(query, meetings) if m.status == "planned"]
    if len(planned) == 1:
        return planned[0]
    if not planned:
        raise NoSuchMeetingError(f"No planned meeting with {query!r}; 'vault meetings' lists them.")
    listed = "; ".join(_stem(m.note) for m in planned[:MAX_LISTED])
    raise AmbiguousError(
        f"{query!r} has {len(planned)} planned meetings: {listed}; give the note's name."
    )


def _by_note_name(query: str, meetings: Sequence[Meeting]) -> Meeting | None:
    key = name_key(query.removesuffix(".md"))
    by_note = [m for m in meetings if key in (name_key(_stem(m.note)), name_key(m.note[:-3]))]
    return by_note[0] if by_note else None


def _meetings_of(query: str, meetings: Sequence[Meeting]) -> list[Meeting]:
    """The meetings with the one person `query` names."""
    people = list({name_key(n): n for m in meetings for n in m.contacts}.values())
    hint = "'vault meetings' lists them."
    person = resolve_name(
        query, people, lambda n: (n,), "meeting note or person", NoSuchMeetingError, hint
    )
    return [m for m in meetings if name_key(person) in {name_key(n) for n in m.contacts}]
