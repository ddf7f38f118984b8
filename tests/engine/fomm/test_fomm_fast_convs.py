"""The fast forms of the convolutions (Winograd F(4x4, 3x3), matrix products) equal the direct ones, and the
cached render using them stays exact."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from studio.engine.contract import Motion
from studio.engine.fomm import winograd
from studio.engine.fomm.inference import _Conv
from studio.engine.fomm.runtime import FommRuntime
from studio.engine.fomm.winograd import Winograd3x3

NATIVE = pytest.mark.skipif(winograd.native is None, reason="the native transforms were not built")
FORMS = [pytest.param("native", marks=NATIVE), "in_torch"]


@pytest.mark.parametrize("form", FORMS)
def test_winograd_equals_the_direct_convolution(form: str) -> None:
    torch.manual_seed(0)
    x = torch.randn(1, 128, 32, 48)
    weight = torch.randn(160, 128, 3, 3) * 0.03
    bias = torch.randn(160)
    residual = torch.randn(1, 160, 32, 48)
    conv = Winograd3x3(weight, bias)
    run = getattr(conv, form)
    assert conv.applies(x)
    direct = F.conv2d(x, weight, bias, padding=1)
    scale = direct.abs().max()
    assert (run(x) - direct).abs().max() < 1e-5 * scale
    assert (run(x, relu=True) - direct.relu()).abs().max() < 1e-5 * scale
    assert (run(x, residual=residual) - (direct + residual)).abs().max() < 1e-5 * scale
    assert (run(x, relu=True, residual=residual) - (direct + residual).relu()).abs().max() < 1e-5 * scale
    norm_scale, norm_shift = torch.rand(128) + 0.5, torch.randn(128)
    activated = (x * norm_scale.view(1, -1, 1, 1) + norm_shift.view(1, -1, 1, 1)).relu()
    after_norm = F.conv2d(activated, weight, bias, padding=1)
    assert (run(x, pre=(norm_scale, norm_shift)) - after_norm).abs().max() < 1e-5 * after_norm.abs().max()
    assert run(x).is_contiguous()
    strided = x[:, :, :, :32]  # a view whose rows are not contiguous
    assert (run(strided) - F.conv2d(strided, weight, bias, padding=1)).abs().max() < 1e-5 * scale


def test_the_native_transforms_are_built_where_a_c_compiler_is() -> None:
    if os.name != "posix" or not (shutil.which("cc") or shutil.which("gcc")):
        pytest.skip("no C compiler here: the install falls back to the torch forms")
    assert winograd.native is not None, "setup.py's native extension was not built: run `make` again"


@NATIVE
def test_native_transforms_give_the_same_numbers_on_any_thread_count(monkeypatch: pytest.MonkeyPatch) -> None:
    torch.manual_seed(1)
    x = torch.randn(1, 130, 16, 24)
    conv = Winograd3x3(torch.randn(140, 130, 3, 3) * 0.03, torch.randn(140))
    results = []
    for threads in (1, 2, 3, 200):
        monkeypatch.setattr(torch, "get_num_threads", lambda threads=threads: threads)
        results.append(conv.native(x, relu=True))
    assert all(torch.equal(results[0], other) for other in results[1:])


@NATIVE
def test_native_transforms_refuse_shapes_they_cannot_tile() -> None:
    conv = Winograd3x3(torch.zeros(128, 128, 3, 3), torch.zeros(128))
    with pytest.raises(ValueError, match="does not fit the output"):
        conv.native(torch.zeros(1, 128, 32, 32), residual=torch.zeros(1, 128, 16, 32))
    tiles = torch.empty(36, 128, 64)
    with pytest.raises(ValueError, match="multiples of 4"):
        winograd.native.input_transform(0, tiles.data_ptr(), 0, 0, 128, 30, 32, 1)
    with pytest.raises(ValueError, match="scale and shift"):
        winograd.native.input_transform(0, tiles.data_ptr(), tiles.data_ptr(), 0, 128, 32, 32, 1)
    with pytest.raises(ValueError, match="pre-activation of 3 channels"):
        conv.native(torch.zeros(1, 128, 32, 32), pre=(torch.ones(3), torch.zeros(3)))
    with pytest.raises(ValueError, match="C >= 1"):
        winograd.native.output_transform(tiles.data_ptr(), 0, 0, 0, False, 0, 32, 32, 1)


def test_only_wide_3x3_same_convolutions_on_cpu_float32_take_the_winograd_path() -> None:
    weight = torch.zeros(128, 128, 3, 3)
    assert winograd.fits(weight, (1, 1), 1)
    assert not winograd.fits(torch.zeros(128, 128, 5, 5), (2, 2), 1)
    assert not winograd.fits(torch.zeros(64, 128, 3, 3), (1, 1), 1)
    assert not winograd.fits(weight, (0, 0), 1)
    assert not winograd.fits(weight, (1, 1), 2)
    conv = Winograd3x3(weight, torch.zeros(128))
    assert conv.applies(torch.zeros(1, 128, 32, 32))
    assert not conv.applies(torch.zeros(1, 128, 30, 32))  # sides not a multiple of 4
    assert not conv.applies(torch.zeros(2, 128, 32, 32))
    assert not conv.applies(torch.zeros(1, 128, 8, 8))
    assert not conv.applies(torch.zeros(1, 128, 32, 32, dtype=torch.bfloat16))


def test_cached_render_through_winograd_matches_the_full_forward(tiny_files: tuple[Path, Path],
                                                                 make_image: Callable,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(winograd, "MIN_CHANNELS", 8)
    monkeypatch.setattr(winograd, "MIN_PIXELS", 16)
    config, checkpoint = tiny_files
    runtime = FommRuntime(config, checkpoint, "cpu")
    assert any(block.conv1.winograd is not None for block in runtime.fast.bottleneck)
    source = make_image(64, 64, seed=4)
    kp_source = runtime.detect(source)
    cache = runtime.encode(source)
    rotation = np.array([[0.98, -0.2], [0.2, 0.98]], np.float32)
    kp_driving = Motion(positions=kp_source.positions + 0.06, jacobians=rotation @ kp_source.jacobians)
    fast = runtime.render(cache, kp_source, kp_driving).astype(int)
    full = runtime.reference_render(source, kp_source, kp_driving).astype(int)
    assert np.abs(fast - full).max() <= 1
    assert fast.std() > 5


def test_deep_convolutions_of_tiny_maps_run_as_one_matrix_product(monkeypatch: pytest.MonkeyPatch) -> None:
    torch.manual_seed(1)
    conv = torch.nn.Conv2d(1024, 64, 3, padding=1)
    norm = torch.nn.BatchNorm2d(64).eval()
    norm.running_mean.uniform_(-1, 1)
    fast = _Conv(conv, norm)
    products = []
    addmm = torch.addmm
    monkeypatch.setattr(torch, "addmm", lambda *a: products.append(1) or addmm(*a))
    x, residual = torch.randn(1, 1024, 8, 8), torch.randn(1, 64, 8, 8)
    with torch.inference_mode():
        expected = norm(conv(x))
        assert (fast(x) - expected).abs().max() < 1e-4
        assert (fast(x, relu=True, residual=residual) - (expected + residual).relu()).abs().max() < 1e-4
        assert len(products) == 2
        fast(torch.randn(1, 1024, 16, 16))  # a larger map: the direct convolution
    assert len(products) == 2
