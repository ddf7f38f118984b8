"""Auto-place face keypoints: mediapipe runs on a worker thread, the result lands as one undo step."""

from __future__ import annotations

from collections.abc import Callable

from studio.core.edits import AddKeypoint, Macro
from studio.core.keypoints import Keypoint
from studio.core.project import Project
from studio.ui.session import Session
from studio.ui.threads import BackgroundJob, start_job


def detect_face_keypoints(source_png: bytes) -> list[Keypoint]:
    """Decode the source image and place the face preset on it under a "head" parent, as ``new --keypoints face``
    does (UserError when no face is found)."""
    from studio.capture.face_preset import place_face_keypoints, with_head_parent
    from studio.core.presets import named_keypoints
    from studio.media.image_io import decode_image

    return with_head_parent(named_keypoints(place_face_keypoints(decode_image(source_png, "the source image"))))


def add_keypoints_edit(project: Project, keypoints: list[Keypoint]) -> Macro:
    """One undo step adding the keypoints, renaming any whose name is already taken."""
    taken = {kp.name for kp in project.keypoints}
    edits = []
    for keypoint in keypoints:
        name, number = keypoint.name, 2
        while name in taken:
            name, number = f"{keypoint.name} {number}", number + 1
        taken.add(name)
        edits.append(AddKeypoint(keypoint.with_changes(name=name)))
    return Macro(list(edits), "Auto-place face keypoints")


def start_face_placement(session: Session, on_done: Callable[[int], None],
                         on_failure: Callable[[str], None], parent: object = None) -> BackgroundJob:
    """Run detection for the session's project; on success push the edit and report how many were added.

    A result for a project that was replaced meanwhile is dropped.
    """
    project = session.project

    def done(keypoints: list[Keypoint]) -> None:
        if session.project is not project:
            return
        session.push(add_keypoints_edit(project, keypoints))
        session.finish_gesture()
        session.set_selection([kp.id for kp in keypoints])
        on_done(len(keypoints))

    return start_job(lambda: detect_face_keypoints(project.source_png), done, on_failure, parent)
