"""Feeds live puppet poses to the window's preview worker in place of the timeline's sampled pose.

While active, the poses it is offered go out at most one per LIVE_MIN_INTERVAL_MS (the newest waiting pose wins,
and the worker's one-slot mailbox keeps only the newest too), and the timeline is kept from overriding them.
"""

from __future__ import annotations

import time
from typing import Protocol

from PySide6.QtCore import QObject, QTimer, Signal

from studio.core.project import PoseArrays
from studio.ui.session import Session

LIVE_MIN_INTERVAL_MS = 15


class PoseWorker(Protocol):
    """Renders a driving pose for a frame; returns the request's sequence number (the preview worker)."""

    def request(self, frame: int, rest: PoseArrays, driving: PoseArrays) -> int: ...


class PreviewTarget(Protocol):
    """The pose sink: the timeline's link to the preview worker, which live mode pauses (the preview link)."""

    paused: bool
    worker: PoseWorker

    def request(self) -> int: ...


class LivePreviewFeed(QObject):
    """Sends ``preview.worker.request(frame, project.rest_pose(), live_pose)`` for live poses.

    ``sent(seq, timestamp)`` fires per request with the worker's sequence number and the pose's source timestamp.
    """

    sent = Signal(int, float)

    def __init__(self, session: Session, preview: PreviewTarget, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._preview = preview
        self._timer = QTimer(self, singleShot=True)
        self._timer.timeout.connect(self._send_pending)
        self._pending: tuple[PoseArrays, float] | None = None
        self._last_pose: PoseArrays | None = None
        self._last_sent = 0.0
        self.active = False

    def start(self) -> None:
        """Take over the preview: pause the timeline's requests."""
        self.active = True
        self._preview.paused = True

    def stop(self) -> None:
        """Give the preview back to the timeline and render the current frame again."""
        was_active, self.active = self.active, False
        self._timer.stop()
        self._pending = None
        self._last_pose = None
        if not was_active:
            return
        self._preview.paused = False
        self._preview.request()

    def offer(self, pose: PoseArrays, timestamp: float) -> None:
        """A new live pose: send it now, or when the rate limit allows if nothing newer arrives first."""
        if not self.active:
            return
        self._pending = (pose, timestamp)
        if self._timer.isActive():
            return
        waited_ms = (time.monotonic() - self._last_sent) * 1000.0
        if waited_ms >= LIVE_MIN_INTERVAL_MS:
            self._send_pending()
        else:
            self._timer.start(max(1, int(LIVE_MIN_INTERVAL_MS - waited_ms)))

    def reassert(self) -> None:
        """The timeline just requested its own frame (frame or document change): send the live pose after it, so
        the newest request in the worker's mailbox is the performer's (the fallback when the link cannot pause).
        """
        if self.active and self._last_pose is not None:
            self._request(self._last_pose)

    def _send_pending(self) -> None:
        if self._pending is None or not self.active:
            return
        pose, timestamp = self._pending
        self._pending = None
        self._last_pose = pose
        self._last_sent = time.monotonic()
        self.sent.emit(self._request(pose), timestamp)

    def _request(self, pose: PoseArrays) -> int:
        project = self._session.project
        if pose.positions.shape[1] != len(project.keypoints):
            return 0
        return self._preview.worker.request(self._session.current_frame, project.rest_pose(), pose)
