"""The project's region on the canvas: a translucent tint over the character (View > Show Region)."""

from __future__ import annotations

from collections import OrderedDict

import numpy as np
from PySide6.QtGui import QColor, QImage, QPixmap
from PySide6.QtWidgets import QGraphicsPixmapItem

from studio.core.errors import UserError
from studio.ui.images import image_from_array
from studio.ui.threads import JobGroup

REGION_Z = 2
TINT = QColor(80, 200, 255)
TINT_ALPHA = 0.4
_CACHED = 8


def decode_matte(png: bytes) -> np.ndarray:
    """A region PNG as an HxW uint8 matte (Qt's decoder; region PNGs are small grayscale images)."""
    image = QImage.fromData(png, "PNG")
    if image.isNull():
        raise UserError("the project's region could not be decoded: draw it again or clear it")
    image = image.convertToFormat(QImage.Format.Format_Grayscale8)
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    return rows[:, : image.width()].copy()


class RegionItem(QGraphicsPixmapItem):
    """Tints the region's pixels; keeps the mattes of the last few region PNGs so undo never re-decodes.

    A PNG not seen before is decoded on a job, off the GUI thread. ``matte`` is the matte shown now (None: the
    project has no region, or its decode has not arrived: ``current_matte()`` waits for none).
    """

    def __init__(self) -> None:
        super().__init__()
        self.setZValue(REGION_Z)
        self.matte: np.ndarray | None = None
        self._known: OrderedDict[bytes, np.ndarray] = OrderedDict()
        self._pending: bytes | None = None
        self._jobs = JobGroup()

    def remember(self, png: bytes, matte: np.ndarray) -> None:
        """Record the matte a PNG holds (a stroke or a job made both), so showing it needs no decode."""
        self._known[png] = matte
        self._known.move_to_end(png)
        while len(self._known) > _CACHED:
            self._known.popitem(last=False)

    def show_region(self, png: bytes | None) -> None:
        """Show the region stored as ``png`` (None: no region); a new PNG shows when its decode arrives."""
        self._pending = None
        matte = self._known.get(png) if png else None
        if not png or matte is not None:
            self.show_matte(matte)
            return
        self._pending = png
        self.show_matte(None)
        self._jobs.start(lambda: decode_matte(png), lambda decoded: self._decoded(png, decoded),
                         lambda _reason: self._undecodable(png))

    def current_matte(self) -> np.ndarray | None:
        """The matte of the region shown, decoded here if its job has not delivered it yet (a stroke needs it)."""
        png = self._pending
        if png is not None:
            try:
                self._decoded(png, decode_matte(png))
            except UserError:
                self._undecodable(png)
        return self.matte

    def shutdown(self) -> None:
        """Wait for the decodes still running (the window is closing)."""
        self._jobs.wait()

    def _undecodable(self, png: bytes) -> None:
        if png is self._pending:  # shown as no region; a stroke then starts from an empty one
            self._pending = None

    def _decoded(self, png: bytes, matte: np.ndarray) -> None:
        self.remember(png, matte)
        if png is self._pending:
            self._pending = None
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
