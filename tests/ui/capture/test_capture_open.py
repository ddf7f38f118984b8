"""Files play like a camera: paced to their own timestamps, with the clock starting at the second frame."""

from __future__ import annotations

import time
from collections.abc import Iterator

import numpy as np

from studio.media.video_reader import FrameSource, VideoInfo
from studio.ui.capture.capture_open import PacedSource


class _Frames(FrameSource):
    """Ten tiny frames at 20 fps, decoded instantly."""

    def __init__(self) -> None:
        self.info = VideoInfo(4, 4, 20.0, 10)

    def __iter__(self) -> Iterator[tuple[float, np.ndarray]]:
        for i in range(10):
            yield i / 20, np.zeros((4, 4, 3), np.uint8)

    def close(self) -> None:
        """Nothing to close."""


def test_frames_come_at_their_timestamps_from_the_second_one_on() -> None:
    arrivals: list[float] = []
    for index, _ in enumerate(PacedSource(_Frames())):
        arrivals.append(time.monotonic())
        if index == 0:
            time.sleep(0.3)  # the consumer is slow over the first frame (a tracker loading its models)
    gaps = np.diff(arrivals[1:])
    assert np.all(gaps > 0.03), gaps  # paced at 50 ms, not released at once to catch up with the wait
    assert abs((arrivals[-1] - arrivals[1]) - 8 / 20) < 0.05
