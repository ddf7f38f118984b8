"""Small synthetic scenes for the mesh tests: a textured blob with pins, and exact rigid motions of it."""

from __future__ import annotations

import cv2
import numpy as np

from studio.engine.contract import Motion


def blob(size: int = 160, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(RGBA sprite, RGB background, matte): a smooth textured ellipse with a soft edge, and a texture behind."""
    rng = np.random.default_rng(seed)
    matte = np.zeros((size, size), np.uint8)
    cv2.ellipse(matte, (size // 2, size // 2), (size // 5, size // 4), 0, 0, 360, 255, -1)
    matte = cv2.GaussianBlur(matte, (0, 0), 0.8)
    colour = cv2.GaussianBlur(rng.uniform(0, 255, (size, size, 3)).astype(np.float32), (0, 0), 2.0)
    colour = np.clip((colour - colour.mean()) * 4 + 128, 0, 255).astype(np.uint8)
    background = cv2.GaussianBlur(rng.uniform(0, 255, (size, size, 3)).astype(np.float32), (0, 0), 3.0)
    background = np.clip((background - background.mean()) * 4 + 128, 0, 255).astype(np.uint8)
    return np.dstack([colour, matte]), background, matte


def pins(matte: np.ndarray, count: int = 7, seed: int = 1) -> np.ndarray:
    """``count`` pin positions [K, 2] well inside the matte."""
    inner = cv2.erode((matte > 127).astype(np.uint8), np.ones((9, 9), np.uint8))
    ys, xs = np.nonzero(inner)
    pick = np.random.default_rng(seed).choice(len(xs), count, replace=False)
    return np.column_stack([xs[pick], ys[pick]]).astype(np.float64) + 0.5


def rigid_matrix(size: int, degrees: float, shift: tuple[float, float]) -> np.ndarray:
    """A 2x3 forward rigid motion about the image centre, on contract (pixel-corner) coordinates."""
    angle = np.deg2rad(degrees)
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    centre = np.full(2, size / 2.0)
    return np.hstack([rotation, (centre + np.array(shift) - rotation @ centre)[:, None]])


def moved_exactly(image: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    """``image`` (float32 working copy, RGBA premultiplied) moved exactly by ``matrix`` with bilinear sampling."""
    index = matrix.copy()
    index[:, 2] += matrix[:, :2] @ [0.5, 0.5] - 0.5
    work = image.astype(np.float32)
    if work.shape[2] == 4:
        work[..., :3] *= work[..., 3:] / 255.0
    return cv2.warpAffine(work, index, (image.shape[1], image.shape[0]), flags=cv2.INTER_LINEAR)


def motion(positions: np.ndarray, jacobians: np.ndarray | None = None) -> Motion:
    """A Motion with identity jacobians unless given."""
    if jacobians is None:
        jacobians = np.tile(np.eye(2), (len(positions), 1, 1))
    return Motion(np.asarray(positions, np.float32), np.asarray(jacobians, np.float32))


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    """PSNR in dB on a 0..255 scale."""
    mse = float(np.mean((np.asarray(a, np.float64) - np.asarray(b, np.float64)) ** 2))
    return 100.0 if mse < 1e-10 else 10.0 * np.log10(255.0**2 / mse)
