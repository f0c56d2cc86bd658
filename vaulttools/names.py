"""Names of people and things: comparing them, and turning them into safe file names."""

from __future__ import annotations

import re
import unicodedata

from .errors import UsageError

# Characters that break a file name on some system or an Obsidian link.
_UNSAFE = re.compile(r'[/\\:*?"<>|#^\[\]\x00-\x1f\x7f]')
_SPACES = re.compile(r"\s+")
_WINDOWS_RESERVED = {
    "CON", "PRN", "AUX", "NUL",
    *(f"COM{i}" for i in range(1, 10)),
    *(f"LPT{i}" for i in range(1, 10)),
}  # fmt: skip
# File systems cap a name at 255 bytes; leave room for a date prefix and ".md".
MAX_STEM_BYTES = 180


def name_key(name: str) -> str:
    """The form under which two names are the same person or organisation.

    Case-folded, accents dropped (NFKD without combining marks, so `José Álvarez`, its
    decomposed spelling and `jose alvarez` are one, and `Kowhai` is `Kōwhai`), spaces squeezed.
    """
    if name.isascii():  # most names: nothing to decompose, and casefold is lower
        return " ".join(name.lower().split())
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", name).casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", bare).strip()


def check_name(name: str, what: str = "name") -> str:
    """Refuse names that cannot be kept faithfully as a one-line YAML value."""
    if not name.strip():
        raise UsageError(f"The {what} is empty.")
    if any(unicodedata.category(ch) in ("Cc", "Cs", "Zl", "Zp") for ch in name):
        raise UsageError(f"The {what} {name!r} contains a line break or control character.")
    return name


def safe_stem(name: str) -> str:
    """A file name (without extension) that works on Windows, macOS, Linux and in wikilinks."""
    stem = _UNSAFE.sub(" ", unicodedata.normalize("NFC", name))
    stem = _SPACES.sub(" ", stem).strip().lstrip(". ")
    stem = _cap_bytes(stem, MAX_STEM_BYTES).rstrip(". ")
    if stem.split(".")[0].upper() in _WINDOWS_RESERVED:
        stem = f"{stem}_"
    if not stem:
        raise UsageError(f"The name {name!r} has no characters that can be used in a file name.")
    return stem


def _cap_bytes(text: str, limit: int) -> str:
    encoded = text.encode("utf-8")
    if len(encoded) <= limit:
        return text
    return encoded[:limit].decode("utf-8", errors="ignore")


def wikilink(name: str) -> str:
    """An Obsidian link to the note a name is stored under."""
    return f"[[{safe_stem(name)}]]"
