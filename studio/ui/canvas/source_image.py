"""The project's source image on the canvas, decoded off the GUI thread.

A photo of several megapixels takes a noticeable fraction of a second to decode from its PNG, and opening a
project, undoing a source change or recovering after a crash must not freeze the window for it.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QGraphicsPixmapItem

from studio.core.errors import UserError
from studio.ui.threads import JobGroup


def decode_source(png: bytes) -> QImage:
    """A source PNG as a QImage (QImage may be made on any thread; only the QPixmap needs the GUI thread)."""
    image = QImage.fromData(png, "PNG")
    if image.isNull():
        raise UserError("the project's source image could not be decoded: open a saved copy or make a new project")
    return image


class SourceImage(QObject):
    """Holds the canvas item showing the source image; ``show_png`` decodes on a job and shows the newest PNG.

    ``shown()`` fires when a decoded image is on the canvas; ``failed(str)`` says why one could not be decoded.
    The item is empty while a decode runs (for the milliseconds it takes).
    """

    shown = Signal()
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.item = QGraphicsPixmapItem()
        self.item.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self.item.setZValue(0)
        self.item.setCacheMode(QGraphicsPixmapItem.CacheMode.DeviceCoordinateCache)
        self._png: bytes | None = None
        self._jobs = JobGroup()

    def show_png(self, png: bytes) -> None:
        """Show this PNG as soon as it is decoded (nothing to do when it is the one shown or being decoded)."""
        if png is self._png:
            return
        self._png = png
        self.item.setPixmap(QPixmap())
        self._jobs.start(lambda: decode_source(png), lambda image: self._decoded(png, image),
                         lambda reason: self._failed(png, reason))

    @property
    def pending(self) -> bool:
        """True while a decode runs."""
        return self._jobs.running

    def shutdown(self) -> None:
        """Wait for the decodes still running (the window is closing)."""
        self._jobs.wait()

    def _decoded(self, png: bytes, image: QImage) -> None:
        if png is self._png:  # an older project's image arriving late is dropped
            self.item.setPixmap(QPixmap.fromImage(image))
            self.shown.emit()

    def _failed(self, png: bytes, reason: str) -> None:
        if png is self._png:
            self.failed.emit(reason)
