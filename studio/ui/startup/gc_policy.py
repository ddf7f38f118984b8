"""Cyclic garbage collection only on the GUI thread, between events, never inside a Qt call.

CPython starts a cyclic-GC pass on whichever thread allocates when a threshold is crossed, including
a worker thread or the middle of a Qt call that holds the signal/slot mutex. If that pass frees an
unreachable widget tree, the widget destructors wait on the same mutex and the studio freezes
(issue 12). So automatic collection is switched off and ``collect_due`` runs from a timer on the
event loop, collecting the generations that automatic GC would have collected by then. Once the heavy
imports are done the survivors are frozen, so a full collection stays far below a frame's time.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 250


def collect_due() -> int:
    """Collect the oldest generation whose count passed its threshold, as automatic GC would; return it, or -1."""
    counts, thresholds = gc.get_count(), gc.get_threshold()
    for generation in (2, 1, 0):
        if thresholds[generation] and counts[generation] > thresholds[generation]:
            gc.collect(generation)
            return generation
    return -1


class IdleCollector(QObject):
    """Owns the collection timer: ``start`` turns automatic GC off, ``stop`` puts the previous setting back."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(collect_due)
        self._was_enabled = gc.isenabled()

    def start(self) -> None:
        """Disable automatic GC and collect from the event loop from now on."""
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer.start()

    def settle(self) -> None:
        """Collect everything, then move the survivors (Qt, torch, the loaded engine) to the permanent generation.

        A full collection then scans only what the session created since: ~140 ms becomes a few ms on a
        2-core machine. Called when the renderer is ready, i.e. after the heavy imports.
        """
        gc.collect()
        gc.freeze()

    def stop(self) -> None:
        """Stop the timer and put automatic GC back as it was before ``start`` (at shutdown)."""
        self._timer.stop()
        if self._was_enabled:
            gc.enable()
