"""The preview panel: shows the generated frame, with the device, what the frame is (draft, cached), the render
time and frame rate, and a note (e.g. playback slower than the shot's rate)."""

from __future__ import annotations

import collections
import re
import time

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPaintEvent
from PySide6.QtWidgets import QPushButton, QSizePolicy, QWidget

from studio.ui.images import image_from_array
from studio.ui.preview.preview_worker import PreviewResult

_THREADS = re.compile(r"\(\d+ threads?\)")


def with_thread_count(device: str, threads: int) -> str:
    """The device description with the thread count a frame really used, e.g. "fomm on CPU (2 threads)".

    The description is made when the preview is set up; a learned model's full frame may then use more threads
    than its drafts (preview_thread_count). Unchanged when ``threads`` is 0 or the device names no threads.
    """
    if threads <= 0:
        return device
    return _THREADS.sub(f"({threads} thread{'s' if threads != 1 else ''})", device, count=1)


class PreviewView(QWidget):
    """Paints the newest preview result scaled to fit; ``painted(seq)`` fires after a frame reaches the screen.

``image_shown(QImage)`` hands each newly shown frame on (the canvas overlay draws it too, no extra render).

    A new frame is painted at once (``repaint``), not at the next turn of the event loop: while dragging,
    the GUI thread is busy with the following mouse events and a deferred paint would wait behind them.
    """

    painted = Signal(int)
    image_shown = Signal(QImage)
    action_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("preview")
        self.setMinimumSize(160, 160)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self._image: QImage | None = None
        self._seq = 0
        self._frame: float | None = None
        self._painted_seq = 0
        self._render_ms = 0.0
        self._threads = 0
        self._device = "starting renderer…"
        self._message = ""
        self._note = ""
        self._draft = False
        self._cached = False
        self._shown_at: collections.deque[float] = collections.deque(maxlen=60)
        self.action_button = QPushButton(self)
        self.action_button.setObjectName("previewAction")
        self.action_button.hide()
        self.action_button.clicked.connect(self.action_requested.emit)

    @property
    def shown_seq(self) -> int:
        """Sequence number of the result on display (0 before the first)."""
        return self._seq

    @property
    def shown_frame(self) -> float | None:
        """The frame number of the result on display."""
        return self._frame

    @property
    def shown_draft(self) -> bool:
        """True when the frame on display is a draft (a drag or scrub is in progress)."""
        return self._draft

    @property
    def shown_cached(self) -> bool:
        """True when the frame on display came from the shot's frame cache."""
        return self._cached

    @property
    def image(self) -> QImage | None:
        """The frame on display."""
        return self._image

    def fps(self) -> float:
        """Frames shown per second over the last second."""
        now = time.perf_counter()
        recent = [t for t in self._shown_at if now - t <= 1.0]
        if len(recent) < 2:
            return 0.0
        return (len(recent) - 1) / max(recent[-1] - recent[0], 1e-6)

    def show_result(self, result: PreviewResult) -> bool:
        """Display a result unless it is older than the one shown (stale); return whether it was shown."""
        if result.seq <= self._seq:
            return False
        self._image = image_from_array(result.image)
        self._seq = result.seq
        self._frame = result.frame
        self._render_ms = result.render_ms
        self._draft = result.draft
        self._cached = result.cached
        self._threads = result.threads
        self._message = ""
        self.action_button.hide()
        self._shown_at.append(time.perf_counter())
        self.repaint()
        self.image_shown.emit(self._image)
        return True

    def set_device(self, description: str) -> None:
        """Show which generator and device render the preview."""
        self._device = description
        self.update()

    def set_message(self, message: str, action: str = "") -> None:
        """Show a one-line problem over the preview (empty to clear), with a button offering ``action``."""
        self._message = message
        self.action_button.setText(action)
        self.action_button.setVisible(bool(message and action))
        if action:
            self.action_button.adjustSize()
            self.action_button.move(10, 10 + 3 * self.fontMetrics().height())
        self.update()

    def set_note(self, note: str) -> None:
        """Show a one-line note above the status line (empty to clear), e.g. the playback rate."""
        if note != self._note:
            self._note = note
            self.update()

    @property
    def note(self) -> str:
        """The note above the status line ("" when none)."""
        return self._note

    def status_text(self) -> str:
        """The status line: generator and device, what the frame is, render time, frames per second."""
        parts = [self._device if self._image is None else with_thread_count(self._device, self._threads)]
        if self._image is not None and self._draft:
            parts.append("draft")
        if self._image is not None and self._cached:
            parts.append("cached")
        if self._image is not None and not self._cached:
            parts.append(f"{self._render_ms:.0f} ms")
        fps = self.fps()
        if fps:
            parts.append(f"{fps:.0f} fps")
        return " · ".join(parts)

    @property
    def message(self) -> str:
        """The problem shown over the preview ("" when none)."""
        return self._message

    def clear(self) -> None:
        """Forget the frame on display (a new project is loading)."""
        self._image = None
        self._frame = None
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        """Draw the frame letterboxed, then the note (wrapped) and the info line under it."""
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#141518"))
        wrap = Qt.AlignmentFlag.AlignBottom | Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap
        note_height = 0
        if self._note:
            width = self.rect().adjusted(10, 0, -10, 0)
            note_height = self.fontMetrics().boundingRect(width, wrap, self._note).height()
        if self._image is not None:
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            area = self.rect().adjusted(8, 8, -8, -30 - note_height)
            scale = min(area.width() / self._image.width(), area.height() / self._image.height())
            w, h = self._image.width() * scale, self._image.height() * scale
            target = QRectF(area.x() + (area.width() - w) / 2, area.y() + (area.height() - h) / 2, w, h)
            painter.drawImage(target, self._image)
            if self._draft:
                self._paint_badge(painter, target, "DRAFT")
        painter.setPen(QColor("#9aa0aa"))
        bottom_left = Qt.AlignmentFlag.AlignBottom | Qt.AlignmentFlag.AlignLeft
        painter.drawText(self.rect().adjusted(10, 0, -10, -8), bottom_left, self.status_text())
        if self._note:
            painter.setPen(QColor("#e0b050"))
            painter.drawText(self.rect().adjusted(10, 0, -10, -8 - self.fontMetrics().height()), wrap, self._note)
        if self._message:
            painter.setPen(QColor("#ff8787"))
            painter.drawText(self.rect().adjusted(10, 10, -10, -10),
                             Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap,
                             self._message)
        painter.end()
        if self._seq != self._painted_seq:
            self._painted_seq = self._seq
            self.painted.emit(self._seq)

    def _paint_badge(self, painter: QPainter, target: QRectF, text: str) -> None:
        """A small label in the frame's top-right corner (the frame is a draft)."""
        metrics = self.fontMetrics()
        width, height = metrics.horizontalAdvance(text) + 12, metrics.height() + 4
        badge = QRectF(target.right() - width - 6, target.top() + 6, width, height)
        painter.fillRect(badge, QColor(20, 21, 24, 200))
        painter.setPen(QColor("#e0b050"))
        painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, text)
