"""The timeline's audio row: waveform from a worker, slide, mute, volume, cue labels whose edits re-key the mouth."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMenu

from studio.core.audio import ChangeSound, MouthCue, Sound
from studio.core.project_file import load_project
from studio.lipsync.mouth_keys import MOUTH_KEYPOINTS
from studio.ui.session import Session
from studio.ui.timeline.audio_row_painter import WAVE, column_peaks
from studio.ui.timeline.timeline_geometry import HEADER_WIDTH
from studio.ui.timeline.timeline_view import TimelineView
from tests.jobs.test_export_sound import click_wav

SAMPLE = Path(__file__).resolve().parents[3] / "resources" / "sample.marionette"
LEFT = Qt.MouseButton.LeftButton
CUES = (MouthCue(0.0, 0.5, "X"), MouthCue(0.5, 1.0, "D"), MouthCue(1.0, 2.0, "A"))


@pytest.fixture
def timeline(qtbot):
    project = load_project(SAMPLE)
    session = Session(project)
    view = TimelineView(session)
    qtbot.addWidget(view)
    view.resize(1100, 320)
    view.show()
    qtbot.waitExposed(view)
    yield view
    view.audio_row.shutdown()
    view.playback.pause()


def with_sound(timeline, qtbot, **fields) -> Sound:
    sound = Sound(click_wav(0.5, level=0.9), "line.wav", ".wav", **fields)
    timeline.session.push(ChangeSound(None, sound))
    timeline.session.finish_gesture()
    qtbot.waitUntil(lambda: timeline.audio_row.envelope() is not None, timeout=5000)
    return sound


def row_x(timeline, frame: float) -> int:
    return round(timeline.audio_row.frame_to_x(frame))


def test_the_row_shows_only_with_a_sound_and_draws_its_waveform(timeline, qtbot):
    row = timeline.audio_row
    assert not row.isVisible()
    with_sound(timeline, qtbot, offset=10)
    assert row.isVisible() and row.name_label.text() == "line.wav"
    image = row.grab().toImage()
    click_x = row_x(timeline, 10 + 0.5 * timeline.session.project.timing.fps)
    column = [image.pixelColor(click_x + dx, y) for dx in (-1, 0, 1) for y in range(row.height())]
    assert any(colour == WAVE for colour in column)  # the click is drawn where it sounds
    quiet = [image.pixelColor(click_x + 40, y) for y in range(row.height())]
    assert not any(colour == WAVE for colour in quiet)


def test_dragging_the_waveform_slides_the_sound_in_one_undo_step(timeline, qtbot):
    with_sound(timeline, qtbot, offset=10)
    row, y = timeline.audio_row, timeline.audio_row.height() - 8
    start = QPoint(row_x(timeline, 20), y)
    end = QPoint(row_x(timeline, 32), y)
    depth = timeline.session.undo.index
    QTest.mousePress(row, LEFT, Qt.KeyboardModifier.NoModifier, start)
    for i in range(1, 6):
        QTest.mouseMove(row, start + (end - start) * (i / 5))
    QTest.mouseRelease(row, LEFT, Qt.KeyboardModifier.NoModifier, end)
    assert timeline.session.project.sound.offset == 22
    assert timeline.session.undo.index == depth + 1
    timeline.session.undo.undo()
    assert timeline.session.project.sound.offset == 10


def test_mute_and_volume_controls_edit_the_sound(timeline, qtbot):
    with_sound(timeline, qtbot)
    row = timeline.audio_row
    row.mute_button.click()
    assert timeline.session.project.sound.muted
    row.volume_spin.setValue(50)
    assert timeline.session.project.sound.volume == pytest.approx(0.5)
    assert timeline.session.undo.texts()[-2:] == ["Mute sound", "Sound volume 50%"]
    timeline.session.undo.undo()
    assert row.volume_spin.value() == 100


def chin_y(session, frame) -> float:
    project = session.project
    index = next(i for i, kp in enumerate(project.keypoints) if kp.name == "chin")
    return float(project.sample_values(frame)[0][index][1])


def test_a_cues_shape_from_the_menu_rekeys_the_mouth(timeline, qtbot):
    with_sound(timeline, qtbot, offset=0, cues=CUES)
    session, row = timeline.session, timeline.audio_row
    fps = session.project.timing.fps
    menu = row.menu_at(QPoint(row_x(timeline, 0.75 * fps), 20))
    shape_menu = next(m for m in menu.findChildren(QMenu) if m.title() == "Cue 2 Shape")
    assert [a.text() for a in shape_menu.actions() if a.isChecked()] == ["D"]
    before = chin_y(session, round(0.75 * fps))
    next(a for a in shape_menu.actions() if a.text() == "F").trigger()
    assert session.project.sound.cues[1].shape == "F"
    mouth = [kp.id for kp in session.project.keypoints if kp.name in MOUTH_KEYPOINTS]
    assert all(len(session.project.track(kp_id)) for kp_id in mouth)
    assert chin_y(session, round(0.75 * fps)) != pytest.approx(before)
    assert session.undo.texts()[-1] == "Cue 2 to F"
    menu.close()


def test_dragging_a_cue_edge_moves_its_start(timeline, qtbot):
    with_sound(timeline, qtbot, offset=0, cues=CUES)
    session, row = timeline.session, timeline.audio_row
    fps = session.project.timing.fps
    edge = QPoint(row_x(timeline, 0.5 * fps), 20)
    later = QPoint(row_x(timeline, 0.7 * fps), 20)
    QTest.mousePress(row, LEFT, Qt.KeyboardModifier.NoModifier, edge)
    QTest.mouseMove(row, later)
    QTest.mouseRelease(row, LEFT, Qt.KeyboardModifier.NoModifier, later)
    cues = session.project.sound.cues
    assert cues[1].start == pytest.approx(0.7, abs=0.05)
    assert cues[0].end == cues[1].start and session.project.sound.offset == 0


def test_column_peaks_take_the_loudest_bin_under_each_column():
    envelope = np.array([0.1, 0.9, 0.2, 0.3, 0.0, 0.5], np.float32)
    peaks = column_peaks(envelope, 1.0, np.array([-2.0, -1.0, 0.0, 2.0, 4.0, 6.0, 8.0]))
    np.testing.assert_allclose(peaks, [0.0, 0.0, 0.9, 0.3, 0.5, 0.0])
    assert HEADER_WIDTH > 0
