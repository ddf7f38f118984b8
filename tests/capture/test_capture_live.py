"""Live capture plumbing: the one-slot buffer, the two-thread capture loop, camera-style sources."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from studio.capture.live import LatestSlot, LiveCapture
from studio.capture.recorder import MotionRecorder
from studio.capture.sources import CameraSource, list_cameras, open_source
from studio.capture.trackers.base import TrackedFrame, Tracker
from studio.core.errors import UserError
from studio.media.video_reader import FrameSource, VideoInfo
from tests.capture.synthetic import affine_frames, smooth_texture, translation, write_video


def test_slot_keeps_only_the_newest_item() -> None:
    slot: LatestSlot[int] = LatestSlot()
    for i in range(5):
        slot.put(i)
    assert slot.dropped == 4
    assert slot.take(timeout=0.1) == 4
    assert slot.take(timeout=0.01) is None
    slot.put(9)
    slot.close()
    assert slot.take() == 9  # drained before reporting the end
    assert slot.take() is None


class _FastSource(FrameSource):
    """60 tiny frames as fast as they can be read."""

    def __init__(self) -> None:
        self.info = VideoInfo(8, 8, 60.0, 60)
        self.closed = False

    def __iter__(self) -> Iterator[tuple[float, np.ndarray]]:
        for i in range(60):
            time.sleep(0.001)
            yield i / 60, np.full((8, 8, 3), i, dtype=np.uint8)

    def close(self) -> None:
        self.closed = True


class _SlowTracker(Tracker):
    """Reports the frame's value as its one landmark, slowly."""

    name = "slow"
    landmark_count = 1

    def __init__(self) -> None:
        self.closed = False

    def track(self, frame_rgb: np.ndarray, timestamp: float) -> TrackedFrame:
        time.sleep(0.01)
        value = float(frame_rgb[0, 0, 0])
        return TrackedFrame(np.array([[value, value]], np.float32), np.array([True]))

    def close(self) -> None:
        self.closed = True


def test_live_capture_drops_stale_frames_and_records_in_order() -> None:
    source, tracker = _FastSource(), _SlowTracker()
    recorder = MotionRecorder(tracker, source.info.fps, (8, 8))
    seen_threads: set[str] = set()

    def on_sample(timestamp: float, frame: np.ndarray, tracked: TrackedFrame) -> None:
        seen_threads.add(threading.current_thread().name)
        recorder.add(timestamp, tracked)

    capture = LiveCapture(source, tracker, on_sample)
    capture.start()
    assert capture.wait(timeout=10)
    capture.stop()
    motion = recorder.motion()
    assert capture.dropped > 0
    assert 2 <= motion.frame_count < 60
    values = motion.landmarks[:, 0, 0]
    assert np.all(np.diff(values) > 0) and values[-1] == 59  # newest frames, in order, the last one kept
    assert seen_threads == {"capture-track"}
    assert source.closed and tracker.closed


def test_a_slow_first_frame_does_not_cost_the_frames_after_it() -> None:
    """A tracker loading its models takes long over its first frame; the reader waits for it instead of letting
    the next frames pile up and be dropped (a file's start would be lost)."""

    class _SlowStart(_SlowTracker):
        def track(self, frame_rgb: np.ndarray, timestamp: float) -> TrackedFrame:
            if timestamp == 0:
                time.sleep(0.3)  # about 18 frames of the 60 fps source
            return super().track(frame_rgb, timestamp)

    class _PacedSource(_FastSource):
        def __iter__(self) -> Iterator[tuple[float, np.ndarray]]:
            for i in range(12):
                time.sleep(0.02)  # slower than the tracker's later frames: nothing needs dropping
                yield i / 60, np.full((8, 8, 3), i, dtype=np.uint8)

    tracked: list[float] = []
    capture = LiveCapture(_PacedSource(), _SlowStart(), lambda timestamp, *_: tracked.append(timestamp))
    capture.start()
    assert capture.wait(timeout=10)
    capture.stop()
    assert capture.dropped == 0
    assert tracked == [i / 60 for i in range(12)]


def test_live_capture_reports_a_tracker_failure() -> None:
    class _Broken(_SlowTracker):
        def track(self, frame_rgb: np.ndarray, timestamp: float) -> TrackedFrame:
            raise RuntimeError("boom")

    errors: list[BaseException] = []
    capture = LiveCapture(_FastSource(), _Broken(), lambda *_: None, on_error=errors.append)
    capture.start()
    assert capture.wait(timeout=10)
    capture.stop()
    assert len(errors) == 1 and str(errors[0]) == "boom"


def test_camera_source_reads_a_stream_with_mirroring(tmp_path: Path) -> None:
    frames = affine_frames(smooth_texture(48, 64), [translation(0, 0)] * 4, (64, 48))
    video = write_video(frames, tmp_path / "stream.mp4")
    with CameraSource(str(video)) as plain, CameraSource(str(video), mirror=True) as mirrored:
        assert (plain.info.width, plain.info.height) == (64, 48)
        straight = [frame for _, frame in plain]
        flipped = [frame for _, frame in mirrored]
    assert len(straight) == 4 and straight[0].shape == (48, 64, 3)
    assert np.array_equal(flipped[0], straight[0][:, ::-1])


def test_missing_cameras() -> None:
    assert all(isinstance(index, int) for index in list_cameras(max_index=1))
    with pytest.raises(UserError, match="camera 97 cannot be opened"):
        open_source("camera:97")
    with pytest.raises(UserError, match="bad camera"):
        open_source("camera:front")


def test_recorder_skips_repeated_timestamps_and_keeps_head_roll() -> None:
    class _Head(_SlowTracker):
        has_head = True

    recorder = MotionRecorder(_Head(), 30.0, (8, 8))
    seen = TrackedFrame(np.array([[1.0, 2.0]], np.float32), np.array([True]), {"head_pose": (0.0, 0.0, 0.25)})
    lost = TrackedFrame(np.array([[5.0, 5.0]], np.float32), np.array([False]))
    assert recorder.add(0.0, seen)
    assert not recorder.add(0.0, seen)
    assert recorder.add(0.1, lost)
    motion = recorder.motion()
    assert len(recorder) == 2 and motion.times.tolist() == [0.0, 0.1]
    assert np.isnan(motion.landmarks[1]).all()  # an unseen landmark is a gap whatever the tracker left there
    assert motion.head_rotation is not None
    assert motion.head_rotation[0] == 0.25 and np.isnan(motion.head_rotation[1])
