"""Obsidian `%%` comments and HTML `<!-- -->` comments, blanked in one pass. Pure.

Blanking keeps every newline and every column (other characters become spaces), so line
numbers and spans found in the blanked text are those of the note. An unclosed `%%` hides
the rest of the note, as in Obsidian; an unclosed `<!--` is left to the Markdown parser,
which ends an HTML block at the end of the note and keeps it as text inside a paragraph.
"""

from __future__ import annotations

import re

_OPENERS = re.compile(r"<!--|%%")
_PERCENT = re.compile(r"%%")
_NOT_NEWLINE = re.compile(r"[^\n]")


def has_comments(text: str) -> bool:
    return "%%" in text or "<!--" in text


def blank_comments(text: str) -> str:
    """`text` with its comments blanked. Linear: once no `-->` follows, none is sought again."""
    if not has_comments(text):
        return text
    parts: list[str] = []
    kept = position = 0
    openers = _OPENERS
    while found := openers.search(text, position):
        end = _comment_end(text, found[0], found.end())
        if end is None:  # no `-->` after here: no later `<!--` can close either
            openers, position = _PERCENT, found.end()
            continue
        parts += [text[kept : found.start()], _NOT_NEWLINE.sub(" ", text[found.start() : end])]
        kept = position = end
    parts.append(text[kept:])
    return "".join(parts)


def _comment_end(text: str, opener: str, after: int) -> int | None:
    if opener == "%%":
        close = text.find("%%", after)
        return len(text) if close == -1 else close + 2
    close = text.find("-->", after)
    return None if close == -1 else close + 3
