"""Fixtures for the window tests: a generated test project, a started main window, thread and window leak checks."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import shiboken6
from PySide6.QtCore import QEvent
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QWidget

from studio.core.keypoints import Keypoint
from studio.core.project import Project
from studio.core.project_file import save_project
from studio.core.tracks import Keyframe, Track
from studio.media.image_io import encode_png


def flush_deletions() -> None:
    """Run pending deleteLater() now (processEvents alone leaves them), so a closed window is gone, not left to GC.

    Waits for the studio's threads first: deleting a QThread that still runs aborts the process.
    """
    from studio.ui.threads import running_threads

    for thread in running_threads():
        thread.wait(10000)
    for _ in range(3):  # deleting a widget can post further deferred deletes
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        QApplication.processEvents()


def _top_level_widgets() -> dict[int, QWidget]:
    return {shiboken6.getCppPointer(w)[0]: w for w in QApplication.topLevelWidgets()}


@pytest.fixture(autouse=True)
def _no_window_left_alive(qapp) -> Iterator[None]:
    """Fail a test after whose teardown a window, dialog or menu it created is still alive.

    Such a widget is either leaked or waiting for the cyclic GC, whose pass could land inside a Qt call and
    deadlock (docs/reliability.md). Runs after every other fixture of the test is torn down; the leftovers are
    then deleted, so one leak does not fail the following tests.
    """
    flush_deletions()
    before = set(_top_level_widgets())
    yield
    flush_deletions()
    left = [w for key, w in _top_level_widgets().items() if key not in before]
    names = sorted(f"{type(w).__name__}({w.objectName()!r})" for w in left)
    for widget in left:
        widget.hide()
        widget.deleteLater()
    flush_deletions()
    assert not names, f"test left windows, dialogs or menus alive after teardown: {names}"


@pytest.fixture(autouse=True)
def _no_thread_left_running(_no_window_left_alive: None) -> Iterator[None]:
    """Fail a test that leaves a QThread (the studio's, or the global pool's) or a Python thread running.

    Checked before the window check deletes leftovers: deleting a running QThread aborts the process.
    """
    from PySide6.QtCore import QThreadPool

    from studio.ui.threads import running_threads

    before = set(threading.enumerate())
    yield

    def leaks() -> list[object]:
        python = [t for t in threading.enumerate() if t not in before and t.is_alive()
                  and not isinstance(t, threading._DummyThread)]
        pool = QThreadPool.globalInstance().activeThreadCount()
        return [*running_threads(), *python, *([f"{pool} QThreadPool job(s)"] if pool else [])]

    deadline = time.monotonic() + 2.0
    while leaks() and time.monotonic() < deadline:
        time.sleep(0.01)
    leaked = leaks()
    for thread in running_threads():
        thread.wait(5000)
    assert not leaked, f"test left threads running: {leaked}"


def pattern_image(size: int = 96) -> np.ndarray:
    """A colourful RGB test pattern with structure everywhere (so warps change pixels)."""
    yy, xx = np.mgrid[0:size, 0:size]
    image = np.stack([(xx * 255 // size), (yy * 255 // size), ((xx ^ yy) * 4) % 256], axis=-1)
    return image.astype(np.uint8)


def make_project(size: int = 96, animated: bool = True) -> Project:
    """Three keypoints on a test pattern; the first is animated (keys at 0 and 10)."""
    project = Project(encode_png(pattern_image(size)), size, size)
    project.keypoints = [
        Keypoint("a", "alpha", "#ff6b6b", size * 0.3, size * 0.3, radius=size * 0.2),
        Keypoint("b", "beta", "#4dabf7", size * 0.7, size * 0.3, radius=size * 0.2),
        Keypoint("c", "gamma", "#69db7c", size * 0.5, size * 0.7, radius=size * 0.2),
    ]
    if animated:
        x, y = size * 0.3, size * 0.3
        project.tracks["a"] = Track((Keyframe(0, (x, y, 0.0, 1.0)), Keyframe(10, (x + 12, y + 8, 0.3, 1.2))))
    return project


@pytest.fixture
def project() -> Project:
    """A small animated test project."""
    return make_project()


@pytest.fixture
def project_file(tmp_path: Path) -> Path:
    """The test project saved to a .marionette file."""
    path = tmp_path / "shot.marionette"
    save_project(make_project(), path)
    return path


@pytest.fixture
def window(qtbot, project: Project, tmp_path: Path) -> Iterator[object]:
    """A shown, started main window on the test project (built-in generators only, CPU).

    Torn down without closeEvent, so no unsaved-changes prompt can block the test run, and deleted right away
    (not left to the cyclic GC).
    """
    from studio.plugins.api import builtin_registry
    from studio.ui.main_window import MainWindow

    project.render = project.render.with_changes(device="cpu")
    window = MainWindow(project, tmp_path / "shot.marionette", registry_factory=builtin_registry)
    window.show()
    qtbot.waitExposed(window)
    window.start()
    yield window
    window.shutdown()
    window.hide()
    window.deleteLater()
    flush_deletions()


def image_array(image: QImage) -> np.ndarray:
    """An RGB888 QImage as HxWx3 uint8."""
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    return rows[:, : image.width() * 3].reshape(image.height(), image.width(), 3).copy()


def wait_for_frame(qtbot, window, frame: int) -> None:
    """Wait until the preview shows ``frame`` from the newest request."""
    seq = window.preview_link.last_seq
    qtbot.waitUntil(lambda: window.preview.shown_seq >= seq and window.preview.shown_frame == frame,
                    timeout=30000)
