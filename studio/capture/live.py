"""Live capture: a reader thread and a tracking thread joined by a one-slot buffer that drops stale frames.

The tracker always works on the newest frame, so a slow tracker lowers the sample rate instead of
building up latency. The reader waits for the tracker's first frame before it reads on: a tracker's first frame
can take a second while it loads its models, and a file playing on meanwhile would lose its start.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

import numpy as np

from studio.capture.trackers.base import TrackedFrame, Tracker
from studio.media.video_reader import FrameSource

Item = TypeVar("Item")


class LatestSlot(Generic[Item]):
    """A one-item hand-off between threads: ``put`` replaces a waiting item (counted in ``dropped``)."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._item: Item | None = None
        self._full = False
        self._closed = False
        self.dropped = 0

    def put(self, item: Item) -> None:
        """Offer the newest item, discarding one not yet taken."""
        with self._condition:
            if self._full:
                self.dropped += 1
            self._item, self._full = item, True
            self._condition.notify()

    def take(self, timeout: float | None = None) -> Item | None:
        """Wait for the next item; None after ``close()`` (once drained) or on timeout."""
        with self._condition:
            self._condition.wait_for(lambda: self._full or self._closed, timeout)
            if not self._full:
                return None
            item, self._item, self._full = self._item, None, False
            return item

    def close(self) -> None:
        """Wake the taker; no more items will come."""
        with self._condition:
            self._closed = True
            self._condition.notify_all()


OnSample = Callable[[float, np.ndarray, TrackedFrame], None]


class LiveCapture:
    """Runs source -> tracker on two threads; ``on_sample(timestamp, frame, tracked)`` is called on the
    tracking thread for every frame it tracks. It owns the source and the tracker and closes both in ``stop``.
    An exception in either thread stops the capture and is passed to ``on_error`` (on that thread).
    """

    def __init__(
        self,
        source: FrameSource,
        tracker: Tracker,
        on_sample: OnSample,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        self.source = source
        self.tracker = tracker
        self._on_sample = on_sample
        self._on_error = on_error
        self._slot: LatestSlot[tuple[float, np.ndarray]] = LatestSlot()
        self._stop = threading.Event()
        self._first_tracked = threading.Event()
        self._threads = [
            threading.Thread(target=self._guard, args=(self._read,), name="capture-read", daemon=True),
            threading.Thread(target=self._guard, args=(self._track,), name="capture-track", daemon=True),
        ]

    @property
    def dropped(self) -> int:
        """Frames the tracker skipped because a newer one had arrived."""
        return self._slot.dropped

    def start(self) -> None:
        """Start reading and tracking."""
        for thread in self._threads:
            thread.start()

    def running(self) -> bool:
        """Whether the tracking thread still runs (False once the source ends or after stop)."""
        return self._threads[1].is_alive()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the source to end and the last frame to be tracked; True when both threads finished."""
        for thread in self._threads:
            thread.join(timeout)
        return not any(thread.is_alive() for thread in self._threads)

    def stop(self, timeout: float = 5.0) -> None:
        """Stop both threads, wait for them, and close the source and the tracker."""
        self._stop.set()
        self._slot.close()
        for thread in self._threads:
            if thread.ident is not None:
                thread.join(timeout)
        self.source.close()
        self.tracker.close()

    def _guard(self, loop: Callable[[], None]) -> None:
        try:
            loop()
        except BaseException as error:  # reported to the owner, never lost on a thread
            self._stop.set()
            self._slot.close()
            if self._on_error is not None:
                self._on_error(error)

    def _read(self) -> None:
        try:
            for timestamp, frame in self.source:
                if self._stop.is_set():
                    break
                self._slot.put((timestamp, frame))
                while not (self._first_tracked.is_set() or self._stop.is_set()):
                    self._first_tracked.wait(0.05)
        finally:
            self._slot.close()

    def _track(self) -> None:
        while not self._stop.is_set():
            item = self._slot.take()
            if item is None:
                return
            timestamp, frame = item
            self._on_sample(timestamp, frame, self.tracker.track(frame, timestamp))
            self._first_tracked.set()
