"""Pictures of a training run: sample grids (source | driving | prediction | keypoints) and the loss curve.

matplotlib is imported lazily and drawn through its Agg canvas directly, so no global backend is set.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from studio.media.image_io import save_image

PALETTE = np.array([(230, 25, 75), (60, 180, 75), (255, 225, 25), (0, 130, 200), (245, 130, 48), (145, 30, 180),
                    (70, 240, 240), (240, 50, 230), (210, 245, 60), (250, 190, 212)], dtype=np.uint8)


def to_pixels(points: np.ndarray, size: int) -> np.ndarray:
    """K x 2 grid coordinates ([-1, 1], -1 and 1 at the outer pixel centres) -> pixel positions."""
    return (points + 1) * (size - 1) / 2


def draw_keypoints(image: np.ndarray, points: np.ndarray, filled: bool = True) -> np.ndarray:
    """A copy of an H x W x 3 uint8 image with K keypoints (grid coordinates) drawn as coloured dots."""
    out = image.copy()
    radius = max(1, image.shape[0] // 48)
    for index, (x, y) in enumerate(to_pixels(points, image.shape[0])):
        colour = tuple(int(c) for c in PALETTE[index % len(PALETTE)])
        cv2.circle(out, (round(float(x)), round(float(y))), radius, colour, -1 if filled else 1, cv2.LINE_AA)
    return out


def motion_panel(driving: np.ndarray, kp_source: np.ndarray, kp_driving: np.ndarray) -> np.ndarray:
    """The keypoint panel: a dimmed driving frame with a line from each source keypoint to its driving one."""
    out = np.ascontiguousarray(driving.astype(np.float32) * 0.4 + 60).astype(np.uint8)
    size = driving.shape[0]
    for index, (a, b) in enumerate(zip(to_pixels(kp_source, size), to_pixels(kp_driving, size), strict=True)):
        colour = tuple(int(c) for c in PALETTE[index % len(PALETTE)])
        start, end = (round(float(a[0])), round(float(a[1]))), (round(float(b[0])), round(float(b[1])))
        cv2.line(out, start, end, colour, 1, cv2.LINE_AA)
    return draw_keypoints(draw_keypoints(out, kp_source, filled=False), kp_driving)


def enlarge(frames: np.ndarray, side: int) -> np.ndarray:
    """N x S x S x 3 frames scaled up by a whole factor (nearest) to at least ``side`` pixels, so small
    training frames stay readable in the sample grids."""
    factor = max(1, -(-side // frames.shape[1]))
    if factor == 1:
        return frames
    return np.ascontiguousarray(frames.repeat(factor, axis=1).repeat(factor, axis=2))


def sample_grid(source: np.ndarray, driving: np.ndarray, prediction: np.ndarray, kp_source: np.ndarray,
                kp_driving: np.ndarray, min_side: int = 128) -> np.ndarray:
    """Rows of source | driving | prediction | keypoints for N samples, panels at least ``min_side`` pixels.

    source, driving, prediction: N x S x S x 3 uint8; kp_*: N x K x 2 grid coordinates.
    """
    source, driving, prediction = (enlarge(frames, min_side) for frames in (source, driving, prediction))
    rows = []
    for i in range(len(source)):
        rows.append(np.concatenate([draw_keypoints(source[i], kp_source[i]), draw_keypoints(driving[i], kp_driving[i]),
                                    prediction[i], motion_panel(driving[i], kp_source[i], kp_driving[i])], axis=1))
    return np.concatenate(rows, axis=0)


def save_sample_grid(path: Path, grid: np.ndarray) -> None:
    """Write a sample grid as PNG (atomically)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    save_image(path, grid)


def save_curves(path: Path, curves: dict[str, tuple[list[float], list[float]]], title: str,
                ylabel: str = "loss", log_scale: bool = True) -> None:
    """Plot one line per named (steps, values) series into a PNG (matplotlib Agg, imported here)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7, 4), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot(1, 1, 1)
    for name, (steps, values) in curves.items():
        axes.plot(steps[:len(values)], values, label=name, linewidth=1.2, marker="o" if len(values) < 3 else None)
    if log_scale and all(v > 0 for _, values in curves.values() for v in values):
        axes.set_yscale("log")
    axes.set_xlabel("step")
    axes.set_ylabel(ylabel)
    axes.set_title(title)
    if curves:
        axes.legend(fontsize=8)
    axes.grid(alpha=0.3)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)
