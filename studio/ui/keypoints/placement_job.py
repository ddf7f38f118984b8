"""Placing detected keypoints from the Keypoints menu: detection on a worker thread, one undo step on the GUI thread."""

from __future__ import annotations

from collections.abc import Callable

from studio.core.keypoints import Keypoint
from studio.core.presets import add_keypoints_edit
from studio.ui.session import Session
from studio.ui.threads import BackgroundJob, start_job


def start_placement(session: Session, detect: Callable[[bytes], list[Keypoint]], label: str,
                    on_done: Callable[[int], None], on_failure: Callable[[str], None],
                    parent: object = None, on_finished: Callable[[], None] | None = None) -> BackgroundJob:
    """Run ``detect`` on the project's source image off the GUI thread; add what it finds as one undo step
    (``label``), select it and report how many. A result for a project replaced meanwhile is dropped;
    ``on_finished`` runs when the worker has ended, whatever the outcome."""
    project = session.project

    def done(keypoints: list[Keypoint]) -> None:
        if session.project is not project:
            return
        session.push(add_keypoints_edit(project, keypoints, label))
        session.finish_gesture()
        session.set_selection([kp.id for kp in keypoints])
        on_done(len(keypoints))

    return start_job(lambda: detect(project.source_png), done, on_failure, parent, on_finished)
