"""numpy frames to Qt images, shared by every panel that shows pixels."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QImage


def image_from_array(image: np.ndarray) -> QImage:
    """A QImage holding its own copy of an HxWx3 RGB or HxWx4 RGBA uint8 array."""
    image = np.ascontiguousarray(image)
    height, width, channels = image.shape
    fmt = QImage.Format.Format_RGBA8888 if channels == 4 else QImage.Format.Format_RGB888
    return QImage(image.data, width, height, width * channels, fmt).copy()
