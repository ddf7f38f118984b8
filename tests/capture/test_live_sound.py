"""Live sound on the puppet: the sound thread gives the same shapes as the building block, the mouth pose rides on
the face tracker's pose, and a recording becomes a take on the mouth keypoints."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from studio.capture.live_sound import LiveSound, PacedSoundSource, SoundRecorder
from studio.capture.sound_puppet import MouthDriver, sound_take
from studio.core.errors import UserError
from studio.core.project_file import load_project
from studio.lipsync.live_mouth import FileSoundSource, live_shapes
from studio.lipsync.mouth_keys import MOUTH_KEYPOINTS
from tests.lipsync.test_live_mouth import burst_wav
from tests.ui.conftest import make_project

SAMPLE = Path(__file__).resolve().parents[2] / "resources" / "sample.marionette"


def test_the_sound_thread_gives_the_building_blocks_shapes_and_records_them():
    data = burst_wav(0.3, 0.7, seconds=1.0)
    heard: list[tuple[float, str]] = []
    ended = []
    live = LiveSound(FileSoundSource(data), lambda seconds, shape: heard.append((seconds, shape)),
                     on_end=lambda: ended.append(True))
    live.recorder = SoundRecorder()
    live.start()
    assert live.wait(10.0)
    live.stop()
    assert heard == list(live_shapes(FileSoundSource(data))) == live.recorder.shapes()
    assert ended == [True]


def test_a_failing_source_is_reported_not_lost():
    class Broken:
        rate = 16_000

        def read(self, count: int) -> np.ndarray | None:
            raise UserError("the microphone is gone")

    errors: list[BaseException] = []
    live = LiveSound(Broken(), lambda seconds, shape: None, on_error=errors.append)
    live.start()
    assert live.wait(5.0)
    live.stop()
    assert [str(error) for error in errors] == ["the microphone is gone"]


def test_paced_source_hands_over_whole_buffers_of_the_same_samples():
    data = burst_wav(0.0, 0.05, seconds=0.1)
    paced = PacedSoundSource(FileSoundSource(data), buffer=0.03)
    chunks = []
    while (chunk := paced.read(1)) is not None:
        chunks.append(chunk)
    assert [len(c) for c in chunks] == [480, 480, 480, 160]
    assert np.array_equal(np.concatenate(chunks), FileSoundSource(data).read(10_000))


def test_the_mouth_rides_on_the_face_trackers_pose():
    project = load_project(SAMPLE)
    driver = MouthDriver(project)
    names = [kp.name for kp in project.keypoints]
    chin, nose = names.index("chin"), names.index("nose_tip")
    rest = driver.pose("X")
    assert np.allclose(rest.positions, project.rest_pose().positions)
    wide = driver.pose("D")
    assert wide.positions[0, chin, 1] > rest.positions[0, chin, 1] + 3
    assert wide.positions[0, nose] == pytest.approx(rest.positions[0, nose])
    tracked = project.rest_pose()
    tracked.positions[0] += (10.0, -4.0)  # the head moved
    tracked.positions[0, chin] += (0.0, 30.0)  # and the camera saw the chin drop far
    over = driver.pose("D", tracked)
    assert over.positions[0, nose] == pytest.approx(tracked.positions[0, nose])
    assert over.positions[0, chin] == pytest.approx(wide.positions[0, chin] + (10.0, -4.0))


def test_a_sound_recording_is_a_take_on_the_mouth_keypoints():
    project = load_project(SAMPLE)
    take = sound_take(project, [(1.04, "X"), (1.06, "D"), (1.08, "X")], "Take 1")
    mouth = [kp.id for kp in project.keypoints if kp.name in MOUTH_KEYPOINTS]
    assert take.keypoint_ids == tuple(mouth)
    assert take.times == pytest.approx([0.0, 0.02, 0.04])
    chin = take.keypoint_ids.index(next(kp.id for kp in project.keypoints if kp.name == "chin"))
    assert take.values[1, chin, 1] > take.values[0, chin, 1] + 3
    with pytest.raises(UserError, match="nothing was recorded"):
        sound_take(project, [], "Take 2")
    with pytest.raises(UserError, match="no mouth keypoints"):
        sound_take(make_project(), [(0.0, "X")], "Take 2")
