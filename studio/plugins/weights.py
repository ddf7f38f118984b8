"""Checking and loading plugin weight files safely: checksums, and never arbitrary unpickling."""

from __future__ import annotations

import hashlib
import pickle
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from studio.core.errors import CancelledError, UserError

_CHUNK = 1 << 20


def file_sha256(
    path: Path, cancel: threading.Event | None = None, on_chunk: Callable[[int], None] | None = None
) -> str:
    """The hex sha256 of a file, read in 1 MiB chunks (cancel is checked between chunks)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            if cancel is not None and cancel.is_set():
                raise CancelledError()
            digest.update(chunk)
            if on_chunk is not None:
                on_chunk(len(chunk))
    return digest.hexdigest()


def verify_weight_file(
    path: Path, sha256: str, size: int | None = None, cancel: threading.Event | None = None
) -> None:
    """Raise a UserError unless the file exists with the expected size and sha256."""
    if not path.is_file():
        raise UserError(f"weight file {path.name} is missing: the plugin is incomplete, get a full copy")
    actual_size = path.stat().st_size
    if size is not None and actual_size != size:
        raise UserError(
            f"weight file {path.name} is {actual_size} bytes, the manifest says {size}: "
            "the download is damaged or the manifest is wrong"
        )
    actual = file_sha256(path, cancel)
    if actual != sha256.lower():
        raise UserError(
            f"weight file {path.name} has sha256 {actual[:12]}…, the manifest says {sha256[:12]}…: "
            "the file is damaged or was replaced"
        )


def load_weights(path: str | Path, expected_sha256: str | None = None) -> Any:
    """Load a checkpoint on the CPU without running code from it: torch weights_only or safetensors.

    A checkpoint that needs arbitrary unpickling is refused; ``expected_sha256`` is checked first.
    """
    path = Path(path)
    if not path.is_file():
        raise UserError(f"weight file {path} does not exist")
    if expected_sha256 is not None:
        verify_weight_file(path, expected_sha256)
    if path.suffix == ".safetensors":
        try:
            from safetensors.torch import load_file
        except ImportError:
            raise UserError(
                f"{path.name} is a safetensors file: needs the safetensors package (pip install safetensors)"
            ) from None
        return load_file(str(path), device="cpu")
    import torch

    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as exc:
        if "unsupported global" not in str(exc).lower():
            raise UserError(f"cannot read weight file {path.name}: it is damaged or not a checkpoint") from None
        raise UserError(
            f"refusing to load {path.name}: it needs arbitrary code to unpickle; "
            "ask the plugin's author for a weights-only checkpoint"
        ) from None
    except Exception as exc:  # a damaged file fails in many ways inside torch's reader
        raise UserError(
            f"cannot read weight file {path.name}: it is damaged or not a checkpoint ({type(exc).__name__})"
        ) from None
