"""Choosing the torch device and the precision a FOMM model runs at."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import torch

from studio.core.errors import UserError

DEVICES = ("auto", "cpu", "cuda", "mps")


def resolve_device(device: str) -> torch.device:
    """"auto" -> CUDA, then MPS, then CPU; an explicit device must be available."""
    if device not in DEVICES:
        raise UserError(f"unknown device {device!r}: choose one of {', '.join(DEVICES)}")
    if device == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        if torch.backends.mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    if device == "cuda" and not torch.cuda.is_available():
        raise UserError("CUDA is not available on this machine: use --device cpu or auto")
    if device == "mps" and not torch.backends.mps.is_available():
        raise UserError("MPS is not available on this machine: use --device cpu or auto")
    return torch.device(device)


@contextlib.contextmanager
def precision(device: torch.device) -> Iterator[None]:
    """inference_mode, plus float16 autocast on CUDA (softmax, exp, sampling stay float32 under autocast)."""
    with torch.inference_mode():
        if device.type == "cuda":
            with torch.autocast(device_type="cuda", dtype=torch.float16):
                yield
        else:
            yield
