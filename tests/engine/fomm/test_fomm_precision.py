"""Every dtype and device decision of the fomm runtime, tested on the CPU with the same code paths as CUDA."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import torch

from studio.core.errors import UserError
from studio.engine.contract import Motion
from studio.engine.fomm.generator import FommGenerator
from studio.engine.fomm.precision import Precision, choose, computing, detecting, to_device
from studio.engine.fomm.runtime import FommRuntime


def test_policies_per_device() -> None:
    cuda = choose(torch.device("cuda"))
    assert (cuda.compute, cuda.pinned, cuda.non_blocking, cuda.autocast) == (torch.float16, True, True, True)
    assert choose(torch.device("cuda"), "full").compute == torch.float32 and choose(torch.device("cuda"), "full").pinned
    cpu = choose(torch.device("cpu"))
    assert (cpu.compute, cpu.pinned, cpu.non_blocking, cpu.autocast) == (torch.float32, False, False, False)
    assert choose(torch.device("cpu"), "half").compute == torch.bfloat16
    assert choose(torch.device("mps")).compute == torch.float32
    assert choose(torch.device("mps"), "half").compute == torch.float16
    with pytest.raises(UserError, match="unknown precision 'double'"):
        choose(torch.device("cpu"), "double")


def test_half_policy_autocasts_the_networks_but_not_detection() -> None:
    policy = choose(torch.device("cpu"), "half")
    x, w = torch.rand(1, 2, 8, 8), torch.rand(2, 2, 3, 3)
    with computing(policy):
        assert torch.nn.functional.conv2d(x, w).dtype == torch.bfloat16
    with detecting(policy):
        assert torch.nn.functional.conv2d(x, w).dtype == torch.float32
        assert torch.is_inference_mode_enabled()


def test_copies_to_a_cuda_device_go_through_pinned_memory_without_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = []
    monkeypatch.setattr(torch.Tensor, "pin_memory", lambda self: seen.append("pinned") or self)
    original_to = torch.Tensor.to
    monkeypatch.setattr(torch.Tensor, "to", lambda self, *a, **k: seen.append(k) or original_to(self, *a, **k))
    cuda_like = Precision(device=torch.device("cpu"), pinned=True, non_blocking=True)  # CUDA's choices, CPU's device
    out = to_device(np.arange(6, dtype=np.float32).reshape(2, 3), cuda_like)
    assert seen == ["pinned", {"non_blocking": True}] and out.tolist() == [[0, 1, 2], [3, 4, 5]]
    seen.clear()
    to_device(np.zeros(3, np.float32), choose(torch.device("cpu")))
    assert seen == [{"non_blocking": False}]


def test_the_runtime_copies_through_the_policy(tiny_files: tuple[Path, Path], make_image: Callable,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    config, checkpoint = tiny_files
    runtime = FommRuntime(config, checkpoint, "cpu")
    source = make_image()
    kp = runtime.detect(source)
    cache = runtime.encode(source)
    runtime.policy = Precision(device=torch.device("cpu"), pinned=True, non_blocking=True)
    pinned = []
    monkeypatch.setattr(torch.Tensor, "pin_memory", lambda self: pinned.append(tuple(self.shape)) or self)
    runtime.render(cache, kp, kp, alpha=np.full((64, 64), 255, np.uint8))
    assert sorted(pinned) == sorted([(1, 5, 2), (1, 5, 2, 2), (1, 5, 2), (1, 5, 2, 2), (64, 64, 1)])


def test_half_precision_frames_are_close_to_float32_and_keypoints_equal(tiny_files: tuple[Path, Path],
                                                                        make_image: Callable) -> None:
    config, checkpoint = tiny_files
    full = FommRuntime(config, checkpoint, "cpu", precision="full")
    half = FommRuntime(config, checkpoint, "cpu", precision="half")
    assert half.policy.compute == torch.bfloat16
    source = make_image(seed=2)
    kp = full.detect(source)
    assert np.array_equal(half.detect(source).positions, kp.positions)  # detection stays float32
    driving = Motion(positions=kp.positions + 0.05, jacobians=kp.jacobians)
    ours = half.render(half.encode(source), kp, driving).astype(int)
    reference = full.render(full.encode(source), kp, driving).astype(int)
    # measured: mean 0.8, max 10-15 of 255 (PSNR about 44 dB) with bfloat16's 8-bit mantissa
    assert np.abs(ours - reference).mean() < 2 and np.abs(ours - reference).max() < 40
    assert not np.array_equal(ours, reference)


def test_the_generator_takes_a_precision_option(tiny_files: tuple[Path, Path]) -> None:
    config, checkpoint = tiny_files
    gen = FommGenerator(device="cpu", config=str(config), checkpoint=str(checkpoint), precision="half")
    assert gen.runtime.policy.compute == torch.bfloat16
    with pytest.raises(UserError, match="unknown precision 'double'"):
        FommGenerator(device="cpu", config=str(config), checkpoint=str(checkpoint), precision="double")
