"""Frames produced on a helper thread, so a cancel is honoured even while a generator hangs in one frame."""

from __future__ import annotations

import queue
import threading
from collections.abc import Generator, Iterator
from typing import Any

import numpy as np

from studio.core.errors import CancelledError

POLL_S = 0.05


class _Producer:
    """Runs the frame generator on a daemon thread and hands each frame over through a one-slot queue."""

    def __init__(self, frames: Generator[np.ndarray, None, None], cancel: threading.Event) -> None:
        self.frames, self.cancel = frames, cancel
        self.slot: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=1)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._produce, name="render-frames", daemon=True)

    def _hand_over(self, item: tuple[str, Any]) -> bool:
        while not (self.stop.is_set() or self.cancel.is_set()):
            try:
                self.slot.put(item, timeout=POLL_S)
                return True
            except queue.Full:
                continue
        return False

    def _produce(self) -> None:
        try:
            for frame in self.frames:
                if not self._hand_over(("frame", frame.copy())):
                    return
            self._hand_over(("end", None))
        except BaseException as error:  # re-raised on the consumer's side
            self._hand_over(("error", error))
        finally:
            self.frames.close()

    def next_item(self) -> tuple[str, Any]:
        """The next hand-over; CancelledError within POLL_S of a cancel, even while the generator hangs."""
        while True:
            try:
                return self.slot.get(timeout=POLL_S)
            except queue.Empty:
                if self.cancel.is_set():
                    raise CancelledError("export cancelled") from None


def frames_in_background(frames: Generator[np.ndarray, None, None], cancel: threading.Event) -> Iterator[np.ndarray]:
    """Run ``frames`` (the renderer) on a helper thread and yield its frames (copied there) in order.

    On cancel this raises CancelledError within ``POLL_S`` and leaves the helper thread behind: it stops
    as soon as the generator returns (a thread cannot be killed). A generator's error is re-raised here.
    """
    producer = _Producer(frames, cancel)
    producer.thread.start()
    try:
        while True:
            kind, item = producer.next_item()
            if kind == "end":
                producer.thread.join()
                return
            if kind == "error":
                raise item
            yield item
    finally:
        producer.stop.set()
