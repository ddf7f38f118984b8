"""Region mattes as images: decode and encode the project's region PNG, fit it to a size, read one from a picture.

A matte is an HxW uint8 array: 0 is the still background, 255 the character, values between a soft edge.
"""

from __future__ import annotations

import cv2
import numpy as np

from studio.core.errors import UserError


def decode_region(png: bytes | None, size: tuple[int, int] | None = None) -> np.ndarray | None:
    """The matte in a region PNG (None for none), resized to ``size`` (W, H) when given and different."""
    if not png:
        return None
    matte = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_GRAYSCALE)
    if matte is None:
        raise UserError("the project's region image cannot be decoded: set the region again")
    return fit_region(matte, size)


def fit_region(matte: np.ndarray | None, size: tuple[int, int] | None) -> np.ndarray | None:
    """A matte resized to ``size`` (W, H) with bilinear filtering (soft edges stay soft); None stays None."""
    if matte is None or size is None or (matte.shape[1], matte.shape[0]) == tuple(size):
        return matte
    return cv2.resize(matte, (int(size[0]), int(size[1])), interpolation=cv2.INTER_LINEAR)


def encode_region(matte: np.ndarray) -> bytes:
    """A matte (HxW uint8) as lossless grayscale PNG bytes."""
    ok, data = cv2.imencode(".png", np.ascontiguousarray(matte, np.uint8))
    if not ok:
        raise UserError("the region could not be encoded as PNG")
    return data.tobytes()


def matte_from_image(image: np.ndarray) -> np.ndarray:
    """The matte an RGB(A) picture holds: its alpha when it has transparency, else its brightness."""
    if image.shape[2] == 4 and np.any(image[..., 3] < 255):
        return np.ascontiguousarray(image[..., 3])
    return cv2.cvtColor(np.ascontiguousarray(image[..., :3]), cv2.COLOR_RGB2GRAY)
