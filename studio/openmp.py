"""How long torch's idle OpenMP threads spin before they sleep: set by the entry points before torch loads.

libgomp's default is 300,000 checks. That long spin keeps a core busy after every torch operation, just when
the fomm generator's native Winograd transforms (which run on their own threads between torch operations) and
the window's own thread need it: a frame measured 5-15% slower (docs/fomm.md, "Speed"). Training is the
exception: its many small operations on small tensors follow each other closely, and with short spins every one
waited for a sleeping thread to wake (1.0 vs 1.5 steps per second measured), so ``train`` keeps the default.
"""

from __future__ import annotations

import os

SHORT_SPIN = "1000"
KEEPS_DEFAULT = frozenset({"train"})


def choose_spin(command: str | None = None) -> None:
    """Set ``GOMP_SPINCOUNT`` for this process unless the user set it or ``command`` keeps the default.

    libgomp reads it once, when torch loads, so call this before anything imports torch.
    """
    if command not in KEEPS_DEFAULT:
        os.environ.setdefault("GOMP_SPINCOUNT", SHORT_SPIN)
