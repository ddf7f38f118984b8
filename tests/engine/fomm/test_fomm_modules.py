"""The network modules: released state-dict layout and the cached evaluation's equality with the forward."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import torch

from studio.engine.fomm.checkpoint import build_models
from studio.engine.fomm.config import parse_config
from studio.engine.fomm.inference import FastFomm, _PhaseFinal, _SubpixelUp
from studio.engine.fomm.modules.blocks import UpBlock2d

from .conftest import VOX256, calibrated_state, tiny_config

SHAPES = Path(__file__).parent / "data" / "vox256_state_shapes.json"


def test_vox256_state_dict_keys_and_shapes_are_the_released_ones() -> None:
    released = json.loads(SHAPES.read_text())
    generator, kp_detector = build_models(parse_config(VOX256))
    for name, model in (("generator", generator), ("kp_detector", kp_detector)):
        ours = [(key, list(value.shape)) for key, value in model.state_dict().items()]
        assert ours == [(key, shape) for key, shape in released[name].items()]
        numel = sum(value.numel() for value in model.state_dict().values())
        assert numel == released["_meta"]["num_params"][name]


def _random_kp(num_kp: int, seed: int, jacobian: bool) -> dict[str, torch.Tensor]:
    gen = torch.Generator().manual_seed(seed)
    kp = {"value": torch.rand(1, num_kp, 2, generator=gen) * 1.6 - 0.8}
    if jacobian:
        kp["jacobian"] = torch.eye(2).expand(1, num_kp, 2, 2) + 0.2 * torch.randn(1, num_kp, 2, 2, generator=gen)
    return kp


@pytest.mark.parametrize("changes", [
    {},
    {"common__estimate_jacobian": False},
    {"gen__estimate_occlusion_map": False},
    {"dense__scale_factor": 0.5},
    {"dense__scale_factor": 1, "kp__scale_factor": 1},
])
def test_cached_render_equals_the_full_forward(changes: dict[str, Any]) -> None:
    data = tiny_config(**changes)
    generator, _ = build_models(parse_config(data))
    generator.load_state_dict(calibrated_state(data)["generator"])
    jacobian = data["model_params"]["common_params"]["estimate_jacobian"]
    source = torch.rand(1, 3, 64, 64, generator=torch.Generator().manual_seed(1))
    fast = FastFomm(generator)
    with torch.inference_mode():
        cache = fast.encode(source)
        for seed in (2, 3):
            kp_source, kp_driving = _random_kp(5, seed, jacobian), _random_kp(5, seed + 10, jacobian)
            expected = generator(source, kp_driving=kp_driving, kp_source=kp_source)
            got, deformation = fast.render(cache, kp_driving, kp_source)
            assert 0.02 < expected["prediction"].std() < 0.45
            assert torch.allclose(got, expected["prediction"], atol=1e-5)
            assert torch.allclose(deformation, expected["deformation"], atol=1e-5)


def test_subpixel_up_block_equals_upsample_then_conv() -> None:
    torch.manual_seed(0)
    block = UpBlock2d(6, 4, kernel_size=(3, 3), padding=(1, 1)).eval()
    with torch.no_grad():
        block.norm.running_mean.normal_()
        block.norm.running_var.uniform_(0.5, 2)
        block.norm.weight.normal_()
        x = torch.randn(2, 6, 5, 7)
        assert torch.allclose(_SubpixelUp(block)(x), block(x), atol=1e-5)


def test_detector_keypoints_lie_in_the_frame_and_jacobians_are_2x2() -> None:
    _, kp_detector = build_models(parse_config(tiny_config()))
    with torch.inference_mode():
        kp = kp_detector(torch.rand(2, 3, 64, 64))
    assert kp["value"].shape == (2, 5, 2) and kp["jacobian"].shape == (2, 5, 2, 2)
    assert kp["value"].abs().max() <= 1
    assert torch.allclose(kp["jacobian"], torch.eye(2).expand(2, 5, 2, 2))


@pytest.mark.parametrize("kernel", [1, 3, 5, 7])
def test_phase_form_final_conv_equals_up_block_then_conv(kernel: int) -> None:
    torch.manual_seed(kernel)
    block = UpBlock2d(6, 4, kernel_size=(3, 3), padding=(1, 1)).eval()
    final = torch.nn.Conv2d(4, 3, kernel_size=(kernel, kernel), padding=(kernel // 2, kernel // 2))
    with torch.no_grad():
        x = torch.randn(1, 6, 6, 5)
        assert torch.allclose(_PhaseFinal(block, final)(x), final(block(x)), atol=1e-5)


def test_single_jacobian_map_detector_gives_one_jacobian_per_keypoint() -> None:
    _, kp_detector = build_models(parse_config(tiny_config(kp__single_jacobian_map=True)))
    assert kp_detector.jacobian is not None and kp_detector.jacobian.out_channels == 4
    with torch.no_grad():
        kp_detector.jacobian.weight.normal_(0, 0.05)
        kp = kp_detector(torch.rand(1, 3, 64, 64))
    assert kp["jacobian"].shape == (1, 5, 2, 2)
    assert not torch.allclose(kp["jacobian"][0, 0], kp["jacobian"][0, 1])
