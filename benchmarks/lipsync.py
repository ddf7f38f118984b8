"""Lip sync: accuracy on the espeak-ng fixtures and speed on 60 s of speech, one JSON line per case.

Accuracy: the share of 10 ms frames whose mouth shape the rules allow for the true phone (strict, and within
±40 ms), the share of frames at rest (X, A, B) inside pauses of 250 ms or more, and a loudness-only baseline.
Targets (issue 15): no transcript >= 0.60 (0.78 within ±40 ms), transcript >= 0.82 (0.95), pauses >= 0.80.
Speed: 60 s of speech in <= 3 s without a transcript, <= 4 s with one, on 2 worker processes, start-up excluded.
On a shared machine the wall time depends on the load (printed); the CPU seconds of the busiest worker are
what the wall time would be on two idle cores (the main process only cuts and animates, a few ms).

Run: PYTHONPATH=. .venv/bin/python benchmarks/lipsync.py
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import numpy as np

from studio.lipsync.loudness import loudness_cues
from studio.lipsync.pipeline import Recognizer, lip_sync
from studio.lipsync.scoring import accuracy, pause_rest
from studio.media.audio_decode import SPEECH_RATE, decode_audio

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "lipsync"
CASES = ("male", "female", "fast", "noisy")
TOLERANCE = 0.04


def load_case(name: str) -> tuple[np.ndarray, list, str]:
    """A fixture's samples, true phones and transcript."""
    truth = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    samples = decode_audio(FIXTURES / truth["audio"])
    return samples, [tuple(p) for p in truth["phones"]], (FIXTURES / f"{name}.txt").read_text(encoding="utf-8")


def accuracy_line(recognizer: Recognizer, name: str) -> dict:
    """The accuracy figures of one fixture, without and with its transcript."""
    samples, phones, text = load_case(name)
    line: dict = {"case": name, "seconds": round(len(samples) / SPEECH_RATE, 2)}
    baseline = loudness_cues(samples)
    line["loudness"] = round(accuracy(baseline, phones), 3)
    for label, transcript in (("phones", None), ("transcript", text)):
        result = lip_sync(samples, recognizer, transcript)
        line[label] = {"accuracy": round(accuracy(result.cues, phones), 3),
                       "within_40ms": round(accuracy(result.cues, phones, TOLERANCE), 3),
                       "pauses_at_rest": round(pause_rest(result.cues, phones), 3),
                       "methods": sorted(set(result.methods))}
    return line


def sixty_seconds() -> tuple[np.ndarray, str]:
    """At least 60 s of speech: whole fixtures one after another (repeated), with their transcripts."""
    pieces, texts = [], []
    while sum(len(p) for p in pieces) < 60 * SPEECH_RATE:
        name = CASES[len(pieces) % len(CASES)]
        samples, _, text = load_case(name)
        pieces.append(samples)
        texts.append(text)
    return np.concatenate(pieces), " ".join(texts)


def cpu_seconds(pids: list[int]) -> list[float]:
    """User + system CPU seconds used so far by each process in ``pids`` (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    seconds = []
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        seconds.append((int(fields[11]) + int(fields[12])) / ticks)
    return seconds


def speed_line(recognizer: Recognizer, transcript: bool) -> dict:
    """Seconds per 60 s of speech (best of 2, scaled from whole fixtures), pool started, with the machine's load."""
    samples, text = sixty_seconds()
    times, busiest, methods = [], [], set()
    scale = 60 * SPEECH_RATE / len(samples)
    for _ in range(2):
        pids = recognizer.worker_pids
        before = cpu_seconds(pids)
        start = time.perf_counter()
        result = lip_sync(samples, recognizer, text if transcript else None)
        times.append((time.perf_counter() - start) * scale)
        busiest.append(max(a - b for a, b in zip(cpu_seconds(pids), before, strict=True)) * scale)
        methods.update(result.methods)
    return {"case": "speed_60s_" + ("transcript" if transcript else "phones"), "seconds": round(min(times), 2),
            "busiest_worker_cpu_seconds": round(min(busiest), 2),
            "target": 4.0 if transcript else 3.0, "workers": recognizer.workers, "cpus": os.cpu_count(),
            "load_average": [round(v, 2) for v in os.getloadavg()], "methods": sorted(methods)}


def main() -> None:
    """Print one JSON line per accuracy case, then the two speed cases."""
    with Recognizer() as recognizer:
        recognizer.warm_up()
        lines = [accuracy_line(recognizer, name) for name in CASES]
        for line in lines:
            print(json.dumps(line))
        for label in ("phones", "transcript"):
            mean = {key: round(float(np.mean([line[label][key] for line in lines])), 3)
                    for key in ("accuracy", "within_40ms", "pauses_at_rest")}
            print(json.dumps({"case": f"mean_{label}", **mean,
                              "loudness": round(float(np.mean([line["loudness"] for line in lines])), 3)}))
        for transcript in (False, True):
            print(json.dumps(speed_line(recognizer, transcript)))


if __name__ == "__main__":
    main()
