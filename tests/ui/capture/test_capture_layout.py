"""The Capture dock's layout: a roomy tab beside the timeline, labels that fit, no scrolling, a large countdown."""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtWidgets import QAbstractButton, QDockWidget, QLabel, QScrollArea, QTabBar, QToolButton, QWidget

from studio.ui.capture.capture_source import SourceChoice


def _current_tab(window) -> str:
    bars = [bar for bar in window.findChildren(QTabBar) if "Capture" in [bar.tabText(i) for i in range(bar.count())]]
    assert len(bars) == 1, "the Capture dock is a tab in the bottom dock area"
    return bars[0].tabText(bars[0].currentIndex())


def _show_capture_tab(qtbot, panel) -> None:
    panel.dock.raise_()
    qtbot.waitUntil(lambda: _current_tab(panel.window()) == "Capture", timeout=5000)
    qtbot.wait(50)


def _inside(widget: QWidget, panel: QWidget) -> bool:
    top_left = widget.mapTo(panel, widget.rect().topLeft())
    return panel.rect().contains(QRect(top_left, widget.size()))


def test_capture_is_a_floatable_tab_beside_the_timeline(qtbot, open_panel) -> None:
    panel = open_panel()
    window = panel.window()
    dock = panel.dock
    assert dock in window.tabifiedDockWidgets(window.docks[0])
    assert dock.features() & QDockWidget.DockWidgetFeature.DockWidgetFloatable
    assert _current_tab(window) == "Timeline", "the timeline stays the raised tab at start"
    assert panel.visibleRegion().isEmpty()


def test_every_label_fits_and_nothing_needs_scrolling_at_the_default_size(qtbot, open_panel) -> None:
    panel = open_panel()
    _show_capture_tab(qtbot, panel)
    assert not panel.findChildren(QScrollArea)
    cut = [(b.text(), b.sizeHint().width(), b.width()) for b in panel.findChildren(QAbstractButton)
           if b.isVisible() and b.text() and b.sizeHint().width() > b.width()]
    assert not cut, f"button labels cut at the default size: {cut}"
    performs = [b for b in panel.findChildren(QToolButton) if b.defaultAction() is not None]
    assert {b.defaultAction() for b in performs} == {panel.live_action, panel.calibrate_action, panel.record_action,
                                                    panel.stop_action}
    for widget in (*performs, panel.auto_button, panel.keypoint_points_button, panel.bake_button,
                   panel.status_label, panel.take_list, panel.bindings, panel.source_view):
        assert not widget.visibleRegion().isEmpty() and _inside(widget, panel), widget
    labels = [label for label in panel.findChildren(QLabel) if label.isVisible() and label.text()]
    assert all(label.sizeHint().width() <= label.width() or label.wordWrap() for label in labels
               if label is not panel.source_label)


def test_the_countdown_is_large_over_the_preview(qtbot, open_panel, shifted_video) -> None:
    panel = open_panel()
    window = panel.window()
    panel.countdown_seconds = 3
    panel.auto_bind()
    panel.set_source(SourceChoice(path=shifted_video))
    panel.record()
    overlay = panel.countdown
    assert overlay.parentWidget() is window.preview
    qtbot.waitUntil(overlay.isVisible, timeout=2000)
    assert overlay.text == "3" and overlay.geometry() == window.preview.rect()
    assert overlay.digit_pixel_size() >= 100
    panel.countdown_timer.timeout.emit()
    assert overlay.text == "2" and overlay.isVisible()
    panel.stop()
    assert not overlay.isVisible() and overlay.text == ""
