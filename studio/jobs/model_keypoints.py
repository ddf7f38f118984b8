"""Keypoints placed by a generator that detects its own (FOMM): positions plus local frames from its jacobians."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from studio.core.errors import UserError
from studio.core.keypoints import PALETTE, Keypoint, new_keypoint_id
from studio.engine.contract import GeneratorFactory


def similarity_of(jacobian: np.ndarray) -> tuple[float, float]:
    """(rotation, scale) of the closest rotation-and-uniform-scale to a 2x2 jacobian (its similarity part)."""
    a, b = float(jacobian[0, 0] + jacobian[1, 1]), float(jacobian[1, 0] - jacobian[0, 1])
    rotation = math.atan2(b, a)
    scale = math.sqrt(abs(float(np.linalg.det(jacobian)))) or 1.0
    return rotation, scale


def model_keypoints(registry: GeneratorFactory, generator: str, image: np.ndarray, device: str = "auto",
                    options: dict[str, Any] | None = None) -> list[Keypoint]:
    """The keypoints the named generator detects on ``image``, as project keypoints (kp_00, kp_01, ...).

    Each keypoint's local frame is the similarity part of the detected jacobian; its radius of influence
    is the detector's heat-map spread.
    """
    instance = registry.create_generator(generator, device, **(options or {}))
    detected = instance.detect_keypoints(instance.prepare(image))
    if detected is None:
        raise UserError(f"generator {generator!r} cannot place keypoints itself: use --keypoints grid or face")
    height, width = image.shape[:2]
    keypoints = []
    for k in range(detected.count):
        x, y = (float(v) for v in detected.positions[k])
        rotation, scale = similarity_of(detected.jacobians[k])
        radius = float(detected.radii[k]) if detected.radii.size else 0.1 * min(width, height)
        keypoints.append(Keypoint(new_keypoint_id(), f"kp_{k:02d}", PALETTE[k % len(PALETTE)],
                                  min(max(x, 0.0), width), min(max(y, 0.0), height), rotation, scale,
                                  max(radius, 1.0)))
    return keypoints
