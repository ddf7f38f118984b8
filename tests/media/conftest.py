"""Media test helpers: synthetic frames, a sine-wave audio file and a small video written with PyAV."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import av
import numpy as np
import pytest


def make_frames(count: int, width: int = 64, height: int = 48, alpha: bool = False) -> list[np.ndarray]:
    """Frames with a moving gradient (RGBA with a transparent top-left corner when ``alpha``)."""
    xs = np.linspace(0, 255, width, dtype=np.float32)[None, :]
    ys = np.linspace(0, 255, height, dtype=np.float32)[:, None]
    frames = []
    for index in range(count):
        frame = np.zeros((height, width, 4 if alpha else 3), dtype=np.uint8)
        frame[:, :, 0] = (xs + index * 7) % 256
        frame[:, :, 1] = ys
        frame[:, :, 2] = (index * 9) % 256
        if alpha:
            frame[:, :, 3] = 255
            frame[: height // 4, : width // 4, 3] = 0
        frames.append(frame)
    return frames


def write_sine(path: Path, seconds: float, rate: int = 44_100, click_at: float | None = None) -> Path:
    """A stereo 440 Hz sine (quiet) with an optional loud 10 ms click at ``click_at`` seconds."""
    total = round(seconds * rate)
    t = np.arange(total) / rate
    wave = 0.1 * np.sin(2 * np.pi * 440 * t)
    if click_at is not None:
        start = round(click_at * rate)
        wave[start : start + rate // 100] = 0.9
    samples = (wave * 32767).astype(np.int16)
    codec = "pcm_s16le" if path.suffix == ".wav" else "aac"
    with av.open(str(path), mode="w") as container:
        stream = container.add_stream(codec, rate=rate)
        stream.layout = "stereo"
        fmt = "s16" if codec == "pcm_s16le" else "fltp"
        for begin in range(0, total, 1024):
            block = samples[begin : begin + 1024]
            if fmt == "s16":
                data = np.repeat(block[:, None], 2, axis=1).reshape(1, -1)
            else:
                data = np.repeat((block.astype(np.float32) / 32767)[None, :], 2, axis=0)
            frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(data), format=fmt, layout="stereo")
            frame.sample_rate = rate
            frame.pts = begin
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return path


def write_video(path: Path, frames: list[np.ndarray], fps: int = 24) -> Path:
    """An H.264 MP4 of RGB frames, written directly with PyAV (independent of the writers under test)."""
    with av.open(str(path), mode="w") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width = frames[0].shape[1]
        stream.height = frames[0].shape[0]
        stream.pix_fmt = "yuv420p"
        for frame in frames:
            for packet in stream.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return path


@pytest.fixture
def sine_wav(tmp_path: Path) -> Path:
    """A 3-second stereo sine WAV at 44.1 kHz."""
    return write_sine(tmp_path / "tone.wav", 3.0)


@pytest.fixture
def frames_factory() -> Callable[..., list[np.ndarray]]:
    """``make_frames`` as a fixture."""
    return make_frames
