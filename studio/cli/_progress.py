"""A terminal progress bar for long jobs (quiet when stderr is not a terminal)."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class ProgressBar:
    """Draws `label [#####.....] done/total  eta` on one line; call ``update(done, total)``."""

    def __init__(self, label: str, stream: TextIO | None = None, width: int = 30) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.width = width
        self.enabled = self.stream.isatty()
        self._start = time.perf_counter()
        self._last_draw = 0.0

    def update(self, done: int, total: int) -> None:
        """Redraw at most 20 times a second, and always at the end."""
        if not self.enabled:
            return
        now = time.perf_counter()
        if done < total and now - self._last_draw < 0.05:
            return
        self._last_draw = now
        fraction = done / total if total else 1.0
        filled = int(self.width * fraction)
        elapsed = now - self._start
        eta = elapsed / done * (total - done) if done else 0.0
        bar = "#" * filled + "." * (self.width - filled)
        self.stream.write(f"\r{self.label} [{bar}] {done}/{total}  eta {eta:4.1f}s")
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()
