"""Pixel compositing shared by the writers and the renderer: alpha over a colour, motion-blur averaging."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def flatten_alpha(frame: np.ndarray, background: tuple[int, int, int] | None = None) -> np.ndarray:
    """Composite an RGBA uint8 frame over a solid ``background`` (black when None); RGB frames pass through."""
    if frame.shape[2] == 3:
        return frame
    colour = np.asarray(background or (0, 0, 0), dtype=np.uint16)
    rgb = frame[:, :, :3].astype(np.uint16)
    alpha = frame[:, :, 3:4].astype(np.uint16)
    # Exact integer "over": (c*a + bg*(255-a)) / 255, rounded.
    mixed = rgb * alpha + colour * (255 - alpha)
    return ((mixed + 127) // 255).astype(np.uint8)


def with_alpha(frame: np.ndarray) -> np.ndarray:
    """An RGBA copy of an RGB frame with full opacity; RGBA frames pass through."""
    if frame.shape[2] == 4:
        return frame
    opaque = np.full((*frame.shape[:2], 1), 255, dtype=np.uint8)
    return np.concatenate([frame, opaque], axis=2)


def average_subframes(frames: Sequence[np.ndarray]) -> np.ndarray:
    """Motion blur: the rounded mean of same-shape uint8 subframes, accumulated in float32."""
    if not frames:
        raise ValueError("average_subframes needs at least one frame")
    total = np.zeros(frames[0].shape, dtype=np.float32)
    for frame in frames:
        if frame.shape != total.shape:
            raise ValueError(f"subframe shape {frame.shape} differs from {total.shape}")
        total += frame
    return np.rint(total / len(frames)).astype(np.uint8)
