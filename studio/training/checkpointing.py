"""Training checkpoints: the released FOMM layout plus optimiser, scheduler and scaler states, written atomically.

Layout: {"generator", "kp_detector" (state dicts, as released checkpoints), "discriminator",
"temporal_discriminator" (when trained), "optimizer_<part>", "scheduler_<part>", "scaler", "step",
"epoch" (= step, for tools that read it), "history" (logged losses)}. Everything is tensors, numbers,
strings, lists and dicts, so ``torch.load(..., weights_only=True)`` reads it.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import torch

from studio.core.atomic import atomic_path
from studio.core.errors import UserError
from studio.engine.torch_files import load_torch_file

CHECKPOINT_NAME = "checkpoint.pth.tar"


def scheduler_state(scheduler: torch.optim.lr_scheduler.MultiStepLR) -> dict[str, Any]:
    """A MultiStepLR state dict with its Counter of milestones as a plain dict (weights_only-loadable)."""
    state = dict(scheduler.state_dict())
    state["milestones"] = dict(state["milestones"])
    return state


def load_scheduler_state(scheduler: torch.optim.lr_scheduler.MultiStepLR, state: dict[str, Any]) -> None:
    """The inverse of ``scheduler_state``."""
    scheduler.load_state_dict({**state, "milestones": Counter(state["milestones"])})


def save_checkpoint(path: Path, data: dict[str, Any]) -> None:
    """Write a checkpoint atomically: a reader sees the old file or the new one, never half of one."""
    with atomic_path(path) as temp:
        torch.save(data, temp)


def read_training_checkpoint(path: Path) -> dict[str, Any]:
    """A training checkpoint written by ``save_checkpoint``, loaded with weights_only=True."""
    if not path.is_file():
        raise UserError(f"no checkpoint to resume from in {path.parent}: train without --resume first")
    data = load_torch_file(path, "a training checkpoint", "delete it and train again")
    if not isinstance(data, dict) or not isinstance(data.get("step"), int):
        raise UserError(f"{path} is not a training checkpoint of this trainer (no step); cannot resume from it")
    return data
