"""A face take and a sound recorded together: the mouth keypoints follow the sound's shapes over the face's motion,
exactly as the live pose combines them; the two streams line up on one clock and the take keeps the span both
cover."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from studio.capture.face_and_sound import shapes_at, shared_offsets, sound_over_take
from studio.capture.live_sound import SoundRecorder
from studio.capture.sound_puppet import MouthDriver
from studio.core.errors import UserError
from studio.core.project_file import load_project
from studio.core.takes import Take
from studio.lipsync.mouth_keys import MOUTH_KEYPOINTS

SAMPLE = Path(__file__).resolve().parents[2] / "resources" / "sample.marionette"
FPS = 30


@pytest.fixture(scope="module")
def project():
    return load_project(SAMPLE)


def drifting_face(project, seconds: float = 1.0, ids: tuple[str, ...] | None = None) -> Take:
    """Every keypoint (or ``ids``) at rest, shifted right by 10 px per second."""
    ids = ids or tuple(kp.id for kp in project.keypoints)
    rest = np.array([kp.rest_values for kp in project.keypoints if kp.id in ids], dtype=np.float64)
    times = np.arange(round(seconds * FPS) + 1) / FPS
    values = np.repeat(rest[None], len(times), axis=0)
    values[:, :, 0] += 10.0 * times[:, None]
    return Take("Face", ids, times, values, np.ones(values.shape[:2], bool))


def tone_shapes(start: float, end: float, seconds: float = 1.0) -> list[tuple[float, str]]:
    """A shape every 20 ms from 40 ms on: wide open (D) from ``start`` to ``end``, at rest (X) elsewhere."""
    stamps = np.arange(0.04, seconds + 1e-9, 0.02)
    return [(float(t), "D" if start <= t < end else "X") for t in stamps]


def column(project, take: Take, name: str) -> int:
    """Where keypoint ``name`` sits in the take."""
    return take.keypoint_ids.index(rest_of(project, name)[0])


def rest_of(project, name: str) -> tuple[str, tuple[float, float, float, float]]:
    """The id and rest values of keypoint ``name``."""
    kp = next(kp for kp in project.keypoints if kp.name == name)
    return kp.id, kp.rest_values


FIRST = 2 / FPS  # the first face sample at or after the first shape (40 ms)


def test_the_mouth_opens_with_the_sound_and_the_face_keeps_its_motion(project) -> None:
    face = drifting_face(project)
    take = sound_over_take(project, face, 0.0, tone_shapes(0.3, 0.6), 0.0, "Take 1")
    chin, nose = column(project, take, "chin"), column(project, take, "nose_tip")
    clock = take.times + FIRST
    rest_chin = rest_of(project, "chin")[1]
    opened = take.values[:, chin, 1] > rest_chin[1] + 3
    assert opened.any()
    assert clock[opened].min() == pytest.approx(0.3, abs=0.02 + 1 / FPS)
    assert clock[opened].max() == pytest.approx(0.6, abs=0.02 + 1 / FPS)
    assert opened[(clock > 0.34) & (clock < 0.58)].all()
    np.testing.assert_allclose(take.values[:, nose], face.values[2:, nose])
    closed = ~opened  # at rest (X) the chin is where the head took it
    np.testing.assert_allclose(take.values[closed, chin, 0] - rest_chin[0], 10.0 * clock[closed], atol=1e-6)
    assert take.valid.all()


def test_the_take_is_the_live_pose_frame_by_frame(project) -> None:
    from studio.core.keypoints import frames_from_channels
    from studio.core.project import PoseArrays

    take = sound_over_take(project, drifting_face(project), 0.0, tone_shapes(0.3, 0.6), 0.0, "Take 1")
    frame = int(np.argmin(np.abs(take.times + FIRST - 0.45)))
    base_values = np.array([kp.rest_values for kp in project.keypoints])
    base_values[:, 0] += 10.0 * (take.times[frame] + FIRST)
    positions, jacobians = frames_from_channels(base_values[None])
    live = MouthDriver(project).pose("D", PoseArrays(positions, jacobians, project.radii()))
    order = [take.keypoint_ids.index(kp.id) for kp in project.keypoints]
    np.testing.assert_allclose(take.values[frame, order, :2], live.positions[0], atol=1e-3)


def test_offsets_put_both_streams_on_one_clock_and_keep_the_common_span(project) -> None:
    face = drifting_face(project, seconds=2.0)
    shapes = tone_shapes(0.3, 0.6)  # the sound started 0.5 s after the face: heard at 0.54 .. 1.5 on the clock
    take = sound_over_take(project, face, 0.0, shapes, 0.5, "Take 1")
    chin, nose = column(project, take, "chin"), column(project, take, "nose_tip")
    start = 17 / FPS  # the first face sample at or after 0.54 s
    assert take.duration == pytest.approx(1.5 - start, abs=1 / FPS)
    assert take.values[0, nose, 0] - rest_of(project, "nose_tip")[1][0] == pytest.approx(10.0 * start)
    opened = take.times[take.values[:, chin, 1] > rest_of(project, "chin")[1][1] + 3] + start
    assert opened.min() == pytest.approx(0.8, abs=0.02 + 1 / FPS)
    assert opened.max() == pytest.approx(1.1, abs=0.02 + 1 / FPS)


def test_a_face_take_without_the_mouth_gains_the_mouth_keypoints(project) -> None:
    nose = rest_of(project, "nose_tip")[0]
    take = sound_over_take(project, drifting_face(project, ids=(nose,)), 0.0, tone_shapes(0.3, 0.6), 0.0, "T")
    mouth = {kp.id for kp in project.keypoints if kp.name in MOUTH_KEYPOINTS}
    assert set(take.keypoint_ids) == {nose} | mouth and take.valid.all()
    others = len(project.keypoints) - len(mouth)  # unbound keypoints stay at rest, as in the live pose
    chin = column(project, take, "chin")
    closed = take.times + FIRST < 0.28
    shift = take.values[closed, chin, 0] - rest_of(project, "chin")[1][0]
    np.testing.assert_allclose(shift, 10.0 * (take.times[closed] + FIRST) / others, atol=1e-6)


def test_streams_that_never_overlap_or_a_silent_sound_are_one_line_errors(project) -> None:
    face = drifting_face(project)
    with pytest.raises(UserError, match="not recorded at the same time"):
        sound_over_take(project, face, 0.0, tone_shapes(0.3, 0.6), 5.0, "T")
    with pytest.raises(UserError, match="no sound was heard"):
        sound_over_take(project, face, 0.0, [], 0.0, "T")


def test_shapes_hold_until_the_next_one() -> None:
    shapes = [(0.04, "X"), (0.06, "D"), (0.08, "B")]
    assert shapes_at(shapes, np.array([0.0, 0.05, 0.06, 0.079, 0.5])) == ["X", "X", "D", "D", "B"]


def test_files_share_their_own_times_and_live_devices_the_monotonic_clock() -> None:
    assert shared_offsets(100.0, 100.7, 100.2, both_files=True) == (0.0, 0.0)
    assert shared_offsets(100.0, 100.7, 100.2, both_files=False) == pytest.approx((0.7, 0.2))


def test_a_recorder_finds_its_streams_time_zero_from_the_fastest_arrival() -> None:
    arrivals = iter([10.07, 10.10, 10.12])  # arrived 30, 40 and 20 ms after being heard
    recorder = SoundRecorder(clock=lambda: next(arrivals))
    for seconds in (0.04, 0.06, 0.10):
        recorder.add(seconds, "X")
    assert recorder.origin == pytest.approx(10.02)


def test_a_motion_recorder_finds_its_sources_time_zero_too() -> None:
    from studio.capture.recorder import MotionRecorder
    from studio.capture.trackers.base import TrackedFrame, Tracker

    class _One(Tracker):
        name, landmark_count = "one", 1

        def track(self, frame, timestamp):
            raise NotImplementedError

    arrivals = iter([5.05, 5.07, 5.12])  # tracked 50, 37 and 53 ms after the frame was read
    recorder = MotionRecorder(_One(), 30.0, (8, 8), clock=lambda: next(arrivals))
    for timestamp in (0.0, 1 / 30, 2 / 30):
        recorder.add(timestamp, TrackedFrame(np.zeros((1, 2), np.float32), np.ones(1, bool)))
    assert recorder.origin == pytest.approx(5.07 - 1 / 30)
