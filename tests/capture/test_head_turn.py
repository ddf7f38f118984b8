"""3D head turns on synthetic performances: a real face's 3D landmarks (mediapipe's mesh of the sample portrait)
rotated by known angles and projected; the head pose is recovered and the portrait's keypoints follow in 3D.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from studio.capture.bindings import auto_bindings, bindings_by_index
from studio.capture.face_depth import keypoint_depths
from studio.capture.face_preset import FACE_PRESET
from studio.capture.head_turn import HeadLimits, relative_angles, rotation_matrices
from studio.capture.motion import TrackedMotion
from studio.capture.takes import build_take
from studio.capture.trackers.head_pose import HeadPoseEstimator
from studio.core.keypoints import Keypoint
from studio.landmarks.face_mesh import detect_face_landmarks

MARKS = np.array([index for _, index in FACE_PRESET])
ANGLES = np.radians([(0, 0, 0), (20, 0, 0), (-20, 0, 0), (0, 12, 0), (0, -12, 0), (10, -8, 6), (-15, 10, -5)])
SHIFTS = np.array([(0, 0), (6, -2), (-4, 3), (0, 5), (2, 0), (-3, -3), (5, 1)], dtype=np.float64)
PORTRAIT_SCALE, PORTRAIT_DEPTH, PORTRAIT_OFFSET = 1.4, 1.3, np.array([60.0, 40.0])


@pytest.fixture(scope="module")
def face3d(sample_portrait: np.ndarray) -> np.ndarray:
    """The sample portrait's face mesh [478, 3] (x, y, z pixels): a real face's 3D point set."""
    mesh = detect_face_landmarks(sample_portrait)
    assert mesh is not None
    return mesh.astype(np.float64)


def perform(face: np.ndarray, angles: np.ndarray, shifts: np.ndarray, noise: float = 0.0) -> TrackedMotion:
    """The face turned by each (yaw, pitch, roll) about its bound landmarks' centre, shifted, projected (with
    Gaussian landmark noise of ``noise`` px); the head pose measured by the face tracker's estimator, as a face take
    carries it.
    """
    centre = face[MARKS].mean(axis=0)
    frames = np.einsum("tij,nj->tni", rotation_matrices(angles), face - centre) + centre
    frames[:, :, :2] += shifts[:, None]
    frames += np.random.default_rng(5).normal(0.0, noise, frames.shape)
    estimator = HeadPoseEstimator()
    poses = np.array([estimator.estimate(frame) for frame in frames])
    count = len(angles)
    return TrackedMotion("face", 30.0, np.arange(count) / 30.0, frames[:, :, :2].astype(np.float32),
                         np.ones((count, len(face)), bool), (512, 512), poses[:, 2].copy(), poses,
                         frames[:, :, 2].astype(np.float32))


def portrait(face: np.ndarray) -> tuple[list[Keypoint], np.ndarray]:
    """Face-preset keypoints on a larger portrait whose face is deeper than the performer's, and their 3D rest."""
    centre = face[MARKS].mean(axis=0)
    rest3d = (face[MARKS] - centre) * [PORTRAIT_SCALE, PORTRAIT_SCALE, PORTRAIT_SCALE * PORTRAIT_DEPTH]
    rest3d[:, :2] += centre[:2] + PORTRAIT_OFFSET
    keypoints = [Keypoint(f"k{i}", name, "#ff6b6b", float(x), float(y), depth=float(z))
                 for i, ((name, _), (x, y, z)) in enumerate(zip(FACE_PRESET, rest3d, strict=True))]
    return keypoints, rest3d


def expected_projection(rest3d: np.ndarray, angles: np.ndarray, shifts: np.ndarray) -> np.ndarray:
    """The portrait's keypoints turned by ``angles`` about their centre, projected, shifted by the scaled shift."""
    centre = rest3d.mean(axis=0)
    turned = np.einsum("tij,nj->tni", rotation_matrices(angles), rest3d - centre)[..., :2] + centre[:2]
    return turned + PORTRAIT_SCALE * shifts[:, None]


