"""Every dtype and device decision of a FOMM model, in one place.

CUDA runs the encoder, the dense motion network and the decoder under float16 autocast (softmax, exp and
sampling stay float32 under autocast; the keypoint geometry is computed in float32 explicitly), stages
host-to-device copies in pinned memory and copies asynchronously, so nothing in a frame waits for the GPU
but the final copy of the frame back to the host. Keypoint detection always runs in float32: half precision
would move keypoints by a fraction of a pixel, and the detector runs once per source. The CPU computes in
float32; asked for half precision it uses bfloat16, the CPU's half type, which is also how the half-precision
path is tested on machines without a GPU. MPS computes in float32.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import torch

from studio.core.errors import UserError

PRECISIONS = ("auto", "full", "half")


@dataclass(frozen=True)
class Precision:
    """How one model runs on one device: compute dtype of the networks and how frames cross to the device."""

    device: torch.device
    compute: torch.dtype = torch.float32
    pinned: bool = False
    non_blocking: bool = False

    @property
    def autocast(self) -> bool:
        """Whether the networks run under autocast (compute dtype below float32)."""
        return self.compute != torch.float32


def half_dtype(device: torch.device) -> torch.dtype:
    """The half-precision type a device computes fast: float16 on GPUs, bfloat16 on the CPU."""
    return torch.bfloat16 if device.type == "cpu" else torch.float16


def choose(device: torch.device, precision: str = "auto") -> Precision:
    """The policy for ``device``: "auto" is half on CUDA and full elsewhere; "full" and "half" force it."""
    if precision not in PRECISIONS:
        raise UserError(f"unknown precision {precision!r}: use one of {', '.join(PRECISIONS)}")
    half = precision == "half" or (precision == "auto" and device.type == "cuda")
    cuda = device.type == "cuda"
    return Precision(device=device, compute=half_dtype(device) if half else torch.float32,
                     pinned=cuda, non_blocking=cuda)


@contextlib.contextmanager
def computing(policy: Precision) -> Iterator[None]:
    """inference_mode, plus autocast to the policy's compute dtype when it is below float32."""
    with torch.inference_mode(), torch.autocast(device_type=policy.device.type, dtype=policy.compute,
                                                enabled=policy.autocast):
        yield


@contextlib.contextmanager
def detecting(policy: Precision) -> Iterator[None]:
    """inference_mode in float32, whatever the policy computes the rest in."""
    with torch.inference_mode(), torch.autocast(device_type=policy.device.type, enabled=False):
        yield


def to_device(array: np.ndarray, policy: Precision) -> torch.Tensor:
    """A host array on the policy's device: through pinned memory and without waiting when the device is CUDA."""
    tensor = torch.from_numpy(np.ascontiguousarray(array))
    if policy.pinned:
        tensor = tensor.pin_memory()
    return tensor.to(policy.device, non_blocking=policy.non_blocking)


def to_host(tensor: torch.Tensor) -> np.ndarray:
    """The finished frame in host memory: the one copy of a frame that waits for the device."""
    return tensor.cpu().numpy()
