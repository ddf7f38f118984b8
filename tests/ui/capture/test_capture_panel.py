"""The Capture panel: bindings, recording a video and baking it as one undo step, live puppet, errors, threads."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
from PySide6.QtCore import Qt

from studio.capture.face_preset import FACE_PRESET
from studio.ui.capture.capture_source import SourceChoice
from tests.ui.capture.conftest import FPS, FRAMES, SHIFTS
from tests.ui.conftest import make_project


def test_dock_menu_and_no_camera(qtbot, open_panel) -> None:
    panel = open_panel()
    window = panel.window()
    assert panel.dock is not None and panel.dock.objectName() == "capturePanel"
    assert panel.dock.widget() is panel
    titles = [action.text() for action in window.menuBar().actions()]
    assert "&Capture" in titles
    qtbot.waitUntil(lambda: panel.camera_combo.currentText() == "No camera found", timeout=10000)
    assert not panel.camera_combo.isEnabled()


def test_auto_bindings_fill_the_table_for_the_sample_project(open_panel) -> None:
    panel = open_panel()
    project = panel.session.project
    panel.auto_button.click()
    expected = dict(FACE_PRESET)
    table = panel.bindings
    assert table.rowCount() == len(project.keypoints) == len(FACE_PRESET)
    for row, keypoint in enumerate(project.keypoints):
        assert table.item(row, 0).text() == keypoint.name
        assert table.item(row, 1).text() == str(expected[keypoint.name])
    assert len(table.bindings()) == len(FACE_PRESET)
    assert "Bound 19 of 19" in panel.status
    panel.tracker_combo.setCurrentText("pose")
    assert table.bindings() == [] and "Bindings cleared" in panel.status
    panel.session.replace_project(make_project(), None)
    assert table.rowCount() == 3 and table.bindings() == [] and table.item(0, 0).text() == "alpha"
    panel.auto_bind()
    assert "No keypoint is named after the face, body or hands preset" in panel.status


def test_manual_binding_by_typing_and_by_clicking_a_landmark(qtbot, open_panel) -> None:
    panel = open_panel()
    table = panel.bindings
    table.item(2, 1).setText("33")
    assert table.landmarks() == {panel.session.project.keypoints[2].id: 33}
    table.item(2, 1).setText("left eye")
    assert "not a landmark number" in panel.status
    assert table.landmarks() == {panel.session.project.keypoints[2].id: 33}
    panel.source_view.show_frame(np.zeros((100, 100, 3), np.uint8), 1.0,
                                 np.array([[10, 10], [50, 50], [90, 20]], np.float32))
    table.selectRow(0)
    click = panel.source_view.widget_position(48.0, 53.0).toPoint()
    qtbot.mouseClick(panel.source_view, Qt.MouseButton.LeftButton, pos=click)
    assert table.landmarks()[panel.session.project.keypoints[0].id] == 1
    assert table.selected_keypoint() == panel.session.project.keypoints[1].id


def test_recording_a_video_then_baking_writes_keys_that_follow_the_shifts(qtbot, open_panel, shifted_video) -> None:
    panel = open_panel()
    project = panel.session.project
    tracks_before = dict(project.tracks)
    panel.smoothing_slider.setValue(0)
    panel.auto_bind()
    undo_index = panel.session.undo.index
    panel.set_source(SourceChoice(path=shifted_video))
    panel.session.set_frame(20)
    with qtbot.waitSignal(panel.take_ready, timeout=20000) as ready:
        panel.record()
    take = ready.args[0]
    assert take.keypoint_ids == tuple(kp.id for kp in project.keypoints)
    assert not panel.stop_action.isEnabled() and panel.record_action.isEnabled()
    assert panel.take_list.count() == 1 and "not stored" in panel.take_list.item(0).text()
    assert panel.start_spin.value() == 20 and panel.end_spin.value() == 20 + FRAMES - 1

    panel.replace_radio.setChecked(True)
    panel.bake_button.click()
    assert project.takes == [take]
    assert panel.session.undo.index == undo_index + 1
    rest = np.array([[kp.x, kp.y] for kp in project.keypoints])
    frames = np.arange(20, 20 + FRAMES)
    moved = project.sample_values(frames)[:, :, :2] - rest
    np.testing.assert_allclose(moved.mean(axis=1), SHIFTS, atol=1.5)
    assert {k.frame for t in project.tracks.values() for k in t.keys if 20 <= k.frame < 20 + FRAMES}
    assert project.tracks[project.keypoints[0].id].key_at(0) == tracks_before[project.keypoints[0].id].key_at(0)

    panel.session.undo.undo()
    assert project.tracks == tracks_before
    assert project.takes == []
    assert panel.take_list.count() == 0


def test_store_as_new_take_only_keeps_the_keys_and_bakes_later(qtbot, open_panel, shifted_video) -> None:
    panel = open_panel()
    project = panel.session.project
    tracks_before = dict(project.tracks)
    panel.auto_bind()
    panel.set_source(SourceChoice(path=shifted_video))
    with qtbot.waitSignal(panel.take_ready, timeout=20000):
        panel.record()
    panel.store_radio.setChecked(True)
    panel.bake_button.click()
    assert len(project.takes) == 1 and project.tracks == tracks_before
    panel.take_list.setCurrentRow(0)
    panel.replace_radio.setChecked(True)
    panel.bake_button.click()
    assert project.tracks != tracks_before and len(project.takes) == 1
    panel.session.undo.undo()
    assert project.tracks == tracks_before and len(project.takes) == 1


def test_flow_tracker_on_the_keypoints_records_the_shifts(qtbot, open_panel, shifted_video) -> None:
    panel = open_panel()
    project = panel.session.project
    panel.smoothing_slider.setValue(0)
    panel.tracker_combo.setCurrentText("flow")
    panel.set_source(SourceChoice(path=shifted_video))
    qtbot.waitUntil(lambda: panel.reference_size == (512, 512), timeout=10000)
    panel.keypoint_points_button.click()
    assert len(panel.bindings.bindings()) == len(project.keypoints)
    np.testing.assert_allclose(panel.source_view.points[3], (project.keypoints[3].x, project.keypoints[3].y))
    with qtbot.waitSignal(panel.take_ready, timeout=20000) as ready:
        panel.record()
    panel.session.set_frame(0)
    panel.take_list.setCurrentRow(0)
    panel.bake_button.click()
    rest = np.array([[kp.x, kp.y] for kp in project.keypoints])
    moved = project.sample_values(np.arange(FRAMES))[:, :, :2] - rest
    np.testing.assert_allclose(np.median(moved, axis=1), SHIFTS, atol=0.75)
    assert project.takes == [ready.args[0]]


def test_live_puppet_sends_moving_poses_without_recording(qtbot, open_panel, shifted_video, monkeypatch) -> None:
    panel = open_panel(started=True)
    project = panel.session.project
    worker = panel.window().preview_link.worker
    sent: dict[int, np.ndarray] = {}
    original = worker.request

    def spy(frame, rest, driving, draft=False):
        seq = original(frame, rest, driving, draft)
        sent[seq] = driving.positions.copy()
        return seq

    monkeypatch.setattr(worker, "request", spy)
    panel.smoothing_slider.setValue(0)
    panel.auto_bind()
    panel.set_source(SourceChoice(path=shifted_video))
    live: list[int] = []
    panel.live_pose_sent.connect(lambda seq, _t: live.append(seq))
    panel.live_action.trigger()
    qtbot.waitUntil(lambda: len(live) >= 3, timeout=20000)
    panel.session.set_frame(5)
    newest = max(sent)
    np.testing.assert_array_equal(sent[newest], sent[max(live)], err_msg="the timeline overrode the live pose")
    qtbot.waitUntil(lambda: not panel.live_action.isChecked(), timeout=20000)
    assert "video ended" in panel.status and len(live) >= 5
    centres = np.array([sent[seq][0].mean(axis=0) for seq in live])
    rest = project.rest_pose().positions[0].mean(axis=0)
    np.testing.assert_allclose(centres[0], rest, atol=0.5)
    drift = centres[-1] - centres[0]
    assert drift[0] > 3.0 and drift[1] < -1.5, drift
    assert np.all(np.diff(centres[:, 0]) > -0.5)
    last_link_request = max(sent)
    assert last_link_request not in live, "leaving live mode gives the preview back to the timeline"
    assert project.takes == [] and panel.session.undo.texts() == ["Bind 19 keypoints to face landmarks"]


def test_calibrate_makes_the_current_frame_neutral(qtbot, open_panel, shifted_video, monkeypatch) -> None:
    panel = open_panel()
    sent: dict[int, np.ndarray] = {}
    worker = panel.window().preview_link.worker
    original = worker.request

    def spy(frame, rest, driving, draft=False):
        seq = original(frame, rest, driving, draft)
        sent[seq] = driving.positions[0].mean(axis=0)
        return seq

    monkeypatch.setattr(worker, "request", spy)
    panel.calibrate()
    assert "No performer in view" in panel.status
    panel.smoothing_slider.setValue(0)
    panel.auto_bind()
    panel.set_source(SourceChoice(path=shifted_video))
    live: list[int] = []
    stamps: list[float] = []
    tracked_at: list[float] = []
    panel.live_pose_sent.connect(lambda seq, t: (live.append(seq), stamps.append(t)))
    panel.runner.sample_ready.connect(lambda sample: tracked_at.append(sample.timestamp))
    panel.set_live(True)
    qtbot.waitUntil(lambda: bool(stamps) and stamps[-1] >= 12 / FPS, timeout=20000)
    rest = panel.session.project.rest_pose().positions[0].mean(axis=0)
    before = len(live)
    panel.calibrate()
    calibrated_at = tracked_at[-1]
    assert "Neutral pose stored" in panel.status
    qtbot.waitUntil(lambda: len(live) >= before + 2, timeout=20000)
    assert np.linalg.norm(sent[live[before - 1]] - rest) > 4.0
    # measured from the calibrated frame: only the drift since then (frames dropped under load included) remains
    drift = (stamps[before + 1] - calibrated_at) * FPS * (SHIFTS[1] - SHIFTS[0])
    assert np.linalg.norm(sent[live[before + 1]] - rest - drift) < 1.5
    panel.set_live(False)
    assert not panel.runner.running


def test_countdown_then_stop_cancels_the_recording(open_panel, shifted_video) -> None:
    panel = open_panel()
    panel.countdown_seconds = 3
    panel.auto_bind()
    panel.set_source(SourceChoice(path=shifted_video))
    panel.record_action.trigger()
    assert panel.countdown.text == "3" and panel.countdown.isVisible() and panel.stop_action.isEnabled()
    assert not panel.record_action.isEnabled() and not panel.runner.running
    panel.stop_action.trigger()
    assert panel.status == "Recording cancelled" and panel.countdown.text == "" and not panel.countdown.isVisible()
    assert panel.record_action.isEnabled() and not panel.countdown_timer.isActive()


def test_a_bad_video_shows_an_error_and_changes_nothing(qtbot, open_panel, tmp_path: Path) -> None:
    panel = open_panel()
    project = panel.session.project
    tracks_before = dict(project.tracks)
    bad = tmp_path / "broken.mp4"
    bad.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 20)
    panel.auto_bind()
    panel.set_source(SourceChoice(path=bad))
    panel.record()
    qtbot.waitUntil(lambda: panel.record_action.isEnabled(), timeout=10000)
    assert "broken.mp4" in panel.status and "not a readable video" in panel.status, panel.status
    assert "Traceback" not in panel.status and "\n" not in panel.status
    assert panel.record_action.isEnabled() and not panel.runner.running
    assert project.tracks == tracks_before and project.takes == [] and panel.session.undo.index == 1


def test_a_missing_file_camera_or_face_records_nothing(qtbot, open_panel, tmp_path: Path) -> None:
    panel = open_panel()
    project = panel.session.project
    tracks_before = dict(project.tracks)
    panel.auto_bind()
    panel.set_source(SourceChoice(path=tmp_path / "missing.mp4"))
    panel.record()
    qtbot.waitUntil(lambda: "no such file" in panel.status, timeout=10000)
    panel.set_source(SourceChoice(camera=7))
    panel.live_action.trigger()
    qtbot.waitUntil(lambda: "camera 7 cannot be opened" in panel.status, timeout=10000)
    assert not panel.live_action.isChecked()
    noise = np.random.default_rng(0).integers(0, 255, (6, 128, 128, 3), dtype=np.uint8)
    blank = tmp_path / "blank.mp4"
    with av.open(str(blank), "w") as container:
        stream = container.add_stream("libx264", rate=FPS)
        stream.width, stream.height, stream.pix_fmt = 128, 128, "yuv420p"
        for frame in noise:
            container.mux(stream.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")))
        container.mux(stream.encode())
    panel.set_source(SourceChoice(path=blank))
    panel.record()
    qtbot.waitUntil(lambda: "no face found in the recording" in panel.status, timeout=15000)
    assert panel.record_action.isEnabled() and not panel.runner.running
    assert project.tracks == tracks_before and project.takes == [] and panel.take_list.count() == 0


def test_a_camera_that_stops_giving_frames_is_reported_as_lost(qtbot, open_panel, shifted_video) -> None:
    from studio.ui.capture.capture_open import open_choice

    panel = open_panel()
    panel.runner.source_opener = lambda _choice: open_choice(SourceChoice(path=shifted_video))
    panel.auto_bind()
    panel.set_source(SourceChoice(camera=0))
    panel.set_live(True)
    qtbot.waitUntil(lambda: panel.status.startswith("Camera lost"), timeout=20000)
    assert not panel.live_action.isChecked() and not panel.runner.running
