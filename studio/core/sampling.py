"""Vectorised sampling of every track at once: frames -> channel values [M, K, 4].

All tracks are packed into flat arrays once; a query is one ``searchsorted`` over (track, time)
pairs, so sampling costs no Python loop per keypoint or per frame.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from studio.core.tracks import CHANNELS, Interpolation, Track

_HOLD, _LINEAR, _SMOOTH = 0, 1, 2
MIN_SCALE = 1e-3
_CODES = {Interpolation.HOLD: _HOLD, Interpolation.LINEAR: _LINEAR, Interpolation.SMOOTH: _SMOOTH}


def resolved_tangents(track: Track) -> tuple[np.ndarray, np.ndarray]:
    """In and out slopes [n, 4] for every key, filling automatic ones (Catmull-Rom, flat at the ends)."""
    n = len(track)
    frames = np.array([k.frame for k in track.keys], dtype=np.float64)
    values = np.array([k.values for k in track.keys], dtype=np.float64).reshape(n, len(CHANNELS))
    auto = np.zeros_like(values)
    if n >= 3:
        auto[1:-1] = (values[2:] - values[:-2]) / (frames[2:] - frames[:-2])[:, None]
    tin = auto.copy()
    tout = auto.copy()
    for i, key in enumerate(track.keys):
        if key.in_tangent is not None:
            tin[i] = key.in_tangent
        if key.out_tangent is not None:
            tout[i] = key.out_tangent
    return tin, tout


class MotionSampler:
    """Samples K tracks (plus rest values for keypoints without keys) at any frames, vectorised."""

    def __init__(self, tracks: Sequence[Track], rest_values: np.ndarray) -> None:
        self.rest = np.asarray(rest_values, dtype=np.float64).reshape(len(tracks), len(CHANNELS))
        counts = np.array([len(t) for t in tracks], dtype=np.int64)
        self.count = counts
        self.start = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
        total = int(counts.sum())
        self.frames = np.zeros(total, np.float64)
        self.values = np.zeros((total, len(CHANNELS)), np.float64)
        self.interp = np.zeros(total, np.int64)
        self.tin = np.zeros((total, len(CHANNELS)), np.float64)
        self.tout = np.zeros((total, len(CHANNELS)), np.float64)
        for k, track in enumerate(tracks):
            if not len(track):
                continue
            s = slice(self.start[k], self.start[k] + counts[k])
            self.frames[s] = [key.frame for key in track.keys]
            self.values[s] = [key.values for key in track.keys]
            self.interp[s] = [_CODES[key.interpolation] for key in track.keys]
            self.tin[s], self.tout[s] = resolved_tangents(track)
        if total:
            self._lo = float(self.frames.min()) - 1.0
            self._span = float(self.frames.max()) - self._lo + 2.0
        else:
            self._lo, self._span = 0.0, 1.0
        track_index = np.repeat(np.arange(len(tracks)), counts)
        self._packed = track_index * self._span + (self.frames - self._lo)

    def sample(self, frames: Sequence[float] | np.ndarray | float) -> np.ndarray:
        """Channel values [M, K, 4] (x, y, rotation, scale) at each of M (possibly fractional) frames."""
        t = np.atleast_1d(np.asarray(frames, dtype=np.float64))
        k_count = len(self.count)
        out = np.broadcast_to(self.rest, (t.size, k_count, len(CHANNELS))).copy()
        if not self._packed.size or not t.size:
            return out
        keyed = np.nonzero(self.count > 0)[0]
        tk = np.clip(t, self._lo + 0.5, self._lo + self._span - 0.5)
        query = keyed[None, :] * self._span + (tk[:, None] - self._lo)
        first = self.start[keyed][None, :]
        last = first + self.count[keyed][None, :] - 1
        i0 = np.clip(np.searchsorted(self._packed, query, side="right") - 1, first, last)
        i1 = np.minimum(i0 + 1, last)
        f0 = self.frames[i0]
        f1 = self.frames[i1]
        v0 = self.values[i0]
        v1 = self.values[i1]
        span = np.where(i1 > i0, f1 - f0, 1.0)
        u = np.clip((t[:, None] - f0) / span, 0.0, 1.0)
        u = np.where(i1 > i0, u, 0.0)[..., None]
        code = self.interp[i0][..., None]
        linear = v0 + u * (v1 - v0)
        h = span[..., None]
        m0 = self.tout[i0] * h
        m1 = self.tin[i1] * h
        u2 = u * u
        u3 = u2 * u
        smooth = ((2 * u3 - 3 * u2 + 1) * v0 + (u3 - 2 * u2 + u) * m0
                  + (-2 * u3 + 3 * u2) * v1 + (u3 - u2) * m1)
        result = np.where(code == _HOLD, v0, np.where(code == _LINEAR, linear, smooth))
        result[..., 3] = np.maximum(result[..., 3], MIN_SCALE)  # a Bezier overshoot must not flip or collapse a frame
        out[:, keyed] = result
        return out
