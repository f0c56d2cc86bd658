"""Front matter as Obsidian finds it, read by python-frontmatter with PyYAML's C loader. Pure.

python-frontmatter's own `parse` strips the text first, so it would find front matter after
blank lines (Obsidian does not) and lose the body's line numbers. The handler below keeps
its YAML loading and replaces only the split: `---` on the very first line, up to the next
`---` (or `...`) line, with CRLF and the body's exact first line.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, NamedTuple

import yaml
from frontmatter.default_handlers import YAMLHandler

try:  # PyYAML's C loader is many times faster; fall back where it was not compiled.
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

MAX_FRONT_MATTER_BYTES = 256 * 1024
# What a note is called and what it is: all the index keeps of a note of no known kind.
NAME_KEYS = ("type", "id", "name", "aliases")
_TEXT_TAG = "tag:yaml.org,2002:str"
_MERGE_TAG = "tag:yaml.org,2002:merge"
_OPENING = re.compile(r"---[^\S\n]*\n")
_CLOSING = re.compile(r"^(?:---|\.\.\.)[^\S\n]*$", re.MULTILINE)
# What PyYAML raises for a value it cannot build: 0x_ or a 4,300-digit number (ValueError),
# nesting too deep (RecursionError), an unhashable key (TypeError).
_UNREADABLE = (yaml.YAMLError, ValueError, RecursionError, TypeError, OverflowError)


class _Loader(_BaseLoader):  # type: ignore[valid-type,misc]
    """The safe loader, except that an impossible date such as 2026-13-45 stays text.

    Otherwise one mistyped date would make the whole front matter unreadable.
    """


def _timestamp_or_text(loader: _BaseLoader, node: yaml.ScalarNode) -> Any:
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError:
        return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_or_text)


class Split(NamedTuple):
    """A note's text cut at its front matter."""

    raw: str | None  # the YAML between the delimiters, None when there is none
    body: str
    body_line: int  # 0-based line of the file where the body starts
    problem: str | None = None


class ObsidianHandler(YAMLHandler):
    """python-frontmatter's YAML handler with Obsidian's delimiters and the C loader."""

    def detect(self, text: str) -> bool:
        return _OPENING.match(text) is not None

    def split(self, text: str) -> tuple[str, str]:
        found = self.cut(text)
        if found.raw is None:
            raise ValueError(found.problem or "no front matter")
        return found.raw, found.body

    def cut(self, text: str) -> Split:
        """Where the front matter is; found in one pass, never twice over the text."""
        opening = _OPENING.match(text)
        if opening is None:
            return Split(None, text, 0)
        closing = _CLOSING.search(text, opening.end())
        if closing is None:
            return Split(None, text, 0, "has front matter that is never closed with a '---' line")
        body_start = closing.end() + 1
        body_line = text.count("\n", 0, min(body_start, len(text)))
        if body_start > len(text):
            body_line += 1
        return Split(text[opening.end() : closing.start()], text[body_start:], body_line)

    def load(self, fm: str, **kwargs: object) -> Any:
        kwargs.setdefault("Loader", _Loader)
        return super().load(fm, **kwargs)


HANDLER = ObsidianHandler()


def read_properties(
    raw: str | None, full_when: Callable[[Any], bool] | None = None
) -> tuple[dict[str, Any], tuple[str, ...]]:
    """Front matter text -> its properties, or none and the reason. Never raises.

    With `full_when`, YAML still reads all of the text, but builds the values of `NAME_KEYS`
    only, unless `full_when` says yes to the value of `type`: most notes of a vault are not
    vaulttools' own, and building every value is the larger part of reading YAML.
    """
    if not raw:
        return {}, ()
    if len(raw) > MAX_FRONT_MATTER_BYTES:
        return {}, (f"has front matter larger than {MAX_FRONT_MATTER_BYTES // 1024} KiB",)
    try:
        data = HANDLER.load(raw) if full_when is None else _load_names(raw, full_when)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        where = f" at line {mark.line + 2}" if mark else ""
        return {}, (f"has front matter that is not valid YAML{where}: {error.problem}",)
    except _UNREADABLE as error:
        return {}, (f"has front matter that YAML cannot read: {_short(str(error))}",)
    if data is None:
        return {}, ()
    if not isinstance(data, dict):
        return {}, (f"has front matter that is a {_yaml_type(data)}, not a set of properties",)
    return {str(key): value for key, value in data.items()}, ()


def _load_names(raw: str, full_when: Callable[[Any], bool]) -> Any:
    """The document, or only its `NAME_KEYS` when `full_when(type)` says no."""
    loader = _Loader(raw)
    try:
        node = loader.get_single_node()
        if not isinstance(node, yaml.MappingNode) or _merges(node):
            return loader.construct_document(node) if node is not None else None
        values = {key.value: value for key, value in node.value if _is_text(key)}
        kind = values.get("type")
        if full_when(loader.construct_object(kind, deep=True) if kind else None):
            return loader.construct_document(node)
        return {
            key: loader.construct_object(values[key], deep=True)
            for key in NAME_KEYS
            if key in values
        }
    finally:
        loader.dispose()


def _is_text(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == _TEXT_TAG


def _merges(node: yaml.MappingNode) -> bool:
    """`<<:` brings in keys from elsewhere: the whole mapping must be built to know them."""
    return any(key.tag == _MERGE_TAG for key, _ in node.value)


def _short(message: str) -> str:
    first = message.split("\n", 1)[0]
    return first if len(first) <= 80 else first[:77] + "..."


def _yaml_type(value: Any) -> str:
    return {list: "list", str: "text", int: "number", float: "number"}.get(type(value), "value")
