"""The recording countdown drawn large over a host widget (the window's preview), then a small REC badge."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent
from PySide6.QtWidgets import QWidget

DIGIT_SHARE = 0.45  # the digit's height as a share of the host's shorter side
MIN_DIGIT_PX = 72
REC_COLOUR = QColor("#ff4d4f")


class CountdownOverlay(QWidget):
    """A see-through child covering ``host``: ``show_count(3)`` paints a big 3 in a dark disc in its centre,
    ``show_recording()`` a red "● REC" badge in the top-left corner, ``clear()`` hides it. Mouse events pass through.
    """

    def __init__(self, host: QWidget) -> None:
        super().__init__(host)
        self.setObjectName("captureCountdown")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self._text = ""
        self._recording = False
        host.installEventFilter(self)
        self.setGeometry(host.rect())
        self.hide()

    @property
    def text(self) -> str:
        """What the overlay shows: the digit, "● REC" or "" when hidden."""
        return self._text

    def digit_pixel_size(self) -> int:
        """The digit's font size in pixels at the current size."""
        return max(MIN_DIGIT_PX, int(min(self.width(), self.height()) * DIGIT_SHARE))

    def show_count(self, count: int) -> None:
        """Show ``count`` large in the middle."""
        self._show(str(count), recording=False)

    def show_recording(self) -> None:
        """Show the REC badge while recording."""
        self._show("● REC", recording=True)

    def clear(self) -> None:
        """Hide the overlay."""
        self._text = ""
        self.hide()

    def _show(self, text: str, recording: bool) -> None:
        self._text, self._recording = text, recording
        self.setGeometry(self.parentWidget().rect())
        self.show()
        self.raise_()
        self.update()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Follow the host's size."""
        if watched is self.parentWidget() and event.type() == QEvent.Type.Resize:
            self.setGeometry(self.parentWidget().rect())
        return False

    def paintEvent(self, event: QPaintEvent) -> None:
        """The digit in a dark disc, or the REC badge."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        font = QFont(self.font())
        if self._recording:
            font.setPixelSize(22)
            font.setBold(True)
            painter.setFont(font)
            painter.setPen(REC_COLOUR)
            painter.drawText(QRectF(16, 12, 200, 32), Qt.AlignmentFlag.AlignLeft, self._text)
            return
        size = self.digit_pixel_size()
        disc = QRectF(0, 0, size * 1.6, size * 1.6)
        disc.moveCenter(QRectF(self.rect()).center())
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(0, 0, 0, 150))
        painter.drawEllipse(disc)
        font.setPixelSize(size)
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(QColor("#ffffff"))
        painter.drawText(disc, Qt.AlignmentFlag.AlignCenter, self._text)
