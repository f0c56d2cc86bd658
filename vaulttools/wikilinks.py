"""Obsidian wikilinks: `[[Target#Heading|Shown text]]`. Standard library only, cheap to import."""

from __future__ import annotations

import re

WIKILINK = re.compile(r"\[\[([^\[\]\n]+?)\]\]")


def link_target(inner: str) -> str:
    """The note a link points at: `Jane Doe#Notes|Jane` -> `Jane Doe`.

    In a table the pipe is escaped (`[[Sam Lee\\|Sam]]`); Obsidian reads it as the same pipe.
    """
    return inner.split("|", 1)[0].removesuffix("\\").split("#", 1)[0].strip()


def link_display(inner: str) -> str:
    """What Obsidian shows for a link: its alias, else its target without the heading."""
    target, _, alias = inner.partition("|")
    return (alias or target.removesuffix("\\").split("#", 1)[0]).strip()


def readable(text: str) -> str:
    """Text with each link replaced by what Obsidian shows for it."""
    return WIKILINK.sub(lambda match: link_display(match[1]), text)
