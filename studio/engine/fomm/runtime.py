"""A loaded FOMM model on a device: numpy frames in, numpy frames out, in the model's own coordinates."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import torch

from studio.core.errors import UserError
from studio.engine.contract import Motion
from studio.engine.device import resolve_device

from .checkpoint import load_models
from .config import FommConfig, load_config
from .inference import FastFomm, SourceCache
from .modules.generator import deform_input
from .precision import Precision, choose, computing, detecting, to_device, to_host


def resize(image: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Resize an H x W x C uint8 image to (height, width): area filter to shrink, cubic to enlarge."""
    height, width = size
    if image.shape[:2] == (height, width):
        return image
    shrinking = height * width < image.shape[0] * image.shape[1]
    out = cv2.resize(image, (width, height), interpolation=cv2.INTER_AREA if shrinking else cv2.INTER_CUBIC)
    return out.reshape(height, width, *image.shape[2:])


def as_rgb(image: np.ndarray, what: str = "image") -> np.ndarray:
    """Check an H x W x 3 or H x W x 4 uint8 image and return its RGB channels."""
    if not isinstance(image, np.ndarray) or image.dtype != np.uint8:
        raise UserError(f"the {what} must be an 8-bit image; convert it to an 8-bit PNG or JPEG")
    if image.ndim != 3 or image.shape[2] not in (3, 4) or min(image.shape[:2]) < 2:
        raise UserError(f"the {what} must be RGB or RGBA and at least 2x2 pixels, got shape {image.shape}")
    return np.ascontiguousarray(image[:, :, :3])


class FommRuntime:
    """The generator and keypoint detector of one config + checkpoint, ready to run.

    Keypoints here are model coordinates: Motion positions x-first in [-1, 1] (grid_sample's frame,
    -1 and 1 at the outer image edges), jacobians as the network outputs them. ``precision`` is "auto",
    "full" or "half" (see ``precision.choose``).
    """

    def __init__(self, config: str | Path | FommConfig, checkpoint: str | Path, device: str = "auto",
                 precision: str = "auto"):
        self.config = config if isinstance(config, FommConfig) else load_config(config)
        if self.config.common.num_channels != 3:
            raise UserError(f"only RGB models are supported; this config has num_channels "
                            f"{self.config.common.num_channels}")
        dense = self.config.generator.dense_motion_params
        if dense is None:
            raise UserError("this config has no dense_motion_params, so the model cannot animate anything")
        self.kp_variance = dense.kp_variance
        self.device = resolve_device(device)
        self.policy: Precision = choose(self.device, precision)
        generator, kp_detector = load_models(self.config, checkpoint)
        self.generator = generator.to(self.device)
        self.kp_detector = kp_detector.to(self.device)
        with torch.inference_mode():
            self.fast = FastFomm(self.generator)

    @property
    def frame_size(self) -> tuple[int, int]:
        """(height, width) the model works at."""
        return self.config.frame_size

    def to_tensor(self, image: np.ndarray) -> torch.Tensor:
        """RGB uint8 image (any size) -> 1 x 3 x H x W float32 in [0, 1] at the model's frame size."""
        frame = resize(as_rgb(image), self.frame_size)
        return to_device(frame, self.policy).permute(2, 0, 1).unsqueeze(0).float().div_(255)

    def detect(self, image: np.ndarray) -> Motion:
        """Keypoints of an RGB image (resized to the frame size first), in model coordinates.

        Always float32: half precision would move keypoints by a fraction of a pixel, and the detector is cheap.
        """
        with detecting(self.policy):
            kp = self.kp_detector(self.to_tensor(image))
        return self._motion(kp)

    def _motion(self, kp: dict[str, torch.Tensor]) -> Motion:
        """Detector output -> Motion; identity jacobians when the model estimates none."""
        positions = kp["value"][0].float().cpu().numpy()
        if "jacobian" in kp:
            jacobians = kp["jacobian"][0].float().cpu().numpy()
        else:
            jacobians = np.repeat(np.eye(2, dtype=np.float32)[None], len(positions), axis=0)
        return Motion(positions=positions.astype(np.float32), jacobians=jacobians.astype(np.float32))

    def _keypoints(self, motion: Motion) -> dict[str, torch.Tensor]:
        """Motion in model coordinates -> the dict of 1 x K tensors the networks take."""
        count = self.config.common.num_kp
        if motion.positions.shape != (count, 2) or motion.jacobians.shape != (count, 2, 2):
            raise UserError(f"this model needs exactly {count} keypoints, got {motion.positions.shape[0]}")
        kp = {"value": to_device(motion.positions.astype(np.float32)[None], self.policy)}
        if self.config.common.estimate_jacobian:
            kp["jacobian"] = to_device(motion.jacobians.astype(np.float32)[None], self.policy)
        return kp

    def encode(self, image: np.ndarray) -> SourceCache:
        """The per-source cache of an RGB image (resized to the frame size)."""
        with computing(self.policy):
            return self.fast.encode(self.to_tensor(image))

    def render(self, cache: SourceCache, kp_source: Motion, kp_driving: Motion,
               alpha: np.ndarray | None = None) -> np.ndarray:
        """One frame at the model's frame size, H x W x 3 uint8 (x 4 when an alpha plane is given to warp)."""
        size = self.frame_size
        with computing(self.policy):
            prediction, deformation = self.fast.render(cache, self._keypoints(kp_driving),
                                                       self._keypoints(kp_source))
            planes = [prediction.float()]
            if alpha is not None:
                plane = to_device(resize(alpha[:, :, None], size), self.policy)
                plane = plane.view(1, 1, *size).float().div_(255)
                planes.append(deform_input(plane, deformation.float()))
            frame = torch.cat(planes, dim=1)[0].permute(1, 2, 0).mul(255).round_().clamp_(0, 255)
            return to_host(frame.to(torch.uint8))

    def reference_render(self, image: np.ndarray, kp_source: Motion, kp_driving: Motion) -> np.ndarray:
        """One frame the straightforward way: the released generator's full forward (for checks and timing)."""
        with computing(self.policy):
            out = self.generator(self.to_tensor(image), kp_driving=self._keypoints(kp_driving),
                                 kp_source=self._keypoints(kp_source))["prediction"]
            return to_host(out[0].float().permute(1, 2, 0).mul(255).round_().clamp_(0, 255).to(torch.uint8))
