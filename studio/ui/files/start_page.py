"""The start page shown when no project is open, and the blank project that stands in until then."""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt, Signal
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from studio.core.project import Project


def blank_project() -> Project:
    """A 16x16 dark placeholder project (the session always holds a project; the start page hides it)."""
    image = QImage(16, 16, QImage.Format.Format_RGB888)
    image.fill(QColor("#202226"))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return Project(bytes(data.data()), 16, 16)


class StartPage(QWidget):
    """Big buttons for the first step: a new project from an image, or an existing project."""

    new_requested = Signal()
    open_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("startPage")
        layout = QVBoxLayout(self)
        layout.setAlignment(Qt.AlignmentFlag.AlignCenter)
        title = QLabel("Marionette Studio")
        title.setObjectName("startTitle")
        hint = QLabel("Bring a still image to life: pin keypoints on it and move them over time.\n"
                      "Drop an image here or start below.")
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        new_button = QPushButton("New from image…")
        new_button.setObjectName("primaryButton")
        new_button.clicked.connect(self.new_requested.emit)
        open_button = QPushButton("Open project…")
        open_button.clicked.connect(self.open_requested.emit)
        for widget in (title, hint, new_button, open_button):
            layout.addWidget(widget, 0, Qt.AlignmentFlag.AlignHCenter)
