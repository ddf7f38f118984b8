"""Sound in the window: import by menu or drop (on a worker, one undo step), the Audio menu, the Lip Sync dialog
(worker, progress, Cancel, one undo step) and the Mouth Shapes panel."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from studio.core.audio import ChangeSound, MouthCue, Sound
from studio.core.project_file import load_project
from studio.lipsync.mouth_keys import MOUTH_KEYPOINTS
from studio.ui.audio.lip_sync_dialog import LipSyncDialog
from studio.ui.audio.mouth_shapes_panel import MouthShapesPanel
from studio.ui.session import Session
from tests.jobs.test_export_sound import click_wav
from tests.media.test_audio_decode import write_audio

SAMPLE = Path(__file__).resolve().parents[3] / "resources" / "sample.marionette"
CUES = [MouthCue(0.0, 0.3, "X"), MouthCue(0.3, 0.8, "D"), MouthCue(0.8, 1.2, "F"), MouthCue(1.2, 1.5, "X")]


def test_dropping_a_sound_imports_it_in_one_undo_step(window, qtbot, tmp_path):
    path = write_audio(tmp_path / "line.ogg", "libvorbis")
    window.open_dropped(path)
    qtbot.waitUntil(lambda: window.session.project.sound is not None, timeout=5000)
    sound = window.session.project.sound
    assert sound.name == "line.ogg" and sound.data == path.read_bytes() and sound.suffix == ".ogg"
    assert window.timeline.audio_row.isVisible()
    assert "Imported the sound line.ogg" in window.statusBar().currentMessage()
    assert window.audio.lip_sync_action.isEnabled()
    window.session.undo.undo()
    assert window.session.project.sound is None and not window.audio.lip_sync_action.isEnabled()


def test_importing_a_video_stores_its_sound_as_flac(window, qtbot, tmp_path):
    window.audio.choose_and_import(write_audio(tmp_path / "clip.mp4", "aac", with_video=True))
    qtbot.waitUntil(lambda: window.session.project.sound is not None, timeout=5000)
    assert window.session.project.sound.suffix == ".flac"
    assert "stored as FLAC" in window.statusBar().currentMessage()


def test_a_file_without_sound_is_one_line_and_changes_nothing(window, qtbot, tmp_path):
    (tmp_path / "junk.wav").write_bytes(b"no sound here")
    window.audio.choose_and_import(tmp_path / "junk.wav")
    qtbot.waitUntil(lambda: "junk.wav" in window.statusBar().currentMessage(), timeout=5000)
    assert window.session.project.sound is None


def test_the_audio_menu_holds_import_lip_sync_and_the_shapes_panel(window):
    texts = [a.text() for a in window.audio_menu.actions()]
    assert texts[:3] == ["Import &Audio…", "&Lip Sync…", "&Remove Sound"] and "Mouth Shapes" in texts
    assert window.audio.import_action in window.file_menu.actions()


@pytest.fixture
def sample_session() -> Session:
    project = load_project(SAMPLE)
    project.sound = Sound(click_wav(0.5), "line.wav", ".wav", offset=6)
    return Session(project)


def fake_recogniser(cues, seen=None, gate=None):
    def run(data, transcript, shapes, progress, cancel: threading.Event):
        if seen is not None:
            seen.append((data, transcript, shapes))
        progress(1, 2)
        if gate is not None:
            gate.wait(5)
            if cancel.is_set():
                from studio.core.errors import CancelledError
                raise CancelledError("cancelled")
        progress(2, 2)
        return cues
    return run


def test_lip_sync_keys_the_mouth_and_shows_cues_in_one_undo_step(qtbot, sample_session):
    seen: list = []
    dialog = LipSyncDialog(sample_session, run=fake_recogniser(CUES, seen))
    qtbot.addWidget(dialog)
    dialog.transcript_edit.setPlainText("hello there")
    dialog.shapes_edit.setText("ABCDEFX")
    dialog.amplitude_spin.setValue(1.5)
    depth = sample_session.undo.index
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.run_button.click()
    dialog.wait()
    project = sample_session.project
    assert seen == [(project.sound.data, "hello there", "ABCDEFX")]
    assert project.sound.cues == tuple(CUES) and project.mouth_shapes.amplitude == 1.5
    assert sample_session.undo.index == depth + 1 and sample_session.undo.texts()[-1] == "Lip sync"
    mouth = [kp.id for kp in project.keypoints if kp.name in MOUTH_KEYPOINTS]
    assert all(6 in project.track(kp_id).frames() for kp_id in mouth)  # keyed from the sound's first frame
    sample_session.undo.undo()
    assert project.sound.cues == () and project.mouth_shapes.amplitude == 1.0


def test_cancel_leaves_the_project_untouched(qtbot, sample_session):
    gate = threading.Event()
    dialog = LipSyncDialog(sample_session, run=fake_recogniser(CUES, gate=gate))
    qtbot.addWidget(dialog)
    depth = sample_session.undo.index
    dialog.run_button.click()
    assert dialog.running
    dialog.cancel_button.click()
    gate.set()
    qtbot.waitUntil(lambda: not dialog.running, timeout=5000)
    assert dialog.status_label.text() == "Lip sync cancelled"
    assert sample_session.undo.index == depth and sample_session.project.sound.cues == ()


def test_bad_shapes_are_one_line(qtbot, sample_session):
    dialog = LipSyncDialog(sample_session, run=fake_recogniser(CUES))
    qtbot.addWidget(dialog)
    dialog.shapes_edit.setText("ABQ")
    dialog.run_button.click()
    assert not dialog.running and "unknown mouth shape" in dialog.status_label.text()


def test_mouth_shapes_panel_poses_a_shape_shows_it_and_rekeys(qtbot, sample_session):
    session = sample_session
    session.push(ChangeSound(session.project.sound, session.project.sound.with_changes(cues=tuple(CUES))))
    panel = MouthShapesPanel(session)
    qtbot.addWidget(panel)
    panel.choose("D")
    chin = next(kp.id for kp in session.project.keypoints if kp.name == "chin")
    assert chin in session.posed  # the mouth shows D at the playhead, unkeyed
    row = list(MOUTH_KEYPOINTS).index("chin")
    panel.table.item(row, 1).setText("0.2")
    assert session.project.mouth_shapes.poses["D"]["chin"] == (0.0, 0.2)
    assert session.undo.texts()[-1] == "Pose mouth shape D" and panel.reset_button.isEnabled()
    panel.amplitude_spin.setValue(2.0)
    assert session.project.mouth_shapes.amplitude == 2.0
    panel.reset_shape()
    assert "D" not in session.project.mouth_shapes.poses
    panel.table.item(row, 0).setText("wide")
    assert "D" not in session.project.mouth_shapes.poses  # not a number: nothing changes


def test_saving_from_the_window_keeps_the_sound_and_shapes(window, tmp_path):
    from studio.core.audio import ChangeMouthShapes, MouthShapes

    sound = Sound(click_wav(0.5), "line.wav", ".wav", offset=3, cues=tuple(CUES))
    window.session.push(ChangeSound(None, sound))
    window.session.push(ChangeMouthShapes(MouthShapes(), MouthShapes(amplitude=1.5)))
    assert window.files.save_as(tmp_path / "with_sound")
    assert window.files.wait_for_saves()
    loaded = load_project(tmp_path / "with_sound.marionette")
    assert loaded.sound == sound and loaded.mouth_shapes.amplitude == 1.5
