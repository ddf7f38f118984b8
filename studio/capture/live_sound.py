"""Live sound: a thread reads a SoundSource and turns it into mouth shapes as they are heard (the sound twin of
studio.capture.live.LiveCapture); a recorder keeps the shapes of a take. No Qt here.

A microphone and a sound file take the same path: ``PacedSoundSource`` hands a file's samples over in
buffer-sized chunks no sooner than they would have been heard, as a microphone's buffer does.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import numpy as np

from studio.lipsync.live_mouth import HOP, LoudnessMouth, SoundSource

MIC_BUFFER = 0.03  # seconds of sound a microphone hands over at once (its buffer), and the file's pacing chunk

OnShape = Callable[[float, str], None]


class PacedSoundSource:
    """Delivers ``inner``'s samples in chunks of ``buffer`` seconds, each once its last sample has been heard (real
    time from the first read), instead of as fast as they decode."""

    def __init__(self, inner: SoundSource, buffer: float = MIC_BUFFER) -> None:
        self.inner = inner
        self.rate = inner.rate
        self.buffer = max(1, round(buffer * inner.rate))
        self.origin: float | None = None  # time.monotonic() when the first sample was heard
        self._delivered = 0

    def read(self, count: int) -> np.ndarray | None:
        """The next buffer's worth of samples (``count`` is ignored: a microphone's buffer sets the chunk)."""
        if self.origin is None:
            self.origin = time.monotonic()
        chunk = self.inner.read(self.buffer)
        if chunk is None:
            return None
        self._delivered += len(chunk)
        delay = self.origin + self._delivered / self.rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        return chunk

    def close(self) -> None:
        """Nothing to release (the file was decoded whole)."""


class SoundRecorder:
    """Collects (seconds, shape) as they arrive; safe to read from one thread while another appends.

    ``origin`` is the stream's time zero on ``clock`` (time.monotonic): the earliest arrival minus stream time, so
    a face take and a sound take recorded together can share one clock (studio.capture.face_and_sound).
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._shapes: list[tuple[float, str]] = []
        self._lock = threading.Lock()
        self._clock = clock
        self.origin: float | None = None

    def __len__(self) -> int:
        with self._lock:
            return len(self._shapes)

    def add(self, seconds: float, shape: str) -> None:
        """Append one shape stamped with its source time."""
        arrived = self._clock() - seconds
        with self._lock:
            self._shapes.append((seconds, shape))
            self.origin = arrived if self.origin is None else min(self.origin, arrived)

    def shapes(self) -> list[tuple[float, str]]:
        """The shapes recorded so far, in order."""
        with self._lock:
            return list(self._shapes)


class LiveSound:
    """Runs source -> loudness -> shapes on one thread ("capture-sound"); ``on_shape(seconds, shape)`` is called
    on that thread for every shape (every HOP of sound), and the shape goes to ``recorder`` when one is set.
    ``on_end()`` fires when the source ends, ``on_error(error)`` when it fails; ``stop`` joins and closes it.
    """

    def __init__(self, source: SoundSource, on_shape: OnShape, on_end: Callable[[], None] | None = None,
                 on_error: Callable[[BaseException], None] | None = None) -> None:
        self.source = source
        self.recorder: SoundRecorder | None = None
        self._on_shape = on_shape
        self._on_end = on_end
        self._on_error = on_error
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="capture-sound", daemon=True)

    def start(self) -> None:
        """Start listening."""
        self._thread.start()

    def running(self) -> bool:
        """Whether the thread still runs (False once the source ends, fails or after stop)."""
        return self._thread.is_alive()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the source to end; True when the thread finished."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the thread, wait for it, and close the source (call from the thread that made the source)."""
        self._stop.set()
        if self._thread.ident is not None:
            self._thread.join(timeout)
        close = getattr(self.source, "close", None)
        if close is not None:
            close()

    def _run(self) -> None:
        try:
            self._listen()
        except BaseException as error:  # reported to the owner, never lost on a thread
            if self._on_error is not None and not self._stop.is_set():
                self._on_error(error)
            return
        if self._on_end is not None and not self._stop.is_set():
            self._on_end()

    def _listen(self) -> None:
        mouth = LoudnessMouth(self.source.rate)
        count = max(1, round(HOP * self.source.rate / 2))
        while not self._stop.is_set():
            samples = self.source.read(count)
            if samples is None:
                return
            for seconds, shape in mouth.feed(samples):
                recorder = self.recorder
                if recorder is not None:
                    recorder.add(seconds, shape)
                self._on_shape(seconds, shape)
