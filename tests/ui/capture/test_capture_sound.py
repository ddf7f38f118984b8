"""Sound drives the mouth from the Capture dock: a sound file takes the microphone's path (live mouth on the preview
within the latency budget, a recorded take baked as one undo step); no microphone greys the choice out; a bad file
is one line in the status."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt

from studio.lipsync.mouth_keys import MOUTH_KEYPOINTS
from studio.ui.capture import capture_mic
from studio.ui.capture.capture_source import SoundChoice
from tests.lipsync.test_live_mouth import burst_wav

LATENCY_BUDGET = 0.2  # seconds, Character Animator's figure


def write_burst(path: Path, start: float, end: float, seconds: float) -> Path:
    path.write_bytes(burst_wav(start, end, seconds))
    return path


def test_no_microphone_greys_the_choice_out_with_the_reason(qtbot, open_panel, monkeypatch) -> None:
    monkeypatch.setattr(capture_mic, "list_microphones", lambda: [])
    panel = open_panel()
    panel.refresh_microphones()
    combo = panel.sound_combo
    index = combo.findText("Microphone (none found)")
    item = combo.model().item(index)
    assert index > 0 and not item.isEnabled()
    assert item.data(Qt.ItemDataRole.ToolTipRole) == capture_mic.NO_MICROPHONE
    monkeypatch.setattr(capture_mic, "list_microphones", lambda: [(b"usb-1", "USB Mic")])
    panel.refresh_microphones()
    index = combo.findText("Microphone: USB Mic")
    assert index > 0 and combo.model().item(index).isEnabled()
    assert combo.findText("Microphone (none found)") < 0
    assert combo.itemData(index) == SoundChoice(device=b"usb-1", name="USB Mic")


def test_sound_devices_are_probed_only_when_the_sound_list_opens(qtbot, open_panel, monkeypatch) -> None:
    probes: list[int] = []
    monkeypatch.setattr(capture_mic, "list_microphones", lambda: probes.append(1) or [])
    panel = open_panel()
    qtbot.wait(50)
    assert probes == []  # showing the panel (every window test does) never touches the audio stack
    panel.sound_combo.showPopup()
    panel.sound_combo.hidePopup()
    assert probes == [1] and panel.sound_combo.findText("Microphone (none found)") > 0


def test_a_sound_file_drives_the_mouth_live_within_the_latency_budget(qtbot, open_panel, tmp_path) -> None:
    panel = open_panel()
    project = panel.session.project
    chin = [kp.name for kp in project.keypoints].index("chin")
    rest_chin = project.rest_pose().positions[0, chin, 1]
    worker = panel.feed._preview.worker
    sent: dict[int, float] = {}  # sequence number -> the chin's height in the pose that reached the sink
    request = worker.request

    def spy(frame, rest, driving, *args):
        seq = request(frame, rest, driving, *args)
        sent[seq] = float(driving.positions[0, chin, 1])
        return seq

    worker.request = spy
    stamps: list[tuple[int, float]] = []
    panel.live_pose_sent.connect(lambda seq, seconds: stamps.append((seq, seconds)))
    panel.set_sound(SoundChoice(path=write_burst(tmp_path / "line.wav", 0.6, 1.0, 1.4)))
    panel.set_live(True)
    assert panel.feed.active and not panel.runner.running  # sound alone, no camera
    qtbot.waitUntil(lambda: not panel.live_action.isChecked(), timeout=15000)  # the file ended
    assert "sound file ended" in panel.status.lower()
    opened = [seconds for seq, seconds in stamps if sent.get(seq, rest_chin) > rest_chin + 3]
    assert opened, "the mouth never opened"
    assert 0.6 < opened[0] <= 0.6 + LATENCY_BUDGET  # stream time from the tone's first sample to the pose sent
    assert all(seconds >= 0.6 for seconds in opened)
    assert not panel.feed.active and not panel.sound_runner.running


def test_recording_a_sound_file_writes_mouth_keys_in_one_undo_step(qtbot, open_panel, tmp_path) -> None:
    panel = open_panel()
    project = panel.session.project
    mouth = {kp.id for kp in project.keypoints if kp.name in MOUTH_KEYPOINTS}
    tracks_before = dict(project.tracks)
    undo_index = panel.session.undo.index
    panel.set_sound(SoundChoice(path=write_burst(tmp_path / "line.wav", 0.3, 0.7, 1.0)))
    with qtbot.waitSignal(panel.take_ready, timeout=20000) as ready:
        panel.record()  # no bindings needed: the sound drives the mouth keypoints
    take = ready.args[0]
    assert set(take.keypoint_ids) == mouth
    assert panel.take_list.count() == 1 and "not stored" in panel.take_list.item(0).text()
    panel.bake_button.click()
    assert panel.session.undo.index == undo_index + 1
    changed = {kp_id for kp_id in project.tracks if project.tracks.get(kp_id) != tracks_before.get(kp_id)}
    assert changed and changed <= mouth
    chin = next(kp for kp in project.keypoints if kp.name == "chin")
    heights = [project.sample_values(frame)[0, project.keypoints.index(chin), 1] for frame in range(0, 24)]
    assert max(heights) > chin.rest_values[1] + 3  # the mouth opens during the tone
    panel.session.undo.undo()
    assert dict(project.tracks) == tracks_before and project.takes == []


def test_a_bad_sound_file_is_one_line_in_the_dock(qtbot, open_panel, tmp_path) -> None:
    panel = open_panel()
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"not a sound")
    panel.set_sound(SoundChoice(path=bad))
    assert panel.sound_combo.currentText() == "Sound file: bad.wav"
    panel.set_live(True)
    qtbot.waitUntil(lambda: not panel.live_action.isChecked(), timeout=10000)
    assert "not a sound or video file" in panel.status
    assert "\n" not in panel.status and "Traceback" not in panel.status
    assert not panel.sound_runner.running


def test_microphone_bytes_become_mono_samples_in_range() -> None:
    from PySide6.QtMultimedia import QAudioFormat

    stereo = (np.array([[16384, -16384], [32767, 32767], [-32768, 0]], "<i2")).tobytes()
    mono = capture_mic.pcm_to_mono(stereo, QAudioFormat.SampleFormat.Int16, 2)
    assert mono == pytest.approx([0.0, 1.0, -0.5], abs=1e-4)
    unsigned = capture_mic.pcm_to_mono(bytes([128, 255, 0]), QAudioFormat.SampleFormat.UInt8, 1)
    assert unsigned == pytest.approx([0.0, 127 / 128, -1.0])


def test_with_the_face_tracker_the_sound_moves_only_the_mouth(qtbot, open_panel, tmp_path) -> None:
    from studio.capture.trackers.base import TrackedFrame
    from studio.ui.capture.capture_runner import LiveSample

    panel = open_panel()
    project = panel.session.project
    names = [kp.name for kp in project.keypoints]
    chin, nose = names.index("chin"), names.index("nose_tip")
    worker = panel.feed._preview.worker
    driven = []
    request = worker.request
    worker.request = lambda frame, rest, driving, *args: driven.append(driving) or request(frame, rest, driving, *args)
    panel.set_sound(SoundChoice(path=write_burst(tmp_path / "tone.wav", 0.0, 3.0, 3.0)))
    panel.set_live(True)
    qtbot.waitUntil(lambda: panel._shape in ("C", "D"), timeout=10000)
    face = project.rest_pose()
    face.positions[0] += (12.0, 5.0)  # the tracked head moved
    tracked = TrackedFrame(np.zeros((1, 2), np.float32), np.ones(1, bool))
    panel._on_sample(LiveSample(0.5, np.zeros((8, 8, 3), np.uint8), 1.0, tracked, face))
    def over_the_face() -> list[np.ndarray]:
        return [d.positions[0] for d in driven if d.positions[0, nose, 0] > face.positions[0, nose, 0] - 1e-3]

    qtbot.waitUntil(lambda: bool(over_the_face()), timeout=5000)
    pose = over_the_face()[0]
    rest = project.rest_pose().positions[0]
    assert pose[nose] == pytest.approx(face.positions[0, nose])
    assert pose[chin, 0] == pytest.approx(rest[chin, 0] + 12.0, abs=2.0)
    assert pose[chin, 1] > rest[chin, 1] + 5.0 + 3  # moved with the head, and opened by the sound
    panel.set_live(False)
    assert not panel.sound_runner.running


def test_the_source_view_names_the_sound_and_its_shape_while_it_drives_the_mouth_alone(qtbot, open_panel,
                                                                                     tmp_path) -> None:
    panel = open_panel()
    panel.set_sound(SoundChoice(path=write_burst(tmp_path / "tone.wav", 0.0, 2.0, 2.0)))
    panel.set_live(True)
    qtbot.waitUntil(lambda: "mouth shape" in panel.source_view.message, timeout=10000)
    assert panel.source_view.message.startswith("Sound file: tone.wav")
    panel.set_live(False)
    assert panel.source_view.message == "No source running"
