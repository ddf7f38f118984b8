"""The One Euro filter (Casiez, Roussel & Vogel, CHI 2012), vectorised, and smoothing of whole takes.

Each value is low-pass filtered with a cutoff that rises with its speed: ``fc = min_cutoff + beta * |dx/dt|``,
so a still hand stops jittering while a fast move is followed with little lag.
"""

from __future__ import annotations

import math

import numpy as np

from studio.capture.motion import TrackedMotion


def _alpha(cutoff: np.ndarray | float, dt: np.ndarray) -> np.ndarray:
    """Smoothing factor of a first-order low-pass filter at ``cutoff`` Hz for a step of ``dt`` s."""
    tau = 1.0 / (2.0 * math.pi * np.asarray(cutoff))
    return 1.0 / (1.0 + tau / dt)


def one_euro_settings(strength: float) -> tuple[float, float]:
    """(min_cutoff Hz, beta s/px) for a user strength in [0, 1]: 0 = light, 1 = heavy smoothing."""
    if not 0.0 <= strength <= 1.0:
        raise ValueError(f"smoothing strength must be in [0, 1], got {strength}")
    min_cutoff = 5.0 * 0.04**strength
    beta = 0.02 * 0.1**strength
    return min_cutoff, beta


class OneEuroFilter:
    """One Euro filter over an array of any fixed shape; each element is filtered on its own.

    NaN inputs (gaps) give NaN outputs and leave that element's state alone; an element seen for the
    first time starts from its value.
    """

    def __init__(self, min_cutoff: float = 1.0, beta: float = 0.0, d_cutoff: float = 1.0) -> None:
        if min_cutoff <= 0 or d_cutoff <= 0 or beta < 0:
            raise ValueError("One Euro cutoffs must be positive and beta non-negative")
        self.min_cutoff = min_cutoff
        self.beta = beta
        self.d_cutoff = d_cutoff
        self.reset()

    def reset(self) -> None:
        """Forget the history: the next call starts fresh."""
        self._x: np.ndarray | None = None
        self._dx: np.ndarray | None = None
        self._t: np.ndarray | None = None

    def __call__(self, x: np.ndarray, t: float) -> np.ndarray:
        """Filter one sample ``x`` taken at time ``t`` (seconds, increasing); returns float64 like x."""
        x = np.asarray(x, dtype=np.float64)
        if self._x is None:
            self._x = np.full(x.shape, np.nan)
            self._dx = np.zeros(x.shape)
            self._t = np.full(x.shape, -np.inf)
        assert self._dx is not None and self._t is not None
        if x.shape != self._x.shape:
            raise ValueError(f"One Euro filter got shape {x.shape}, expected {self._x.shape}")
        seen = ~np.isnan(x)
        fresh = seen & np.isnan(self._x)
        with np.errstate(invalid="ignore"):
            dt = np.maximum(t - self._t, 1e-6)
            dx = np.where(fresh, 0.0, (x - self._x) / dt)
            dx_hat = self._dx + _alpha(self.d_cutoff, dt) * (dx - self._dx)
            cutoff = self.min_cutoff + self.beta * np.abs(dx_hat)
            x_hat = np.where(fresh, x, self._x + _alpha(cutoff, dt) * (x - self._x))
        self._x = np.where(seen, x_hat, self._x)
        self._dx = np.where(seen, np.where(fresh, 0.0, dx_hat), self._dx)
        self._t = np.where(seen, t, self._t)
        return np.where(seen, x_hat, np.nan)


def smooth_series(times: np.ndarray, values: np.ndarray, strength: float) -> np.ndarray:
    """Run a One Euro filter set by ``strength`` along axis 0 of ``values`` [T, ...] (NaN gaps kept)."""
    out = np.array(values, dtype=np.float64)
    if strength == 0.0:
        return out
    one_euro = OneEuroFilter(*one_euro_settings(strength))
    for i in range(len(times)):
        out[i] = one_euro(out[i], float(times[i]))
    return out


def smooth_motion(motion: TrackedMotion, strength: float = 0.5) -> TrackedMotion:
    """A copy of ``motion`` with landmarks, depths and head angles smoothed; strength 0 returns it unchanged."""
    if strength == 0.0:
        return motion
    landmarks = smooth_series(motion.times, motion.landmarks, strength).astype(np.float32)
    head_rotation = motion.head_rotation
    if head_rotation is not None:
        head_rotation = smooth_series(motion.times, unwrap_known(head_rotation), strength)
    head_pose = motion.head_pose
    if head_pose is not None:
        head_pose = smooth_series(motion.times, unwrap_known(head_pose), strength)
    depth = motion.depth
    if depth is not None:
        depth = smooth_series(motion.times, depth, strength).astype(np.float32)
    return motion.with_arrays(landmarks=landmarks, head_rotation=head_rotation, head_pose=head_pose, depth=depth)


def unwrap_known(angles: np.ndarray) -> np.ndarray:
    """Angles [T] or [T, C] unwrapped along time over their known (non-NaN) samples; NaN stays NaN."""
    out = np.array(angles, dtype=np.float64)
    columns = out.reshape(len(out), -1)
    for c in range(columns.shape[1]):
        known = ~np.isnan(columns[:, c])
        columns[known, c] = np.unwrap(columns[known, c])
    return columns.reshape(out.shape)
