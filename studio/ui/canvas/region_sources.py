"""Where a region comes from besides strokes: a person found by mediapipe, the image's alpha, a matte file.

Each is a plain function of the project's bytes that runs on a worker thread (decoding, segmentation and
PNG encoding never touch the GUI thread) and returns the region PNG with its matte, or raises UserError.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from studio.core.errors import UserError


def _finished(matte: np.ndarray) -> tuple[bytes, np.ndarray]:
    from studio.engine.region import encode_region

    if not (matte > 127).any():
        raise UserError("the region would be empty: the matte has no white (or opaque) pixels")
    return encode_region(matte), matte


def person_region(source_png: bytes) -> tuple[bytes, np.ndarray]:
    """The person mediapipe's selfie segmentation finds on the source image."""
    from studio.capture.person_matte import person_matte
    from studio.media.image_io import decode_image

    return _finished(person_matte(decode_image(source_png, "the project's source image")))


def alpha_region(source_png: bytes) -> tuple[bytes, np.ndarray]:
    """The source image's own transparency."""
    from studio.media.image_io import decode_image

    source = decode_image(source_png, "the project's source image")
    if source.shape[2] != 4 or bool((source[..., 3] == 255).all()):
        raise UserError("the image has no transparency: draw the region, suggest a person or import a matte")
    return _finished(np.ascontiguousarray(source[..., 3]))


def matte_file_region(path: str | Path, size: tuple[int, int]) -> tuple[bytes, np.ndarray]:
    """A matte image of the project's size (W, H): its alpha when it has transparency, else its brightness."""
    from studio.engine.region import matte_from_image
    from studio.media.image_io import load_image

    matte = matte_from_image(load_image(path))
    height, width = matte.shape
    if (width, height) != tuple(size):
        raise UserError(f"the matte is {width}x{height} but the project's image is {size[0]}x{size[1]}: "
                        "give a matte of the same size")
    return _finished(matte)
