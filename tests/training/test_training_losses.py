"""Losses, warps, discriminators and the VGG19 extractor on small tensors."""

from __future__ import annotations

import pytest
import torch

from studio.core.errors import UserError
from studio.engine.fomm.modules.grid import make_coordinate_grid
from studio.training import losses
from studio.training.discriminator import MultiScaleDiscriminator, SpatioTemporalDiscriminator
from studio.training.equivariance import RandomTps
from studio.training.vgg19 import Vgg19, load_vgg19


def test_a_zero_warp_is_the_identity_and_its_jacobian_is_theta():
    torch.manual_seed(0)
    still = RandomTps(2, 0.0, 0.0, 3)
    frame = torch.rand(2, 3, 16, 16)
    assert torch.allclose(still.transform_frame(frame), frame, atol=1e-5)
    warp = RandomTps(2, 0.1, 0.0, 3)
    points = (torch.rand(2, 5, 2) * 2 - 1).requires_grad_(True)
    jacobian = warp.jacobian(points)
    assert torch.allclose(jacobian, warp.theta[:, None, :, :2].expand(2, 5, 2, 2), atol=1e-6)


def test_spline_jacobian_matches_finite_differences():
    torch.manual_seed(1)
    warp = RandomTps(1, 0.05, 0.05, 4)
    point = torch.tensor([[[0.2, -0.3]]], requires_grad=True)
    jacobian = warp.jacobian(point)[0, 0]
    eps = 1e-3
    for axis in range(2):
        step = torch.zeros(1, 1, 2)
        step[..., axis] = eps
        plus, minus = warp.warp_coordinates(point.detach() + step), warp.warp_coordinates(point.detach() - step)
        numeric = (plus - minus) / (2 * eps)
        assert torch.allclose(jacobian[:, axis], numeric[0, 0], atol=1e-3)


def test_pyramid_l1_is_zero_for_equal_images_and_weighted_per_scale():
    pyramid = losses.ImagePyramid((1, 0.5), 3)
    image = torch.rand(2, 3, 16, 16)
    assert pyramid(image)["prediction_0.5"].shape == (2, 3, 8, 8)
    same = losses.pyramid_l1(pyramid(image), pyramid(image), (1, 0.5), (10, 10))
    assert float(same) == 0
    brighter = losses.pyramid_l1(pyramid(image), pyramid(image + 0.1), (1, 0.5), (1, 0))
    assert float(brighter) == pytest.approx(0.1, abs=1e-5)


def test_motion_consistency_is_zero_for_motion_that_follows_the_flow():
    grid = make_coordinate_grid(16, 16, torch.zeros(1))
    shift = torch.tensor([0.2, -0.1])
    flow = shift.view(1, 1, 1, 1, 2).expand(1, 1, 16, 16, 2)
    first = grid + torch.tensor([0.05, 0.0])
    consistent = torch.stack([first, first - shift], dim=0).unsqueeze(0)
    assert float(losses.motion_consistency(consistent, flow)) < 1e-5
    still = torch.stack([first, first], dim=0).unsqueeze(0)
    assert float(losses.motion_consistency(still, flow)) == pytest.approx(0.15, abs=0.01)


def test_gan_losses_and_discriminator_shapes():
    disc = MultiScaleDiscriminator((1, 0.5), num_channels=3, block_expansion=8, num_blocks=2, max_features=16, sn=True)
    pyramid = losses.ImagePyramid((1, 0.5), 3)
    images = pyramid(torch.rand(2, 3, 32, 32))
    maps = disc(images)
    assert len(maps["feature_maps_1"]) == 2 and maps["prediction_map_0.5"].shape[:2] == (2, 1)
    assert "discs.1.down_blocks.0.conv.weight_orig" in disc.state_dict()
    perfect = {f"prediction_map_{s}": torch.ones(2, 1, 3, 3) for s in (1, 0.5)}
    fooled = {f"prediction_map_{s}": torch.zeros(2, 1, 3, 3) for s in (1, 0.5)}
    assert float(losses.generator_gan(perfect, (1, 0.5))) == 0
    assert float(losses.discriminator_gan(perfect, fooled, (1, 0.5))) == 0
    assert float(losses.discriminator_gan(fooled, perfect, (1, 0.5))) == 4
    assert float(losses.feature_matching(maps, maps, (1, 0.5), (1, 1)).detach()) == 0
    temporal = SpatioTemporalDiscriminator(3, block_expansion=8, num_blocks=2, max_features=16)
    features, prediction = temporal(torch.rand(2, 3, 3, 32, 32))
    assert prediction.shape[:3] == (2, 1, 1) and len(features) == 2


@pytest.mark.slow
def test_vgg19_keys_match_torchvision_and_load_from_a_user_file(tmp_path):
    model = Vgg19()
    keys = list(model.state_dict())
    convs = [0, 2, 5, 7, 10, 12, 14, 16, 19, 21, 23, 25, 28, 30, 32, 34]
    assert keys == [f"features.{i}.{p}" for i in convs for p in ("weight", "bias")]
    torch.manual_seed(0)
    state = {key: torch.randn_like(value) * 0.05 for key, value in model.state_dict().items()}
    state["classifier.0.weight"] = torch.zeros(4, 4)
    path = tmp_path / "vgg19.pth"
    torch.save(state, path)
    loaded = load_vgg19(path)
    assert torch.equal(loaded.features[34].bias, state["features.34.bias"])
    maps = loaded(torch.rand(1, 3, 32, 32))
    assert [m.shape[1] for m in maps] == [64, 128, 256, 512, 512]
    assert [m.shape[2] for m in maps] == [32, 16, 8, 4, 2]
    del state["features.10.weight"]
    torch.save(state, path)
    with pytest.raises(UserError, match=r"features\.10\.weight"):
        load_vgg19(path)
    with pytest.raises(UserError, match="not found"):
        load_vgg19(tmp_path / "none.pth")
