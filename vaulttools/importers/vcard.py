"""vCards in (3.0 and 4.0, as phones and mail apps export them) and out (4.0), with vobject.

A file is cut into its cards at the BEGIN/END lines, so that one card vobject cannot read is
reported by its line and the others are still read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from . import Person, Problem, tidy

_LINKEDIN = re.compile(r"^(https?://)?([\w-]+\.)?linkedin\.com/", re.IGNORECASE)


def read_vcards(text: str) -> tuple[list[Person], list[Problem]]:
    """The people in a .vcf file, and the cards that could not be read (by line number)."""
    import vobject

    people, problems = [], []
    for line, card_text in _cards(text):
        try:
            card = vobject.readOne(card_text)
            read = _person(card, line)
        except Exception as error:  # vobject raises many kinds on a broken card
            read = Problem(line, f"not a readable vCard ({_reason(error)})")
        (people if isinstance(read, Person) else problems).append(read)
    return people, problems


def _cards(text: str) -> Iterator[tuple[int, str]]:
    """(line where it starts, its text) for each BEGIN:VCARD … END:VCARD in the file."""
    start, lines = 0, []
    for number, line in enumerate(text.splitlines(), start=1):
        upper = line.strip().upper()
        if upper == "BEGIN:VCARD":
            start, lines = number, []
        if start:
            lines.append(line)
        if upper == "END:VCARD" and start:
            yield start, "\r\n".join(lines) + "\r\n"
            start = 0


def _reason(error: Exception) -> str:
    return str(error).strip().rstrip(".") or type(error).__name__


def _person(card: Any, line: int) -> Person | Problem:
    name = _name(card)
    if not name:
        return Problem(line, "a card with no name (FN or N)")
    if str(_first_value(card, "x-abshowas") or "").upper() == "COMPANY":
        return Problem(
            line,
            f"{name} is an organisation's card (X-ABShowAs:COMPANY), not a person",
            error=False,
        )
    urls = [str(url.value) for url in card.contents.get("url", [])]
    return Person(
        line=line,
        name=name,
        organisation=_organisation(card),
        role=tidy(_first_value(card, "title")),
        emails=_preferred(card.contents.get("email", [])),
        phones=tuple(
            phone.removeprefix("tel:") for phone in _preferred(card.contents.get("tel", []))
        ),
        linkedin=next((url for url in urls if _LINKEDIN.match(url)), None),
    )


def _name(card: Any) -> str | None:
    formatted = tidy(_first_value(card, "fn"))
    if formatted:
        return formatted
    structured = card.contents.get("n")
    if not structured:
        return None
    n = structured[0].value
    return tidy(" ".join(str(part) for part in (n.prefix, n.given, n.additional, n.family) if part))


def _organisation(card: Any) -> str | None:
    value = _first_value(card, "org")
    parts = value if isinstance(value, list) else [value]
    return tidy(str(parts[0])) if parts and parts[0] else None


def _first_value(card: Any, key: str) -> Any:
    lines = card.contents.get(key)
    return lines[0].value if lines else None


def _preferred(lines: Iterable[Any]) -> tuple[str, ...]:
    """The values, the preferred one first: `TYPE=pref` (3.0) or the lowest `PREF` (4.0)."""

    def rank(line: Any) -> int:
        types = {t.lower() for value in line.params.get("TYPE", []) for t in value.split(",")}
        pref = line.params.get("PREF", [])
        return 0 if "pref" in types else int(pref[0]) if pref and pref[0].isdigit() else 101

    ordered = sorted(lines, key=rank)
    return tuple(dict.fromkeys(value for line in ordered if (value := tidy(str(line.value)))))


@dataclass(frozen=True)
class Card:
    """What a vCard carries of a contact note."""

    uid: str | None
    name: str
    organisation: str | None = None
    role: str | None = None
    email: str | None = None
    phone: str | None = None
    linkedin: str | None = None


def write_vcards(cards: Iterable[Card]) -> str:
    """vCard 4.0 text (RFC 6350) for the cards, one after another."""
    return "".join(_serialised(card) for card in cards)


def _serialised(card: Card) -> str:
    import vobject

    out = vobject.vCard()
    out.add("version").value = "4.0"
    out.add("fn").value = card.name
    given, _, family = card.name.rpartition(" ")  # a guess; FN holds the name as written
    out.add("n").value = (
        vobject.vcard.Name(family=family, given=given)
        if given
        else vobject.vcard.Name(given=family)
    )
    for key, value in (("uid", card.uid), ("title", card.role), ("email", card.email)):
        if value:
            out.add(key).value = value
    if card.organisation:
        out.add("org").value = [card.organisation]
    if card.phone:
        out.add("tel").value = card.phone
    if card.linkedin:
        out.add("url").value = card.linkedin
    return out.serialize()
