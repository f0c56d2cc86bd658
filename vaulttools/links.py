"""Resolve wikilink targets to notes the way Obsidian does. Pure: no file system here.

A target names a note by its file name (`Jane Doe`), by a path ending in it
(`Contacts/Jane Doe`), or by one of its `aliases`; all compared after NFC and case
folding. When several notes match, the one in the linking note's folder wins, then the
one with the shortest path, so a resolution never depends on the order notes were read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from .names import name_key


class NameEntry(NamedTuple):
    """One name a note answers to: its file name or one of its aliases."""

    key: str  # name_key of the stem or alias
    path: str  # the note's path relative to the vault
    alias: bool = False


def stem_of(path: str) -> str:
    return path.rsplit("/", 1)[-1].removesuffix(".md")


def folder_of(path: str) -> str:
    return path.rsplit("/", 1)[0] if "/" in path else ""


def names_of(path: str, aliases: Iterable[str] = ()) -> list[NameEntry]:
    """The entries a note contributes to a Resolver."""
    entries = [NameEntry(name_key(stem_of(path)), path)]
    entries += [NameEntry(name_key(alias), path, True) for alias in aliases if alias.strip()]
    return entries


def target_key(target: str) -> str:
    """The key a link target is looked up under: its last path part, without `.md`."""
    return name_key(_without_extension(target.strip()).rsplit("/", 1)[-1])


def _without_extension(target: str) -> str:
    return target[:-3] if target.lower().endswith(".md") else target


def obsidian_finds(target: str, path: str) -> bool:
    """Whether Obsidian itself opens `path` for a link to `target`.

    Obsidian matches a link to a file name (or the end of a path) ignoring case, and nothing
    more: not through `aliases` (those only help its link suggester), not by folding `ß` to
    `ss`, not across composed and decomposed accents or doubled spaces, as vaulttools does.
    """
    wanted = _without_extension(target.strip()).strip("/").lower()
    stem_path = path.removesuffix(".md").lower()
    return stem_path == wanted or stem_path.endswith("/" + wanted)


Lookup = Callable[[str], Sequence[NameEntry]]


@dataclass
class Resolver:
    """Link target -> note path, from every note's file name and aliases.

    `lookup` gives the entries under one key; the index answers it from SQLite, so a
    listing looks up only the names its links use instead of loading every note's.
    """

    lookup: Lookup
    _cache: dict[str, Sequence[NameEntry]] = field(default_factory=dict, repr=False)
    _resolved: dict[tuple[str | None, str], str | None] = field(default_factory=dict, repr=False)

    @classmethod
    def from_entries(cls, entries: Iterable[NameEntry]) -> Resolver:
        by_key: dict[str, list[NameEntry]] = {}
        for entry in entries:
            by_key.setdefault(entry.key, []).append(entry)
        return cls(lambda key: by_key.get(key, ()))

    def entries(self, key: str) -> Sequence[NameEntry]:
        if key not in self._cache:
            self._cache[key] = self.lookup(key)
        return self._cache[key]

    def resolve(self, target: str | None, source: str = "") -> str | None:
        """The path of the note `target` points at, seen from the note `source`, or None."""
        try:
            return self._resolved[target, source]
        except KeyError:
            pass
        found = self._resolve(target, source) if target and target.strip() else None
        self._resolved[target, source] = found
        return found

    def _resolve(self, target: str, source: str) -> str | None:
        # `[[Notes.md]]` may name the file `Notes.md.md`; the plain reading comes first.
        found = self._resolve_as(target, _without_extension(target), source)
        if found is None and _without_extension(target) != target:
            found = self._resolve_as(target + ".md", target, source)
        return found

    def _resolve_as(self, target: str, stem_path: str, source: str) -> str | None:
        candidates = self.entries(name_key(stem_path.strip().rsplit("/", 1)[-1]))
        if not candidates:
            return None
        if "/" in stem_path.strip().strip("/"):
            return _by_path_suffix(stem_path, candidates)
        by_stem = [entry.path for entry in candidates if not entry.alias]
        return _closest(by_stem, source) or _closest([e.path for e in candidates], source)


def _by_path_suffix(target: str, candidates: Sequence[NameEntry]) -> str | None:
    """`Contacts/Jane Doe` matches a note whose path ends with that, at a folder boundary."""
    wanted = name_key(target.strip().strip("/"))
    matches = [
        entry.path
        for entry in candidates
        if not entry.alias and _ends_with_folders(name_key(entry.path.removesuffix(".md")), wanted)
    ]
    return _closest(matches, "")


def _ends_with_folders(path_key: str, wanted: str) -> bool:
    return path_key == wanted or path_key.endswith("/" + wanted)


def _closest(paths: list[str], source: str) -> str | None:
    if not paths:
        return None
    here = folder_of(source)
    return min(paths, key=lambda path: (folder_of(path) != here, path.count("/"), len(path), path))
