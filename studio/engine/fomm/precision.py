"""The precision a FOMM model runs at on each device."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import torch


@contextlib.contextmanager
def precision(device: torch.device) -> Iterator[None]:
    """inference_mode, plus float16 autocast on CUDA (softmax, exp, sampling stay float32 under autocast)."""
    with torch.inference_mode():
        if device.type == "cuda":
            with torch.autocast(device_type="cuda", dtype=torch.float16):
                yield
        else:
            yield
