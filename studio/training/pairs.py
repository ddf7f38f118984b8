"""The training samples: a source frame and a short run of driving frames from the same clip, augmented.

Sample ``i`` depends only on (seed, i), so a resumed run sees exactly the batches it would have seen,
whatever the number of loader workers. With more than one driving frame the optical flow between
consecutive driving frames (OpenCV Farneback, after augmentation) is computed here, in the workers,
for the motion loss.
"""

from __future__ import annotations

import cv2
import numpy as np
import torch
from torch.utils.data import Dataset

from .data import Clip
from .settings import AugmentationParams


def jitter_colours(frames: np.ndarray, rng: np.random.Generator, params: AugmentationParams) -> np.ndarray:
    """The same random brightness, contrast, saturation and hue change on every frame (N x H x W x 3 uint8)."""
    out = frames.astype(np.float32) / 255
    if params.brightness > 0:
        out = out * rng.uniform(1 - params.brightness, 1 + params.brightness)
    if params.contrast > 0:
        mean = out.mean(axis=(1, 2, 3), keepdims=True)
        out = (out - mean) * rng.uniform(1 - params.contrast, 1 + params.contrast) + mean
    if params.saturation > 0:
        grey = out.mean(axis=3, keepdims=True)
        out = (out - grey) * rng.uniform(1 - params.saturation, 1 + params.saturation) + grey
    out = np.clip(out, 0, 1)
    if params.hue > 0:
        shift = rng.uniform(-params.hue, params.hue) * 360
        hsv = np.stack([cv2.cvtColor(frame, cv2.COLOR_RGB2HSV) for frame in out])
        hsv[..., 0] = (hsv[..., 0] + shift) % 360
        out = np.stack([cv2.cvtColor(frame, cv2.COLOR_HSV2RGB) for frame in hsv])
    return np.clip(out * 255 + 0.5, 0, 255).astype(np.uint8)


def driving_flow(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Farneback flow from ``first`` to ``second`` (RGB uint8) in grid units: H x W x 2, x first, where
    2 / (side - 1) is one pixel, so that first(z) ~ second(z + flow(z))."""
    a = cv2.cvtColor(first, cv2.COLOR_RGB2GRAY)
    b = cv2.cvtColor(second, cv2.COLOR_RGB2GRAY)
    flow = cv2.calcOpticalFlowFarneback(a, b, None, 0.5, 3, 9, 3, 5, 1.1, 0)
    height, width = a.shape
    return (flow * np.array([2 / (width - 1), 2 / (height - 1)], np.float32)).astype(np.float32)


def to_tensor(frames: np.ndarray) -> torch.Tensor:
    """N x H x W x 3 uint8 -> N x 3 x H x W float32 in [0, 1]."""
    return torch.from_numpy(np.ascontiguousarray(frames)).permute(0, 3, 1, 2).float().div_(255)


class PairDataset(Dataset):
    """``length`` samples of {"source": 3 x S x S, "driving": L x 3 x S x S (float32 in [0, 1]),
    "flow": (L-1) x S x S x 2 grid units}, drawn from ``clips`` with augmentation when ``augment``."""

    def __init__(self, clips: list[Clip], length: int, seed: int, clip_length: int,
                 augmentation: AugmentationParams | None, with_flow: bool):
        if not clips:
            raise ValueError("PairDataset needs at least one clip")
        self.clips = clips
        self.length = length
        self.seed = seed
        self.clip_length = clip_length
        self.augmentation = augmentation
        self.with_flow = with_flow

    def __len__(self) -> int:
        return self.length

    def frames(self, index: int) -> tuple[np.ndarray, np.ndarray]:
        """(source H x W x 3, driving L x H x W x 3) uint8 of sample ``index``, augmented."""
        rng = np.random.default_rng([self.seed, index])
        clip = self.clips[int(rng.integers(len(self.clips)))].frames
        count = len(clip)
        if self.augmentation is not None and self.augmentation.time_flip and rng.random() < 0.5:
            clip = clip[::-1]
        length = min(self.clip_length, count)
        source = int(rng.integers(count))
        start = int(rng.integers(count - length + 1))
        picked = np.concatenate([clip[source:source + 1], clip[start:start + length]])
        if length < self.clip_length:
            picked = np.concatenate([picked, np.repeat(picked[-1:], self.clip_length - length, axis=0)])
        if self.augmentation is not None:
            if self.augmentation.horizontal_flip and rng.random() < 0.5:
                picked = picked[:, :, ::-1]
            picked = jitter_colours(picked, rng, self.augmentation)
        return np.ascontiguousarray(picked[0]), np.ascontiguousarray(picked[1:])

    def __getitem__(self, index: int) -> dict[str, torch.Tensor]:
        source, driving = self.frames(index)
        sample = {"source": to_tensor(source[None])[0], "driving": to_tensor(driving)}
        if self.with_flow:
            flows = [driving_flow(driving[t], driving[t + 1]) for t in range(len(driving) - 1)]
            sample["flow"] = torch.from_numpy(np.stack(flows))
        return sample
