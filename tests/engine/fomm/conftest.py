"""Tiny FOMM configs and random-weight checkpoints in the released layout, for fast tests."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import torch
import yaml

from studio.engine.fomm.checkpoint import build_models
from studio.engine.fomm.config import parse_config

TINY: dict[str, Any] = {
    "dataset_params": {"frame_shape": [64, 64, 3]},
    "model_params": {
        "common_params": {"num_kp": 5, "num_channels": 3, "estimate_jacobian": True},
        "kp_detector_params": {"temperature": 0.1, "block_expansion": 8, "max_features": 64,
                               "scale_factor": 0.25, "num_blocks": 3},
        "generator_params": {
            "block_expansion": 8, "max_features": 32, "num_down_blocks": 2, "num_bottleneck_blocks": 2,
            "estimate_occlusion_map": True,
            "dense_motion_params": {"block_expansion": 8, "max_features": 64, "num_blocks": 3, "scale_factor": 0.25},
        },
    },
}


# The released vox-256.yaml model parameters (the shapes test and benchmarks/fomm.py build from them).
VOX256: dict[str, Any] = {
    "dataset_params": {"frame_shape": [256, 256, 3]},
    "model_params": {
        "common_params": {"num_kp": 10, "num_channels": 3, "estimate_jacobian": True},
        "kp_detector_params": {"temperature": 0.1, "block_expansion": 32, "max_features": 1024,
                               "scale_factor": 0.25, "num_blocks": 5},
        "generator_params": {
            "block_expansion": 64, "max_features": 512, "num_down_blocks": 2, "num_bottleneck_blocks": 6,
            "estimate_occlusion_map": True,
            "dense_motion_params": {"block_expansion": 64, "max_features": 1024, "num_blocks": 5, "scale_factor": 0.25},
        },
    },
}

def tiny_config(**changes: Any) -> dict[str, Any]:
    """A deep copy of TINY with ``section__key=value`` changes (sections: common, kp, gen, dense)."""
    data = copy.deepcopy(TINY)
    model = data["model_params"]
    sections = {"common": model["common_params"], "kp": model["kp_detector_params"],
                "gen": model["generator_params"], "dense": model["generator_params"]["dense_motion_params"]}
    for name, value in changes.items():
        section, key = name.split("__")
        sections[section][key] = value
    return data


def calibrated_state(data: dict[str, Any], seed: int = 0) -> dict[str, dict[str, torch.Tensor]]:
    """Random weights whose batch-norm statistics come from real activations, so frames are not saturated."""
    torch.manual_seed(seed)
    generator, kp_detector = build_models(parse_config(data))
    size = data["dataset_params"]["frame_shape"][:2]
    for model in (generator, kp_detector):
        for module in model.modules():
            if isinstance(module, torch.nn.BatchNorm2d):
                module.momentum = None
        model.train()
    with torch.no_grad():
        images = torch.rand(2, 3, *size)
        kp = kp_detector(images)
        generator(images, kp_driving=kp_detector(images.flip(0)), kp_source=kp)
    if kp_detector.jacobian is not None:
        with torch.no_grad():
            kp_detector.jacobian.weight.normal_(0, 0.01)
    return {"generator": generator.eval().state_dict(), "kp_detector": kp_detector.eval().state_dict()}


def save_checkpoint(path: Path, state: dict[str, dict[str, torch.Tensor]], prefix: str = "",
                    legacy: bool = False) -> Path:
    """Write ``state`` as the released .pth.tar files are laid out, with ignored training entries.

    ``legacy`` uses torch's pre-1.6 (non-zip) format, which the released checkpoints are in.
    """
    torch.save({
        "generator": {prefix + k: v for k, v in state["generator"].items()},
        "kp_detector": {prefix + k: v for k, v in state["kp_detector"].items()},
        "discriminator": {prefix + "conv.weight": torch.zeros(2, 2)},
        "optimizer_generator": {"state": {}, "param_groups": [
            {"lr": 2e-4, "betas": (0.5, 0.999), "eps": 1e-8, "weight_decay": 0, "amsgrad": False, "params": [0, 1]}]},
        "epoch": 3,
    }, path, _use_new_zipfile_serialization=not legacy)
    return path


def write_config(path: Path, data: dict[str, Any]) -> Path:
    """Write a config dict as YAML."""
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def _one_torch_thread(one_torch_thread) -> None:
    """Every test here runs on one torch thread."""


@pytest.fixture(scope="session")
def tiny_state() -> dict[str, dict[str, torch.Tensor]]:
    """Calibrated random weights of the TINY config."""
    return calibrated_state(TINY)


@pytest.fixture
def tiny_files(tmp_path: Path, tiny_state: dict[str, dict[str, torch.Tensor]]) -> tuple[Path, Path]:
    """(config.yaml, checkpoint.pth.tar) of the TINY model."""
    return write_config(tmp_path / "tiny.yaml", TINY), save_checkpoint(tmp_path / "tiny.pth.tar", tiny_state)


@pytest.fixture
def make_image() -> Callable[..., Any]:
    """A smooth, textured RGB uint8 test image of a given size."""
    import numpy as np

    def make(height: int = 64, width: int = 64, seed: int = 0, channels: int = 3) -> np.ndarray:
        rng = np.random.default_rng(seed)
        y, x = np.mgrid[0:height, 0:width].astype(np.float32)
        planes = [np.sin(x / (5 + 3 * c) + rng.uniform(0, 6)) * np.cos(y / (7 + 2 * c) + rng.uniform(0, 6))
                  for c in range(channels)]
        image = (np.stack(planes, axis=2) * 0.5 + 0.5) * 255
        return np.clip(image + rng.normal(0, 8, image.shape), 0, 255).astype(np.uint8)

    return make
