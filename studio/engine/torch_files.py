"""Reading torch files safely: weights_only on the CPU, every failure a one-line UserError."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import torch

from studio.core.errors import UserError


def load_torch_file(path: Path, what: str, hint: str) -> Any:
    """``torch.load(path, weights_only=True)`` on the CPU; an unreadable or unsafe file raises
    UserError "PATH is not WHAT that can be loaded safely; HINT" (callers check existence first)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # torch's notes on pickle protocols are not for the user
            return torch.load(path, map_location="cpu", weights_only=True)
    except Exception:
        raise UserError(f"{path} is not {what} that can be loaded safely; {hint}") from None
