"""What a test needs from the machine: a real program, a server, a privilege."""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def missing(what: str) -> NoReturn:
    """`what` is not on this machine: under CI, which installs everything the tests need
    (`.ci/run`), the test fails; elsewhere it is skipped."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what}; .ci/run provides it")
    pytest.skip(what)
