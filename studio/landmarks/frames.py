"""The frame check shared by the landmark detector and the trackers: each takes RGB uint8 HxWx3."""

from __future__ import annotations

import numpy as np

from studio.core.errors import UserError


def as_rgb_uint8(image: np.ndarray) -> np.ndarray:
    """Return a contiguous HxWx3 uint8 RGB view of a grey, RGB or RGBA uint8 image (mediapipe's input)."""
    if image.dtype != np.uint8:
        raise UserError(f"the image must be 8-bit, got {image.dtype}: convert it to an 8-bit PNG or JPEG")
    if image.ndim == 2:
        image = np.repeat(image[:, :, None], 3, axis=2)
    elif image.ndim == 3 and image.shape[2] == 4:
        image = image[:, :, :3]
    if image.ndim != 3 or image.shape[2] != 3:
        raise UserError(f"the image must be grey, RGB or RGBA, got shape {image.shape}")
    return np.ascontiguousarray(image)
