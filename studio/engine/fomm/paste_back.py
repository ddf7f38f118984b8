"""Paste back: run the model on a square crop of a large source and blend the result into the full image."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import cv2
import numpy as np

from studio.core.errors import UserError
from studio.landmarks import face_mesh

Box = tuple[int, int, int, int]


def square_box(box: Sequence[float], width: int, height: int) -> Box:
    """The square (x, y, side, side) centred on ``box`` (x, y, w, h), as big as its longer side, inside the image."""
    if len(box) != 4:
        raise UserError(f"crop must be (x, y, width, height), got {tuple(box)!r}")
    x, y, w, h = (float(v) for v in box)
    if not (w > 0 and h > 0 and np.isfinite([x, y, w, h]).all()):
        raise UserError(f"crop must have a positive width and height, got {tuple(box)!r}")
    side = round(min(max(w, h), width, height))
    cx, cy = x + w / 2, y + h / 2
    left = round(min(max(cx - side / 2, 0), width - side))
    top = round(min(max(cy - side / 2, 0), height - side))
    return (left, top, side, side)


def face_box(landmarks: np.ndarray, width: int, height: int, margin: float) -> Box:
    """A square crop around face landmarks ([N, 2+] pixels), grown by ``margin`` of the face size on each side."""
    points = np.asarray(landmarks, dtype=np.float64)[:, :2]
    low, high = points.min(axis=0), points.max(axis=0)
    size = float(max(high - low)) * (1 + 2 * margin)
    centre = (low + high) / 2
    return square_box((centre[0] - size / 2, centre[1] - size / 2, size, size), width, height)


def detect_face_box(image: np.ndarray, margin: float,
                    landmarks: Callable[[np.ndarray], np.ndarray | None] | None = None) -> Box | None:
    """The face crop of an RGB image via mediapipe face-mesh landmarks, or None when there is no face."""
    found = (landmarks or face_mesh.detect_face_landmarks)(image)
    if found is None:
        return None
    return face_box(found, image.shape[1], image.shape[0], margin)


def feather_mask(box: Box, width: int, height: int, feather: int) -> np.ndarray:
    """Blend weights [side, side] float32: 1 inside, falling smoothly to 0 over ``feather`` px at the crop's
    edges, except where the crop touches the image border (there the crop is used to the edge)."""
    x, y, w, h = box
    feather = max(0, min(feather, w // 2, h // 2))

    def ramp(n: int, open_start: bool, open_end: bool) -> np.ndarray:
        weights = np.ones(n, np.float32)
        if feather > 0:
            t = (np.arange(feather, dtype=np.float32) + 0.5) / feather
            edge = t * t * (3 - 2 * t)
            if not open_start:
                weights[:feather] = edge
            if not open_end:
                weights[n - feather:] = edge[::-1]
        return weights

    cols = ramp(w, x == 0, x + w == width)
    rows = ramp(h, y == 0, y + h == height)
    return rows[:, None] * cols[None, :]


def paste(source: np.ndarray, patch: np.ndarray, box: Box, mask: np.ndarray) -> np.ndarray:
    """``source`` with ``patch`` (resized to the box) blended in by ``mask``; pixels outside the box are untouched."""
    x, y, w, h = box
    if patch.shape[:2] != (h, w):
        patch = cv2.resize(patch, (w, h), interpolation=cv2.INTER_CUBIC if w > patch.shape[1] else cv2.INTER_AREA)
    out = source.copy()
    region = source[y:y + h, x:x + w].astype(np.float32)
    weight = mask[:, :, None]
    channels = patch.shape[2]
    blended = weight * patch.astype(np.float32) + (1 - weight) * region[:, :, :channels]
    out[y:y + h, x:x + w, :channels] = np.clip(np.rint(blended), 0, 255).astype(np.uint8)
    return out
