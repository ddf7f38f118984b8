"""A face take and a sound recorded together become one take: the face tracker's motion for every bound keypoint,
with the mouth keypoints' motion from the sound's shapes over the same time span, combined exactly as the live
pose combines them (studio.capture.sound_puppet.MouthDriver.over). No Qt here.

Both recordings share one clock whose zero is Record (after the countdown). Two files (a video or frame folder and
a sound file) both restart at Record, so their own times are that clock: frame t of the video meets the sound at t.
When a live device is involved (a camera or a microphone), each stream's time is put on the monotonic clock through
its recorder's ``origin`` and counted from Record.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from studio.capture.sound_puppet import MouthDriver
from studio.core.errors import UserError
from studio.core.project import Project
from studio.core.takes import Take

NO_OVERLAP = ("the face and the sound were not recorded at the same time: keep both running while recording "
              "and record again")


def shared_offsets(record_start: float, face_origin: float | None, sound_origin: float | None,
                   both_files: bool) -> tuple[float, float]:
    """Seconds to add to the face's and the sound's own times to put them on the recording's clock (0 = Record).

    ``*_origin``: each recorder's time zero on the monotonic clock (None when nothing arrived); ``both_files``:
    both streams are files restarted at Record, whose own times already are that clock.
    """
    if both_files or face_origin is None or sound_origin is None:
        return 0.0, 0.0
    return face_origin - record_start, sound_origin - record_start


def shapes_at(shapes: Sequence[tuple[float, str]], times: np.ndarray) -> list[str]:
    """The sound's shape at each time: the latest shape stamped at or before it (a live mouth holds its shape
    until the next one), the first shape before that."""
    stamps = np.array([seconds for seconds, _ in shapes], dtype=np.float64)
    picks = np.clip(np.searchsorted(stamps, times + 1e-9, side="right") - 1, 0, len(shapes) - 1)
    return [shapes[i][1] for i in picks]


def _face_positions(project: Project, driver: MouthDriver, face: Take, values: np.ndarray) -> np.ndarray:
    """Every keypoint's position per frame [T, K, 2]: the face take's bound keypoints, the rest at rest (as in the
    live pose); a value the tracker never gave stays at rest."""
    base = np.repeat(driver.rest[None, :, :2], len(values), axis=0)
    columns = [[kp.id for kp in project.keypoints].index(kp_id) for kp_id in face.keypoint_ids]
    taken = values[:, :, :2]
    base[:, columns] = np.where(np.isfinite(taken), taken, base[:, columns])
    return base


def sound_over_take(project: Project, face: Take, face_start: float, shapes: Sequence[tuple[float, str]],
                    sound_offset: float, name: str) -> Take:
    """One take of a face recording and a sound recorded together.

    ``face``: the face tracker's take (times from its first sample), whose first sample is at ``face_start`` on the
    shared clock; ``shapes``: the sound's (seconds, shape), at ``seconds + sound_offset`` on that clock. The take
    keeps the face's samples inside the span both cover, with the mouth keypoints' positions from the shape heard
    at each sample (their rotation and scale stay the face tracker's when it drives them). UserError when nothing
    was heard, the project has no mouth keypoints, or the two never overlapped.
    """
    if not shapes:
        raise UserError("no sound was heard while recording: check the microphone or the sound file")
    driver = MouthDriver(project)
    stamps = np.array([seconds for seconds, _ in shapes], dtype=np.float64) + sound_offset
    face_times = face.times + face_start
    keep = (face_times >= stamps[0] - 1e-9) & (face_times <= stamps[-1] + 1e-9)
    if not keep.any():
        raise UserError(NO_OVERLAP)
    times, face_values = face_times[keep], face.values[keep]
    moved = driver.over(shapes_at(shapes, times - sound_offset), _face_positions(project, driver, face, face_values))
    extra = tuple(kp_id for kp_id in driver.keypoint_ids if kp_id not in face.keypoint_ids)
    ids = face.keypoint_ids + extra
    values = np.concatenate([face_values, np.repeat(driver.rest[None, [_index(project, k) for k in extra]],
                                                    len(times), axis=0)], axis=1)
    valid = np.concatenate([face.valid[keep], np.ones((len(times), len(extra)), bool)], axis=1)
    for kp_id in driver.keypoint_ids:
        column = ids.index(kp_id)
        values[:, column, :2] = moved[:, _index(project, kp_id)]
        valid[:, column] = True
    return Take(name, ids, times - times[0], values, valid)


def _index(project: Project, kp_id: str) -> int:
    return next(i for i, kp in enumerate(project.keypoints) if kp.id == kp_id)
