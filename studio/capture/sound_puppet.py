"""Sound on the puppet: a mouth shape becomes the mouth keypoints' pose, live (over the face tracker's pose or the
rest pose) and as a recorded take. No Qt here.

Shapes come from studio.lipsync.live_mouth (loudness every 20 ms); their poses are the project's mouth shapes
(studio.lipsync.mouth_keys, the animator's posed ones and amplitude included), so live, take and Lip Sync agree.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from studio.core.audio import mouth_shapes_of
from studio.core.errors import UserError
from studio.core.keypoints import frames_from_channels
from studio.core.project import PoseArrays, Project
from studio.core.takes import Take
from studio.lipsync.live_mouth import mouth_values
from studio.lipsync.mouth_keys import MOUTH_KEYPOINTS
from studio.lipsync.shapes import ALL_SHAPES

NO_MOUTH = (f"the project has no mouth keypoints ({', '.join(MOUTH_KEYPOINTS)}): sound drives only those; "
            "add the face preset (Keypoints menu) first")


class MouthDriver:
    """Per shape, the mouth keypoints' channel values on the project's rest pose, computed once per project."""

    def __init__(self, project: Project) -> None:
        shapes = mouth_shapes_of(project)
        self.keypoint_ids = tuple(kp.id for kp in project.keypoints if kp.name in MOUTH_KEYPOINTS)
        if not self.keypoint_ids:
            raise UserError(NO_MOUTH)
        self.rest = np.array([kp.rest_values for kp in project.keypoints], dtype=np.float64).reshape(-1, 4)
        self.radii = project.radii()
        self._columns = [i for i, kp in enumerate(project.keypoints) if kp.name in MOUTH_KEYPOINTS]
        self._others = [i for i, kp in enumerate(project.keypoints) if kp.name not in MOUTH_KEYPOINTS]
        self._values = {}
        for shape in ALL_SHAPES:
            by_id = mouth_values(project, shape, shapes.amplitude, shapes.poses)
            self._values[shape] = np.array([by_id[kp_id] for kp_id in self.keypoint_ids], dtype=np.float64)

    def values(self, shape: str) -> np.ndarray:
        """The mouth keypoints' channel values [M, 4] (in ``keypoint_ids`` order) for ``shape``."""
        return self._values[shape]

    def over(self, shapes: Sequence[str], base: np.ndarray) -> np.ndarray:
        """Positions [T, K, 2]: ``base`` (every keypoint's position per frame, the face tracker's pose) with the mouth
        keypoints at each frame's shape, moved along with the rest of the face (the mean shift of the others from
        rest). The live pose and a recorded face-and-sound take both come through here."""
        mouth = np.stack([self._values[shape][:, :2] for shape in shapes])
        shift = np.zeros((len(shapes), 2))
        if self._others:
            shift = np.mean(base[:, self._others] - self.rest[self._others, :2], axis=1)
        moved = np.array(base, dtype=np.float64)
        moved[:, self._columns] = mouth + shift[:, None]
        return moved

    def pose(self, shape: str, base: PoseArrays | None = None) -> PoseArrays:
        """A one-frame driving pose: ``base`` (the face tracker's live pose; the rest pose when None) with the mouth
        keypoints replaced by ``shape`` (``over``)."""
        channels = self.rest[None].copy()
        channels[0, self._columns] = self._values[shape]
        positions, jacobians = frames_from_channels(channels)
        if base is None or base.positions.shape != positions.shape:
            return PoseArrays(positions, jacobians, self.radii)
        moved = self.over([shape], base.positions).astype(base.positions.dtype)
        return PoseArrays(moved, base.jacobians, base.radii)


def sound_take(project: Project, shapes: Sequence[tuple[float, str]], name: str) -> Take:
    """The take of a sound recording: the mouth keypoints' values for every (seconds, shape), times from the first
    shape. UserError when nothing was heard or the project has no mouth keypoints."""
    if not shapes:
        raise UserError("nothing was recorded: keep the sound source running while recording")
    driver = MouthDriver(project)
    times = np.array([seconds for seconds, _ in shapes], dtype=np.float64)
    values = np.stack([driver.values(shape) for _, shape in shapes])
    return Take(name, driver.keypoint_ids, times - times[0], values, np.ones(values.shape[:2], bool))
