"""Sound to mouth cues: cut at pauses, recognise the chunks on a process pool, animate the phones."""

from __future__ import annotations

import concurrent.futures
import itertools
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
from studio.lipsync.phones import SILENCE, Phone
from studio.lipsync.shapes import ALL_SHAPES
from studio.lipsync.transcript import dictionary_words, words_of
from studio.lipsync.vad import FRAME, chunk_bounds, frame_levels, pauses, speech_frames
from studio.lipsync.voiced import loud_frames, voice_silences
from studio.media.audio_decode import SPEECH_RATE, to_pcm16

WORKERS = 2
SILENT_DB = -60.0  # frames quieter than this (dB full scale) are silence, whatever the recogniser hears in them
MIN_COVERAGE = 0.6  # share of the loud frames the aligned words must cover for the transcript to be trusted
SPLIT_MARGIN = 5  # at least this many words each side of the estimated split of a long sound are optional
CUT_REACH = 150  # centiseconds: a chunk is cut at an aligned pause at most this far from where loudness suggests
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

    @property
    def worker_pids(self) -> list[int]:
        """Process ids of the workers (for CPU accounting in benchmarks)."""
        return [process.pid for process in self._pool._processes.values()]

    def align_words(self, pcm: bytes, words: Sequence[str],
                    speech: np.ndarray | None = None) -> list[recognize.TimedWord] | None:
        """The word pass over the whole sound (see ``recognize.align_words``).

        Long sound is split at the pause nearest its middle and the halves aligned at once, each free to take or
        leave the words around the likely split (``recognize.align_words_loosely``); if the halves do not meet
        exactly, the whole sound is aligned in one piece.
        """
        split = _split(words, speech) if speech is not None and len(pcm) > recognize.LONG_AUDIO else None
        if split is not None:
            cut, first, second, loose = split
            futures = [self._pool.submit(recognize.align_words_loosely, pcm[: cut * FRAME * 2], first, 0, loose),
                       self._pool.submit(recognize.align_words_loosely, pcm[cut * FRAME * 2:], second, loose, 0,
                                         cut)]
            halves = [future.result() for future in futures]
            joined = _join(halves[0], halves[1], words)
            if joined is not None:
                return joined
        return self._pool.submit(recognize.align_words, pcm, words).result()

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
    """Mouth cues for 16 kHz mono ``samples``; with a ``transcript`` the phones are aligned to its words.

    With words: one word-alignment pass over the whole sound finds where they fall (and the pauses between
    them); the sound is cut at those pauses and each piece is phone-aligned on the pool. Without words, or if
    the word pass fails even with wide beams, the pieces (cut at pauses found by loudness) are recognised phone
    by phone; so are they when the aligned words cover too little of the speech (a transcript that does not
    match the sound).
    """
    pcm = to_pcm16(samples)
    bounds = chunk_bounds(samples)
    unknown: list[str] = []
    words: list[str] = []
    if transcript is not None and transcript.strip():
        words, unknown = words_of(transcript, dictionary_words(recognize.model_paths()["dict"]))
    speech = speech_frames(samples)
    timed = recognizer.align_words(pcm, words, speech) if words else None
    if timed is not None and word_coverage(timed, speech) < MIN_COVERAGE:
        timed = None  # the transcript does not match the sound (missing or other words): recognise phones
    if timed is not None:
        tasks = _aligned_tasks(pcm, timed, [end for _, end in bounds[:-1]], len(samples) // FRAME + 1)
    else:
        tasks = [recognize.ChunkTask(pcm[start * FRAME * 2: end * FRAME * 2], start, None) for start, end in bounds]
    results = recognizer.phones(tasks, progress, cancel)
    methods = [r.method if timed is not None or not words else "phones-fallback" for r in results]
    phones = [phone for result in results for phone in result.phones]
    if timed is None:
        phones = voice_silences(silence_pauses(phones, pauses(frame_levels(samples) > SILENT_DB)),
                                loud_frames(samples))
    duration_cs = int(np.ceil(len(samples) / (SPEECH_RATE / 100)))
    spans = animate(phones, duration_cs, shapes, heard=timed is None)
    cues = [MouthCue(span.start / 100, span.end / 100, span.shape) for span in spans]
    return LipSync(cues, phones, len(samples) / SPEECH_RATE, methods, unknown)


def _split(words: Sequence[str], speech: np.ndarray) -> tuple[int, list[str], list[str], int] | None:
    """Where to halve a long sound (the pause nearest the middle), the words each half may hold, and how many
    of them around the split are optional; None when there is no pause or too few words."""
    quiet = pauses(speech)
    spoken = int(speech.sum())
    if not quiet or not spoken:
        return None
    cut = min(((start + end) // 2 for start, end in quiet), key=lambda c: abs(c - len(speech) // 2))
    estimate = round(len(words) * int(speech[:cut].sum()) / spoken)
    margin = max(SPLIT_MARGIN, len(words) // 12)
    if estimate - margin < 1 or estimate + margin > len(words) - 1:
        return None
    return cut, list(words[: estimate + margin]), list(words[estimate - margin:]), 2 * margin


def _join(first: list[recognize.TimedWord] | None, second: list[recognize.TimedWord] | None,
          words: Sequence[str]) -> list[recognize.TimedWord] | None:
    """Both halves' word timings as one, if together they hold every word exactly once, in order."""
    if first is None or second is None:
        return None
    said = [w.text for w in first if recognize.is_word(w.text)] + [w.text for w in second if recognize.is_word(w.text)]
    return first + second if said == list(words) else None


def _aligned_tasks(pcm: bytes, timed: Sequence[recognize.TimedWord], wanted: Sequence[int],
                   total: int) -> list[recognize.ChunkTask]:
    """Chunks cut at the aligner's pauses nearest the ``wanted`` cut frames, each with the words inside it
    (none: the aligner found only silence or noise there)."""
    silences = [(w.start + w.end) // 2 for w in timed if w.text == "<sil>"]
    boundaries = [w.end for w in timed[:-1]]
    cuts: list[int] = []
    for frame in wanted:
        near = [p for p in silences if abs(p - frame) <= CUT_REACH] or boundaries or [frame]
        cut = min(near, key=lambda p: abs(p - frame))
        if (cuts[-1] if cuts else 0) < cut < total:
            cuts.append(cut)
    edges = [0, *cuts, total]
    spoken = [w for w in timed if recognize.is_word(w.text)]
    tasks = []
    for start, end in itertools.pairwise(edges):
        inside = tuple(w.text for w in spoken if start <= (w.start + w.end) // 2 < end)
        tasks.append(recognize.ChunkTask(pcm[start * FRAME * 2: end * FRAME * 2], start, inside))
    return tasks


def word_coverage(timed: Sequence[recognize.TimedWord], speech: np.ndarray) -> float:
    """Share of the speech frames (by loudness) that fall inside aligned words (1 when nobody speaks)."""
    inside = np.zeros(len(speech), dtype=bool)
    for word in timed:
        if recognize.is_word(word.text):
            inside[word.start: word.end] = True
    spoken = int(speech.sum())
    return float((inside & speech).sum() / spoken) if spoken else 1.0


def silence_pauses(phones: Sequence[Phone], quiet: Sequence[tuple[int, int]]) -> list[Phone]:
    """``phones`` with every part inside a ``quiet`` (start, end) range turned into silence.

    Phone recognition hears phones even in digital silence; there the mouth should rest. (Quiet but not silent
    stretches are left to the recogniser: in noisy sound, loudness cannot tell weak speech from noise.)
    """
    result: list[Phone] = []
    for phone in phones:
        cursor = phone.start
        for start, end in quiet:
            if end <= cursor or start >= phone.end:
                continue
            if start > cursor:
                result.append(Phone(phone.name, cursor, start))
            result.append(Phone(SILENCE, max(start, cursor), min(end, phone.end)))
            cursor = min(end, phone.end)
        if cursor < phone.end:
            result.append(Phone(phone.name, cursor, phone.end))
    return result
