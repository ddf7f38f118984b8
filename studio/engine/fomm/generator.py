"""The ``fomm`` generator of the studio: a released first-order-motion-model checkpoint behind the contract.

Keypoints cross the contract in source-image pixels. Internally the model sees a region of the source
(the whole image, or for a source larger than the model's frame a square crop around the face or a
given box, pasted back with a feathered mask) resized to its frame size.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from studio.core.errors import UserError
from studio.engine.contract import Capabilities, Motion, SourceState
from studio.engine.warp import WarpGenerator

from .paste_back import Box, detect_face_box, feather_mask, paste, square_box
from .runtime import FommRuntime, as_rgb, resize

OPTIONS = {
    "crop": "(x, y, width, height) box in source pixels the model works on (made square)",
    "paste_back": "crop around the face of a source larger than the model frame and blend back (default on)",
    "margin": "face crop margin, a fraction of the face size on each side (default 0.4)",
    "feather": "width of the blend at the crop edges as a fraction of the crop side (default 0.08)",
    "precision": "auto (half precision on CUDA, full elsewhere), full or half (bfloat16 on the CPU)",
}


def to_model(motion: Motion, box: Box) -> Motion:
    """Source-pixel keypoints -> model coordinates of the crop ``box`` (x-first, [-1, 1] at the crop's edges)."""
    x, y, w, h = box
    scale = np.array([2.0 / w, 2.0 / h], dtype=np.float32)
    positions = (motion.positions - np.array([x, y], np.float32)) * scale - 1
    jacobians = scale[None, :, None] * motion.jacobians / scale[None, None, :]
    return Motion(positions=positions.astype(np.float32), jacobians=jacobians.astype(np.float32), radii=motion.radii)


def to_pixels(motion: Motion, box: Box, kp_variance: float = 0.01) -> Motion:
    """Model coordinates of the crop ``box`` -> source-image pixels (the inverse of ``to_model``).

    Radii are the standard deviation of the model's keypoint heat maps, in pixels.
    """
    x, y, w, h = box
    scale = np.array([w / 2.0, h / 2.0], dtype=np.float32)
    positions = (motion.positions + 1) * scale + np.array([x, y], np.float32)
    jacobians = scale[None, :, None] * motion.jacobians / scale[None, None, :]
    radius = np.full(len(positions), np.sqrt(kp_variance) * min(w, h) / 2, np.float32)
    return Motion(positions=positions.astype(np.float32), jacobians=jacobians.astype(np.float32), radii=radius)


def _fraction(options: dict[str, Any], name: str, default: float, high: float) -> float:
    """A numeric option in [0, high], or a UserError naming it."""
    value = options.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= high:
        raise UserError(f"fomm option {name!r} must be a number from 0 to {high}, got {value!r}")
    return float(value)


class FommGenerator:
    """Generator contract over a FOMM config + checkpoint; the network places its own keypoints."""

    def __init__(self, device: str = "auto", config: str | None = None, checkpoint: str | None = None,
                 **options: Any):
        if not config or not checkpoint:
            raise UserError("the fomm generator needs a config (.yaml) and a checkpoint (.pth.tar): "
                            "give --config and --checkpoint")
        unknown = sorted(set(options) - set(OPTIONS))
        if unknown:
            raise UserError(f"unknown fomm option {unknown[0]!r}: use one of {', '.join(OPTIONS)}")
        self.crop = options.get("crop")
        self.paste_back = bool(options.get("paste_back", True))
        self.margin = _fraction(options, "margin", 0.4, 2.0)
        self.feather = _fraction(options, "feather", 0.08, 0.5)
        self.runtime = FommRuntime(config, checkpoint, device, str(options.get("precision", "auto")))
        height, width = self.runtime.frame_size
        self.capabilities = Capabilities(
            name="fomm", title="First-order motion model", detects_keypoints=True,
            keypoint_count=self.runtime.config.common.num_kp, native_size=(width, height), alpha=True,
            needs_weights=True, draft=True,
        )
        self.warp = WarpGenerator(str(self.runtime.device))

    @property
    def device(self) -> str:
        """The torch device the model runs on, e.g. "cpu" or "cuda"."""
        return self.runtime.device.type

    def _box(self, image: np.ndarray) -> Box:
        """The source region the model works on."""
        height, width = image.shape[:2]
        if self.crop is not None:
            return square_box(self.crop, width, height)
        frame_h, frame_w = self.runtime.frame_size
        if self.paste_back and (height > frame_h or width > frame_w):
            box = detect_face_box(image, self.margin)
            if box is not None:
                return box
        return (0, 0, width, height)

    def prepare(self, source: np.ndarray) -> SourceState:
        """Detect the keypoints of the source and encode it once; every render reuses this."""
        rgb = as_rgb(source, "source image")
        height, width = rgb.shape[:2]
        box = self._box(rgb)
        x, y, w, h = box
        region = rgb[y:y + h, x:x + w]
        full = box == (0, 0, width, height)
        data: dict[str, Any] = {
            "box": box,
            "cache": self.runtime.encode(region),
            "keypoints": to_pixels(self.runtime.detect(region), box, self.runtime.kp_variance),
            "source": None if full else source.copy(),
            "mask": None if full else feather_mask(box, width, height, round(self.feather * w)),
            "alpha": source[y:y + h, x:x + w, 3].copy() if source.shape[2] == 4 else None,
        }
        return SourceState(height=height, width=width, channels=source.shape[2], data=data)

    def detect_keypoints(self, state: SourceState) -> Motion:
        """The keypoints the network found on the source, with their local frames, in source pixels."""
        return state.data["keypoints"]

    def render(self, state: SourceState, kp_source: Motion, kp_driving: Motion) -> np.ndarray:
        """The source moved from kp_source to kp_driving, at the source's size and channel count."""
        box = state.data["box"]
        frame = self.runtime.render(state.data["cache"], to_model(kp_source, box), to_model(kp_driving, box),
                                    alpha=state.data["alpha"])
        if state.data["source"] is None:
            return resize(frame, (state.height, state.width))
        return paste(state.data["source"], frame, box, state.data["mask"])

    def render_draft(self, state: SourceState, kp_source: Motion, kp_driving: Motion) -> np.ndarray:
        """A quick draft of ``render``'s frame: the model's own frame at the rest pose, moved by the local-affine
        warp of the keypoints (the warp generator); the networks do not run after the first draft of a source.

        The model's frame at the rest pose does not depend on where the rest keypoints are (every sparse motion
        is the identity when the driving keypoints equal the source's), so it is rendered once per source and
        kept while the animator edits the rest pose. docs/fomm.md compares this with running the networks at
        half size (slower and further from the full frame).
        """
        rest = state.data.get("draft")
        if rest is None:
            rest = self.warp.prepare(self.render(state, kp_source, kp_source))
            state.data["draft"] = rest
        return self.warp.render(rest, kp_source, kp_driving)
