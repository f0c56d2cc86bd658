"""vaulttools: informational interviews as Markdown notes, an index and a calendar feed."""

__version__ = "0.1.0"
