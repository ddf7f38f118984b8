"""A table of per-frame channel values (a performance resampled to the project rate), sampled like tracks."""

from __future__ import annotations

import numpy as np

from studio.core.keypoints import frames_from_channels
from studio.core.project import PoseArrays


class PoseTable:
    """Channel values [F, K, 4] at frames 0..F-1, linearly interpolated between frames, held at the ends."""

    def __init__(self, values: np.ndarray, radii: np.ndarray) -> None:
        if values.ndim != 3 or values.shape[2] != 4 or not len(values):
            raise ValueError("pose table values must be a non-empty [F, K, 4] array")
        self.values = np.asarray(values, dtype=np.float64)
        self.radii = np.asarray(radii, dtype=np.float32)

    @property
    def frame_count(self) -> int:
        """Number of frames F."""
        return len(self.values)

    def sample_values(self, frames: np.ndarray | list[float] | float) -> np.ndarray:
        """Channel values [M, K, 4] at (possibly fractional) frames."""
        t = np.clip(np.atleast_1d(np.asarray(frames, dtype=np.float64)), 0, self.frame_count - 1)
        i0 = np.floor(t).astype(np.int64)
        i1 = np.minimum(i0 + 1, self.frame_count - 1)
        u = (t - i0)[:, None, None]
        return self.values[i0] * (1 - u) + self.values[i1] * u

    def sample(self, frames: np.ndarray | list[float] | float) -> PoseArrays:
        """Poses at the given frames, like Project.sample."""
        positions, jacobians = frames_from_channels(self.sample_values(frames))
        return PoseArrays(positions, jacobians, self.radii)
