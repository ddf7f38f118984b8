"""Help > About: version, Qt, torch and the device, without importing torch on the GUI thread."""

from __future__ import annotations

import sys

from studio.ui import about
from studio.ui.about import AboutDialog
from studio.version import app_version


def test_about_names_the_version_and_the_libraries(qtbot):
    dialog = AboutDialog()
    qtbot.addWidget(dialog)
    text = dialog.details.text()
    assert f"Marionette Studio {app_version()}" in dialog.title.text()
    for label in ("Qt:", "torch:", "mediapipe:", "numpy:", "Python:", "Device:"):
        assert label in text


def test_the_device_is_not_computed_before_torch_is_loaded(monkeypatch):
    monkeypatch.delitem(sys.modules, "torch", raising=False)
    assert about.device_text() == about.NOT_LOADED
    assert "torch" not in sys.modules


def test_the_device_is_named_once_torch_is_loaded():
    import torch  # noqa: F401 - loaded as the preview worker does

    assert about.device_text().startswith(("CPU", "CUDA", "MPS"))
