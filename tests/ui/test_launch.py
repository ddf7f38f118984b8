"""Start-up: the given project or the bundled sample opens; a broken path gives a message, not a crash."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QMessageBox

from studio.plugins.api import builtin_registry
from studio.ui import launch
from studio.ui.main_window import MainWindow


def make_window(qtbot) -> MainWindow:
    window = MainWindow(registry_factory=builtin_registry)
    window.show()
    qtbot.waitExposed(window)
    return window


def close_window(window: MainWindow) -> None:
    window.shutdown()
    window.hide()
    window.deleteLater()


def test_initial_project_prefers_the_argument_then_the_sample(tmp_path, monkeypatch) -> None:
    given = tmp_path / "mine.marionette"
    assert launch.initial_project(str(given)) == given
    monkeypatch.setattr(launch, "SAMPLE_PROJECT", tmp_path / "absent.marionette")
    assert launch.initial_project(None) is None
    sample = tmp_path / "sample.marionette"
    sample.write_bytes(b"")
    monkeypatch.setattr(launch, "SAMPLE_PROJECT", sample)
    assert launch.initial_project(None) == sample


def test_broken_project_path_shows_the_reason_and_the_app_keeps_working(qtbot, tmp_path, monkeypatch) -> None:
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda parent, title, text, *a: warnings.append(text)))
    window = make_window(qtbot)
    try:
        launch.open_at_start(window, str(tmp_path / "missing.marionette"))
        qtbot.waitUntil(lambda: bool(warnings), timeout=10000)
        assert "does not exist" in warnings[0] and "\n" not in warnings[0]
        assert window.stack.currentWidget() is window.start_page
        assert window.isVisible()
        assert not window.save_action.isEnabled() and not any(d.isVisible() for d in window.docks)
    finally:
        close_window(window)


def test_bundled_sample_opens_untitled(qtbot, monkeypatch, project_file) -> None:
    monkeypatch.setattr(launch, "SAMPLE_PROJECT", project_file)
    window = make_window(qtbot)
    try:
        launch.open_at_start(window, None)
        qtbot.waitUntil(lambda: window.stack.currentWidget() is window.splitter, timeout=30000)
        assert len(window.session.project.keypoints) == 3
        assert window.save_action.isEnabled() and all(d.isVisible() for d in window.docks)
        assert window.session.path is None
    finally:
        close_window(window)


def test_theme_is_a_dark_stylesheet() -> None:
    text = launch.THEME.read_text(encoding="utf-8")
    assert "QGraphicsView#canvas" in text and "#1b1c20" in text


def test_launch_runs_the_app_and_exits_cleanly(qtbot, monkeypatch, project_file) -> None:
    from PySide6.QtWidgets import QApplication

    from studio.core.paths import autosave_dir

    seen: list[MainWindow] = []

    def run_until_loaded(app: QApplication) -> int:
        """Stands in for app.exec() (a real exec() inside pytest-qt breaks later tests' queued signals)."""

        def loaded() -> bool:
            windows = [w for w in app.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
            seen[:] = windows[:1]
            return bool(windows) and windows[0].session.path == project_file and windows[0].preview.shown_seq > 0

        qtbot.waitUntil(loaded, timeout=30000)
        return 0

    monkeypatch.setattr(QApplication, "exec", run_until_loaded)
    previous_hook = sys.excepthook
    try:
        assert launch.launch(str(project_file)) == 0
    finally:
        sys.excepthook = previous_hook
    assert seen and len(seen[0].session.project.keypoints) == 3
    assert not list(autosave_dir().glob("session-*.json"))
    seen[0].hide()
    seen[0].deleteLater()


def test_no_display_is_one_line_not_a_crash(monkeypatch, capsys) -> None:
    monkeypatch.setattr(sys, "platform", "linux")
    for name in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)
    assert launch.launch(None) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: no display") and err.count("\n") == 1


def test_the_app_has_its_icon_and_desktop_name(qapp) -> None:
    launch.apply_identity(qapp)
    assert qapp.desktopFileName() == "marionette-studio"
    icon = qapp.windowIcon()
    assert not icon.isNull()
    assert {size.width() for size in icon.availableSizes()} >= {16, 32, 48, 256}


def test_a_stuck_render_thread_ends_the_process_at_once_instead_of_aborting(monkeypatch) -> None:
    exits: list[int] = []
    monkeypatch.setattr(launch, "stuck_threads_running", lambda: True)
    monkeypatch.setattr(launch.os, "_exit", exits.append)
    launch.finish(0)
    assert exits == [0]


def test_a_clean_shutdown_returns_the_code(monkeypatch) -> None:
    monkeypatch.setattr(launch, "stuck_threads_running", lambda: False)
    assert launch.finish(3) == 3