def drive(face: np.ndarray, angles: np.ndarray, head: HeadLimits | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Retargeted positions [T, K, 2] and the expected projection, through the dock's and the CLI's take path."""
    keypoints, rest3d = portrait(face)
    landmarks = auto_bindings("face", keypoints, (800, 800), (512, 512)).landmarks
    take = build_take(perform(face, angles, SHIFTS[: len(angles)]), keypoints, bindings_by_index(keypoints, landmarks),
                      "relative", 0.0, "Take 1", head=head)
    return take.values[:, :, :2], rest3d


def test_head_rotation_is_recovered_within_3_degrees(face3d: np.ndarray) -> None:
    motion = perform(face3d, ANGLES, SHIFTS, noise=1.0)
    assert motion.head_pose is not None
    recovered = relative_angles(motion.head_pose, motion.head_pose[0])
    assert np.degrees(np.abs(recovered - ANGLES)).max() < 3.0


def test_keypoints_follow_the_turn_in_3d_within_2_px(face3d: np.ndarray) -> None:
    positions, rest3d = drive(face3d, ANGLES)
    error = np.linalg.norm(positions - expected_projection(rest3d, ANGLES, SHIFTS), axis=2)
    assert error.max() < 2.0


def test_the_portraits_own_depth_shapes_the_turn_not_the_performers(face3d: np.ndarray) -> None:
    """A flat retarget copies the performer's shallower displacements; the 3D one uses the portrait's depth."""
    keypoints, rest3d = portrait(face3d)
    flat = [kp.with_changes(depth=None) for kp in keypoints]
    landmarks = auto_bindings("face", flat, (800, 800), (512, 512)).landmarks
    angles = ANGLES[:2]
    take = build_take(perform(face3d, angles, SHIFTS[:2]), flat, bindings_by_index(flat, landmarks), "relative",
                      0.0, "flat")
    error = np.linalg.norm(take.values[:, :, :2] - expected_projection(rest3d, angles, SHIFTS[:2]), axis=2)
    assert error.max() > 4.0


def test_a_20_degree_yaw_moves_the_cheeks_and_jaw_like_a_head_turn(face3d: np.ndarray) -> None:
    angles = np.radians([(0, 0, 0), (20, 0, 0)])
    positions, _ = drive(face3d, angles)
    names = [name for name, _ in FACE_PRESET]
    rest, turned = positions[0], positions[1]
    nose = names.index("nose_tip")
    for left, right in (("left_cheek", "right_cheek"), ("jaw_left", "jaw_right")):
        i, j = names.index(left), names.index(right)
        width_rest, width_turned = abs(rest[i, 0] - rest[j, 0]), abs(turned[i, 0] - turned[j, 0])
        assert width_turned < width_rest * 0.98  # the face narrows (foreshortening)
        # the side turning away (the subject's right here, for a positive yaw) compresses towards the nose,
        # the near side opens up from it
        far_rest, far_turned = abs(rest[j, 0] - rest[nose, 0]), abs(turned[j, 0] - turned[nose, 0])
        near_rest, near_turned = abs(rest[i, 0] - rest[nose, 0]), abs(turned[i, 0] - turned[nose, 0])
        assert far_turned < far_rest - 3 and near_turned > near_rest + 3


def test_gain_and_limits_scale_and_clip_the_portraits_turn(face3d: np.ndarray) -> None:
    angles = np.radians([(0, 0, 0), (30, 0, 0), (0, 20, 0)])
    limits = HeadLimits(gain=0.5, max_yaw=math.radians(10), max_pitch=math.radians(20))
    positions, rest3d = drive(face3d, angles, limits)
    applied = np.radians([(0, 0, 0), (10, 0, 0), (0, 10, 0)])  # yaw 15° clipped to 10°, pitch 10°
    expected = expected_projection(rest3d, applied, SHIFTS[:3])
    assert np.linalg.norm(positions - expected, axis=2).max() < 2.0
    still, _ = drive(face3d, angles, HeadLimits(gain=0.0))
    # no rotation at all: the keypoints keep their rest shape and move with the head only
    assert np.linalg.norm(still - expected_projection(rest3d, np.zeros((3, 3)), SHIFTS[:3]), axis=2).max() < 6.0


def test_keypoint_depths_come_from_the_mesh(face3d: np.ndarray) -> None:
    keypoints = [Keypoint("n", "nose_tip", "#ff6b6b", 1.0, 1.0),
                 Keypoint("m", "between", "#ff6b6b", *face3d[168, :2].tolist()),
                 Keypoint("o", "off", "#ff6b6b", 1.0, 1.0)]
    depths = keypoint_depths(face3d, keypoints)
    assert depths[0] == pytest.approx(face3d[1, 2])
    assert depths[1] == pytest.approx(face3d[168, 2], abs=2.0)
    assert depths[2] is None


def test_render_head_flags_become_limits_and_bad_ones_one_line() -> None:
    from studio.cli import build_parser
    from studio.cli.render import _head_limits
    from studio.core.errors import UserError

    args = build_parser().parse_args(["render", "a.marionette", "-o", "a.mp4", "--driving", "v.mp4",
                                      "--head-gain", "0.5", "--max-yaw", "25", "--max-pitch", "15"])
    limits = _head_limits(args)
    assert limits.gain == 0.5 and math.isclose(math.degrees(limits.max_yaw), 25)
    assert math.isclose(math.degrees(limits.max_pitch), 15)
    args.max_yaw = 120
    with pytest.raises(UserError, match="--max-yaw 120"):
        _head_limits(args)
