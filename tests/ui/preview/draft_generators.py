"""A test generator with drafts: full frames and drafts are told apart by their grey level."""

from __future__ import annotations

import time
from typing import ClassVar

import numpy as np
import torch

from studio.engine.contract import Capabilities, Motion, SourceState
from studio.plugins.api import Contribution, Registry, builtin_registry

FULL_GREY = 200
DRAFT_GREY = 60


class DraftingGenerator:
    """Renders a uniform frame (FULL_GREY, DRAFT_GREY for drafts) after ``delay`` seconds; counts drafts and
    records torch's thread count during each kind of frame."""

    name = "drafting"
    delay = 0.0
    drafts_rendered = 0
    threads: ClassVar[dict[str, set[int]]] = {"full": set(), "draft": set()}

    def __init__(self, device: str = "auto") -> None:
        self.device = device
        self.capabilities = Capabilities(name=self.name, title="Drafting", draft=True)

    def prepare(self, source: np.ndarray) -> SourceState:
        return SourceState(*source.shape, {})

    def detect_keypoints(self, state: SourceState) -> None:
        return None

    def _frame(self, state: SourceState, grey: int) -> np.ndarray:
        time.sleep(DraftingGenerator.delay)
        return np.full((state.height, state.width, 3), grey, np.uint8)

    def render(self, state: SourceState, kp_source: Motion, kp_driving: Motion) -> np.ndarray:
        DraftingGenerator.threads["full"].add(torch.get_num_threads())
        return self._frame(state, FULL_GREY)

    def render_draft(self, state: SourceState, kp_source: Motion, kp_driving: Motion) -> np.ndarray:
        DraftingGenerator.drafts_rendered += 1
        DraftingGenerator.threads["draft"].add(torch.get_num_threads())
        return self._frame(state, DRAFT_GREY)


def draft_registry() -> Registry:
    """The built-ins plus the drafting generator, registered as a plugin named "drafts"."""
    registry = builtin_registry()
    registry.register(Contribution("generator", DraftingGenerator.name, f"{__name__}:DraftingGenerator",
                                   plugin="drafts"))
    return registry
