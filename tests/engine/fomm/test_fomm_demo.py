"""The classic demo pipeline: same frames as the original per-frame loop, best frame, progress, cancel."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import torch

from studio.core.errors import CancelledError, UserError
from studio.engine.fomm.demo import animate
from studio.engine.fomm.runtime import FommRuntime
from studio.engine.fomm.transfer import hull_area


def original_loop(runtime: FommRuntime, source: np.ndarray, frames: list[np.ndarray], initial: int,
                  relative: bool, adapt_scale: bool) -> list[np.ndarray]:
    """The released demo's make_animation, written against our modules: full forward every frame."""
    out = []
    with torch.inference_mode():
        src = runtime.to_tensor(source)
        kp_source = runtime.kp_detector(src)
        kp_initial = runtime.kp_detector(runtime.to_tensor(frames[initial]))
        scale = 1.0
        if adapt_scale:
            scale = np.sqrt(hull_area(kp_source["value"][0].numpy())) / np.sqrt(
                hull_area(kp_initial["value"][0].numpy()))
        for frame in frames:
            kp_driving = runtime.kp_detector(runtime.to_tensor(frame))
            kp_norm = dict(kp_driving)
            if relative:
                kp_norm["value"] = (kp_driving["value"] - kp_initial["value"]) * scale + kp_source["value"]
                kp_norm["jacobian"] = kp_driving["jacobian"] @ torch.inverse(kp_initial["jacobian"]) @ kp_source[
                    "jacobian"]
            prediction = runtime.generator(src, kp_driving=kp_norm, kp_source=kp_source)["prediction"]
            out.append((prediction[0].permute(1, 2, 0) * 255).round().clamp(0, 255).to(torch.uint8).numpy())
    return out


def driving_video(make_image: Callable, count: int = 3) -> list[np.ndarray]:
    base = make_image(64, 64, seed=11)
    return [np.roll(base, (2 * i, -3 * i), axis=(0, 1)) for i in range(count)]


@pytest.mark.parametrize(("relative", "adapt_scale"), [(True, True), (True, False), (False, False)])
def test_animate_gives_the_original_loops_frames(tiny_files: tuple[Path, Path], make_image: Callable,
                                                 relative: bool, adapt_scale: bool) -> None:
    config, checkpoint = tiny_files
    source = make_image(64, 64, seed=4)
    frames = driving_video(make_image)
    seen: list[tuple[int, int]] = []
    got = list(animate(config, checkpoint, source, frames, relative=relative, adapt_scale=adapt_scale,
                       device="cpu", progress=lambda d, t: seen.append((d, t))))
    expected = original_loop(FommRuntime(config, checkpoint, "cpu"), source, frames, 0, relative, adapt_scale)
    assert len(got) == len(frames) and seen[-1] == (3, 3)
    for ours, theirs in zip(got, expected, strict=True):
        assert ours.shape == (64, 64, 3)
        assert np.abs(ours.astype(int) - theirs).max() <= 1
    if relative:
        assert not np.array_equal(got[0], got[-1])


def test_frames_are_resized_to_the_config_frame_size(tiny_files: tuple[Path, Path], make_image: Callable) -> None:
    config, checkpoint = tiny_files
    frames = (make_image(90, 120, seed=s) for s in range(2))
    out = list(animate(config, checkpoint, make_image(200, 150), frames, device="cpu"))
    assert [f.shape for f in out] == [(64, 64, 3), (64, 64, 3)]


def test_find_best_frame_uses_the_best_frame_as_reference(tiny_files: tuple[Path, Path],
                                                          make_image: Callable) -> None:
    config, checkpoint = tiny_files
    source = make_image(64, 64, seed=4)
    frames = driving_video(make_image)
    source[0, 0, 0] = 0
    for tag, frame in enumerate(frames, start=1):
        frame[0, 0, 0] = tag  # frames are already at the frame size, so the tag survives
    face = np.array([[0, 0], [4, 0], [4, 6], [0, 6]], np.float32)
    faces = {0: face, 1: face * [1, 0.4], 2: face * 3 + 9, 3: face * [0.5, 1]}

    def landmarks(image: np.ndarray) -> np.ndarray:
        return np.asarray(faces[int(image[0, 0, 0])], np.float32)

    seen: list[tuple[int, int]] = []
    got = list(animate(config, checkpoint, source, frames, find_best=True, device="cpu", landmarks=landmarks,
                       progress=lambda d, t: seen.append((d, t))))
    expected = original_loop(FommRuntime(config, checkpoint, "cpu"), source, frames, 1, True, True)
    assert seen[-1] == (6, 6) and seen[0] == (1, 6)
    for ours, theirs in zip(got, expected, strict=True):
        assert np.abs(ours.astype(int) - theirs).max() <= 1


def test_cancel_and_empty_video(tiny_files: tuple[Path, Path], make_image: Callable) -> None:
    config, checkpoint = tiny_files
    cancel = threading.Event()
    frames = iter(driving_video(make_image))
    run = animate(config, checkpoint, make_image(), frames, device="cpu", cancel=cancel)
    next(run)
    cancel.set()
    with pytest.raises(CancelledError):
        next(run)
    with pytest.raises(UserError, match="no frames"):
        list(animate(config, checkpoint, make_image(), [], device="cpu"))
    with pytest.raises(UserError, match="no frames"):
        list(animate(config, checkpoint, make_image(), [], find_best=True, device="cpu"))
