"""Text the templates wrote: lines a note still has exactly as its template gave them.

Search leaves them out, so `search industry` finds what the user wrote about an industry,
not the question bank's heading in every meeting note.
"""

from __future__ import annotations

import re
from pathlib import Path

# Bullets, task boxes, heading marks and quote marks: a line is compared without them.
_MARKUP = re.compile(r"^[ \t>]*(?:#{1,6}[ \t]+|(?:[-*+]|\d+[.)])[ \t]+(?:\[.\][ \t]+)?)")
_JINJA = re.compile(r"\{[{%#]")


def line_key(line: str) -> str:
    """A line as compared with the templates' lines: no markup, spacing squeezed."""
    return " ".join(_MARKUP.sub("", line).split()).casefold()


def template_lines(user_dir: Path | None) -> frozenset[str]:
    """The line keys of every fixed line in the templates and every question in the banks."""
    from .templates import QUESTIONS_FILE, template_dirs

    keys: set[str] = set()
    for folder in template_dirs(user_dir):
        for path in folder.glob("*.md.j2"):
            keys |= _fixed_lines(path.read_text(encoding="utf-8", errors="replace"))
        bank = folder / QUESTIONS_FILE
        if bank.is_file():
            keys |= _questions(bank)
    keys.discard("")
    return frozenset(keys)


def _fixed_lines(template: str) -> set[str]:
    return {line_key(line) for line in template.splitlines() if not _JINJA.search(line)}


def _questions(bank: Path) -> set[str]:
    from .errors import TemplateError
    from .templates import QuestionBank

    try:
        categories = QuestionBank.from_yaml(bank).categories
    except TemplateError:
        return set()
    return {line_key(text) for c in categories for text in (c.title, *c.questions)}


def without_boilerplate(body: str, boilerplate: frozenset[str]) -> str:
    """The body without the lines still exactly as a template wrote them."""
    if not boilerplate:
        return body
    return "\n".join(line for line in body.split("\n") if line_key(line) not in boilerplate)
