"""Which operating system's ways to follow: the one place that asks, so a test can force each."""

from __future__ import annotations

import sys


def current() -> str:
    """`windows`, `macos` or `linux` (other Unix systems go the way of Linux)."""
    if sys.platform.startswith(("win", "cygwin")):
        return "windows"
    if sys.platform == "darwin":
        return "macos"
    return "linux"
