"""Flow tracker on a generated texture moving by known shifts."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest

from studio.capture.track_job import track_video
from studio.capture.trackers.flow import FlowTracker
from studio.core.errors import CancelledError, UserError
from tests.capture.synthetic import affine_frames, apply, smooth_texture, translation, write_folder

SIZE = 128


def _shifted_take(shifts: list[tuple[float, float]]) -> tuple[list[np.ndarray], list[np.ndarray]]:
    texture = smooth_texture(SIZE, SIZE)
    matrices = [translation(dx, dy) for dx, dy in shifts]
    return affine_frames(texture, matrices, (SIZE, SIZE)), matrices


def test_flow_follows_a_translated_texture_to_a_fifth_of_a_pixel(tmp_path: Path) -> None:
    shifts = [(0.7 * i, -0.45 * i) for i in range(24)]
    frames, matrices = _shifted_take(shifts)
    points = np.array([[30.0, 60.0], [55.0, 75.0], [70.0, 95.0], [45.0, 100.0]])
    motion = track_video(write_folder(frames, tmp_path / "frames"), "flow", points=points, fill=None)
    truth = np.stack([apply(m, points) for m in matrices])
    assert motion.tracker == "flow"
    assert motion.landmarks.shape == (24, 4, 2)
    assert motion.visible.all()
    error = np.linalg.norm(motion.landmarks - truth, axis=2)
    assert error.max() < 0.2, error.max(axis=0)
    assert motion.frame_size == (SIZE, SIZE)
    assert np.allclose(np.diff(motion.times), 1 / 25)


def test_a_point_that_leaves_the_frame_is_lost_for_good() -> None:
    # Right by 2 px a frame for 15 frames, then back: the point near the right edge leaves and returns.
    shifts = [(2.0 * min(i, 30 - i), 0.0) for i in range(30)]
    frames, _ = _shifted_take(shifts)
    points = np.array([[40.0, 64.0], [115.0, 64.0]])
    with FlowTracker(points) as tracker:
        tracked = [tracker.track(frame, i / 25) for i, frame in enumerate(frames)]
    visible = np.array([t.visible for t in tracked])
    assert visible[:, 0].all()
    edge = visible[:, 1]
    first_lost = int(np.argmin(edge))
    assert 0 < first_lost <= 7  # it crosses x = 127 at frame 6
    assert not edge[first_lost:].any()  # the texture comes back, the point stays lost
    assert all(np.isnan(t.landmarks[1]).all() for t in tracked[first_lost:])
    assert all(np.isfinite(t.landmarks[0]).all() for t in tracked)


def test_forward_backward_check_drops_a_point_whose_texture_changes() -> None:
    texture = smooth_texture(SIZE, SIZE)
    other = smooth_texture(SIZE, SIZE, seed=7)
    second = texture.copy()
    second[:, 64:] = other[:, 64:]  # the right half is replaced by unrelated texture
    with FlowTracker([(30.0, 64.0), (100.0, 64.0)]) as tracker:
        tracker.track(texture, 0.0)
        tracked = tracker.track(second, 0.04)
    assert tracked.visible[0]
    assert not tracked.visible[1]


def test_flow_needs_points_inside_the_frame(tmp_path: Path) -> None:
    frames, _ = _shifted_take([(0, 0), (1, 0)])
    folder = write_folder(frames, tmp_path / "frames")
    with pytest.raises(UserError, match=r"point 2 \(200, 10\) is outside the 128x128 frame"):
        track_video(folder, "flow", points=[(10.0, 10.0), (200.0, 10.0)])
    with pytest.raises(UserError, match="needs points"):
        track_video(folder, "flow")
    with pytest.raises(UserError, match="only for the flow tracker"):
        track_video(folder, "face", points=[(10.0, 10.0)])
    with pytest.raises(UserError, match="needs points"):
        FlowTracker([])


def test_progress_is_reported_and_cancel_stops_between_frames(tmp_path: Path) -> None:
    frames, _ = _shifted_take([(i, 0) for i in range(6)])
    folder = write_folder(frames, tmp_path / "frames")
    calls: list[tuple[int, int]] = []
    track_video(folder, "flow", points=[(40.0, 40.0)], progress=lambda d, t: calls.append((d, t)))
    assert calls == [(i, 6) for i in range(1, 7)]
    cancel = threading.Event()

    def stop_after_two(done: int, total: int) -> None:
        if done == 2:
            cancel.set()

    with pytest.raises(CancelledError):
        track_video(folder, "flow", points=[(40.0, 40.0)], progress=stop_after_two, cancel=cancel)
