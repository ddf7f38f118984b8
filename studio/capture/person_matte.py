"""Suggest a region for a person: mediapipe's selfie segmentation (ships in the pinned mediapipe, runs offline)."""

from __future__ import annotations

import numpy as np

from studio.core.errors import UserError

MIN_PERSON_FRACTION = 0.005


def person_matte(image: np.ndarray) -> np.ndarray:
    """An HxW uint8 matte of the person in an RGB(A) uint8 image (255 inside, soft at the edge).

    Uses the general (landscape=0) selfie segmentation model; raises UserError when it finds no person.
    """
    import mediapipe as mp

    rgb = np.ascontiguousarray(image[..., :3])
    with mp.solutions.selfie_segmentation.SelfieSegmentation(model_selection=0) as segmenter:
        result = segmenter.process(rgb)
    mask = result.segmentation_mask
    if mask is None or float((mask > 0.5).mean()) < MIN_PERSON_FRACTION:
        raise UserError("no person found in the image: import a matte with --matte instead")
    return np.clip(mask * 255.0 + 0.5, 0, 255).astype(np.uint8)
