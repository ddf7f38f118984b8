"""Takes: motion recorded from a camera or video, kept beside the keyframes and bakeable into them."""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np

from studio.core.key_reduction import reduce_keys
from studio.core.tracks import Interpolation, Keyframe, Track


@dataclass(frozen=True)
class Take:
    """Per-sample keypoint channel values recorded at timestamps.

    times: float64 [T] seconds from the take's start; values: float64 [T, K, 4] (x, y, rotation,
    scale) for the keypoints in ``keypoint_ids``; valid: bool [T, K] (False = the tracker lost it).
    """

    name: str
    keypoint_ids: tuple[str, ...]
    times: np.ndarray
    values: np.ndarray
    valid: np.ndarray

    def __post_init__(self) -> None:
        t, k = len(self.times), len(self.keypoint_ids)
        if self.values.shape != (t, k, 4) or self.valid.shape != (t, k):
            raise ValueError("take arrays do not match its times and keypoints")
        if t and np.any(np.diff(self.times) < 0):
            raise ValueError("take times must not go backwards")

    @property
    def duration(self) -> float:
        """Seconds from the first to the last sample."""
        return float(self.times[-1] - self.times[0]) if len(self.times) else 0.0

    def resampled(self, fps: float) -> tuple[np.ndarray, np.ndarray]:
        """Values [F, K, 4] and validity [F, K] at ``fps`` from the first sample (linear in time)."""
        if not len(self.times):
            return np.zeros((0, len(self.keypoint_ids), 4)), np.zeros((0, len(self.keypoint_ids)), bool)
        count = int(np.floor(self.duration * fps + 1e-6)) + 1
        grid = self.times[0] + np.arange(count) / fps
        out = np.empty((count, len(self.keypoint_ids), 4))
        valid = np.empty((count, len(self.keypoint_ids)), bool)
        for k in range(len(self.keypoint_ids)):
            ok = self.valid[:, k]
            nearest = np.clip(np.searchsorted(self.times, grid), 0, len(self.times) - 1)
            valid[:, k] = ok[nearest]
            if not ok.any():
                out[:, k] = np.nan
                continue
            for c in range(4):
                out[:, k, c] = np.interp(grid, self.times[ok], self.values[ok, k, c])
        return out, valid

    def to_bytes(self) -> bytes:
        """Serialise to .npz bytes for the project file."""
        buffer = io.BytesIO()
        np.savez_compressed(buffer, times=self.times, values=self.values, valid=self.valid,
                            keypoint_ids=np.array(self.keypoint_ids, dtype=str))
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, name: str, data: bytes) -> Take:
        """Read a take written by ``to_bytes`` (ValueError if malformed)."""
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            return cls(name, tuple(str(i) for i in npz["keypoint_ids"]), npz["times"].astype(np.float64),
                       npz["values"].astype(np.float64), npz["valid"].astype(bool))


def bake_take(take: Take, fps: float, start_frame: int, end_frame: int,
              tolerance: float = 0.5) -> dict[str, Track]:
    """Tracks holding the take resampled to ``fps`` from ``start_frame``, reduced to few keys.

    Only keypoints the take saw at least once get a track; samples past ``end_frame`` are dropped.
    ``tolerance`` is the largest allowed deviation in pixels (and 0.01 rad / 0.01 scale) after reduction.
    """
    values, _ = take.resampled(fps)
    values = values[: max(0, end_frame - start_frame + 1)]
    frames = start_frame + np.arange(len(values))
    scales = np.array([1.0, 1.0, 0.01 / tolerance, 0.01 / tolerance]) if tolerance > 0 else np.ones(4)
    tracks: dict[str, Track] = {}
    for k, kp_id in enumerate(take.keypoint_ids):
        channel = values[:, k]
        if not len(channel) or np.isnan(channel).any():
            continue
        kept = reduce_keys(frames.astype(np.float64), channel / scales, tolerance)
        keys = tuple(Keyframe(int(frames[i]), tuple(float(v) for v in channel[i]), Interpolation.LINEAR)
                     for i in kept)
        tracks[kp_id] = Track(keys)
    return tracks
