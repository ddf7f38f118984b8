"""Tiny synthetic training footage: textured backgrounds with shapes that move, rotate and scale."""

from __future__ import annotations

from pathlib import Path

import av
import cv2
import numpy as np


def make_clip(seed: int, frames: int = 8, size: int = 32) -> np.ndarray:
    """T x size x size x 3 uint8: a smooth random texture with a coloured ellipse and square moving over it."""
    rng = np.random.default_rng(seed)
    texture = cv2.GaussianBlur(rng.integers(0, 255, (size, size, 3), dtype=np.uint8), (0, 0), size / 16)
    colour_a = tuple(int(c) for c in rng.integers(40, 255, 3))
    colour_b = tuple(int(c) for c in rng.integers(40, 255, 3))
    start = rng.uniform(0.3, 0.7, 2) * size
    velocity = rng.uniform(-1.0, 1.0, 2) * size / 40
    out = []
    for t in range(frames):
        frame = texture.copy()
        centre = start + velocity * t
        axes = (size * (0.18 + 0.02 * np.sin(t / 2)), size * 0.1)
        cv2.ellipse(frame, (round(centre[0]), round(centre[1])), (round(axes[0]), round(axes[1])), 15.0 * t, 0, 360,
                    colour_a, -1, cv2.LINE_AA)
        box = cv2.boxPoints(((size - centre[0], size - centre[1]), (size * 0.2, size * 0.2), -10.0 * t))
        cv2.fillPoly(frame, [np.round(box).astype(np.int32)], colour_b, cv2.LINE_AA)
        out.append(frame)
    return np.stack(out)


def write_frame_folder(folder: Path, frames: np.ndarray) -> Path:
    """Write frames as numbered PNGs in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for index, frame in enumerate(frames):
        cv2.imwrite(str(folder / f"frame{index:03d}.png"), cv2.cvtColor(frame, cv2.COLOR_RGB2BGR))
    return folder


def write_video(path: Path, frames: np.ndarray, fps: int = 10) -> Path:
    """Write frames as a lossless-ish H.264 MP4 with PyAV."""
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height = frames.shape[2], frames.shape[1]
        stream.pix_fmt = "yuv444p"
        stream.options = {"crf": "0"}
        for frame in frames:
            for packet in stream.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


def make_dataset(root: Path, clips: int = 4, frames: int = 8, size: int = 32, video: bool = False) -> Path:
    """A data folder of ``clips`` frame folders (the first as an MP4 when ``video``)."""
    root.mkdir(parents=True, exist_ok=True)
    for index in range(clips):
        data = make_clip(index, frames, size)
        if video and index == 0:
            write_video(root / f"clip{index}.mp4", data)
        else:
            write_frame_folder(root / f"clip{index}", data)
    return root


TINY_MODEL = {
    "common_params": {"num_kp": 4, "num_channels": 3, "estimate_jacobian": True},
    "kp_detector_params": {"temperature": 0.1, "block_expansion": 8, "max_features": 32, "scale_factor": 1.0,
                           "num_blocks": 3},
    "generator_params": {"block_expansion": 8, "max_features": 32, "num_down_blocks": 2, "num_bottleneck_blocks": 1,
                         "estimate_occlusion_map": True,
                         "dense_motion_params": {"block_expansion": 8, "max_features": 32, "num_blocks": 3,
                                                 "scale_factor": 1.0}},
}


def tiny_config(size: int = 32, steps: int = 10, **train: object) -> dict:
    """A tiny training config document (seconds per dozen steps on a CPU)."""
    train_params = {"num_steps": steps, "batch_size": 4, "num_workers": 0, "log_freq": 1, "sample_freq": 1000,
                    "checkpoint_freq": 1000, "scales": [1, 0.5], **train}
    return {"dataset_params": {"frame_shape": [size, size, 3], "held_out": 0.25},
            "model_params": TINY_MODEL, "train_params": train_params,
            "discriminator_params": {"num_blocks": 2, "block_expansion": 8, "max_features": 32}}
