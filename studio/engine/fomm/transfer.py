"""Motion transfer as the original demo does it: relative/absolute keypoints and the best starting frame."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

import numpy as np

from studio.core.errors import CancelledError, UserError
from studio.engine.contract import Motion
from studio.landmarks import face_mesh


def _turn(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> float:
    """z of the cross product (b - a) x (c - a): positive for a left turn."""
    return float((b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]))


def hull_area(points: np.ndarray) -> float:
    """Area of the convex hull of N x 2 points (0 for fewer than three non-collinear points)."""
    pts = np.unique(np.asarray(points, dtype=np.float64)[:, :2], axis=0)
    if len(pts) < 3:
        return 0.0

    def half(sequence: np.ndarray) -> list[np.ndarray]:
        chain: list[np.ndarray] = []
        for p in sequence:
            while len(chain) >= 2 and _turn(chain[-2], chain[-1], p) <= 0:
                chain.pop()
            chain.append(p)
        return chain[:-1]

    hull = np.array(half(pts) + half(pts[::-1]))
    x, y = hull[:, 0], hull[:, 1]
    return float(abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))) / 2)


def movement_scale(kp_source: Motion, kp_driving_initial: Motion) -> float:
    """sqrt(area(hull(source))) / sqrt(area(hull(initial driving))): how much bigger the source subject is.

    1 when either hull is degenerate (fewer than three non-collinear keypoints).
    """
    source, driving = hull_area(kp_source.positions), hull_area(kp_driving_initial.positions)
    if source <= 0 or driving <= 0:
        return 1.0
    return float(np.sqrt(source) / np.sqrt(driving))


def normalize_kp(kp_source: Motion, kp_driving: Motion, kp_driving_initial: Motion, relative: bool = True,
                 adapt_scale: bool = True) -> Motion:
    """The keypoints to render the source with for one driving frame.

    Absolute: the driving keypoints as they are. Relative: s + scale * (d - d0) and J_d J_d0^-1 J_s,
    where scale is ``movement_scale`` when adapt_scale, else 1. Any coordinates, as long as all three agree.
    """
    if not relative:
        return kp_driving
    scale = movement_scale(kp_source, kp_driving_initial) if adapt_scale else 1.0
    positions = kp_source.positions + scale * (kp_driving.positions - kp_driving_initial.positions)
    return Motion(positions=positions.astype(np.float32), jacobians=relative_jacobians(
        kp_source.jacobians, kp_driving.jacobians, kp_driving_initial.jacobians), radii=kp_source.radii)


def relative_jacobians(source: np.ndarray, driving: np.ndarray, initial: np.ndarray) -> np.ndarray:
    """J_d J_d0^-1 J_s for K x 2 x 2 float32 stacks, with torch's float32 kernels so the result is the
    original implementation's to the bit (the network amplifies last-bit differences on some models)."""
    import torch

    def tensor(array: np.ndarray) -> torch.Tensor:
        return torch.from_numpy(np.ascontiguousarray(array, dtype=np.float32))

    with torch.inference_mode():
        change = torch.matmul(tensor(driving), torch.inverse(tensor(initial)))
        return torch.matmul(change, tensor(source)).numpy()


def normalized_landmarks(landmarks: np.ndarray) -> np.ndarray:
    """Face landmarks centred on their mean and divided by sqrt of their hull area (x, y only)."""
    points = np.asarray(landmarks, dtype=np.float64)[:, :2]
    points = points - points.mean(axis=0, keepdims=True)
    area = hull_area(points)
    return points / np.sqrt(area) if area > 0 else points


Landmarker = Callable[[np.ndarray], "np.ndarray | None"]


def find_best_frame(source: np.ndarray, frames: Sequence[np.ndarray], landmarks: Landmarker | None = None,
                    progress: Callable[[int, int], None] | None = None,
                    cancel: threading.Event | None = None) -> int:
    """Index of the driving frame whose face is most like the source's (normalised landmark distance).

    source, frames: RGB uint8 images. Frames without a face are skipped; 0 if none has one.
    """
    detect = landmarks or face_mesh.detect_face_landmarks
    found = detect(source)
    if found is None:
        raise UserError("no face found in the source image: --find-best-frame needs a face; drop the option")
    reference = normalized_landmarks(found)
    best, best_index = np.inf, 0
    for index, frame in enumerate(frames):
        if cancel is not None and cancel.is_set():
            raise CancelledError("finding the best frame was cancelled")
        points = detect(frame)
        if points is not None and len(points) == len(reference):
            distance = float(((normalized_landmarks(points) - reference) ** 2).sum())
            if distance < best:
                best, best_index = distance, index
        if progress is not None:
            progress(index + 1, len(frames))
    return best_index
