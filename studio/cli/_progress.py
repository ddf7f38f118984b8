"""A terminal progress bar for long jobs (tqdm; quiet when the stream is not a terminal)."""

from __future__ import annotations

import sys
from typing import TextIO

from tqdm import tqdm


class ProgressBar:
    """A tqdm bar driven by a job's ``progress(done, total)`` callback: pass ``update``."""

    def __init__(self, label: str, stream: TextIO | None = None) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty()
        self._bar: tqdm | None = None

    def update(self, done: int, total: int) -> None:
        """Move the bar to ``done`` of ``total``; the bar ends (with a newline) when ``done`` reaches ``total``."""
        if not self.enabled:
            return
        if self._bar is None:
            # A job can start mid-way (a resumed run): the rate and eta count from its first step.
            self._bar = tqdm(desc=self.label, total=total, initial=max(done - 1, 0), file=self.stream,
                             dynamic_ncols=True, leave=True)
        self._bar.total = total
        self._bar.update(done - self._bar.n)
        if done >= total:
            self._bar.close()

    def describe(self, text: str) -> None:
        """Show ``text`` after the counts (e.g. the latest losses)."""
        if self._bar is not None:
            self._bar.set_postfix_str(text, refresh=False)
