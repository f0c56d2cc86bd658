"""Read simple front matter without PyYAML, and ordinary notes without building a Note. Pure.

Most notes in a vault are not contacts, meetings or organisations, and all the index needs
from them is their name, `id`, `aliases` and whether their front matter reads. Front matter
made only of simple lines (`key: value`, `key: [a, b]`, `- item`) is certainly valid YAML,
and its values can be read exactly as PyYAML reads them, scalar by scalar, for a fraction
of the cost. Anything else goes to the full parser in `notes`.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from yaml.constructor import SafeConstructor
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

from ..notes import (
    MAX_FRONT_MATTER_BYTES,
    Note,
    property_links,
    scan_body,
    split_front_matter,
)

_KEY = re.compile(r"([A-Za-z_][\w -]*?):(?:[ ]+(.*?))?[ \t]*$")
_ITEM = re.compile(r"( *)-(?:[ ]+(.*?))?[ \t]*$")
# Characters YAML refuses anywhere in a stream, and those it takes as line breaks (\x85,
# \u2028, \u2029): what the YAML spec leaves out of its printable set, and those. No
# character class below lets one through.
_BAD = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff"
# A plain scalar that YAML reads as itself: no indicator first, no ": " or " #" inside.
_PLAIN = rf"(?![-?:,\[\]{{}}#&*!|>'\"%@`=<\s])(?:[^:#\t\[\]{{}}\r\n{_BAD}]|:(?=\S)|(?<=\S)#)*(?<!:)"
_FLOW_ITEM = rf"(?![-?:,\[\]{{}}#&*!|>'\"%@`=<\s])[^:#\t\[\]{{}},\"'\r\n{_BAD}]*?"
_QUOTED = rf"\"[^\"\\\r\n{_BAD}]*\"|'[^'\r\n{_BAD}]*'"
_FLOW_ITEMS = re.compile(rf"[ ]*({_QUOTED}|{_FLOW_ITEM[:-2]}+?(?<! ))[ ]*(?:,|$)")
# Whole front matter made of simple lines, in one pass of the regular expression engine.
_END = r"[ ]*\r?\n"  # spaces only: YAML refuses a tab in some places
_SKIP = rf"(?:[ ]*(?:\#[^\r\n{_BAD}]*)?{_END})"  # a blank or comment line
_SIMPLE_KEY = r"[A-Za-z_](?:[\w -]*[\w-])?"
_FLOW = rf"\[[ ]*(?:(?:{_QUOTED}|{_FLOW_ITEM})(?:[ ]*,[ ]*(?:{_QUOTED}|{_FLOW_ITEM}))*)?[ ]*\]"
_ENTRY = rf"-(?:[ ]+(?:{_QUOTED}|{_PLAIN}))?{_END}"
_BLOCK = rf"{_END}{_SKIP}*(?:(?P<indent>[ ]*){_ENTRY}(?:(?P=indent){_ENTRY}|{_SKIP})*)?"
_SIMPLE = re.compile(
    rf"(?:{_SKIP}|{_SIMPLE_KEY}:(?:[ ]+(?:{_FLOW}|{_QUOTED}|{_PLAIN}){_END}|{_BLOCK}))*"
)
_OPENING = re.compile(r"---[^\S\n]*\n")
_CLOSING = re.compile(r"^(?:---|\.\.\.)[^\S\n]*$", re.MULTILINE)
# Keys that make an ordinary note more than its file name: then its properties are read.
_SPECIAL = re.compile(r"^(?:type|aliases|id|name)[ \t]*:", re.MULTILINE)


_RESOLVER = Resolver()
_CONSTRUCTOR = SafeConstructor()
_IMPLICIT_FIRST = frozenset(key for key in _RESOLVER.yaml_implicit_resolvers if key)
_WANTED = frozenset(("type", "aliases", "id", "name"))
# A `type` that may make the note a contact, meeting or organisation: read all it says.
_KIND = re.compile(r"^type[ ]*:[ ]*[\"']?(?:contact|meeting|organisation)\b", re.MULTILINE)
_SCALARS: dict[str, Any] = {}  # text -> value; every scalar value is immutable
_SCALARS_KEPT = 4096
_BUILDERS = {
    "tag:yaml.org,2002:null": lambda node: None,
    "tag:yaml.org,2002:bool": _CONSTRUCTOR.construct_yaml_bool,
    "tag:yaml.org,2002:int": _CONSTRUCTOR.construct_yaml_int,
    "tag:yaml.org,2002:float": _CONSTRUCTOR.construct_yaml_float,
}
_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class PlainNote(NamedTuple):
    """What the index keeps of an ordinary note."""

    id: str  # its `id` property when that is text, else its path
    title: str  # its `name` property when that is text, else its file name
    aliases: tuple[str, ...] = ()


def read_quickly(text: str, path: str) -> PlainNote | Note | None:
    """An ordinary note as a PlainNote, a contact, meeting or organisation as the Note
    `notes.parse_note` would give, or None when only the full parser can tell."""
    text = text.removeprefix("\ufeff")
    if "\x00" in text:
        return None
    present, raw = front_matter(text)
    if not present:
        return _plain(path)
    if raw is None:
        return None
    if not _SPECIAL.search(raw):
        return _plain(path) if is_simple(raw) else None
    maybe_kind = _KIND.search(raw) is not None
    properties = simple_properties(raw, only=None if maybe_kind else _WANTED)
    if properties is None:
        return None
    note = Note(path, properties, "", 0)
    if note.kind is None:
        return PlainNote(note.id, note.title, note.aliases)
    if not maybe_kind:
        properties = simple_properties(raw) or {}  # cannot happen: `type` names no kind
    return _full_note(text, path, properties)


def _plain(path: str) -> PlainNote:
    return PlainNote(path, path.rsplit("/", 1)[-1].removesuffix(".md"))


def _full_note(text: str, path: str, properties: dict[str, Any]) -> Note:
    """The Note `parse_note` makes, with properties already read."""
    _, body, body_line, _ = split_front_matter(text)
    tasks, links = scan_body(body, body_line)
    links = (*property_links(properties), *links)
    return Note(path, properties, body, body_line, tasks=tasks, links=links)


def front_matter(text: str) -> tuple[bool, str | None]:
    """(has front matter, its text or None when never closed), as `split_front_matter` says."""
    opening = _OPENING.match(text)
    if not opening:
        return False, None
    closing = _CLOSING.search(text, opening.end())
    return True, (text[opening.end() : closing.start()] if closing else None)


def is_simple(raw: str) -> bool:
    """Front matter made only of lines this module reads exactly as PyYAML does."""
    if len(raw) > MAX_FRONT_MATTER_BYTES:
        return False
    if "\r" in raw and raw.count("\r") != raw.count("\r\n"):
        return False  # a lone carriage return is a line break to YAML
    return _SIMPLE.fullmatch(raw) is not None


def simple_properties(raw: str, only: frozenset[str] | None = None) -> dict[str, Any] | None:
    """The properties `notes.load_properties` reads from `raw`, or None when it is not simple.

    With `only`, just those keys (all that an ordinary note needs), at less cost.
    """
    if not is_simple(raw):
        return None
    properties: dict[str, Any] = {}
    block_key: str | None = None  # a key with no value: `- item` lines below make it a list
    for line in raw.split("\n"):
        line = line.rstrip("\r")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        entry = _ITEM.match(line)
        if entry and block_key is not None:
            if properties[block_key] is None:
                properties[block_key] = []
            properties[block_key].append(scalar(entry[2] or ""))
            continue
        key_line = _KEY.match(line)
        if key_line is None:
            return None  # cannot happen after is_simple; refuse rather than guess
        key, value = str(scalar(key_line[1])), key_line[2] or ""
        if only is not None and key not in only:
            block_key = None
            continue
        properties[key] = _value(value)  # a repeated key: the last value wins, as in PyYAML
        block_key = None if value else key
    return properties


def _value(text: str) -> Any:
    if not text:
        return None
    if text.startswith("["):
        return [scalar(item[1]) for item in _FLOW_ITEMS.finditer(text[1:-1])]
    return scalar(text)


def scalar(text: str) -> Any:
    """One plain or simply quoted scalar, as PyYAML's safe loader constructs it."""
    try:
        return _SCALARS[text]  # the same few values (status, mode, dates) come again and again
    except KeyError:
        pass
    if len(_SCALARS) >= _SCALARS_KEPT:
        _SCALARS.clear()
    value = _SCALARS[text] = _construct(text)
    return value


def _construct(text: str) -> Any:
    if text[:1] in ("'", '"'):
        return text[1:-1]
    if text and text[0] not in _IMPLICIT_FIRST:
        return text  # no implicit type starts with this character: it is text
    tag = _RESOLVER.resolve(ScalarNode, text, (True, False))
    node = ScalarNode(tag, text)
    if tag == _TIMESTAMP:
        try:
            return _CONSTRUCTOR.construct_yaml_timestamp(node)
        except ValueError:
            return text  # as notes' loader does: an impossible date stays text
    builder = _BUILDERS.get(tag)
    return builder(node) if builder else text
