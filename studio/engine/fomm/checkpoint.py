"""Build the FOMM modules from a config and load a released checkpoint into them, strictly and safely."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import torch
from torch import nn

from studio.core.errors import UserError
from studio.engine.torch_files import load_torch_file

from .config import FommConfig
from .modules.generator import OcclusionAwareGenerator
from .modules.keypoint_detector import KPDetector

PARTS = ("generator", "kp_detector")


def build_models(config: FommConfig) -> tuple[OcclusionAwareGenerator, KPDetector]:
    """Fresh (randomly initialised) generator and keypoint detector for ``config``, in eval mode."""
    generator = OcclusionAwareGenerator(**config.generator_kwargs())
    kp_detector = KPDetector(**config.kp_detector_kwargs())
    return generator.eval(), kp_detector.eval()


def _strip_prefix(state: Mapping[str, Any]) -> dict[str, Any]:
    """Drop the ``module.`` prefixes DataParallel adds to every key."""
    out = {}
    for key, value in state.items():
        name = str(key)
        while name.startswith("module."):
            name = name[len("module."):]
        out[name] = value
    return out


def check_state(part: str, model: nn.Module, state: Mapping[str, Any]) -> dict[str, torch.Tensor]:
    """The state dict ``model`` needs, taken from ``state``; UserError naming the first key that does not fit.

    Batch-norm ``num_batches_tracked`` counters (unused at inference) may be absent.
    """
    expected = model.state_dict()
    loaded: dict[str, torch.Tensor] = {}
    for key, target in expected.items():
        name = f"{part}.{key}"
        if key not in state:
            if key.endswith("num_batches_tracked"):
                loaded[key] = target
                continue
            raise UserError(f"checkpoint does not match config: missing key '{name}'")
        value = state[key]
        if not isinstance(value, torch.Tensor):
            raise UserError(f"checkpoint does not match config: '{name}' is not a tensor")
        if tuple(value.shape) != tuple(target.shape):
            raise UserError(f"checkpoint does not match config: shape of '{name}' is {list(value.shape)} "
                            f"in the checkpoint but {list(target.shape)} in the model")
        loaded[key] = value
    extra = [key for key in state if key not in expected]
    if extra:
        raise UserError(f"checkpoint does not match config: unexpected key '{part}.{extra[0]}'")
    return loaded


def read_checkpoint(path: str | Path) -> dict[str, dict[str, Any]]:
    """The generator and kp_detector state dicts of a checkpoint file, loaded with weights_only=True."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"checkpoint file not found: {path}")
    data = load_torch_file(path, "a model checkpoint", "give a first-order-model .pth.tar file")
    if not isinstance(data, Mapping):
        raise UserError(f"{path} is not a first-order-model checkpoint: expected a dictionary of state dicts")
    parts = {}
    for part in PARTS:
        state = data.get(part)
        if not isinstance(state, Mapping):
            raise UserError(f"{path} is not a first-order-model checkpoint: it has no '{part}' state dict")
        parts[part] = _strip_prefix(state)
    return parts


def load_models(config: FommConfig, path: str | Path) -> tuple[OcclusionAwareGenerator, KPDetector]:
    """Generator and keypoint detector for ``config`` with the weights of checkpoint ``path`` (CPU, eval)."""
    generator, kp_detector = build_models(config)
    parts = read_checkpoint(path)
    for part, model in zip(PARTS, (generator, kp_detector), strict=True):
        model.load_state_dict(check_state(part, model, parts[part]), strict=True)
    return generator, kp_detector
