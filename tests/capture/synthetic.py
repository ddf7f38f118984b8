"""Synthetic takes for capture tests: textures moved by known transforms, written as frame folders or videos."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import av
import cv2
import numpy as np


def smooth_texture(height: int, width: int, seed: int = 0) -> np.ndarray:
    """A blurred-noise RGB uint8 texture with detail at every scale (good for optical flow)."""
    rng = np.random.default_rng(seed)
    noise = rng.random((height, width)).astype(np.float32)
    texture = sum(cv2.GaussianBlur(noise, (0, 0), sigma) * sigma for sigma in (1.5, 4.0, 10.0))
    texture = (texture - texture.min()) / (texture.max() - texture.min()) * 255
    return np.repeat(texture.astype(np.uint8)[:, :, None], 3, axis=2)


def affine_frames(image: np.ndarray, matrices: Sequence[np.ndarray], size: tuple[int, int]) -> list[np.ndarray]:
    """``image`` warped by each 2x3 matrix (source -> frame pixels) into frames of size (width, height)."""
    return [
        cv2.warpAffine(image, m.astype(np.float64), size, flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REFLECT)
        for m in matrices
    ]


def write_folder(frames: Sequence[np.ndarray], folder: Path) -> Path:
    """Frames as lossless PNGs named frame_0000.png, ... in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for i, frame in enumerate(frames):
        cv2.imwrite(str(folder / f"frame_{i:04d}.png"), cv2.cvtColor(frame, cv2.COLOR_RGB2BGR))
    return folder


def write_video(frames: Sequence[np.ndarray], path: Path, fps: int = 25) -> Path:
    """Frames as an H.264 MP4 (PyAV)."""
    height, width = frames[0].shape[:2]
    with av.open(str(path), mode="w") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        for frame in frames:
            container.mux(stream.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")))
        container.mux(stream.encode())
    return path


def translation(dx: float, dy: float) -> np.ndarray:
    """2x3 matrix of a shift."""
    return np.array([[1.0, 0.0, dx], [0.0, 1.0, dy]])


def rotation_about(center: tuple[float, float], angle: float, shift: tuple[float, float] = (0, 0)) -> np.ndarray:
    """2x3 matrix turning by ``angle`` rad (clockwise on screen, +x towards +y) about ``center``, then shifting."""
    c, s = np.cos(angle), np.sin(angle)
    r = np.array([[c, -s], [s, c]])
    center_v = np.asarray(center, dtype=np.float64)
    return np.hstack([r, (center_v - r @ center_v + np.asarray(shift))[:, None]])


def apply(matrix: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Points [P, 2] moved by a 2x3 matrix."""
    return points @ matrix[:, :2].T + matrix[:, 2]
