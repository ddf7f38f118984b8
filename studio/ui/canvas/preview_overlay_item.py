"""Preview overlay on the canvas: the latest generated frame drawn over the source image."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap, QTransform
from PySide6.QtWidgets import QGraphicsPixmapItem

OVERLAY_Z = 1


class PreviewOverlayItem(QGraphicsPixmapItem):
    """Shows the newest preview frame stretched over the source image's rect, above it and under the handles.

    It keeps a reference to every frame it is given but converts it to a pixmap only while visible, so an
    overlay that is off costs nothing per preview frame. It never takes mouse clicks.
    """

    def __init__(self) -> None:
        super().__init__()
        self.setZValue(OVERLAY_Z)
        self.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setVisible(False)
        self._image: QImage | None = None
        self._source_size = (1, 1)

    def set_source_size(self, width: int, height: int) -> None:
        """The source image's size in scene units (image pixels); the frame is stretched to cover it."""
        self._source_size = (max(1, width), max(1, height))
        self._fit()

    def set_image(self, image: QImage | None) -> None:
        """The newest preview frame (None forgets it, e.g. when another project opens)."""
        self._image = image
        if self.isVisible() or image is None:
            self._refresh()

    def set_shown(self, shown: bool) -> None:
        """Turn the overlay on (showing the newest frame) or off."""
        self.setVisible(shown)
        if shown:
            self._refresh()

    def _refresh(self) -> None:
        self.setPixmap(QPixmap() if self._image is None else QPixmap.fromImage(self._image))
        self._fit()

    def _fit(self) -> None:
        pixmap = self.pixmap()
        if pixmap.isNull():
            self.setTransform(QTransform())
            return
        width, height = self._source_size
        self.setTransform(QTransform.fromScale(width / pixmap.width(), height / pixmap.height()))
