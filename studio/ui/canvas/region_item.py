"""The project's region on the canvas: a translucent tint over the character (View > Show Region)."""

from __future__ import annotations

from collections import OrderedDict

import numpy as np
from PySide6.QtGui import QColor, QImage, QPixmap
from PySide6.QtWidgets import QGraphicsPixmapItem

from studio.ui.images import image_from_array

REGION_Z = 2
TINT = QColor(80, 200, 255)
TINT_ALPHA = 0.4
_CACHED = 8


def decode_matte(png: bytes) -> np.ndarray:
    """A region PNG as an HxW uint8 matte (Qt's decoder; region PNGs are small grayscale images)."""
    image = QImage.fromData(png, "PNG").convertToFormat(QImage.Format.Format_Grayscale8)
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    return rows[:, : image.width()].copy()


class RegionItem(QGraphicsPixmapItem):
    """Tints the region's pixels; keeps the mattes of the last few region PNGs so undo never re-decodes.

    ``matte`` is the matte shown now (None: the project has no region).
    """

    def __init__(self) -> None:
        super().__init__()
        self.setZValue(REGION_Z)
        self.matte: np.ndarray | None = None
        self._known: OrderedDict[bytes, np.ndarray] = OrderedDict()

    def remember(self, png: bytes, matte: np.ndarray) -> None:
        """Record the matte a PNG holds (a stroke or a job made both), so showing it needs no decode."""
        self._known[png] = matte
        self._known.move_to_end(png)
        while len(self._known) > _CACHED:
            self._known.popitem(last=False)

    def show_region(self, png: bytes | None) -> None:
        """Show the region stored as ``png`` (None: no region)."""
        if not png:
            self.show_matte(None)
            return
        matte = self._known.get(png)
        if matte is None:
            matte = decode_matte(png)
            self.remember(png, matte)
        self.show_matte(matte)

    def show_matte(self, matte: np.ndarray | None) -> None:
        """Tint this matte (a stroke in progress shows its working matte)."""
        self.matte = matte
        if matte is None:
            self.setPixmap(QPixmap())
            return
        tint = np.empty((*matte.shape, 4), np.uint8)
        tint[..., 0], tint[..., 1], tint[..., 2] = TINT.red(), TINT.green(), TINT.blue()
        tint[..., 3] = (matte.astype(np.float32) * TINT_ALPHA).astype(np.uint8)
        self.setPixmap(QPixmap.fromImage(image_from_array(tint)))
