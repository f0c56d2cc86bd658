"""How often a vaulttools process collects garbage."""

from __future__ import annotations

import gc

# Allocations between collections of the youngest objects. A command builds hundreds of
# thousands of small objects (signatures, rows, records) that form almost no cycles: at
# Python's default of 700, an export after one edit spent about 20 ms in a hundred
# collections that freed nothing. `watch` and `serve` still collect, only less often.
THRESHOLD = (100_000, 50, 50)


def collect_less() -> None:
    gc.set_threshold(*THRESHOLD)
