"""Which follow-up the user means: an id as `vault followups` shows it, a prefix, or its words."""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from .errors import VaultError
from .model import FollowUp
from .names import name_key

MAX_LISTED = 5


class NoSuchFollowUpError(VaultError):
    """No follow-up has that id, id prefix or text."""


class AmbiguousFollowUpError(VaultError):
    """More than one follow-up fits what the user typed."""


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
        raise AmbiguousFollowUpError(_ambiguous_message(query, matches))
    return matches[0] if matches else None


def _by_prefix(query: str, pool: Sequence[FollowUp]) -> list[FollowUp]:
    folded = query.casefold()
    return [f for f in pool if f.id.casefold().startswith(folded)]


def _by_words(query: str, pool: Sequence[FollowUp]) -> list[FollowUp]:
    """Follow-ups whose text holds every word of the query, compared loosely."""
    words = name_key(query).split()
    return [f for f in pool if all(word in name_key(f.text) for word in words)]


def describe(followup: FollowUp) -> str:
    """`fu-7k2m (Send a thank-you to Jane Doe, due 2026-12-02)`: how a candidate is listed."""
    due = f", due {followup.due.isoformat()}" if followup.due else ""
    text = followup.text if len(followup.text) <= 50 else followup.text[:49] + "…"
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
