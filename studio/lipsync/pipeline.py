"""Sound to mouth cues: cut at pauses, recognise the chunks on a process pool, animate the phones."""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import TracebackType

import numpy as np

from studio.core.errors import CancelledError
from studio.lipsync import recognize
from studio.lipsync.animate import animate
from studio.lipsync.cues import MouthCue
from studio.lipsync.phones import Phone
from studio.lipsync.shapes import ALL_SHAPES
from studio.lipsync.transcript import Word, pronunciations, share, words_of
from studio.lipsync.vad import FRAME, chunk_bounds, speech_frames
from studio.media.audio_decode import SPEECH_RATE, to_pcm16

WORKERS = 2
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class LipSync:
    """The result: cues, the phones they came from, and how each chunk was recognised."""

    cues: list[MouthCue]
    phones: list[Phone]
    duration: float
    methods: list[str]
    unknown_words: list[str]


class Recognizer:
    """A pool of ``workers`` processes with pocketsphinx loaded; use as a context manager and reuse across files."""

    def __init__(self, workers: int = WORKERS) -> None:
        context = multiprocessing.get_context("spawn")
        self._pool = concurrent.futures.ProcessPoolExecutor(workers, mp_context=context,
                                                            initializer=recognize.warm_up)
        self.workers = workers

    def __enter__(self) -> Recognizer:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """Stop the worker processes (pending chunks are dropped)."""
        self._pool.shutdown(wait=True, cancel_futures=True)

    def warm_up(self) -> None:
        """Wait until every worker has loaded its models (so timings can leave start-up out)."""
        futures = [self._pool.submit(recognize.warm_up) for _ in range(self.workers * 2)]
        for future in futures:
            future.result()

    def phones(self, tasks: Sequence[recognize.ChunkTask], progress: Progress | None = None,
               cancel: threading.Event | None = None) -> list[recognize.ChunkResult]:
        """The recognised chunks in order; longest chunks go first so both workers finish together."""
        order = sorted(range(len(tasks)), key=lambda i: -len(tasks[i].pcm))
        futures = {self._pool.submit(recognize.process_chunk, tasks[i]): i for i in order}
        results: list[recognize.ChunkResult | None] = [None] * len(tasks)
        try:
            for done, future in enumerate(concurrent.futures.as_completed(futures), start=1):
                if cancel is not None and cancel.is_set():
                    raise CancelledError("lip sync cancelled")
                results[futures[future]] = future.result()
                if progress is not None:
                    progress(done, len(tasks))
        finally:
            for future in futures:
                future.cancel()
        return [result for result in results if result is not None]


def lip_sync(samples: np.ndarray, recognizer: Recognizer, transcript: str | None = None,
             shapes: str = ALL_SHAPES, progress: Progress | None = None,
             cancel: threading.Event | None = None) -> LipSync:
    """Mouth cues for 16 kHz mono ``samples``; with a ``transcript`` the phones are aligned to its words."""
    bounds = chunk_bounds(samples)
    words: list[list[Word]] | None = None
    unknown: list[str] = []
    if transcript is not None and transcript.strip():
        known = pronunciations(recognize.model_paths()["dict"])
        all_words, unknown = words_of(transcript, known)
        speech = speech_frames(samples)
        words = share(all_words, [int(speech[start:end].sum()) for start, end in bounds])
    tasks = [recognize.ChunkTask(to_pcm16(samples[start * FRAME: end * FRAME]), start,
                                 tuple(w.text for w in words[index]) if words is not None else None)
             for index, (start, end) in enumerate(bounds)]
    results = recognizer.phones(tasks, progress, cancel)
    phones = [phone for result in results for phone in result.phones]
    duration_cs = int(np.ceil(len(samples) / (SPEECH_RATE / 100)))
    spans = animate(phones, duration_cs, shapes)
    cues = [MouthCue(span.start / 100, span.end / 100, span.shape) for span in spans]
    return LipSync(cues, phones, len(samples) / SPEECH_RATE, [r.method for r in results], unknown)
