"""Help > About: the app's version and what it runs on (Qt, torch, the device), for users and bug reports.

Versions come from package metadata, so nothing heavy is imported. The device is named only when torch is
already loaded (the preview worker imports it after start-up); otherwise the dialog says it is not chosen
yet rather than block the GUI thread importing torch.
"""

from __future__ import annotations

import platform
import sys

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from studio.version import APP_TITLE, app_version, library_versions

NOT_LOADED = "not chosen yet (the preview has not started)"


def device_text() -> str:
    """The engine's automatic device when torch is loaded, else a note that it is not chosen yet."""
    if "torch" not in sys.modules:
        return NOT_LOADED
    from studio.engine.device import describe_device, resolve_device

    return describe_device(resolve_device("auto"))


def about_lines() -> list[str]:
    """The dialog's lines: one per library, then Python, the platform and the device."""
    versions = library_versions()
    versions.pop(APP_TITLE, None)
    lines = [f"{name}: {version}" for name, version in versions.items()]
    lines += [f"Python: {platform.python_version()}", f"Platform: {platform.platform(terse=True)}",
              f"Device: {device_text()}"]
    return lines


class AboutDialog(QDialog):
    """A small dialog with the version and the environment, selectable so it can be pasted into a report."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"About {APP_TITLE}")
        layout = QVBoxLayout(self)
        self.title = QLabel(f"<h2>{APP_TITLE} {app_version()}</h2>"
                            "<p>Pin keypoints on a still image and bring it to life.</p>")
        self.details = QLabel("\n".join(about_lines()))
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(self.title)
        layout.addWidget(self.details)
        layout.addWidget(buttons)
