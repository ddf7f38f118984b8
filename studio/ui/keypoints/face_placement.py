"""Auto-place face keypoints: mediapipe runs on a worker thread, the result lands as one undo step."""

from __future__ import annotations

from collections.abc import Callable

from studio.core.keypoints import Keypoint
from studio.ui.keypoints.placement_job import start_placement
from studio.ui.session import Session
from studio.ui.threads import BackgroundJob


def detect_face_keypoints(source_png: bytes) -> list[Keypoint]:
    """Decode the source image and place the face preset on it under a "head" parent, as ``new --keypoints face``
    does (UserError when no face is found)."""
    from studio.capture.face_preset import place_face_keypoints, with_head_parent
    from studio.core.presets import named_keypoints
    from studio.media.image_io import decode_image

    return with_head_parent(named_keypoints(place_face_keypoints(decode_image(source_png, "the source image"))))


def start_face_placement(session: Session, on_done: Callable[[int], None], on_failure: Callable[[str], None],
                         parent: object = None, on_finished: Callable[[], None] | None = None) -> BackgroundJob:
    """Detect the face on a worker; on success add the keypoints as one undo step and report how many."""
    return start_placement(session, lambda png: detect_face_keypoints(png), "Auto-place face keypoints", on_done,
                           on_failure, parent, on_finished)
