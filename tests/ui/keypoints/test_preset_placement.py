"""The Keypoints menu's body and hands presets: placed on a worker, one undo step, a clear message when not found."""

from __future__ import annotations

from PySide6.QtWidgets import QMenu

from studio.core.keypoints import Keypoint
from studio.ui.keypoints import preset_placement


def test_body_preset_adds_keypoints_as_one_step(qtbot, window, monkeypatch) -> None:
    found = [Keypoint("b1", "left_wrist", "#ffffff", 40, 40), Keypoint("b2", "alpha", "#ffffff", 50, 50)]
    monkeypatch.setattr(preset_placement, "detect_preset_keypoints", lambda preset, png: found)
    menu = next(m for m in window.menuBar().findChildren(QMenu) if m.title() == "&Keypoints")
    texts = [action.text() for action in menu.actions()]
    assert "Auto-Place &Body Keypoints" in texts and "Auto-Place &Hand Keypoints" in texts
    window.preset_placer.actions[0].trigger()
    qtbot.waitUntil(lambda: len(window.session.project.keypoints) == 5, timeout=10000)
    qtbot.waitUntil(lambda: all(a.isEnabled() for a in window.preset_placer.actions), timeout=10000)
    assert [kp.name for kp in window.session.project.keypoints][3:] == ["left_wrist", "alpha 2"]
    assert window.session.undo.texts() == ["Auto-place body keypoints"]
    assert "Placed 2 body keypoints" in window.statusBar().currentMessage()


def test_hands_preset_without_hands_reports_it(qtbot, window) -> None:
    window.preset_placer.place("hands")
    qtbot.waitUntil(lambda: all(a.isEnabled() for a in window.preset_placer.actions), timeout=30000)
    assert "no hand found" in window.statusBar().currentMessage()
    assert len(window.session.project.keypoints) == 3
