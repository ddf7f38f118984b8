"""Plugin generators that misbehave on purpose: one raises, one returns a wrong shape, one hangs until released."""

from __future__ import annotations

import threading

import numpy as np

from studio.engine.contract import Capabilities, SourceState
from studio.plugins.api import Contribution, Registry, builtin_registry


class _Base:
    name = "base"

    def __init__(self, device: str = "auto") -> None:
        self.device = device
        self.capabilities = Capabilities(name=self.name, title=self.name)

    def prepare(self, source: np.ndarray) -> SourceState:
        return SourceState(*source.shape, {"image": source.copy()})

    def detect_keypoints(self, state: SourceState) -> None:
        return None


class RaisingGenerator(_Base):
    """Raises while rendering."""

    name = "raising"

    def render(self, state, kp_source, kp_driving) -> np.ndarray:
        raise RuntimeError("boom")


class WrongShapeGenerator(_Base):
    """Returns a 7x5 grey image whatever the size asked for."""

    name = "wrong-shape"

    def render(self, state, kp_source, kp_driving) -> np.ndarray:
        return np.zeros((7, 5), np.uint8)


class HangingGenerator(_Base):
    """Blocks in render until ``release`` is set (the test sets it at teardown, so the thread ends)."""

    name = "hanging"
    release = threading.Event()
    entered = threading.Event()

    def render(self, state, kp_source, kp_driving) -> np.ndarray:
        HangingGenerator.entered.set()
        HangingGenerator.release.wait()
        return state.data["image"]


def faulty_registry() -> Registry:
    """The built-ins plus the three faulty generators, registered as a plugin named "faulty"."""
    registry = builtin_registry()
    for cls in (RaisingGenerator, WrongShapeGenerator, HangingGenerator):
        registry.register(Contribution("generator", cls.name, f"{__name__}:{cls.__name__}", plugin="faulty"))
    return registry
