"""The tracker contract every built-in and plugin tracker follows."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True, eq=False)
class TrackedFrame:
    """What a tracker saw in one frame.

    landmarks: float32 [N, 2] pixels (x right, y down), NaN where not visible; visible: bool [N];
    extra: tracker-specific values, e.g. ``{"head_pose": (yaw, pitch, roll)}`` in radians for faces.
    """

    landmarks: np.ndarray
    visible: np.ndarray
    extra: dict[str, Any] = field(default_factory=dict)


class Tracker(ABC):
    """Follows N landmarks through consecutive frames of one take.

    Subclasses set ``name``, ``landmark_count`` and ``has_head`` (True when frames carry
    ``extra["head_pose"]``). A tracker keeps state between frames, so use one per take; ``close()``
    releases native resources (also on leaving a ``with`` block).
    """

    name: str = ""
    landmark_count: int = 0
    has_head: bool = False

    @abstractmethod
    def track(self, frame_rgb: np.ndarray, timestamp: float) -> TrackedFrame:
        """Track one RGB uint8 HxWx3 frame taken at ``timestamp`` seconds (increasing)."""

    def close(self) -> None:  # noqa: B027 - trackers without native resources need no cleanup
        """Release native resources; the tracker is unusable afterwards."""

    def lost(self) -> TrackedFrame:
        """A frame where nothing was found: every landmark a gap."""
        return TrackedFrame(
            np.full((self.landmark_count, 2), np.nan, dtype=np.float32),
            np.zeros(self.landmark_count, dtype=bool),
        )

    def __enter__(self) -> Tracker:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
