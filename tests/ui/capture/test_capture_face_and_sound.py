"""Record with a driving video and a sound file chosen together: one take where the face follows the video and the
mouth opens with the tone, both on one clock from Record; Bake is one undo step; Stop ends both, still aligned."""

from __future__ import annotations

import numpy as np

from studio.lipsync.mouth_keys import MOUTH_KEYPOINTS
from studio.ui.capture.capture_source import SoundChoice, SourceChoice
from tests.ui.capture.conftest import FPS, SHIFTS
from tests.ui.capture.test_capture_sound import write_burst

TONE = (0.4, 0.9)  # seconds of the sound file (and of the video) where a loud tone plays
FIRST = 2 / FPS  # the take starts at the first video frame after the first mouth shape (40 ms)


def record_both(qtbot, panel, video, sound, stop_after: int | None = None):
    """Record the video and the sound together; Stop once ``stop_after`` face samples arrived (None: to the end)."""
    panel.smoothing_slider.setValue(0)
    panel.auto_bind()
    panel.set_source(SourceChoice(path=video))
    panel.set_sound(SoundChoice(path=sound))
    with qtbot.waitSignal(panel.take_ready, timeout=30000) as ready:
        panel.record()
        assert panel.recording_both
        if stop_after is not None:
            qtbot.waitUntil(lambda: len(panel.runner._recorder or ()) >= stop_after, timeout=15000)
            panel.stop()
    assert not panel.recording_both
    qtbot.waitUntil(lambda: not panel.runner.running and not panel.sound_runner.running, timeout=5000)
    return ready.args[0]


def drift_and_opening(panel, take) -> tuple[np.ndarray, np.ndarray]:
    """Per sample: the face's drift (mean x shift of the keypoints off the mouth) and the chin's opening (its y
    shift less the face's)."""
    project = panel.session.project
    face = [kp for kp in project.keypoints if kp.name not in MOUTH_KEYPOINTS]
    chin = next(kp for kp in project.keypoints if kp.name == "chin")
    shifts = np.stack([take.values[:, take.keypoint_ids.index(kp.id), :2] - kp.rest_values[:2] for kp in face], 1)
    drift = shifts.mean(axis=1)
    opening = take.values[:, take.keypoint_ids.index(chin.id), 1] - chin.rest_values[1] - drift[:, 1]
    return drift[:, 0], opening


def check_aligned(take, drift: np.ndarray, opening: np.ndarray) -> None:
    """The face drifts as the video does and the mouth is open exactly while the tone plays, on one clock."""
    times = FIRST + take.times  # the video's time of each sample
    np.testing.assert_allclose(drift, SHIFTS[1, 0] * FPS * times, atol=1.5)  # the face follows the video
    opened = opening > 3
    assert opened.any(), "the mouth never opened"
    assert TONE[0] <= times[opened].min() <= TONE[0] + 2 / FPS + 0.02
    assert TONE[1] - 2 / FPS <= times[opened].max() <= TONE[1] + 2 / FPS + 0.02
    assert not opened[(times < TONE[0]) | (times > TONE[1] + 2 / FPS + 0.02)].any()


def test_a_video_and_a_sound_file_record_one_take_baked_in_one_undo_step(qtbot, open_panel, shifted_video,
                                                                          tmp_path) -> None:
    panel = open_panel()
    project = panel.session.project
    tracks_before = dict(project.tracks)
    tone = write_burst(tmp_path / "tone.wav", *TONE, 3.0)  # longer than the video: the video's end ends both
    take = record_both(qtbot, panel, shifted_video, tone)
    assert set(take.keypoint_ids) == {kp.id for kp in project.keypoints}
    assert take.duration <= (len(SHIFTS) - 1) / FPS + 1e-6
    drift, opening = drift_and_opening(panel, take)
    check_aligned(take, drift, opening)
    assert panel.take_list.count() == 1 and "not stored" in panel.take_list.item(0).text()

    undo_index = panel.session.undo.index
    panel.replace_radio.setChecked(True)
    panel.bake_button.click()
    assert panel.session.undo.index == undo_index + 1 and project.takes == [take]
    mouth = [i for i, kp in enumerate(project.keypoints) if kp.name in MOUTH_KEYPOINTS]
    start = panel.start_spin.value()
    heights = project.sample_values(np.arange(start, start + 40))[:, mouth, 1]
    assert np.ptp(heights, axis=0).max() > 3  # the baked mouth opens and closes
    panel.session.undo.undo()
    assert dict(project.tracks) == tracks_before and project.takes == []


def test_stopping_early_ends_both_and_keeps_them_aligned(qtbot, open_panel, shifted_video, tmp_path) -> None:
    panel = open_panel()
    tone = write_burst(tmp_path / "tone.wav", *TONE, 3.0)
    take = record_both(qtbot, panel, shifted_video, tone, stop_after=30)
    assert take.duration < (len(SHIFTS) - 1) / FPS
    drift, opening = drift_and_opening(panel, take)
    check_aligned(take, drift, opening)
