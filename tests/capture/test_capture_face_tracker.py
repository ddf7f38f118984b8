"""Face tracker on the sample portrait moved by known turns and shifts, and with blank frames (gaps)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from studio.capture.motion import TrackedMotion
from studio.capture.track_job import track_video
from studio.capture.trackers.face import FaceTracker
from tests.capture.synthetic import apply, rotation_about, write_folder

FRAMES = 24


def _compose(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The 2x3 matrix of ``a`` after ``b``."""
    return (np.vstack([a, [0, 0, 1]]) @ np.vstack([b, [0, 0, 1]]))[:2]


@pytest.fixture(scope="module")
def moved_face(face_crop: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray], np.ndarray]:
    """Frames of the face turned by up to ±10° and shifted by up to 12 px, with their matrices and angles."""
    steps = np.arange(FRAMES)
    angles = np.deg2rad(10.0) * np.sin(steps / FRAMES * 2 * np.pi)
    shifts = np.stack([12 * np.sin(steps / 6), 8 * np.cos(steps / 4) - 8], axis=1)
    matrices = [rotation_about((128, 128), a, s) for a, s in zip(angles, shifts, strict=True)]
    frames = [
        cv2.warpAffine(face_crop, m, (256, 256), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        for m in matrices
    ]
    return frames, matrices, angles


def test_face_tracker_recovers_known_motion(moved_face: tuple[list, list, np.ndarray], tmp_path: Path) -> None:
    frames, matrices, angles = moved_face
    motion = track_video(write_folder(frames, tmp_path / "face"), "face", fill=None)
    assert motion.landmarks.shape == (FRAMES, 478, 2)
    assert motion.visible.all()
    inverse_first = cv2.invertAffineTransform(matrices[0])
    first = motion.landmarks[0].astype(np.float64)
    errors = [
        np.linalg.norm(motion.landmarks[t] - apply(_compose(matrices[t], inverse_first), first), axis=1).mean()
        for t in range(FRAMES)
    ]
    assert max(errors) < 2.0, np.round(errors, 2)
    assert motion.head_rotation is not None
    roll_change = motion.head_rotation - motion.head_rotation[0]
    assert np.abs(np.rad2deg(roll_change - (angles - angles[0]))).max() < 3.0


def test_face_tracker_without_irises_gives_468_landmarks(moved_face: tuple[list, list, np.ndarray]) -> None:
    frames, _, _ = moved_face
    with FaceTracker(refine_landmarks=False, max_side=128) as tracker:
        tracked = tracker.track(frames[0], 0.0)
    assert tracked.landmarks.shape == (468, 2)
    assert tracked.visible.all()
    # Downscaling before the network still gives full-frame pixels.
    assert 64 < np.median(tracked.landmarks[:, 0]) < 192


def _check_gap_motion(motion: TrackedMotion, blank: slice) -> None:
    assert not motion.visible[blank].any()
    assert motion.visible[: blank.start].all() and motion.visible[blank.stop :].all()
    assert np.isfinite(motion.landmarks).all()
    assert not (np.abs(motion.landmarks) < 1e-3).all(axis=2).any()  # never (0, 0)
    before, after = motion.landmarks[blank.start - 1], motion.landmarks[blank.stop]
    t0, t1 = motion.times[blank.start - 1], motion.times[blank.stop]
    for t in range(blank.start, blank.stop):
        u = (motion.times[t] - t0) / (t1 - t0)
        assert np.allclose(motion.landmarks[t], (1 - u) * before + u * after, atol=1e-3)


def test_blank_frames_become_interpolated_gaps(moved_face: tuple[list, list, np.ndarray], tmp_path: Path) -> None:
    frames, _, _ = moved_face
    blank = slice(8, 12)
    frames = list(frames)
    for t in range(blank.start, blank.stop):
        frames[t] = np.full_like(frames[t], 128)
    raw = track_video(write_folder(frames, tmp_path / "gaps"), "face", fill=None)
    assert np.isnan(raw.landmarks[blank]).all()
    assert raw.head_rotation is not None and np.isnan(raw.head_rotation[blank]).all()
    filled = track_video(tmp_path / "gaps", "face", fill="interpolate")
    _check_gap_motion(filled, blank)
    assert filled.head_rotation is not None and np.isfinite(filled.head_rotation).all()
