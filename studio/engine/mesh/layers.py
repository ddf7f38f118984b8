"""The two layers of a source with a region: the character (moves) and the background (stays still).

Prepared once per source: the character is the source premultiplied by its alpha and by the region's matte
(uint8 RGBA); the background is the source with the character's area filled by inpainting (OpenCV's Telea
method, run at a reduced size because the fill is smooth anyway, and pasted back only inside the area).
Per frame: out = character(map) + (1 - character alpha(map)) * background, premultiplied, in uint8 cv2 ops.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

INPAINT_SIDE = 256
INPAINT_RADIUS = 5
FILL_MARGIN = 3


@dataclass(frozen=True)
class Layers:
    """character, background: uint8 [H, W, 4] premultiplied; still: the background as an output frame
    (HxWx3, or HxWx4 straight alpha); opaque: the source had no alpha; whole: no matte either, so the
    whole picture moves and a frame is one remap of ``still``."""

    character: np.ndarray
    background: np.ndarray
    still: np.ndarray
    opaque: bool
    whole: bool = False


def region_matte(source: np.ndarray, region: np.ndarray | None) -> np.ndarray | None:
    """The matte that moves (HxW uint8): the region when given, else the alpha's visible part, else None."""
    if region is not None:
        return np.ascontiguousarray(region, np.uint8)
    if source.shape[2] == 4 and np.any(source[..., 3] < 255):
        return np.where(source[..., 3] > 0, 255, 0).astype(np.uint8)
    return None


def build_layers(source: np.ndarray, matte: np.ndarray | None) -> Layers:
    """The character and background layers of ``source`` (HxWx3 or 4 uint8) cut by ``matte`` (or none)."""
    opaque = source.shape[2] == 3
    rgba = cv2.cvtColor(source, cv2.COLOR_RGB2RGBA) if opaque else source
    alpha = rgba[..., 3:4].astype(np.float32) / 255.0
    weight = alpha if matte is None else alpha * (matte[..., None].astype(np.float32) / 255.0)
    character = _premultiply(rgba, weight)
    background = _premultiply(rgba if matte is None else _inpaint(rgba, matte), None)
    still = np.ascontiguousarray(background[..., :3]) if opaque else _unpremultiply(background.copy())
    return Layers(character, background, still, opaque, opaque and matte is None)


def _premultiply(rgba: np.ndarray, weight: np.ndarray | None) -> np.ndarray:
    """RGBA with colour times alpha (times ``weight`` [H, W, 1] for the character), as uint8."""
    alpha = rgba[..., 3:4].astype(np.float32) / 255.0 if weight is None else weight
    out = np.empty_like(rgba)
    out[..., :3] = np.clip(rgba[..., :3] * alpha + 0.5, 0, 255)
    out[..., 3:] = np.clip(alpha * 255.0 + 0.5, 0, 255)
    return out


def _inpaint(rgba: np.ndarray, matte: np.ndarray) -> np.ndarray:
    """The source with the matte's area (grown by a few pixels) filled from the surrounding background."""
    area = cv2.dilate((matte > 0).astype(np.uint8), np.ones((2 * FILL_MARGIN + 1,) * 2, np.uint8))
    if not area.any():
        return rgba
    height, width = area.shape
    factor = min(1.0, INPAINT_SIDE / max(height, width))
    small_size = (max(1, round(width * factor)), max(1, round(height * factor)))
    small = cv2.resize(rgba, small_size, interpolation=cv2.INTER_AREA)
    small_area = cv2.resize(area, small_size, interpolation=cv2.INTER_NEAREST)
    small_area = cv2.dilate(small_area, np.ones((3, 3), np.uint8))
    colour = cv2.inpaint(np.ascontiguousarray(small[..., :3]), small_area, INPAINT_RADIUS, cv2.INPAINT_TELEA)
    alpha = cv2.inpaint(np.ascontiguousarray(small[..., 3]), small_area, INPAINT_RADIUS, cv2.INPAINT_TELEA)
    filled = cv2.resize(np.dstack([colour, alpha]), (width, height), interpolation=cv2.INTER_LINEAR)
    return np.where(area[..., None] > 0, filled, rgba)


def compose(layers: Layers, mapping: np.ndarray | None, box: tuple[int, int, int, int] | None) -> np.ndarray:
    """The frame: the character read through ``mapping`` (float32 [h, w, 2] over ``box``) over the background.

    Outside ``box`` (x0, y0, x1, y1) the character cannot reach, so the frame is the still background there.
    """
    frame = layers.still.copy()
    if mapping is None or box is None:
        return frame
    x0, y0, x1, y1 = box
    if layers.whole:
        frame[y0:y1, x0:x1] = cv2.remap(layers.still, mapping, None, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        return frame
    moved = cv2.remap(layers.character, mapping, None, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
    behind = cv2.merge([255 - moved[..., 3]] * 4)
    out = cv2.add(moved, cv2.multiply(np.ascontiguousarray(layers.background[y0:y1, x0:x1]), behind,
                                      scale=1.0 / 255.0))
    frame[y0:y1, x0:x1] = out[..., :3] if layers.opaque else _unpremultiply(out)
    return frame


def _unpremultiply(out: np.ndarray) -> np.ndarray:
    """Straight colour from premultiplied RGBA uint8, in place; only partly transparent pixels need work."""
    flat = out.reshape(-1, 4)
    edge = np.flatnonzero((flat[:, 3] - np.uint8(1)) < 254)
    alpha = flat[edge, 3:4].astype(np.float32)
    flat[edge, :3] = np.minimum(flat[edge, :3] * (255.0 / alpha) + 0.5, 255.0).astype(np.uint8)
    return out
